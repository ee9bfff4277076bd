"""The clusters team's dashboard on the admin index: counts, recent changes, drafts
waiting, stale records, missing translations and links to the reports; in Polish,
within a bounded number of queries, and without inline style or script (strict CSP)."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from cms.staff_pages import RECENT_CHANGES, history_models, recent_changes
from tests.admin_forms import form_values
from tests.factories import (
    make_cluster,
    make_highland,
    make_item,
    make_page,
    make_snapshot,
    make_team_member,
)

pytestmark = pytest.mark.django_db


def dashboard(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    start = content.index('<section class="clusters-dashboard"')
    return content[start : content.index("</section>", start)]


def test_dashboard_counts_published_drafts_and_scheduled(client, publisher):
    now = timezone.now()
    make_cluster()
    make_cluster()
    make_cluster(is_published=False)
    make_cluster(publish_from=now + timedelta(days=2))
    make_cluster(publish_until=now - timedelta(days=2))
    make_highland()
    make_highland(is_published=False)
    make_team_member()
    client.force_login(publisher)
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", dashboard(client)))
    assert figures["Opublikowane klastry"] == "2"
    assert figures["Nieopublikowane klastry"] == "1"
    assert figures["Zaplanowane klastry"] == "1"
    assert figures["Zakończone klastry"] == "1"
    assert figures["Opublikowane Wyżyny"] == "1 / 2"
    assert figures["Członkowie zespołu"] == "1"


def test_dashboard_lists_recent_changes_with_who_and_what(client, publisher):
    cluster = make_cluster(name_pl="Klaster Zmieniony")
    client.force_login(publisher)
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    data = form_values(client.get(url).content.decode())
    data["characteristics_pl"] = ["Nowy opis."]
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    section = dashboard(client)
    history = reverse("admin:clusters_cluster_history", args=[cluster.pk])
    first_row = section.split("Ostatnie zmiany", 1)[1].split("<tbody>", 1)[1]
    first_row = first_row.split("</tr>", 1)[0]
    assert publisher.username in first_row
    assert "Zmieniono" in first_row
    assert f'<a href="{history}">Klaster Zmieniony</a>' in first_row


def test_recent_changes_are_the_latest_across_models(client, publisher):
    for _n in range(20):
        make_cluster()
    make_item(make_cluster(name_pl="Ostatni Klaster"), text_pl="Najnowszy cel")
    client.force_login(publisher)
    section = dashboard(client)
    changes = section.split("Ostatnie zmiany", 1)[1].split("</table>", 1)[0]
    assert changes.count("<tr>") == 15 + 1  # the header row
    assert "Najnowszy cel" in changes


def test_dashboard_lists_drafts_and_scheduled_records_with_previews(client, editor):
    draft = make_cluster(is_published=False, name_pl="Klaster Szkic")
    page = make_page(is_published=False, title_pl="Strona Szkic")
    scheduled = make_highland(
        name_pl="Wyżyna Jutro", publish_from=timezone.now() + timedelta(days=1)
    )
    make_cluster(name_pl="Klaster Opublikowany")
    client.force_login(editor)
    section = dashboard(client)
    waiting = section.split("Czeka na publikację", 1)[1].split("</table>", 1)[0]
    for record, admin_name in (
        (draft, "clusters_cluster"),
        (page, "clusters_page"),
        (scheduled, "ecosystems_highland"),
    ):
        assert reverse(f"admin:{admin_name}_change", args=[record.pk]) in waiting
        assert reverse(f"admin:{admin_name}_preview", args=[record.pk, "pl"]) in waiting
    assert "Klaster Opublikowany" not in waiting
    assert "zaplanowane od" in waiting


def test_dashboard_lists_clusters_not_verified_for_a_year(client, editor):
    today = timezone.localdate()
    make_cluster(name_pl="Klaster Sprawdzony", verified_on=today)
    make_cluster(name_pl="Klaster Dawno", verified_on=today - timedelta(days=400))
    make_cluster(name_pl="Klaster Nigdy", verified_on=None)
    client.force_login(editor)
    section = dashboard(client)
    stale = section.split("Niezweryfikowane od 12 miesięcy", 1)[1]
    stale = stale.split('<div class="module">', 1)[0]
    assert ": 2</h2>" in stale
    assert stale.index("Klaster Nigdy") < stale.index("Klaster Dawno")
    assert "Klaster Sprawdzony" not in stale


def test_dashboard_counts_missing_translations_and_links_the_reports(client, editor):
    make_cluster(name_en="")
    make_cluster(name_pl="", name_en="English only")
    make_cluster(name_en="", characteristics_pl="Opis.")
    client.force_login(editor)
    section = dashboard(client)
    assert "angielski: 2 rekordy do uzupełnienia" in section
    assert "polski: 1 rekord do uzupełnienia" in section
    assert reverse("admin:clusters_translations") in section
    assert reverse("admin:clusters_quality") in section


def test_dashboard_needs_permission_to_view_clusters(client):
    staff = User.objects.create_user(
        "staff", password="unused-Password-1", is_staff=True
    )
    staff.user_permissions.add(Permission.objects.get(codename="view_team"))
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    assert "clusters-dashboard" not in response.content.decode()


def build(size: int, start: int = 0) -> None:
    for n in range(start, size):
        cluster = make_cluster(name_en="" if n % 2 else f"Cluster {n}")
        make_snapshot(cluster)
        make_item(cluster, text_en="")
        make_cluster(is_published=False)
        make_highland(is_published=n % 3 == 0)
        make_page(is_published=False)


def sign_history(users) -> None:
    """Each history row made by one of `users`, in turn, as admin edits are."""
    for model in history_models():
        for record in get_history_manager_for_model(model).all():
            record.history_user = users[record.pk % len(users)]
            record.save(update_fields=["history_user"])


def dashboard_queries(client) -> int:
    """The queries of the dashboard, once per-process lookups are made."""
    client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    assert '<section class="clusters-dashboard"' in response.content.decode()
    return len(queries)


def test_dashboard_makes_a_bounded_number_of_queries(client, publisher, editor):
    """As many for ten times the content: recent changes with their authors, and
    snapshots (named after their cluster) and translated records among them, take no
    query per change."""
    client.force_login(publisher)
    build(1)
    sign_history([publisher, editor])
    few = dashboard_queries(client)
    build(20, start=1)
    sign_history([publisher, editor])
    assert len(recent_changes(admin.site._registry)) == RECENT_CHANGES
    assert dashboard_queries(client) == few


STAFF_PAGES = {
    "index": lambda: reverse("admin:index"),
    "translations": lambda: reverse("admin:clusters_translations"),
    "quality": lambda: reverse("admin:clusters_quality"),
}


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_have_no_inline_style_or_script(client, publisher, name):
    cluster = make_cluster(is_published=False, name_en="")
    make_item(cluster, text_en="")
    client.force_login(publisher)
    content = client.get(STAFF_PAGES[name]()).content.decode()
    assert not re.search(r"\sstyle=", content)
    assert not re.search(r"<style", content)
    for script in re.findall(r"<script[^>]*>", content):
        assert "src=" in script or 'type="application/json"' in script, script
    assert not re.search(r"\son[a-z]+=", content)


def test_preview_banner_and_history_have_no_inline_style(client, publisher):
    cluster = make_cluster(is_published=False)
    client.force_login(publisher)
    for url in (
        reverse("admin:clusters_cluster_preview", args=[cluster.pk, "pl"]),
        reverse("admin:clusters_cluster_history", args=[cluster.pk]),
    ):
        content = client.get(url).content.decode()
        assert not re.search(r"\sstyle=", content), url
        for script in re.findall(r"<script[^>]*>", content):
            assert "src=" in script or "application/ld+json" in script, script


def test_unpublished_changes_of_a_live_record_wait_for_publication(client, editor):
    cluster = make_cluster(name_pl="Klaster Na Żywo")
    client.force_login(editor)
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    data = form_values(client.get(url).content.decode())
    data["characteristics_pl"] = ["Zmieniony opis."]
    assert client.post(url, data).status_code == 302

    page = client.get(reverse("admin:index")).content.decode()

    waiting = page.split("Czeka na publikację", 1)[1].split("</table>", 1)[0]
    assert "Klaster Na Żywo" in waiting
    assert "zmiany jeszcze nieopublikowane" in waiting
    assert reverse("admin:clusters_cluster_preview", args=[cluster.pk, "pl"]) in waiting


def test_dashboard_links_the_yearly_figures_import_for_who_may_import(
    client, editor, django_user_model
):
    client.force_login(editor)
    import_url = reverse("admin:clusters_membershipsnapshot_import")
    assert f'href="{import_url}"' in dashboard(client)
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_cluster", "view_highland"])
    )
    client.force_login(viewer)
    assert f'href="{import_url}"' not in dashboard(client)
