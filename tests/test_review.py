"""Review of drafts: an editor submits, publishers are e-mailed and see it on the
dashboard, a publisher publishes (now, at a time, in bulk) or sends it back with a
comment; an editor's import makes drafts. Nothing changes what visitors see without
the publish permission."""

import csv
import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.admin import helpers
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster, MembershipSnapshot
from clusters.resources import REQUIRED_COLUMNS
from cms import caching, review, revisions
from cms.models import Revision
from tests.admin_forms import change_url, form_values
from tests.factories import make_cluster, make_snapshot

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:clusters_cluster_changelist")


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    """A cache of this test's own: the next due time and page versions start empty."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture
def publisher(publisher):
    publisher.email = "publikujaca@lublin.eu"
    publisher.first_name, publisher.last_name = "Anna", "Nowak"
    publisher.save()
    return publisher


@pytest.fixture
def editor(editor):
    editor.email = "redaktor@lublin.eu"
    editor.first_name, editor.last_name = "Jan", "Kowalski"
    editor.save()
    return editor


@pytest.fixture
def cluster():
    # A plain text edited as a draft (the long texts are stored as HTML).
    return make_cluster(name_pl="Klaster Lubelski", other_names_pl="Opis publiczny.")


def post_form(client, obj, **changes):
    """The change form as a browser posts it, with `changes` typed in or pressed."""
    values = form_values(client.get(change_url(obj)).content.decode())
    values |= {name: [value] for name, value in changes.items()}
    return client.post(change_url(obj), values)


def make_draft(obj, user, **changes) -> Revision:
    """A draft of `obj` with `changes`, as an editor's save leaves it."""
    revisions.ensure_live_revision(obj)
    with revisions.sandbox(type(obj)):
        type(obj).objects.filter(pk=obj.pk).update(**changes)
        content = revisions.snapshot(type(obj).objects.get(pk=obj.pk))
    return revisions.create(obj, content, user, published=False)


def public_text(client, obj) -> str:
    client.logout()
    return client.get(obj.get_absolute_url()).content.decode()


# Submitting


