"""The sitemap as a crawler reads it: the index at /sitemap.xml, then every page it
lists. Tests of what the sitemap holds read it through these, not one file."""

from http import HTTPStatus
from xml.etree import ElementTree

from django.conf import settings

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_locations(client, address: str = "/sitemap.xml") -> list[str]:
    """The <loc>s of an index or a page, each checked to be on SITE_URL."""
    response = client.get(address)
    assert response.status_code == HTTPStatus.OK, address
    locations = [
        loc.text
        for loc in ElementTree.fromstring(response.content).iter(f"{SITEMAP}loc")
    ]
    assert all(loc.startswith(f"{settings.SITE_URL}/") for loc in locations)
    return locations


def sitemap_pages(client) -> list[bytes]:
    """Every page the index lists, in its order."""
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    pages = []
    for location in sitemap_locations(client):
        response = client.get(location.removeprefix(settings.SITE_URL))
        assert response.status_code == HTTPStatus.OK, location
        pages.append(response.content)
    return pages


def sitemap_text(client) -> str:
    """The text of every page of the sitemap, one after another."""
    return "".join(page.decode() for page in sitemap_pages(client))
