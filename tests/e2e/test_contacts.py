"""The team page and the accessibility statement in a real browser, in both
languages, at 1,280 and 390 px: the phones in each language's form and dialable, and
a statement that says nothing is "not set yet"."""

import pytest

from tests.e2e.pages import LANGUAGES, WIDTH_IDS, WIDTHS, public_url

pytestmark = pytest.mark.browser

# The starter team's phones (fixtures/contacts.json), as each language shows them.
PHONES = {
    "pl": {
        "+48814662507": "81 466 25 07",
        "+48814662505": "81 466 25 05",
        "+48814662525": "81 466 25 25",
    },
    "en": {
        "+48814662507": "+48 81 466 25 07",
        "+48814662505": "+48 81 466 25 05",
        "+48814662525": "+48 81 466 25 25",
    },
}


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_team_page_shows_dialable_phones_in_the_pages_language(
    new_context, language, width
):
    page = new_context(language=language, width=width).new_page()
    assert page.goto(public_url("team", language)).status == 200

    for number, shown in PHONES[language].items():
        link = page.locator(f'a[href="tel:{number}"]')
        assert link.count() == 1, number
        assert link.inner_text() == shown
        assert link.is_visible()
        box = link.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= WIDTHS[width], "cut off at the edge"


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_statement_is_reached_from_the_footer_and_says_nothing_is_unset(
    new_context, language, width
):
    page = new_context(language=language, width=width).new_page()
    page.goto(public_url("home", language))

    page.locator(".site-footer").get_by_role(
        "link",
        name={"pl": "Deklaracja dostępności", "en": "Accessibility statement"}[
            language
        ],
    ).click()

    page.wait_for_url(f"**{public_url('statement', language)}")
    text = page.locator("main").inner_text()
    assert page.locator("h1").inner_text()
    assert "jeszcze nie ustalono" not in text
    assert "not set yet" not in text
    status = {"pl": "zgodna", "en": "fully compliant"}[language]
    assert page.locator("#a11y-status").inner_text() == status
