"""The overview table: every published cluster on one page, sortable by name, year
established and members, in both languages (issue 20, "Which cluster fits?")."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_cluster, make_highland, make_snapshot

pytestmark = pytest.mark.django_db


def overview_url(language: str = "pl") -> str:
    with translation.override(language):
        return reverse("clusters:overview")


def row_names(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', body)


@pytest.fixture
def clusters():
    """More clusters than a directory page holds (20), sizes out of name order."""
    made = []
    for n in range(25):
        cluster = make_cluster(
            name_pl=f"Klaster {n:02d}",
            name_en=f"Cluster {n:02d}",
            year_established=2000 + n % 7,
        )
        make_snapshot(cluster, year=2024, members=(n * 37) % 101 + 1, enterprises=None)
        made.append(cluster)
    make_cluster(name_pl="Klaster Ukryty", is_published=False)
    return made


def test_every_published_cluster_is_on_one_page_by_name(client, clusters):
    response = client.get(overview_url())

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert row_names(html) == [f"Klaster {n:02d}" for n in range(25)]
    assert "Klaster Ukryty" not in html
    assert 'aria-sort="ascending"' in html


def test_sorting_by_members_puts_the_largest_first(client, clusters):
    html = client.get(overview_url(), {"sort": "-size"}).content.decode()

    largest = max(clusters, key=lambda c: c.snapshots.get().members)
    assert row_names(html)[0] == largest.name_pl
    assert html.count('aria-sort="descending"') == 1
    # The members' heading now sorts the other way; the others ascending.
    assert 'href="?sort=size"' in html and 'href="?sort=year"' in html


def test_sorting_by_year_established(client, clusters):
    html = client.get(overview_url("en"), {"sort": "year"}).content.decode()

    years = [c.year_established for c in clusters]
    names = row_names(html)
    by_name = {c.name_en: c.year_established for c in clusters}
    assert [by_name[name] for name in names] == sorted(years)


def test_the_table_shows_figures_highlands_and_links_in_english(client):
    highland = make_highland(name_en="Lublin IT Highland")
    cluster = make_cluster(name_en="Cluster Of Things", highlands=[highland])
    make_snapshot(cluster, year=2023, members=42)

    html = client.get(overview_url("en")).content.decode()

    assert "All clusters in one table" in html
    assert "42 (in 2023)" in html
    assert "Lublin IT Highland" in html
    assert f'href="{cluster.get_absolute_url()}"' in html


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_directory_links_the_table(client, language):
    with translation.override(language):
        directory = reverse("clusters:list")
    html = client.get(directory).content.decode()
    assert f'href="{overview_url(language)}"' in html
