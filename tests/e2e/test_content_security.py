"""The strict Content-Security-Policy holds in a real browser: nothing is blocked.

The site allows no inline script or style; Chromium reports anything the policy
blocks in the console. These pages are loaded without axe-core, whose injected
stylesheet the policy rightly blocks.
"""

import pytest

from tests.e2e.pages import LANGUAGES, PUBLIC_PAGES, admin_url, public_url

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", PUBLIC_PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_public_page_breaks_no_csp_rule(page, console, language, name):
    url = public_url(name, language)
    page.goto(url)
    page.locator("main").wait_for()
    assert not console.csp_violations(), f"{url}: {console.csp_violations()}"


def test_admin_cluster_form_breaks_no_csp_rule(context, page, console, sign_in):
    sign_in(context, "admin")
    url = admin_url("cluster-form")
    page.goto(url, wait_until="networkidle")
    # What the scripts do when used: the language tabs, an autocomplete's list.
    page.locator("li[aria-controls='tab_id_characteristics_en']").click()
    assert page.locator("#id_characteristics_en_editor").is_visible()
    page.locator(".field-highlands .select2-selection").click()
    page.locator(".select2-results__option").first.wait_for()
    page.keyboard.press("Escape")
    assert not console.csp_violations(), f"{url}: {console.csp_violations()}"
