"""How the clusters grew (issue 20): the lublin.eu table of 2019 as published, beside
each cluster's latest figures, as a chart and its table, in both languages."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_cluster, make_snapshot

pytestmark = pytest.mark.django_db


def growth_page(client, language="pl") -> str:
    with translation.override(language):
        response = client.get(reverse("clusters:growth"))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def rows(html: str) -> dict[str, list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        name = re.search(r'<th scope="row"><a [^>]+>([^<]+)</a>', row).group(1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        found[name] = [re.sub(r"\s+", " ", cell).strip() for cell in cells]
    return found


@pytest.fixture
def clusters():
    grew = make_cluster(name_pl="Klaster Rosnący", name_en="Growing Cluster")
    make_snapshot(grew, year=2019, members=25, enterprises=18)
    make_snapshot(grew, year=2024, year_is_earliest=True, members=40, enterprises=40)
    kept = make_cluster(name_pl="Klaster Stały")
    make_snapshot(kept, year=2019, members=8, enterprises=None)
    later = make_cluster(name_pl="Klaster Nowy")  # not in the 2019 table
    make_snapshot(later, year=2024, members=30, enterprises=30)
    hidden = make_cluster(name_pl="Klaster Ukryty", is_published=False)
    make_snapshot(hidden, year=2019, members=5, enterprises=5)
    return grew, kept


def test_the_table_lists_the_2019_clusters_then_and_now(client, clusters):
    found = rows(growth_page(client))

    assert set(found) == {"Klaster Rosnący", "Klaster Stały"}
    assert found["Klaster Rosnący"] == ["25 (18)", "40 (40)", "2024 lub później", "+15"]
    assert found["Klaster Stały"] == ["8", "brak nowszych danych"]


def test_the_chart_draws_then_and_now_for_clusters_with_later_figures(client, clusters):
    html = growth_page(client, "en")

    assert "<h1>Clusters in 2019 and today</h1>" in html
    chart = html.split('<ul class="growth-bars"', 1)[1].split("</ul>", 1)[0]
    assert chart.count("<li>") == 1  # the cluster without later figures has no bars
    assert "Growing Cluster" in chart and "25 · <strong>40</strong>" in chart
    assert 'class="chart-then" x="0" y="1" width="62.5"' in chart
    assert 'class="chart-now" x="0" y="17" width="100.0"' in chart


def test_no_chart_without_later_figures(client):
    cluster = make_cluster()
    make_snapshot(cluster, year=2019, members=8, enterprises=None)

    html = growth_page(client)

    assert "growth-bars" not in html
    assert "brak nowszych danych" in html


def test_a_cluster_with_no_members_then_or_now_gets_empty_bars_not_an_error(client):
    cluster = make_cluster()
    make_snapshot(cluster, year=2019, members=0, enterprises=0)
    make_snapshot(cluster, year=2024, members=0, enterprises=0)

    chart = growth_page(client).split('<ul class="growth-bars"', 1)[1]

    assert 'class="chart-then" x="0" y="1" width="0.0"' in chart
    assert 'class="chart-now" x="0" y="17" width="0.0"' in chart
