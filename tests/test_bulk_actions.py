"""Bulk actions of the admin lists (cms/bulk_actions.py): publish and unpublish for
publishers, "mark verified today" for anyone who edits clusters; each change a
revision, live for a publisher, a draft for anyone else; and one dashboard entry
for a bulk change, an import included."""

from http import HTTPStatus

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster, MembershipSnapshot
from cms import revisions
from tests.admin_forms import change_url, form_values
from tests.factories import make_cluster, make_snapshot
from tests.test_dashboard import dashboard
from tests.test_review import import_figures, make_draft, post_form

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:clusters_cluster_changelist")


def run_action(client, action, *records):
    return client.post(
        CHANGELIST,
        {"action": action, helpers.ACTION_CHECKBOX_NAME: [obj.pk for obj in records]},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_publisher_unpublishes_and_publishes_the_selected_clusters(client, publisher):
    shown = make_cluster(name_pl="Klaster Widoczny")
    other = make_cluster(name_pl="Klaster Inny")
    client.force_login(publisher)

    response = run_action(client, "unpublish_selected", shown)

    assert "Wycofano z publikacji 1 rekord" in messages_of(response)[0]
    shown.refresh_from_db()
    other.refresh_from_db()
    assert (shown.is_published, other.is_published) == (False, True)
    client.logout()
    assert client.get(shown.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    live = revisions.live_of(Cluster, shown.pk)
    assert live.content["fields"]["is_published"] is False
    assert live.comment == "Wycofano z publikacji z listy"

    client.force_login(publisher)
    response = run_action(client, "publish_selected", shown, other)

    assert messages_of(response) == ["Opublikowano 1 rekord."]  # the other one was
    client.logout()
    assert client.get(shown.get_absolute_url()).status_code == HTTPStatus.OK


def test_unpublishing_is_not_undone_by_publishing_an_older_draft(
    client, editor, publisher
):
    cluster = make_cluster(other_names_pl="Stary.")
    draft = make_draft(cluster, editor, other_names_pl="Nowy.")
    client.force_login(publisher)
    run_action(client, "unpublish_selected", cluster)

    carried = revisions.draft_of(Cluster, cluster.pk)
    assert carried.pk != draft.pk
    assert carried.content["fields"]["is_published"] is False
    assert carried.content["fields"]["other_names_pl"] == "Nowy."


def test_editors_have_no_publication_actions_and_cannot_post_them(client, editor):
    cluster = make_cluster()
    client.force_login(editor)
    page = client.get(CHANGELIST).content.decode()
    assert "unpublish_selected" not in page and "mark_verified_today" in page

    run_action(client, "unpublish_selected", cluster)

    cluster.refresh_from_db()
    assert cluster.is_published


def test_an_editor_marks_clusters_verified_today_in_drafts(client, editor):
    cluster = make_cluster(name_pl="Klaster Sprawdzony")
    client.force_login(editor)

    response = run_action(client, "mark_verified_today", cluster)

    assert "w jego szkicu" in messages_of(response)[0]
    cluster.refresh_from_db()
    assert cluster.verified_on is None  # visitors see the stored record
    draft = revisions.draft_of(Cluster, cluster.pk)
    assert draft.content["fields"]["verified_on"] == timezone.localdate().isoformat()


def test_a_publisher_marks_clusters_verified_today_at_once(client, publisher):
    clusters = [make_cluster(), make_cluster()]
    client.force_login(publisher)

    response = run_action(client, "mark_verified_today", *clusters)

    assert messages_of(response) == ["Oznaczono 2 klastry jako zweryfikowane dzisiaj."]
    for cluster in clusters:
        cluster.refresh_from_db()
        assert cluster.verified_on == timezone.localdate()


def test_a_form_opened_before_a_bulk_change_is_refused(client, publisher):
    cluster = make_cluster(other_names_pl="Stary.")
    client.force_login(publisher)
    opened = form_values(client.get(change_url(cluster)).content.decode())
    run_action(client, "mark_verified_today", cluster)
    opened["other_names_pl"] = ["Nadpisany."]
    client.post(change_url(cluster), opened)

    cluster.refresh_from_db()
    assert cluster.verified_on == timezone.localdate()
    assert cluster.other_names_pl == "Stary."


# One dashboard entry per bulk change


@pytest.fixture
def four_clusters():
    clusters = [make_cluster(key=f"klaster-{n}") for n in range(4)]
    for cluster in clusters:
        make_snapshot(cluster, year=2023, members=20, enterprises=15)
    return clusters


def test_an_editors_import_waits_for_publication_as_one_entry(
    client, editor, four_clusters
):
    client.force_login(editor)
    import_figures(client, [[c.key, 2024, 30, 20] for c in four_clusters])

    waiting = dashboard(client).split("Czeka na publikację", 1)[1]
    waiting = waiting.split("</table>", 1)[0]

    assert waiting.count("<tr>") == 2  # the heading and the import
    assert "Import danych rocznych z pliku figures.csv" in waiting
    assert "4 rekordy (klaster)" in waiting
    ids = ",".join(str(c.pk) for c in sorted(four_clusters, key=lambda c: c.pk))
    listed = f"{CHANGELIST}?id__in={ids.replace(',', '%2C')}"
    assert listed in waiting
    page = client.get(listed).content.decode()
    assert all(change_url(cluster) in page for cluster in four_clusters)


def test_a_publishers_import_is_one_recent_change(client, publisher, four_clusters):
    client.force_login(publisher)
    import_figures(client, [[c.key, 2024, 30, 20] for c in four_clusters])

    recent = dashboard(client).split("Ostatnie zmiany", 1)[1]
    first_row = recent.split("<tbody>", 1)[1].split("</tr>", 1)[0]

    assert "Import danych rocznych z pliku figures.csv" in first_row
    assert "4 rekordy (stan członkostwa)" in first_row
    assert recent.count("(2024)") == 0  # no row per snapshot
    snapshots = MembershipSnapshot.objects.filter(year=2024).order_by("pk")
    assert "id__in=" + "%2C".join(str(s.pk) for s in snapshots) in first_row


def test_separate_edits_stay_separate_entries(client, editor):
    clusters = [make_cluster(name_pl=f"Klaster {n}") for n in range(2)]
    client.force_login(editor)
    for cluster in clusters:
        assert post_form(client, cluster, other_names_pl="Zmiana.").status_code == 302

    waiting = dashboard(client).split("Czeka na publikację", 1)[1]

    assert "Klaster 0" in waiting and "Klaster 1" in waiting
