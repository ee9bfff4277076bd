"""A phone's screen and paper (issue 20): a wide table says it scrolls and keeps its
caption in sight, the sort choices fit, and record pages have a "Print" button."""

import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.pages import LANGUAGES, WIDTH_IDS, WIDTHS, public_url

pytestmark = pytest.mark.browser

SCROLL_NOTES = {
    "pl": "Przewiń tabelę w bok, aby zobaczyć wszystkie kolumny.",
    "en": "Scroll the table sideways to see all its columns.",
}
CAPTIONS = {
    "pl": "Liczba członków w kolejnych latach, według podanych danych",
    "en": "Members by year, as reported",
}
PRINT = {"pl": "Drukuj", "en": "Print"}
PRINTABLE_PAGES = ["cluster", "highland", "about", "team"]

# Counts the calls of window.print(), which would open the print dialogue. Init
# scripts run before the page's own and outside its Content-Security-Policy.
STUB_PRINT = "window.printCalls = 0; window.print = () => { window.printCalls += 1; };"


def soon(condition, *, seconds: float = 3) -> bool:
    """Whether `condition()` holds within `seconds`: keyboard scrolling is animated.
    (Playwright's wait_for_function evaluates a string, which the CSP forbids.)"""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.evaluate(
        "(element) => { const r = element.getBoundingClientRect();"
        " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_table_wider_than_a_phone_says_it_scrolls_and_keeps_its_caption_in_sight(
    new_context, language
):
    page = new_context(language=language, width="phone").new_page()
    page.goto(public_url("cluster", language))
    wrap = page.locator("#history-table")
    assert wrap.evaluate("(wrap) => wrap.scrollWidth > wrap.clientWidth + 20"), (
        "the table fits a 390 px screen: nothing to check"
    )

    note = page.locator("[data-scroll-note='history-table']")
    expect(note).to_be_visible()
    expect(note).to_have_text(SCROLL_NOTES[language])
    # The table is a named, focusable region, so the keyboard scrolls it too.
    region = page.get_by_role("region", name=CAPTIONS[language])
    expect(region).to_have_attribute("tabindex", "0")

    def caption_in_sight() -> None:
        caption, frame = box(page, "#history-caption"), box(page, "#history-table")
        # Within a pixel: a scrolled position may be a fraction of one.
        left, right = frame["left"] - 1, frame["right"] + 1
        assert left <= caption["left"] and caption["right"] <= right, (
            f"caption {caption} outside the table's frame {frame}"
        )

    caption_in_sight()
    last_column = "#history-table thead th:last-child"
    assert box(page, last_column)["right"] > box(page, "#history-table")["right"]

    region.focus()
    for _ in range(20):  # the arrow key scrolls the region, 40 px a press
        page.keyboard.press("ArrowRight")
    assert soon(lambda: wrap.evaluate("(wrap) => wrap.scrollLeft") > 0)
    frame = "#history-table"
    assert soon(
        lambda: box(page, last_column)["right"] <= box(page, frame)["right"] + 1
    ), "the last column is out of reach"
    caption_in_sight()


@pytest.mark.parametrize("name", ["home", "cluster"])
def test_a_table_that_fits_has_no_scroll_note(new_context, name):
    page = new_context(width="desktop").new_page()
    page.goto(public_url(name, "pl"))
    wrap = page.locator(".table-wrap")
    expect(wrap).to_be_visible()
    assert wrap.evaluate("(wrap) => wrap.scrollWidth <= wrap.clientWidth")
    note = page.locator("[data-scroll-note]")
    expect(note).to_have_count(1)
    expect(note).to_be_hidden()


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sort_choices_fit_their_box(new_context, language, width):
    page = new_context(language=language, width=width).new_page()
    page.goto(public_url("directory", language))
    sort = page.locator("#id_sort")

    # The box is as wide as its longest choice needs (its own width without a rule).
    widths = sort.evaluate(
        """(select) => {
          const shown = select.getBoundingClientRect();
          select.style.width = "max-content";
          const needed = select.getBoundingClientRect().width;
          select.style.width = "";
          return {shown: shown.width, needed, right: shown.right, screen: innerWidth};
        }"""
    )
    assert widths["shown"] >= widths["needed"], widths
    assert widths["right"] <= widths["screen"], widths


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("name", PRINTABLE_PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_record_pages_have_a_print_button_that_prints(
    new_context, console, language, name, width
):
    context = new_context(language=language, width=width)
    context.add_init_script(STUB_PRINT)
    page = context.new_page()
    page.goto(public_url(name, language))

    button = page.get_by_role("button", name=PRINT[language], exact=True)
    expect(button).to_be_visible()
    button.click()
    assert page.evaluate("window.printCalls") == 1
    assert not console.csp_violations(), console.csp_violations()

    # On paper: the content, without the button and the ways round the site.
    page.emulate_media(media="print")
    expect(button).to_be_hidden()
    for selector in [".site-nav", ".lang-switch", ".skip-link"]:
        expect(page.locator(selector)).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()


def test_without_javascript_the_print_button_and_scroll_note_stay_hidden(
    browser, live_server, starter_site
):
    """A button that cannot work is not offered; the table's shadow edge remains."""
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": WIDTHS["phone"], "height": 844},
    )
    try:
        page = context.new_page()
        page.goto(public_url("cluster", "pl"))
        expect(page.locator("h1")).to_be_visible()
        for selector in ["[data-print]", "[data-scroll-note]"]:
            expect(page.locator(selector)).to_have_count(1)
            expect(page.locator(selector)).to_be_hidden()
        expect(page.locator("#history-caption")).to_be_visible()
    finally:
        context.close()
