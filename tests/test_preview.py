"""Staff preview a draft or scheduled record as visitors will see it, in either
language, from the admin; visitors never reach a preview."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import make_cluster, make_highland, make_page

pytestmark = pytest.mark.django_db


def preview_url(record, language: str) -> str:
    opts = record._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_preview",
        args=[record.pk, language],
    )


@pytest.fixture
def draft():
    return make_cluster(
        is_published=False,
        name_pl="Klaster Roboczy",
        name_en="Working Cluster",
        characteristics_pl="Opis jeszcze nieopublikowany.",
        characteristics_en="A description not yet published.",
    )


def test_visitors_are_sent_to_the_admin_login(client, draft):
    response = client.get(preview_url(draft, "pl"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))
    assert "Klaster Roboczy" not in response.content.decode()


def test_staff_without_permission_to_view_the_record_are_refused(client, draft):
    staff = User.objects.create_user(
        "staff", password="unused-Password-1", is_staff=True
    )
    staff.user_permissions.add(Permission.objects.get(codename="view_highland"))
    client.force_login(staff)
    response = client.get(preview_url(draft, "pl"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Klaster Roboczy" not in response.content.decode()


def test_editors_preview_a_draft_in_polish(client, editor, draft):
    client.force_login(editor)
    response = client.get(preview_url(draft, "pl"))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert '<html lang="pl">' in content
    assert "<h1>Klaster Roboczy</h1>" in content
    assert "Opis jeszcze nieopublikowany." in content
    assert "Podgląd — treść nieopublikowana" in content
    assert "Szkic: odwiedzający nie widzą tego rekordu." in content
    # The visitors' page of the same draft does not exist yet.
    assert client.logout() is None
    with translation.override("pl"):
        assert client.get(draft.get_absolute_url()).status_code == (
            HTTPStatus.NOT_FOUND
        )


def test_editors_preview_a_draft_in_english(client, editor, draft):
    client.force_login(editor)
    response = client.get(preview_url(draft, "en"))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "<h1>Working Cluster</h1>" in content
    assert "A description not yet published." in content
    assert "Cluster directory" in content  # the public interface, in English
    # The banner is for staff: in their admin language, marked as such.
    assert '<div class="preview-banner" role="region"' in content
    assert 'lang="pl"' in content
    assert preview_url(draft, "pl") in content


def test_preview_is_never_cached_nor_indexed(client, editor, draft):
    client.force_login(editor)
    response = client.get(preview_url(draft, "pl"))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    draft.name_pl = "Klaster Poprawiony"
    draft.save()
    assert "Klaster Poprawiony" in client.get(preview_url(draft, "pl")).content.decode()


def test_preview_shows_what_visitors_will_see_around_the_record(client, editor):
    hidden = make_highland(is_published=False, name_pl="Wyżyna Robocza")
    shown = make_highland(name_pl="Wyżyna Publiczna")
    cluster = make_cluster(is_published=False, highlands=[hidden, shown])
    client.force_login(editor)
    content = client.get(preview_url(cluster, "pl")).content.decode()
    assert "Wyżyna Publiczna" in content
    assert "Wyżyna Robocza" not in content


def test_preview_of_a_scheduled_record_says_when_it_appears(client, editor):
    start = timezone.now() + timedelta(days=3)
    cluster = make_cluster(name_pl="Klaster Zaplanowany", publish_from=start)
    client.force_login(editor)
    content = client.get(preview_url(cluster, "pl")).content.decode()
    assert "Klaster Zaplanowany" in content
    assert "Zaplanowany: odwiedzający zobaczą go od" in content


def test_preview_of_a_published_record_is_not_called_unpublished(client, editor):
    cluster = make_cluster()
    client.force_login(editor)
    content = client.get(preview_url(cluster, "en")).content.decode()
    assert "Podgląd — treść nieopublikowana" not in content
    assert "Opublikowany: odwiedzający widzą ten rekord." in content


def test_highland_draft_preview(client, editor):
    highland = make_highland(
        is_published=False, name_en="Draft Highland", body_en="Its new text."
    )
    client.force_login(editor)
    response = client.get(preview_url(highland, "en"))
    assert response.status_code == HTTPStatus.OK
    assert "Its new text." in response.content.decode()


def test_page_draft_preview_renders_the_about_page(client, editor):
    page = make_page(
        key="about-clusters", is_published=False, body_pl="Nowy wstęp o klastrach."
    )
    client.force_login(editor)
    content = client.get(preview_url(page, "pl")).content.decode()
    assert "Nowy wstęp o klastrach." in content
    assert 'aria-current="page"' in content  # the menu marks "About clusters"


def test_page_draft_preview_of_the_home_introduction(client, editor):
    page = make_page(
        key="lublin-economic-highlands",
        is_published=False,
        summary_en="A new introduction to the Highlands.",
    )
    client.force_login(editor)
    content = client.get(preview_url(page, "en")).content.decode()
    assert "A new introduction to the Highlands." in content


def test_unknown_language_or_record_is_not_found(client, editor, draft):
    client.force_login(editor)
    assert client.get(preview_url(draft, "de")).status_code == HTTPStatus.NOT_FOUND
    missing = reverse("admin:clusters_cluster_preview", args=[999999, "pl"])
    assert client.get(missing).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("make", "admin_name"),
    [
        (make_cluster, "clusters_cluster"),
        (make_highland, "ecosystems_highland"),
        (make_page, "clusters_page"),
    ],
    ids=["cluster", "Highland", "page"],
)
def test_change_form_and_list_link_to_the_preview(client, editor, make, admin_name):
    record = make(is_published=False)
    client.force_login(editor)
    form = client.get(reverse(f"admin:{admin_name}_change", args=[record.pk]))
    listing = client.get(reverse(f"admin:{admin_name}_changelist"))
    for language in ("pl", "en"):
        assert preview_url(record, language) in form.content.decode()
        assert preview_url(record, language) in listing.content.decode()
    assert "Podgląd (angielski)" in form.content.decode()


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        ({"is_published": True}, True),
        ({"is_published": False}, False),
        (
            {
                "is_published": True,
                "publish_from": timezone.now() + timedelta(days=1),
            },
            False,
        ),
    ],
    ids=["published", "draft", "scheduled"],
)
def test_view_on_site_is_offered_only_for_what_visitors_can_see(
    client, editor, state, shown
):
    cluster = make_cluster(name="Klaster widoczny lub nie", **state)
    client.force_login(editor)
    page = client.get(
        reverse("admin:clusters_cluster_change", args=[cluster.pk])
    ).content.decode()
    with translation.override("pl"):
        public = cluster.get_absolute_url()
    assert ("Pokaż na stronie</a>" in page) is shown
    if shown:  # straight to the public page, not through the admin's redirect
        assert f'<a href="{public}" class="viewsitelink">Pokaż na stronie</a>' in page
    assert preview_url(cluster, "pl") in page  # the way to see it is always there
