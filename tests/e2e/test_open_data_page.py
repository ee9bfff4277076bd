"""The open data page in a real browser: reached from the footer, it links every export,
every link answers, the DCAT-AP catalogue parses, and axe-core finds nothing."""

import pytest
from django.urls import reverse
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

from tests.e2e.pages import (
    HEIGHTS,
    LANGUAGES,
    WIDTH_IDS,
    WIDTHS,
    describe,
    public_url,
    wcag_violations,
)

pytestmark = pytest.mark.browser

EXPORTS = ["clusters_json", "clusters_csv", "highlands_json"]
METADATA = ["index", "catalog_ttl", "catalog_rdf", "catalog_jsonld"]
HEADINGS = {"pl": "Otwarte dane", "en": "Open data"}


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_open_data_page_links_every_export_and_passes_axe(
    page, live_server, language, width
):
    page.set_viewport_size({"width": WIDTHS[width], "height": HEIGHTS[width]})
    page.goto(public_url("home", language))
    page.locator(".site-footer").get_by_role("link", name=HEADINGS[language]).click()
    page.get_by_role("heading", level=1, name=HEADINGS[language]).wait_for()
    assert page.url.endswith(public_url("open-data", language))

    # Long addresses wrap: the page itself never scrolls sideways, even on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]

    main = page.locator("main")
    for name in [*EXPORTS, *METADATA]:
        link = main.locator(f'a[href="{reverse(f"open_data:{name}")}"]')
        assert link.count() >= 1, name
        assert link.first.is_visible(), name
    hrefs = main.locator("a[href^='/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    for href in set(hrefs):
        answer = page.request.get(live_server.url + href)
        assert answer.status == 200, href

    catalogue = page.request.get(live_server.url + reverse("open_data:catalog_ttl"))
    graph = Graph().parse(data=catalogue.text(), format="turtle")
    assert len(set(graph.subjects(RDF.type, DCAT.Distribution))) == len(EXPORTS)

    violations = wcag_violations(page)
    assert not violations, describe(violations, f"{page.url} at {WIDTHS[width]} px")
