"""WCAG 2.1 AA in a real browser: axe-core on every page type, both languages, both widths.

Each public page is also saved as a screenshot in screenshots/ (git-ignored), so anyone
can look at what the site shows without running it.
"""

import re

import pytest

from clusters.models import Cluster
from cms.renditions import picture
from contacts.models import TeamMember
from ecosystems.models import Highland
from tests.e2e.pages import (
    ADMIN_PAGES,
    HEIGHTS,
    LANGUAGES,
    PUBLIC_PAGES,
    SCREENSHOTS,
    SHOWCASE_CLUSTER,
    SHOWCASE_HIGHLAND,
    STAFF_PAGES,
    WIDTH_IDS,
    WIDTHS,
    admin_url,
    describe,
    public_url,
    wcag_violations,
)
from tests.factories import make_image

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


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_every_staff_page_has_no_wcag_violations_in_polish(
    new_context, sign_in, name, width
):
    context = new_context(language="pl", width=width)
    sign_in(context, "admin")
    page = context.new_page()
    url = admin_url(name)
    response = page.goto(url)
    assert response.status == 200, url
    violations = wcag_violations(page)
    assert not violations, describe(violations, f"{url} at {WIDTHS[width]} px")


def show_images() -> None:
    """Test images (the starter content has none): a logo for the showcase cluster
    and its coordinators, a picture for every Highland, a photo for the team."""
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    cluster.logo = make_image(size=(900, 300), format="PNG", mode="RGBA")
    cluster.save()
    cluster.coordinators.update(logo=make_image(size=(400, 400)))
    Highland.objects.update(image=make_image(size=(3000, 2000), credit="Jan Kowalski"))
    TeamMember.objects.update(photo=make_image(size=(600, 800)))


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("name", ["cluster", "highland", "highlands", "team"])
def test_pages_with_images_have_no_wcag_violations(page, editable_site, name, width):
    show_images()
    page.set_viewport_size({"width": WIDTHS[width], "height": HEIGHTS[width]})
    url = public_url(name, "pl")
    assert page.goto(url).status == 200
    assert page.locator("picture img").count() > 0
    violations = wcag_violations(page)
    assert not violations, describe(violations, f"{url} at {WIDTHS[width]} px")


@pytest.mark.parametrize("density", [1, 2, 3])
def test_a_390_px_phone_is_sent_a_rendition_for_its_screen(
    new_context, editable_site, density
):
    show_images()
    highland = Highland.objects.get(key=SHOWCASE_HIGHLAND)
    page = new_context(width="phone", density=density).new_page()
    page.goto(public_url("highland", "pl"))

    chosen = page.locator(".record-picture img").evaluate("img => img.currentSrc")

    offered = {
        url: int(width)
        for url, width in re.findall(
            r"(\S+) (\d+)w", picture(highland.image, "picture").webp_srcset
        )
    }
    path = chosen.removeprefix(page.url.split("/pl/")[0])
    # The column is 358 CSS px wide: 360, 720 or 1080 px, never the 3000 px original.
    assert offered[path] == {1: 360, 2: 720, 3: 1080}[density]
