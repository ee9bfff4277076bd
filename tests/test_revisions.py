"""Revisions: an editor's save of a live record is a draft until a publisher
publishes it; one revision per save, none for a save that changes nothing; a
revision holds the whole record, inline rows included."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from clusters.models import Cluster
from cms import review, revisions
from cms.caching import content_version
from cms.models import Revision
from cms.revision_admin import RevisionAdminMixin
from ecosystems.models import Highland
from tests.admin_forms import change_url, open_form
from tests.factories import (
    make_cluster,
    make_highland,
    make_item,
    make_snapshot,
    make_team_member,
)
from tests.staff_sessions import StaffClient

pytestmark = pytest.mark.django_db


def submitted(values: dict[str, list[str]], **changes) -> dict:
    """The form as a browser posts it, with `changes` typed in."""
    return values | {name: [value] for name, value in changes.items()}


@pytest.fixture
def live_cluster():
    cluster = make_cluster(characteristics_pl="Stary opis.", characteristics_en="Old.")
    make_item(cluster, text_pl="Pierwszy cel", text_en="First goal")
    make_snapshot(cluster, year=2024, members=10)
    return cluster


def test_an_editors_save_of_a_live_record_is_a_draft(client, editor, live_cluster):
    client.force_login(editor)
    values = open_form(client, live_cluster)
    response = client.post(
        change_url(live_cluster),
        submitted(values, characteristics_pl="Nowy opis.", **{"_continue": "1"}),
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    live_cluster.refresh_from_db()
    assert live_cluster.characteristics_pl == "<p>Stary opis.</p>"
    draft = revisions.draft_of(Cluster, live_cluster.pk)
    assert draft is not None
    assert draft.content["fields"]["characteristics_pl"] == "<p>Nowy opis.</p>"
    assert draft.created_by == editor
    # The form opens on the draft.
    assert open_form(client, live_cluster)["characteristics_pl"] == [
        "<p>Nowy opis.</p>"
    ]
    public = client.get(live_cluster.get_absolute_url())
    assert "Nowy opis." not in public.content.decode()


def test_a_save_that_changes_nothing_makes_no_revision(client, editor, live_cluster):
    client.force_login(editor)
    values = open_form(client, live_cluster)
    before = Revision.objects.count()
    response = client.post(change_url(live_cluster), submitted(values))
    assert response.status_code == HTTPStatus.FOUND
    assert Revision.objects.count() == before


def test_a_publishers_save_publishes_one_revision(client, publisher, live_cluster):
    client.force_login(publisher)
    values = open_form(client, live_cluster)
    before = Revision.objects.count()
    client.post(change_url(live_cluster), submitted(values, characteristics_pl="Nowy."))
    live_cluster.refresh_from_db()
    assert live_cluster.characteristics_pl == "<p>Nowy.</p>"
    assert Revision.objects.count() == before + 1
    assert revisions.draft_of(Cluster, live_cluster.pk) is None


def edit_as(client, obj, edit) -> None:
    """Opens the record's form, applies `edit` to its values, saves and continues."""
    data = open_form(client, obj)
    edit(data)
    response = client.post(change_url(obj), data | {"_continue": ["1"]})
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]


def draft_everything(data) -> None:
    """A text, a name and address in both languages, a figure and a list item."""
    data["name_pl"] = ["Klaster Szkicowy"]
    data["name_en"] = ["Draft Cluster"]
    data["slug_pl"] = ["klaster-szkicowy"]
    data["slug_en"] = ["draft-cluster"]
    data["characteristics_en"] = ["Draft description."]
    data["snapshots-0-members"] = ["777"]
    index = int(data["items-TOTAL_FORMS"][0])
    data["items-TOTAL_FORMS"] = [str(index + 1)]
    data[f"items-{index}-kind"] = ["goal"]
    data[f"items-{index}-order"] = ["1"]
    data[f"items-{index}-text_pl"] = ["Szkicowy cel"]
    data[f"items-{index}-text_en"] = ["Draft goal"]


def test_a_draft_keeps_inline_rows_and_figures_out_of_the_tables(
    client, editor, live_cluster
):
    client.force_login(editor)
    edit_as(client, live_cluster, draft_everything)

    assert not live_cluster.items.filter(text_en="Draft goal").exists()
    assert live_cluster.snapshots.get().members == 10
    draft = revisions.draft_of(Cluster, live_cluster.pk)
    assert {row["fields"]["text_en"] for row in draft.content["children"]["items"]} == {
        "First goal",
        "Draft goal",
    }
    assert draft.content["children"]["snapshots"][0]["fields"]["members"] == 777
    reopened = open_form(client, live_cluster)
    assert "Draft goal" in reopened["items-0-text_en"] + reopened["items-1-text_en"]
    assert reopened["snapshots-0-members"] == ["777"]


