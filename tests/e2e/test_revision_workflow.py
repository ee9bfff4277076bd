"""Drafts, review and revisions in a real browser, walked by the three roles: an
editor drafts a change to a live cluster (a text, a figure, a list item) and submits
it; a publisher finds it on the dashboard, compares it with the live version and
publishes it; visitors see it only then, on the page, in the directory and in the
open data; the publisher then reverts it and restores the cluster after a deletion."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from clusters.models import Cluster
from tests.e2e.pages import fill_formatted_text, public_url
from tests.e2e.test_journeys import cluster_url, log_in

pytestmark = pytest.mark.browser

CLUSTER = "lubelski-klaster-ekoenergetyczny"
NEW_TEXT = "Klaster wspiera odnawialne źródła energii w całym regionie."
NEW_ITEM = "Wspólne projekty badawcze z uczelniami Lublina"
NEW_MEMBERS = "4321"


def latest_snapshot_row(page: Page) -> int:
    """The form row of the cluster's latest figures (the ones visitors see)."""
    years = page.locator("input[id^='id_snapshots-'][id$='-year']")
    rows = {
        years.nth(i).get_attribute("id"): years.nth(i).input_value()
        for i in range(years.count())
    }
    _year, row = max(
        (int(year), int(id.split("-")[1])) for id, year in rows.items() if year
    )
    return row


def visible_to_visitors(visitor: Page, cluster: Cluster) -> dict[str, bool]:
    """Where the drafted change shows: the cluster's page, the directory, the open
    data (which carries the figures, not the texts)."""
    visitor.goto(cluster_url(cluster, "pl"))
    page_text = visitor.locator("main").inner_text()
    visitor.goto(public_url("directory", "pl"))
    directory = visitor.locator("main").inner_text()
    exported = visitor.request.get(reverse("open_data:clusters_json")).json()
    (entry,) = [c for c in exported["clusters"] if c["key"] == cluster.key]
    return {
        "text": NEW_TEXT in page_text,
        "item": NEW_ITEM in page_text,
        "figure on the page": NEW_MEMBERS in page_text,
        "figure in the directory": NEW_MEMBERS in directory,
        "figure in the open data": entry["members"] == int(NEW_MEMBERS),
    }


def test_editor_drafts_publisher_reviews_and_publishes_reverts_and_restores(
    new_context, editable_site
):
    cluster = Cluster.objects.get(key=CLUSTER)
    change_url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    visitor = new_context().new_page()
    nowhere = dict.fromkeys(visible_to_visitors(visitor, cluster), False)
    everywhere = dict.fromkeys(nowhere, True)
    assert visible_to_visitors(visitor, cluster) == nowhere

    # The editor drafts a text, a figure and a list item.
    editor = new_context().new_page()
    log_in(editor, editable_site.users["editor"])
    editor.goto(change_url)
    fill_formatted_text(editor, "id_characteristics_pl", NEW_TEXT)
    editor.locator(f"#id_snapshots-{latest_snapshot_row(editor)}-members").fill(
        NEW_MEMBERS
    )
    editor.locator("#id_items-0-text_pl").fill(NEW_ITEM)
    editor.locator("#id__revision_comment").fill("Opis i liczby od koordynatora")
    editor.locator("input[name='_continue']").click()
    expect(editor.locator(".messagelist")).to_contain_text("Zapisano szkic")
    assert visible_to_visitors(visitor, cluster) == nowhere

    editor.goto(reverse("admin:clusters_cluster_preview", args=[cluster.pk, "pl"]))
    expect(editor.locator(".preview-banner")).to_contain_text("Szkic")
    for text in (NEW_TEXT, NEW_ITEM, NEW_MEMBERS):
        expect(editor.locator("main")).to_contain_text(text)

    editor.goto(change_url)
    editor.get_by_role("button", name="Zapisz i przekaż do akceptacji").click()
    expect(editor.locator(".messagelist")).to_have_text(
        "Przekazano do akceptacji: osoby publikujące otrzymały powiadomienie e-mailem."
    )
    assert visible_to_visitors(visitor, cluster) == nowhere

    # The publisher finds it on the dashboard, compares, publishes.
    publisher = new_context().new_page()
    log_in(publisher, editable_site.users["publisher"])
    waiting = publisher.locator("#waiting-for-review")
    expect(waiting).to_contain_text(cluster.name_pl)
    waiting.get_by_role("link", name="porównaj z opublikowaną wersją").click()
    expect(publisher.locator("#content")).to_contain_text("Charakterystyka [pl]")
    expect(publisher.locator("#content")).to_contain_text(NEW_ITEM)
    expect(publisher.locator("#content")).to_contain_text(NEW_MEMBERS)

    publisher.goto(change_url)
    expect(publisher.locator(".revision-banner").last).to_contain_text("Szkic")
    expect(publisher.locator("#id_characteristics_pl")).to_have_value(
        f"<p>{NEW_TEXT}</p>"
    )
    publisher.get_by_role("button", name="Zapisz i opublikuj", exact=True).click()
    expect(publisher.locator(".messagelist .success")).to_be_visible()
    assert visible_to_visitors(visitor, cluster) == everywhere

    # Reverted: a draft of the version before, published like any draft.
    publisher.goto(reverse("admin:clusters_cluster_revisions", args=[cluster.pk]))
    publisher.get_by_role("button", name="Utwórz szkic z tej wersji").last.click()
    expect(publisher.locator(".revision-banner").last).to_contain_text("Szkic")
    assert visible_to_visitors(visitor, cluster) == everywhere
    publisher.get_by_role("button", name="Zapisz i opublikuj", exact=True).click()
    assert visible_to_visitors(visitor, cluster) == nowhere

    # Deleted, then restored with its list items, figures and members.
    owned = {
        name: sorted(getattr(cluster, name).values_list("pk", flat=True))
        for name in ("items", "snapshots", "membership_set")
    }
    publisher.goto(reverse("admin:clusters_cluster_delete", args=[cluster.pk]))
    publisher.locator('#content form input[type="submit"]').click()
    assert visitor.goto(cluster_url(cluster, "pl")).status == 404
    publisher.goto(reverse("cms_deleted_records"))
    publisher.get_by_role("button", name=f"Przywróć „{cluster.name_pl}”").click()
    expect(publisher.locator(".messagelist .success")).to_contain_text("przywrócony")
    assert visitor.goto(cluster_url(cluster, "pl")).status == 200
    assert {
        name: sorted(getattr(cluster, name).values_list("pk", flat=True))
        for name in owned
    } == owned
