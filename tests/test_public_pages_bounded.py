"""Pages that stay the same size whatever the number of clusters.

A Highland lists its first clusters by name and links to the directory for all of
them; the directory's counts, pages and home figures come from the database, not from
every cluster loaded into Python.
"""

import re
from http import HTTPStatus

import pytest
from django.utils import translation

from ecosystems import views as ecosystem_views
from tests.factories import make_cluster, make_highland, make_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_shown(monkeypatch):
    monkeypatch.setattr(ecosystem_views, "SHOWN_CLUSTERS", 3)


def highland_with_clusters(count: int):
    highland = make_highland(name_pl="Wyżyna Testowa", slug_pl="wyzyna-testowa")
    for n in range(count):
        make_cluster(name_pl=f"Klaster {chr(ord('A') + n)}", highlands=[highland])
    make_cluster(name_pl="Klaster Szkic", highlands=[highland], is_published=False)
    return highland


def names(content: str) -> list[str]:
    return re.findall(r">(Klaster [A-Z]\w*)<", content)


def test_highland_page_lists_its_first_clusters_and_links_to_all(client, three_shown):
    highland = highland_with_clusters(5)
    with translation.override("pl"):
        response = client.get(highland.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert names(content) == ["Klaster A", "Klaster B", "Klaster C"]
    assert "Pierwsze 3 z 5, alfabetycznie." in content
    assert 'href="/pl/klastry/?highland=wyzyna-testowa"' in content
    assert "Wszystkie 5 klastrów tej Wyżyny w katalogu" in content


def test_highland_page_of_few_clusters_lists_them_all_without_a_link(
    client, three_shown
):
    highland = highland_with_clusters(3)
    with translation.override("pl"):
        content = client.get(highland.get_absolute_url()).content.decode()
    assert names(content) == ["Klaster A", "Klaster B", "Klaster C"]
    assert "?highland=" not in content


def test_highland_list_counts_every_cluster_and_names_the_first(client, three_shown):
    highland_with_clusters(4)
    content = client.get("/pl/wyzyny/").content.decode()
    assert names(content) == ["Klaster A", "Klaster B", "Klaster C"]
    assert "Wszystkie 4 klastry tej Wyżyny w katalogu" in content


def test_directory_pages_show_their_own_rows_in_order_and_the_total(client):
    for n in range(23):
        make_cluster(name_pl=f"Klaster {n:02d}")
    first = client.get("/pl/klastry/").content.decode()
    last = client.get("/pl/klastry/?page=2").content.decode()
    assert "23 klastry" in first
    assert re.findall(r">Klaster (\d\d)<", first) == [f"{n:02d}" for n in range(20)]
    assert re.findall(r">Klaster (\d\d)<", last) == ["20", "21", "22"]


def test_home_figures_come_from_each_clusters_current_figures(client):
    reporting = make_cluster()
    make_snapshot(reporting, year=2019, members=10, enterprises=5)
    make_snapshot(reporting, year=2022, members=40, enterprises=None)
    make_cluster()
    content = client.get("/en/").content.decode()
    section = content[content.index('id="figures-heading"') :]
    assert ">2 clusters</a>" in section
    rows = re.findall(
        r'<th scope="row">(\d+)</th>\s*<td class="number">(\d+)</td>', section
    )
    assert rows == [("2022", "1")]
    assert '<td class="number">40</td>' in section