PUBLIC_ADDRESSES = [
    "/pl/",
    "/en/",
    "/pl/klastry/",
    "/en/clusters/",
    "/en/clusters/?q=Draft",
    "/pl/klastry/?q=Szkicowy",
    "/api/v1/clusters.json",
    "/api/v1/clusters.csv",
    "/api/v1/highlands.json",
    "/sitemap.xml",
    "/sitemap-clusters.xml",
]
DRAFT_WORDS = [
    "Draft Cluster",
    "Klaster Szkicowy",
    "draft-cluster",
    "Draft goal",
    "777",
]


def test_no_draft_content_reaches_visitors_exports_or_the_sitemap(
    client, editor, live_cluster
):
    old_address = live_cluster.get_absolute_url()
    client.force_login(editor)
    edit_as(client, live_cluster, draft_everything)
    visitor = Client()

    for address in [*PUBLIC_ADDRESSES, old_address]:
        response = visitor.get(address)
        assert response.status_code == HTTPStatus.OK, address
        body = response.getvalue().decode()
        assert not [word for word in DRAFT_WORDS if word in body], address
    assert visitor.get("/en/clusters/draft-cluster/").status_code == 404


def test_preview_shows_the_draft_in_both_languages(client, editor, live_cluster):
    client.force_login(editor)
    edit_as(client, live_cluster, draft_everything)
    preview = {
        code: client.get(
            reverse("admin:clusters_cluster_preview", args=[live_cluster.pk, code])
        ).content.decode()
        for code in ("pl", "en")
    }
    assert "Klaster Szkicowy" in preview["pl"] and "Szkicowy cel" in preview["pl"]
    assert "Draft Cluster" in preview["en"] and "Draft goal" in preview["en"]
    assert "777" in preview["en"]
    # Rendering the preview wrote nothing.
    live_cluster.refresh_from_db()
    assert live_cluster.name_en != "Draft Cluster"


def test_a_publisher_publishes_the_editors_draft_by_saving_it(
    client, editor, publisher, live_cluster
):
    client.force_login(editor)
    edit_as(client, live_cluster, draft_everything)
    client.force_login(publisher)
    edit_as(client, live_cluster, lambda data: None)

    live_cluster.refresh_from_db()
    assert live_cluster.name_en == "Draft Cluster"
    assert live_cluster.items.filter(text_en="Draft goal").exists()
    assert live_cluster.snapshots.get().members == 777
    assert revisions.draft_of(Cluster, live_cluster.pk) is None
    assert "Draft goal" in Client().get("/en/clusters/draft-cluster/").content.decode()


def test_editors_cannot_delete_a_live_record(client, editor, live_cluster):
    client.force_login(editor)
    url = reverse("admin:clusters_cluster_delete", args=[live_cluster.pk])
    assert client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert Cluster.objects.filter(pk=live_cluster.pk).exists()


def test_two_editors_on_the_same_draft_the_second_save_is_refused(
    client, editor, live_cluster
):
    other = User.objects.create_user(
        "piotr", password="unused-Password-1", is_staff=True
    )
    other.groups.add(Group.objects.get(name="editors"))
    piotr = StaffClient()
    piotr.force_login(other)
    client.force_login(editor)
    anna_form, piotr_form = (
        open_form(client, live_cluster),
        open_form(piotr, live_cluster),
    )

    anna_form["characteristics_pl"] = ["Opis Anny."]
    assert client.post(change_url(live_cluster), anna_form).status_code == 302
    piotr_form["characteristics_pl"] = ["Opis Piotra."]
    refused = piotr.post(change_url(live_cluster), piotr_form)

    assert refused.status_code == HTTPStatus.OK
    page = refused.content.decode()
    assert "editor zapisał(a) ten rekord" in page
    assert "Charakterystyka [pl]: „Stary opis.” → „Opis Anny.”" in page
    draft = revisions.draft_of(Cluster, live_cluster.pk)
    assert draft.content["fields"]["characteristics_pl"] == "<p>Opis Anny.</p>"
    assert revisions.revisions_of(live_cluster).count() == 2


def test_drafts_leave_the_cached_public_pages_valid(
    client, editor, live_cluster, settings, request
):
    # A cache of the test's own: the shared one may cull the version key.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }
    client.force_login(editor)
    edit_as(client, live_cluster, draft_everything)
    version = content_version()

    open_form(client, live_cluster)
    client.get(reverse("admin:clusters_cluster_preview", args=[live_cluster.pk, "en"]))
    edit_as(client, live_cluster, lambda data: data.update(website=["https://a.pl"]))

    assert content_version() == version


def test_a_team_members_change_is_previewed_on_the_contact_page(client, editor):
    member = make_team_member(phone="81 466 25 05")
    team = member.team
    client.force_login(editor)

    def new_phone(data):
        data["members-0-phone"] = ["81 466 99 99"]

    edit_as(client, team, new_phone)

    assert Client().get("/pl/kontakt/").content.decode().count("81 466 99 99") == 0
    for code in ("pl", "en"):
        preview = client.get(
            reverse("admin:contacts_team_preview", args=[team.pk, code])
        ).content.decode()
        assert "81 466 99 99" in preview
    member.refresh_from_db()
    assert member.phone == "81 466 25 05"


