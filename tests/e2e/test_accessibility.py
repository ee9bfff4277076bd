"""WCAG 2.1 AA in a real browser: axe-core on every page type, both languages, both widths.

Each public page is also saved as a screenshot in screenshots/ (git-ignored), so anyone
can look at what the site shows without running it.
"""

import pytest

from tests.e2e.pages import (
    ADMIN_PAGES,
    HEIGHTS,
    LANGUAGES,
    PUBLIC_PAGES,
    SCREENSHOTS,
    WIDTH_IDS,
    WIDTHS,
    admin_url,
    describe,
    public_url,
    wcag_violations,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("name", PUBLIC_PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_public_page_has_no_wcag_violations(page, language, name, width):
    page.set_viewport_size({"width": WIDTHS[width], "height": HEIGHTS[width]})
    url = public_url(name, language)
    response = page.goto(url)
    assert response.status == (404 if name == "not-found" else 200), url
    assert page.locator("html").get_attribute("lang") == language
    # Unstyled, the skip link would sit at the top of the page rather than above it.
    assert page.locator(".skip-link").bounding_box()["y"] < 0, "no stylesheet"

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(
        path=SCREENSHOTS / f"{language}-{name}-{WIDTHS[width]}.png", full_page=True
    )
    violations = wcag_violations(page)
    assert not violations, describe(violations, f"{url} at {WIDTHS[width]} px")


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("name", ADMIN_PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_page_has_no_wcag_violations(new_context, sign_in, language, name, width):
    context = new_context(language=language, width=width)
    if name != "login":
        sign_in(context, "admin")
    page = context.new_page()
    url = admin_url(name)
    response = page.goto(url)
    assert response.status == 200, url
    assert page.locator("html").get_attribute("lang") == language

    SCREENSHOTS.mkdir(exist_ok=True)
    # The first screenful only: the whole cluster form takes seconds to capture.
    page.screenshot(path=SCREENSHOTS / f"admin-{language}-{name}-{WIDTHS[width]}.png")
    violations = wcag_violations(page)
    assert not violations, describe(violations, f"{url} at {WIDTHS[width]} px")