def test_submitting_saves_a_draft_marks_it_and_emails_publishers(
    client, editor, publisher, cluster
):
    client.force_login(editor)
    response = post_form(
        client,
        cluster,
        other_names_pl="Opis do sprawdzenia.",
        **{review.SUBMIT: "1"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == change_url(cluster)
    draft = revisions.draft_of(Cluster, cluster.pk)
    assert draft.content["fields"]["other_names_pl"] == "Opis do sprawdzenia."
    assert draft.submitted_by == editor and draft.submitted_at is not None
    cluster.refresh_from_db()
    assert cluster.other_names_pl == "Opis publiczny."
    (message,) = mail.outbox
    assert message.to == ["publikujaca@lublin.eu"]
    assert "Klaster Lubelski" in message.subject
    assert "Jan Kowalski" in message.body
    assert f"http://testserver{change_url(cluster)}" in message.body
    assert "przekazał(a) do akceptacji" in message.body


def test_submitting_an_unchanged_form_marks_the_existing_draft(
    client, editor, publisher, cluster
):
    draft = make_draft(cluster, editor, other_names_pl="Szkic.")
    client.force_login(editor)
    post_form(client, cluster, **{review.SUBMIT: "1"})
    assert Revision.objects.latest("created_at", "pk") == draft
    draft.refresh_from_db()
    assert draft.submitted_by == editor
    assert len(mail.outbox) == 1


def test_a_submitted_draft_shows_since_when_it_waits(client, editor, cluster):
    client.force_login(editor)
    post_form(client, cluster, other_names_pl="Nowy.", **{review.SUBMIT: "1"})
    page = client.get(change_url(cluster)).content.decode()
    assert "Czeka na akceptację" in page
    assert "(przekazał(a): Jan Kowalski)" in page


def test_submit_is_refused_to_staff_who_may_only_view(
    client, cluster, django_user_model
):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user(
        "viewer", password="unused-Password-1", is_staff=True
    )
    viewer.user_permissions.add(Permission.objects.get(codename="view_cluster"))
    draft = make_draft(cluster, None, other_names_pl="Szkic.")
    client.force_login(viewer)
    response = post_form(client, cluster, **{review.SUBMIT: "1"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    draft.refresh_from_db()
    assert draft.submitted_at is None


# The dashboard


def test_dashboard_lists_submitted_drafts_for_publishers_only(
    client, editor, publisher, cluster
):
    draft = make_draft(cluster, editor, other_names_pl="Szkic.")
    review.submit(draft, editor)
    make_draft(make_cluster(name_pl="Klaster Niezgłoszony"), editor, version=5)
    client.force_login(publisher)
    page = client.get(reverse("admin:index")).content.decode()
    start = page.index('id="waiting-for-review"')
    section = page[start : page.index("</div>", start)]
    assert "Klaster Lubelski" in section
    assert "Jan Kowalski" in section
    assert f'href="{change_url(cluster)}"' in section
    preview = reverse("admin:clusters_cluster_preview", args=[cluster.pk, "pl"])
    assert f'href="{preview}"' in section
    assert "Klaster Niezgłoszony" not in section
    client.force_login(editor)
    assert (
        'id="waiting-for-review"'
        not in client.get(reverse("admin:index")).content.decode()
    )


def test_a_later_save_supersedes_the_submitted_draft(client, editor, cluster):
    draft = make_draft(cluster, editor, other_names_pl="Szkic.")
    review.submit(draft, editor)
    make_draft(cluster, editor, other_names_pl="Szkic drugi.")
    assert not Revision.objects.waiting().current().exists()


# Publishing now


def test_a_publishers_save_publishes_the_draft_as_it_stands(
    client, editor, publisher, cluster
):
    draft = make_draft(cluster, editor, other_names_pl="Zatwierdzony opis.")
    client.force_login(publisher)
    page = client.get(change_url(cluster)).content.decode()
    assert 'value="Zapisz i opublikuj"' in page
    assert 'value="Zapisz, opublikuj i kontynuuj edycję"' in page
    response = post_form(client, cluster, _save="1")
    assert response.status_code == HTTPStatus.FOUND
    cluster.refresh_from_db()
    assert cluster.other_names_pl == "Zatwierdzony opis."
    draft.refresh_from_db()
    assert draft.published_by == publisher
    assert revisions.draft_of(Cluster, cluster.pk) is None
    assert "Zatwierdzony opis." in public_text(client, cluster)


def test_editors_save_button_says_save(client, editor, cluster):
    client.force_login(editor)
    page = client.get(change_url(cluster)).content.decode()
    assert 'value="Zapisz i opublikuj"' not in page
    assert 'value="Zapisz" class="default" name="_save"' in page


# Publishing at a time


def schedule_in(client, cluster, delta: timedelta):
    moment = timezone.localtime(timezone.now() + delta)
    return post_form(
        client,
        cluster,
        **{review.SCHEDULE: "1", review.GO_LIVE_AT: moment.strftime("%Y-%m-%dT%H:%M")},
    )


def test_a_scheduled_draft_goes_live_when_due_and_not_before(
    client, editor, publisher, cluster
):
    draft = make_draft(cluster, editor, other_names_pl="Opis od jutra.")
    client.force_login(publisher)
    schedule_in(client, cluster, timedelta(days=1))
    draft.refresh_from_db()
    assert draft.go_live_at is not None and draft.published_at is None
    assert "Opis od jutra." not in public_text(client, cluster)
    cluster.refresh_from_db()
    assert cluster.other_names_pl == "Opis publiczny."

    # The time comes: the next request, any request, publishes it.
    Revision.objects.filter(pk=draft.pk).update(
        go_live_at=timezone.now() - timedelta(minutes=1)
    )
    review.forget_next_due()
    assert "Opis od jutra." in public_text(client, cluster)
    draft.refresh_from_db()
    assert draft.published_by == publisher and draft.published_at is not None
    assert draft.go_live_at is None


def test_scheduling_needs_a_future_time(client, editor, publisher, cluster):
    draft = make_draft(cluster, editor, other_names_pl="Szkic.")
    client.force_login(publisher)
    response = schedule_in(client, cluster, -timedelta(hours=1))
    draft.refresh_from_db()
    assert draft.go_live_at is None
    page = client.get(response["Location"]).content.decode()
    assert "nie zaplanowano publikacji" in page


def test_scheduling_at_a_repeated_hour_says_what_to_type(
    client, editor, publisher, cluster
):
    draft = make_draft(cluster, editor, other_names_pl="Szkic.")
    client.force_login(publisher)
    # 2027-10-31: the clocks go back from 03:00 to 02:00, so 02:30 happens twice.
    response = post_form(
        client, cluster, **{review.SCHEDULE: "1", review.GO_LIVE_AT: "2027-10-31T02:30"}
    )
    draft.refresh_from_db()
    assert draft.go_live_at is None
    page = client.get(response["Location"]).content.decode()
    assert "nie zaplanowano publikacji" in page
    assert "występuje 31 października 2027 dwa razy" in page
    assert "np. 01:30 albo 03:30" in page


def test_the_page_cache_boundary_includes_a_scheduled_draft(editor, cluster):
    draft = make_draft(cluster, editor, other_names_pl="Szkic.")
    moment = timezone.now() + timedelta(hours=3)
    review.schedule(draft, editor, moment)
    assert caching.next_boundary(timezone.now()) == moment


def test_the_command_publishes_due_drafts(editor, publisher, cluster):
    draft = make_draft(cluster, editor, other_names_pl="Opis z crona.")
    review.schedule(draft, publisher, timezone.now() + timedelta(hours=1))
    call_command("publish_scheduled", stdout=io.StringIO())
    cluster.refresh_from_db()
    assert cluster.other_names_pl == "Opis publiczny."
    Revision.objects.filter(pk=draft.pk).update(go_live_at=timezone.now())
    call_command("publish_scheduled", stdout=io.StringIO())
    cluster.refresh_from_db()
    assert cluster.other_names_pl == "Opis z crona."


def test_a_schedule_is_dropped_when_the_draft_is_edited_again(
    editor, publisher, cluster
):
    draft = make_draft(cluster, editor, other_names_pl="Zatwierdzony.")
    review.schedule(draft, publisher, timezone.now() + timedelta(hours=1))
    make_draft(cluster, editor, other_names_pl="Zmieniony po decyzji.")
    Revision.objects.filter(pk=draft.pk).update(go_live_at=timezone.now())
    assert review.publish_due() == 0
    cluster.refresh_from_db()
    assert cluster.other_names_pl == "Opis publiczny."


# Sending back


def test_sending_back_needs_a_comment_and_the_author_reads_it(
    client, editor, publisher, cluster
):
    client.force_login(editor)
    post_form(client, cluster, other_names_pl="Nowy.", **{review.SUBMIT: "1"})
    mail.outbox.clear()
    client.force_login(publisher)
    response = post_form(
        client, cluster, **{review.SEND_BACK: "1", review.RETURN_COMMENT: "  "}
    )
    assert response["Location"] == change_url(cluster)
    draft = revisions.draft_of(Cluster, cluster.pk)
    assert draft.returned_at is None and draft.submitted_at is not None
    assert "Podaj, dlaczego" in client.get(change_url(cluster)).content.decode()

    post_form(
        client,
        cluster,
        **{review.SEND_BACK: "1", review.RETURN_COMMENT: "Uzupełnij liczby."},
    )
    draft.refresh_from_db()
    assert (
        draft.returned_by == publisher and draft.return_comment == "Uzupełnij liczby."
    )
    assert draft.submitted_at is None
    (message,) = mail.outbox
    assert message.to == ["redaktor@lublin.eu"]
    assert "Uzupełnij liczby." in message.body
    client.force_login(editor)
    page = client.get(change_url(cluster)).content.decode()
    assert "Odesłany" in page and "Uzupełnij liczby." in page


# Publishing in bulk


def current_drafts(*clusters) -> list[Revision]:
    return [revisions.draft_of(Cluster, cluster.pk) for cluster in clusters]


def bulk_publish(client, *clusters, confirmed=None):
    """The action on `clusters`; with `confirmed`, the confirmation of those drafts."""
    data = {
        "action": "publish_drafts",
        helpers.ACTION_CHECKBOX_NAME: [c.pk for c in clusters],
    }
    if confirmed is not None:
        data[review.CONFIRMED] = [draft.pk for draft in confirmed]
    return client.post(CHANGELIST, data)


def test_a_publisher_publishes_selected_drafts_in_bulk(client, editor, publisher):
    first = make_cluster(other_names_pl="Stary 1.")
    second = make_cluster(other_names_pl="Stary 2.")
    untouched = make_cluster(other_names_pl="Stary 3.")
    make_draft(first, editor, other_names_pl="Nowy 1.")
    make_draft(second, editor, other_names_pl="Nowy 2.")
    make_draft(untouched, editor, other_names_pl="Nowy 3.")
    client.force_login(publisher)
    assert "publish_drafts" in client.get(CHANGELIST).content.decode()
    listed = bulk_publish(client, first, second)
    assert listed.status_code == HTTPStatus.OK  # the drafts listed, nothing published
    page = listed.content.decode()
    assert "Opublikować te szkice?" in page and "porównaj z opublikowaną wersją" in page
    first.refresh_from_db()
    assert first.other_names_pl == "Stary 1."
    response = bulk_publish(
        client, first, second, confirmed=current_drafts(first, second)
    )
    assert response.status_code == HTTPStatus.FOUND
    for obj, text in ((first, "Nowy 1."), (second, "Nowy 2."), (untouched, "Stary 3.")):
        obj.refresh_from_db()
        assert obj.other_names_pl == text
    assert revisions.draft_of(Cluster, first.pk) is None


def test_bulk_publication_publishes_only_the_drafts_it_listed(
    client, editor, publisher
):
    cluster = make_cluster(other_names_pl="Stary.")
    listed = make_draft(cluster, editor, other_names_pl="Pokazany.")
    make_draft(cluster, editor, other_names_pl="Zapisany po pokazaniu listy.")
    client.force_login(publisher)

    bulk_publish(client, cluster, confirmed=[listed])

    cluster.refresh_from_db()
    assert cluster.other_names_pl == "Stary."


def test_editors_neither_see_nor_can_post_the_bulk_publication(client, editor, cluster):
    make_draft(cluster, editor, other_names_pl="Nowy.")
    client.force_login(editor)
    assert "publish_drafts" not in client.get(CHANGELIST).content.decode()
    bulk_publish(client, cluster)
    cluster.refresh_from_db()
    assert cluster.other_names_pl == "Opis publiczny."
    assert revisions.draft_of(Cluster, cluster.pk) is not None


def test_editors_cannot_schedule_or_send_back(client, editor, publisher, cluster):
    draft = make_draft(cluster, editor, other_names_pl="Nowy.")
    review.submit(draft, editor)
    client.force_login(editor)
    page = client.get(change_url(cluster)).content.decode()
    assert review.SCHEDULE not in page and review.SEND_BACK not in page
    for pressed in (
        {review.SEND_BACK: "1", review.RETURN_COMMENT: "Sam odsyłam."},
        {
            review.SCHEDULE: "1",
            review.GO_LIVE_AT: (timezone.now() + timedelta(days=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
        },
    ):
        assert post_form(client, cluster, **pressed).status_code == HTTPStatus.FORBIDDEN
    draft.refresh_from_db()
    assert (draft.returned_at, draft.go_live_at, draft.published_at) == (None,) * 3
    assert draft.submitted_at is not None


# The yearly import


def import_figures(client, rows) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REQUIRED_COLUMNS)
    writer.writerows(row + [0, 0] for row in rows)
    upload = SimpleUploadedFile("figures.csv", out.getvalue().encode())
    preview = client.post(
        reverse("admin:clusters_membershipsnapshot_import"),
        {"format": "0", "import_file": upload},
    )
    response = client.post(
        reverse("admin:clusters_membershipsnapshot_process_import"),
        form_values(preview.content.decode()),
    )
    assert response.status_code == HTTPStatus.FOUND


@pytest.fixture
def two_clusters():
    clusters = [make_cluster(key=key) for key in ("lublin-ict", "lublin-med")]
    for cluster in clusters:
        make_snapshot(cluster, year=2023, members=20, enterprises=15)
    return clusters


def exports(client) -> str:
    client.logout()
    return client.get(reverse("open_data:clusters_json")).getvalue().decode()


def test_an_editors_import_makes_one_draft_per_cluster_and_nothing_public(
    client, editor, publisher, two_clusters, tmp_path, monkeypatch
):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    ict, med = two_clusters
    public_before = public_text(client, ict)
    exports_before = exports(client)
    client.force_login(editor)
    import_figures(client, [["lublin-ict", 2024, 31, 25], ["lublin-med", 2024, 7, 5]])
    assert not MembershipSnapshot.objects.filter(year=2024).exists()
    for cluster in (ict, med):
        (draft,) = Revision.objects.of(Cluster, cluster.pk).drafts()
        years = [
            row["fields"]["year"] for row in draft.content["children"]["snapshots"]
        ]
        assert years == [2023, 2024]
        assert draft.created_by == editor
    assert public_text(client, ict) == public_before
    assert exports(client) == exports_before

    client.force_login(publisher)
    bulk_publish(client, ict, med, confirmed=current_drafts(ict, med))
    assert MembershipSnapshot.objects.filter(year=2024).count() == 2
    ict.refresh_from_db()
    assert (ict.current_year, ict.current_members) == (2024, 31)
    assert '"members": 31' in exports(client)


def test_a_publishers_import_publishes_one_revision_per_cluster(
    client, publisher, two_clusters, tmp_path, monkeypatch
):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    ict, med = two_clusters
    client.force_login(publisher)
    import_figures(client, [["lublin-ict", 2024, 31, 25], ["lublin-med", 2024, 7, 5]])
    assert MembershipSnapshot.objects.filter(year=2024).count() == 2
    for cluster in (ict, med):
        latest = revisions.latest(Cluster, cluster.pk)
        assert latest.published_by == publisher
        years = [
            row["fields"]["year"] for row in latest.content["children"]["snapshots"]
        ]
        assert years == [2023, 2024]
    # The live revision before the import, and the import's.
    assert Revision.objects.of(Cluster, ict.pk).count() == 2


def test_a_publishers_import_keeps_a_pending_draft_on_top_with_the_new_figures(
    client, editor, publisher, two_clusters, tmp_path, monkeypatch
):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    ict, _med = two_clusters
    draft = make_draft(ict, editor, other_names_pl="Opis w szkicu.")
    review.submit(draft, editor)
    client.force_login(publisher)
    import_figures(client, [["lublin-ict", 2024, 31, 25]])
    carried = revisions.draft_of(Cluster, ict.pk)
    assert carried.content["fields"]["other_names_pl"] == "Opis w szkicu."
    assert carried.submitted_by == editor
    years = [row["fields"]["year"] for row in carried.content["children"]["snapshots"]]
    assert years == [2023, 2024]
    bulk_publish(client, ict, confirmed=current_drafts(ict))
    ict.refresh_from_db()
    assert ict.other_names_pl == "Opis w szkicu."
    assert ict.snapshots.filter(year=2024).exists()


def test_a_scheduled_draft_that_cannot_be_written_is_unscheduled_not_retried(
    client, editor, publisher, cluster, caplog
):
    draft = make_draft(cluster, editor, slug_pl="zajety-adres")
    other = make_cluster(slug_pl="zajety-adres")  # takes the address meanwhile
    review.schedule(draft, publisher, timezone.now() - timedelta(minutes=1))
    response = client.get(other.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    draft.refresh_from_db()
    assert draft.published_at is None and draft.go_live_at is None
    assert "not published" in caplog.text
    cluster.refresh_from_db()
    assert cluster.slug_pl != "zajety-adres"