def test_a_revision_keeps_both_languages_and_never_the_bare_column(live_cluster):
    """django-modeltranslation's bare `name` mirrors the active language: stored, it
    would overwrite one language with the other when restored."""
    content = revisions.snapshot(live_cluster)
    assert "name" not in content["fields"]
    assert {"name_pl", "name_en"} <= content["fields"].keys()
    item = content["children"]["items"][0]["fields"]
    assert "text" not in item and {"text_pl", "text_en"} <= item.keys()

    names = (live_cluster.name_pl, live_cluster.name_en)
    Cluster.objects.filter(pk=live_cluster.pk).update(name_pl="X", name_en="Y")
    with translation.override("en"):
        revisions.restore(Cluster, content)

    live_cluster.refresh_from_db()
    assert (live_cluster.name_pl, live_cluster.name_en) == names


def test_a_row_new_in_a_draft_never_takes_over_another_records_row(
    client, editor, live_cluster
):
    """On SQLite the sandbox's rollback also rolls back the id counter: the row the
    draft added must not share its id with the next row anyone adds."""
    client.force_login(editor)

    def add_item(data):
        index = int(data["items-TOTAL_FORMS"][0])
        data["items-TOTAL_FORMS"] = [str(index + 1)]
        data[f"items-{index}-kind"] = ["goal"]
        data[f"items-{index}-order"] = ["1"]
        data[f"items-{index}-text_pl"] = ["Cel ze szkicu"]

    edit_as(client, live_cluster, add_item)
    other = make_cluster()
    others_item = make_item(other, text_pl="Cel innego klastra")

    review.publish(revisions.draft_of(Cluster, live_cluster.pk), None)

    others_item.refresh_from_db()
    assert (others_item.cluster, others_item.text_pl) == (other, "Cel innego klastra")
    assert live_cluster.items.filter(text_pl="Cel ze szkicu").exists()


def test_publishing_a_draft_keeps_links_made_since_from_the_other_side(client, editor):
    """Highlands cooperate both ways: a link made on one Highland's form must
    survive publishing the other's draft, which never saw it."""
    first, second = make_highland(), make_highland()
    client.force_login(editor)
    edit_as(client, second, lambda data: data.update(summary_pl=["Szkic."]))
    first.cooperates_with.add(second)  # published on the first one's form

    review.publish(revisions.draft_of(Highland, second.pk), None)

    second.refresh_from_db()
    assert second.summary_pl == "Szkic."
    assert list(second.cooperates_with.all()) == [first]


def test_a_draft_stored_while_saving_refuses_the_save_instead_of_being_replaced(
    client, editor, live_cluster, monkeypatch
):
    client.force_login(editor)
    values = open_form(client, live_cluster)
    keep = RevisionAdminMixin._keep_draft

    def someone_else_first(self, request, edit):
        # Another request's draft, committed between this one's sandbox and its own.
        content = revisions.snapshot(live_cluster)
        content["fields"]["characteristics_pl"] = "Szkic kogoś innego."
        content["fields"]["version"] += 1
        revisions.create(live_cluster, content, None, published=False)
        monkeypatch.setattr(RevisionAdminMixin, "_keep_draft", keep)
        return keep(self, request, edit)

    monkeypatch.setattr(RevisionAdminMixin, "_keep_draft", someone_else_first)
    response = client.post(
        change_url(live_cluster), submitted(values, characteristics_pl="Mój szkic.")
    )

    assert response.status_code == HTTPStatus.OK  # refused, the input kept
    page = response.content.decode()
    assert "Mój szkic." in page and "Zapisano szkic" not in page
    draft = revisions.draft_of(Cluster, live_cluster.pk)
    assert draft.content["fields"]["characteristics_pl"] == "Szkic kogoś innego."


def test_a_form_opened_before_an_imports_draft_cannot_publish_it_unseen(
    client, publisher, live_cluster
):
    client.force_login(publisher)
    values = open_form(client, live_cluster)
    with review.bulk_change(Cluster, None, publishing=False) as touched:
        live_cluster.snapshots.update(members=555)
        touched.add(live_cluster.pk)

    response = client.post(change_url(live_cluster), values)

    assert response.status_code == HTTPStatus.OK  # refused: a newer draft exists
    assert live_cluster.snapshots.get().members == 10


def test_scheduling_a_draft_makes_the_cached_pages_ask_again(
    publisher, live_cluster, settings, request
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }
    content = revisions.snapshot(live_cluster)
    content["fields"]["characteristics_pl"] = "Od poniedziałku."
    draft = revisions.create(live_cluster, content, publisher, published=False)
    version = content_version()

    review.schedule(draft, publisher, timezone.now() + timedelta(days=3))

    assert content_version() != version
