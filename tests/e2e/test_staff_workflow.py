"""The staff pages work in a real browser under the strict CSP: the dashboard, the
translations page and its links into the form, the content-quality report, the
preview and the history; the warning before leaving a changed form, and a deleted
cluster restored."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from clusters.models import Cluster
from cms.models import Revision
from contacts.models import Team
from tests.e2e.pages import (
    SHOWCASE_CLUSTER,
    WOULD_WARN,
    describe,
    wcag_violations,
)
from tests.factories import make_image

pytestmark = pytest.mark.browser


def focused_id(page, attempts: int = 50) -> str:
    """The focused element's id, once the page's "load" handlers have run.

    Polled from here: Playwright's own polling evaluates strings, which the CSP
    forbids, and its focus check needs a window with focus, which headless lacks.
    """
    for _attempt in range(attempts):
        focused = page.evaluate("() => document.activeElement.id")
        if focused:
            return focused
        page.wait_for_timeout(100)
    return ""


def staff_pages() -> dict[str, str]:
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    return {
        "dashboard": reverse("admin:index"),
        "translations": reverse("admin:clusters_translations"),
        "quality": reverse("admin:clusters_quality"),
        "preview": reverse("admin:clusters_cluster_preview", args=[cluster.pk, "en"]),
        "history": reverse("admin:clusters_cluster_history", args=[cluster.pk]),
    }


@pytest.mark.parametrize(
    "name", ["dashboard", "translations", "quality", "preview", "history"]
)
def test_staff_page_breaks_no_csp_rule(context, page, console, sign_in, name):
    sign_in(context, "editor")
    url = staff_pages()[name]
    failed = []
    page.on(
        "response",
        lambda response: (
            failed.append(response.url) if response.status >= 400 else None
        ),
    )
    response = page.goto(url, wait_until="networkidle")
    assert response.status == 200, url
    assert not console.csp_violations(), f"{url}: {console.csp_violations()}"
    assert not failed, f"{url}: {failed}"  # stylesheets and scripts all load


def test_preview_banner_is_visible(context, page, sign_in):
    sign_in(context, "editor")
    page.goto(staff_pages()["preview"])
    banner = page.locator(".preview-banner")
    assert banner.is_visible()
    assert "Podgląd" in banner.inner_text()


def test_translation_link_opens_the_field_in_its_language(context, page, sign_in):
    sign_in(context, "editor")
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    change = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    page.goto(f"{change}#translate=en&field=membership_conditions", wait_until="load")
    # A formatted text: its editor's text box (static/admin-extra/rich-text-editor.js).
    assert focused_id(page) == "id_membership_conditions_en_editor"
    expect(page.locator("#id_membership_conditions_en_editor")).to_be_visible()
    assert page.locator("#modeltranslation-main-switch").input_value() == "1"


def test_translation_link_opens_an_inline_row(context, page, sign_in):
    sign_in(context, "editor")
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    item = cluster.items.order_by("kind", "order").last()
    change = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    page.goto(f"{change}#translate=pl&field=text&inline=items&pk={item.pk}")
    row = page.locator(f'input[name^="items-"][name$="-id"][value="{item.pk}"]')
    prefix = row.get_attribute("name").removesuffix("id")
    assert focused_id(page) == f"id_{prefix}text_pl"
    expect(page.locator(f"#id_{prefix}text_pl")).to_be_visible()


def test_a_new_inline_row_opens_in_the_language_chosen_for_all_fields(
    context, page, sign_in
):
    sign_in(context, "editor")
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    page.goto(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    # Looking at one field's English text is not choosing English for the form.
    page.locator('li[aria-controls="tab_id_name_en"]').click()
    expect(page.locator("#id_name_en")).to_be_visible()
    snapshots = page.locator("#snapshots-group")
    snapshots.locator(".add-row a").click()
    new_row = snapshots.locator("tr.dynamic-snapshots").last
    expect(
        new_row.locator('textarea[name$="-source_pl"], input[name$="-source_pl"]')
    ).to_be_visible()
    expect(
        new_row.locator('textarea[name$="-source_en"], input[name$="-source_en"]')
    ).to_be_hidden()

    # Choosing English for all fields does open new rows in English.
    page.locator("#modeltranslation-main-switch").select_option("1")
    snapshots.locator(".add-row a").click()
    newest = snapshots.locator("tr.dynamic-snapshots").last
    expect(
        newest.locator('textarea[name$="-source_en"], input[name$="-source_en"]')
    ).to_be_visible()


def test_the_change_form_warns_before_leaving_unsaved_changes(context, page, sign_in):
    sign_in(context, "editor")
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    page.goto(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    assert page.evaluate(WOULD_WARN) is False

    page.locator("#id_website").press_sequentially("x")
    assert page.evaluate(WOULD_WARN) is True

    # Submitting (here without leaving the page) clears the mark.
    page.evaluate(
        """() => document.querySelector("#content-main form")
          .dispatchEvent(new Event("submit", {cancelable: true}))"""
    )
    assert page.evaluate(WOULD_WARN) is False


def test_closing_a_changed_form_asks_first(context, page, sign_in):
    sign_in(context, "editor")
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    page.goto(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    page.locator("#id_website").press_sequentially("x")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    page.close(run_before_unload=True)
    page.wait_for_timeout(500)

    assert dialogs == ["beforeunload"]


def test_a_publisher_restores_a_deleted_cluster_with_its_rows(
    context, page, console, sign_in, editable_site
):
    sign_in(context, "publisher")
    cluster = (
        Cluster.objects.filter(segments__isnull=True)
        .exclude(items=None)
        .order_by("key")
        .first()
    )
    items = sorted(cluster.items.values_list("pk", flat=True))
    page.goto(reverse("admin:clusters_cluster_delete", args=[cluster.pk]))
    expect(page.get_by_role("link", name="Usunięte rekordy")).to_be_visible()
    page.locator('#content form input[type="submit"]').click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    name = Revision.objects.of(Cluster, cluster.pk).first().object_repr
    page.goto(reverse("cms_deleted_records"))
    violations = wcag_violations(page)
    assert not violations, describe(violations, "Usunięte rekordy")
    page.get_by_role("button", name=f"Przywróć „{name}”").click()

    expect(page.locator(".messagelist .success")).to_contain_text("został przywrócony")
    assert (
        sorted(Cluster.objects.get(pk=cluster.pk).items.values_list("pk", flat=True))
        == items
    )
    assert page.goto(cluster.get_absolute_url()).status == 200
    assert not console.csp_violations()


# The number of lines each element's text is laid out on.
LINES_OF_TEXT = """(elements) => elements.map((element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
  return [element.textContent.trim(), tops.size];
})"""


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_dashboard_recent_changes_keep_words_whole(
    editable_site, new_context, sign_in, width
):
    Cluster.history.update(history_user=User.objects.get(username="editor"))
    context = new_context(width=width)
    sign_in(context, "editor")
    page = context.new_page()
    page.goto(reverse("admin:index"))
    table = page.locator(".clusters-dashboard table").last
    cells = table.locator("thead th, tbody td:nth-child(2)")
    laid_out = cells.evaluate_all(LINES_OF_TEXT)
    assert ["editor", 1] in laid_out
    for text, lines in laid_out:
        assert lines == 1, f"{text!r} is broken over {lines} lines at {width}"


def test_each_language_box_of_a_field_is_named_with_its_language(
    context, page, sign_in
):
    sign_in(context, "editor")
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    page.goto(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    for name in ["Nazwa", "Charakterystyka"]:
        for language in ["po polsku", "po angielsku"]:
            # The other language's box is in a hidden tab until chosen.
            boxes = page.get_by_role(
                "textbox", name=f"{name} ({language})", exact=True, include_hidden=True
            )
            expect(boxes.first).to_be_attached()
    # A formatted text: its editor's box, the one people type in, is named too.
    editor_box = page.locator("#id_characteristics_pl_editor")
    expect(editor_box).to_have_attribute("aria-label", "Charakterystyka (po polsku)")


def test_an_autocomplete_box_shows_the_focus(context, page, sign_in):
    sign_in(context, "editor")
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    page.goto(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    box = page.locator("#id_highlands + .select2")
    box.locator(".select2-search__field").focus()  # as Tab reaches it
    selection = box.locator(".select2-selection")
    outline = selection.evaluate(
        "(el) => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]"
    )
    assert outline[0] != "none" and outline[1] != "0px", outline


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_content_to_edit_is_at_the_top_of_the_admin_index(
    editable_site, new_context, sign_in, width
):
    context = new_context(width=width)
    sign_in(context, "editor")
    page = context.new_page()
    page.goto(reverse("admin:index"))
    clusters = page.locator(".app-clusters").bounding_box()
    figures = page.locator(".clusters-dashboard").bounding_box()
    # Within the first screen, before the dashboard on a phone, beside it on a desktop.
    assert clusters["y"] < 300
    if width == "desktop":
        assert clusters["x"] + clusters["width"] <= figures["x"]
        assert abs(clusters["y"] - figures["y"]) < 10


def test_inline_rows_fit_a_1280_px_screen_with_their_delete_box(
    editable_site, context, page, sign_in
):
    sign_in(context, "publisher")
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    team = Team.objects.first()
    for url in (
        reverse("admin:clusters_cluster_change", args=[cluster.pk]),
        reverse("admin:contacts_team_change", args=[team.pk]),
    ):
        page.goto(url)
        boxes = page.locator(".inline-group .tabular td.delete input")
        assert boxes.count() > 0, url
        width = page.viewport_size["width"]
        for box in boxes.all():
            right = box.bounding_box()["x"] + box.bounding_box()["width"]
            assert right <= width, f"a delete box at {right} px on {url}"


def test_every_autocomplete_box_of_the_cluster_form_is_named_by_its_label(
    editable_site, context, page, sign_in
):
    sign_in(context, "editor")
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    Cluster.objects.filter(pk=cluster.pk).update(logo=make_image(title="Znak klastra"))
    page.goto(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    # A single choice (the parent cluster, none chosen; the logo) is a combobox; a
    # multiple choice (coordinators, Highlands) types into a search box.
    parent = page.get_by_role("combobox", name="Klaster nadrzędny", exact=True)
    expect(parent).to_be_attached()
    # Once a choice is made, the box says the field, then the choice.
    logo = page.get_by_role("combobox", name="Logo Znak klastra", exact=True)
    expect(logo).to_be_attached()
    for name in ["Koordynatorzy", "Wyżyny"]:
        expect(page.get_by_role("searchbox", name=name, exact=True)).to_be_attached()
