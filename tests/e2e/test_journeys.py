"""What people do on the site, end to end in a real browser.

A visitor who uses only the keyboard, an editor, a publisher; and the keyboard basics
every page owes them: a skip link to the content and a focus that always shows.
"""

from base64 import b32decode
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from clusters.models import Cluster
from ecosystems.models import Highland
from tests.e2e.pages import (
    LANGUAGES,
    PASSWORD,
    SHOWCASE_CLUSTER,
    WIDTH_IDS,
    WIDTHS,
    WOULD_WARN,
    describe,
    fill_formatted_text,
    public_url,
    wcag_violations,
)

pytestmark = pytest.mark.browser


def cluster_url(cluster: Cluster, language: str) -> str:
    with translation.override(language):
        return cluster.get_absolute_url()


def tab_to(page: Page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached in {limit} Tab presses on {page.url}")


def log_in(page: Page, user: User) -> None:
    """Sign in through the login form, as a person does: the password, then the
    code from the authenticator app when the user has one."""
    page.goto(reverse("admin:index"))
    page.locator("#id_auth-username").fill(user.username)
    page.locator("#id_auth-password").fill(PASSWORD)
    page.locator("#id_auth-password").press("Enter")
    device = getattr(user, "otp_device", None)
    if device is not None:
        page.locator("#id_token-otp_token").fill(f"{totp(device.bin_key):06d}")
        page.locator("#id_token-otp_token").press("Enter")
    expect(page.locator("#user-tools")).to_contain_text(user.username)


def test_visitor_narrows_the_directory_with_the_keyboard_and_switches_language(page):
    cluster = Cluster.objects.get(key="lubelska-medycyna")
    highland = Highland.objects.get(key="lublin-medical-highland")
    page.goto(public_url("directory", "pl"))
    results = page.locator(".result-list h3 a")
    everything = results.count()

    tab_to(page, "#id_q")
    page.keyboard.type("zdrowie")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=zdrowie")
    searched = results.count()
    assert 1 < searched < everything

    tab_to(page, "#id_highland")
    # A closed list moves to the next option with the arrow key.
    for _ in range(Highland.objects.count() + 1):
        if page.locator("#id_highland").input_value() == highland.slug_pl:
            break
        page.keyboard.press("ArrowDown")
    assert page.locator("#id_highland").input_value() == highland.slug_pl
    tab_to(page, "#id_year_from")
    page.keyboard.type("2014")
    tab_to(page, "#id_year_to")
    page.keyboard.type("2014")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/?q=zdrowie&highland={highland.slug_pl}&year_from=2014*")
    expect(results).to_have_count(1)
    expect(results).to_have_text(cluster.name_pl)

    tab_to(page, f".result-list a[href='{cluster_url(cluster, 'pl')}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{cluster_url(cluster, 'pl')}")
    expect(page.locator("h1")).to_have_text(cluster.name_pl)

    tab_to(page, ".lang-switch a[hreflang='en']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{cluster_url(cluster, 'en')}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(cluster.name_en)


def test_editors_changes_in_both_languages_are_a_draft_and_they_cannot_delete(
    new_context, editable_site
):
    cluster = Cluster.objects.get(key="lubelski-klaster-biotechnologiczny")
    texts = {
        "pl": "Klaster łączy uczelnie i firmy biotechnologiczne Lublina.",
        "en": "The cluster brings Lublin's universities and biotech firms together.",
    }
    visitor = new_context().new_page()
    for language in LANGUAGES:  # the old pages are in the public page cache now
        visitor.goto(cluster_url(cluster, language))
        expect(visitor.locator("main")).not_to_contain_text(texts[language])

    editor = new_context().new_page()
    log_in(editor, editable_site.users["editor"])
    editor.goto(reverse("admin:clusters_cluster_changelist"))
    editor.get_by_role("link", name=cluster.name_pl, exact=True).click()
    expect(editor.locator("a.deletelink")).to_have_count(0)
    for language in LANGUAGES:
        editor.locator(f"li[aria-controls='tab_id_characteristics_{language}']").click()
        fill_formatted_text(editor, f"id_characteristics_{language}", texts[language])
    editor.locator("input[name='_continue']").click()
    expect(editor.locator(".messagelist")).to_contain_text("Zapisano szkic")
    expect(editor.locator(".revision-banner")).to_contain_text("Szkic")
    expect(editor.locator("#id_characteristics_pl")).to_have_value(
        f"<p>{texts['pl']}</p>"
    )

    for language in LANGUAGES:
        visitor.goto(cluster_url(cluster, language))
        expect(visitor.locator("main")).not_to_contain_text(texts[language])
        editor.goto(
            reverse("admin:clusters_cluster_preview", args=[cluster.pk, language])
        )
        expect(editor.locator("main")).to_contain_text(texts[language])

    response = editor.goto(reverse("admin:clusters_cluster_delete", args=[cluster.pk]))
    assert response.status == HTTPStatus.FORBIDDEN
    assert Cluster.objects.filter(pk=cluster.pk).exists()


def test_publisher_unpublishes_a_cluster_everywhere(new_context, editable_site):
    cluster = Cluster.objects.get(key="wschodni-klaster-ict")
    search = f"{public_url('directory', 'pl')}?q=wschodni+klaster+ict"
    listed = f".result-list a[href='{cluster_url(cluster, 'pl')}']"
    visitor = new_context().new_page()

    def published_everywhere() -> dict[str, bool]:
        visitor.goto(search)
        export = visitor.request.get(reverse("open_data:clusters_json")).json()
        sitemap = visitor.request.get(
            reverse("sitemap_section", kwargs={"section": "clusters"})
        ).text()
        return {
            "directory": visitor.locator(listed).count() == 1,
            "export": cluster.key in {c["key"] for c in export["clusters"]},
            "sitemap": cluster_url(cluster, "pl") in sitemap
            and cluster_url(cluster, "en") in sitemap,
            "page": all(
                visitor.request.get(cluster_url(cluster, language)).ok
                for language in LANGUAGES
            ),
        }

    assert all(published_everywhere().values())

    publisher = new_context().new_page()
    log_in(publisher, editable_site.users["publisher"])
    publisher.goto(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    publisher.locator("#id_is_published").uncheck()
    publisher.locator("input[name='_save']").click()
    expect(publisher.locator(".messagelist .success")).to_be_visible()

    assert not any(published_everywhere().values())
    response = visitor.goto(cluster_url(cluster, "pl"))
    assert response.status == HTTPStatus.NOT_FOUND


IS_FOCUSED = "(element) => element === document.activeElement"
# The admin's focus outline (a11y.css), not only the browser's thin ring.
ADMIN_FOCUS_OUTLINE = """(element) => {
  const style = getComputedStyle(element);
  return style.outlineStyle === "solid" && parseFloat(style.outlineWidth) >= 2;
}"""


def open_the_showcase_goals(new_context, site):
    """A publisher's page on the showcase cluster's form, its list items' rows, and
    the last goal's row; with the goals as stored."""
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    goals = list(cluster.items.filter(kind="goal").order_by("order"))
    page = new_context().new_page()
    log_in(page, site.users["publisher"])
    page.goto(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    rows = page.locator("#items-group tr.has_original")
    last = rows.filter(has=page.locator(f'input[name$="-id"][value="{goals[-1].pk}"]'))
    return page, rows, last, goals


def publish_and_see_goals(new_context, page, goals) -> None:
    """Saves the form, then expects visitors to see the goals in the order given."""
    page.locator("input[name='_save']").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    visitor = new_context().new_page()
    visitor.goto(cluster_url(Cluster.objects.get(key=SHOWCASE_CLUSTER), "pl"))
    shown = visitor.locator("section[aria-labelledby='items-goal'] li")
    expect(shown).to_have_text([goal.text_pl for goal in goals])


def test_publisher_drags_a_list_item_first(new_context, editable_site):
    """A row is dragged by the strip above it, anywhere along it (the translated
    fields' tabs do not cover it), in small steps as a hand moves."""
    page, rows, last, goals = open_the_showcase_goals(new_context, editable_site)
    first_strip = rows.first.locator("td.original p")
    first_strip.evaluate("(strip) => strip.scrollIntoView()")
    start, end = (
        last.locator("td.original p").bounding_box(),
        first_strip.bounding_box(),
    )
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    while y > end["y"] + 2:
        y = max(y - 15, end["y"] + 2)
        page.mouse.move(x, y)
        page.wait_for_timeout(15)
    page.mouse.up()

    expect(rows.first).to_have_id(last.get_attribute("id"))
    assert page.evaluate(WOULD_WARN)  # a new order not saved yet
    publish_and_see_goals(new_context, page, [goals[-1], *goals[:-1]])


def test_publisher_puts_a_list_item_first_with_the_keyboard(new_context, editable_site):
    """Dragging's keyboard alternative: a row's "move to first position" arrow,
    reached with Tab, showing the focus, pressed with Enter."""
    page, rows, last, goals = open_the_showcase_goals(new_context, editable_site)
    arrow = last.get_by_role("button", name="Przenieś na początek")
    index = int(last.get_attribute("id").removeprefix("items-"))

    page.locator(f"#id_items-{index - 1}-kind").focus()  # the row above
    tab_to(page, f"#items-{index} .move-begin", limit=20)
    assert arrow.evaluate(ADMIN_FOCUS_OUTLINE)
    page.keyboard.press("Enter")

    expect(rows.first).to_have_id(f"items-{index}")
    assert arrow.evaluate(IS_FOCUSED)  # still on the arrow, in the moved row
    assert page.evaluate(WOULD_WARN)  # a new order not saved yet
    publish_and_see_goals(new_context, page, [goals[-1], *goals[:-1]])


@pytest.mark.parametrize("name", ["home", "directory", "cluster"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_skip_link_moves_focus_to_the_main_content(page, language, name):
    page.goto(public_url(name, language))
    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box["y"] >= 0 and box["height"] > 0, f"skip link off screen: {box}"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('#main') !== null"), (
        "focus is not in #main"
    )


# Every focusable element's unfocused look, to compare with its look when focused.
REMEMBER_UNFOCUSED_STYLES = """() => {
  window.unfocusedStyles = new Map();
  for (const element of document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")) {
    const style = getComputedStyle(element);
    window.unfocusedStyles.set(element, [style.outline, style.boxShadow].join(" | "));
  }
}"""
FOCUS_INDICATOR = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
    && style.outlineColor !== "rgba(0, 0, 0, 0)";
  const shadow = style.boxShadow !== "none";
  return {
    element: element.outerHTML.slice(0, 120),
    indicated: outline || shadow,
    changed: window.unfocusedStyles.get(element)
      !== [style.outline, style.boxShadow].join(" | "),
  };
}"""


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("name", ["home", "directory", "cluster"])
def test_focus_is_always_visible(page, name, width):
    page.set_viewport_size({"width": WIDTHS[width], "height": 800})
    page.goto(public_url(name, "pl"))
    page.evaluate(REMEMBER_UNFOCUSED_STYLES)
    for stop in range(15):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_INDICATOR)
        assert focus["indicated"] and focus["changed"], (
            f"Tab stop {stop + 1} on {page.url} at {WIDTHS[width]} px shows no focus:"
            f" {focus['element']}"
        )


def test_a_new_publisher_sets_up_the_authenticator_app_at_first_sign_in(
    new_context, editable_site, console
):
    """What `make run`'s first administrator meets: the set-up pages, clear and in
    Polish, then the admin; nothing that the strict CSP blocks, no WCAG violation."""
    user = editable_site.staff_user("nowa", "publishers")
    page = new_context().new_page()
    page.goto(reverse("admin:index"))
    page.locator("#id_auth-username").fill(user.username)
    page.locator("#id_auth-password").fill(PASSWORD)
    page.locator("#id_auth-password").press("Enter")

    expect(page.locator("h1")).to_have_text("Skonfiguruj drugi składnik logowania")
    expect(page.locator("#content")).to_contain_text("aplikacji uwierzytelniającej")
    assert not wcag_violations(page), describe(wcag_violations(page), page.url)
    page.get_by_role("button", name="Dalej").click()

    qr = page.locator("img[src$='/qrcode/']")
    expect(qr).to_be_visible()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=qr.element_handle()
    )
    assert not wcag_violations(page), describe(wcag_violations(page), page.url)
    key = b32decode(page.locator("#content code").inner_text())
    page.locator("#id_generator-token").fill(f"{totp(key):06d}")
    page.locator("#id_generator-token").press("Enter")

    expect(page.locator("h1")).to_have_text(
        "Drugi składnik logowania jest skonfigurowany"
    )
    page.get_by_role("link", name="Utwórz kody odzyskiwania").click()
    page.get_by_role("button", name="Utwórz nowe kody odzyskiwania").click()
    expect(page.locator("#content li code")).to_have_count(10)
    page.get_by_role("link", name="Wstecz").click()
    page.get_by_role("link", name="Przejdź do panelu administracyjnego").click()
    expect(page.locator("#user-tools")).to_contain_text(user.username)
    assert not console.csp_violations(), console.csp_violations()
