"""Unknown is not no: a number of universities that is not reported is neither
counted nor shown as none, in the directory's facet, on a cluster's page or in the
open data."""

import csv
import html
import io
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from clusters.filters import ClusterFilter
from tests.factories import make_cluster, make_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    """A cache of this test's own, so no page is served from another test's run."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture
def clusters():
    """One cluster for each answer; two whose number of universities is unknown: one
    whose latest snapshot leaves it blank, one with no snapshot at all."""
    make_snapshot(make_cluster(key="some"), universities=2)
    make_snapshot(make_cluster(key="none"), universities=0)
    unreported = make_cluster(key="unreported")
    make_snapshot(unreported, year=2019, universities=3)
    make_snapshot(unreported, year=2024, universities=None)
    make_cluster(key="no-figures")


def keys(params: dict) -> list[str]:
    return sorted(cluster.key for cluster in ClusterFilter(params).qs)


def text(response) -> str:
    assert response.status_code == HTTPStatus.OK
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_facet_counts_unreported_universities_apart_from_none(clusters):
    with translation.override("pl"):
        choices = ClusterFilter({}).form.fields["has_universities"].choices
        labels = {value: str(label) for value, label in choices if value}
    assert labels == {
        "yes": "tak (1)",
        "no": "nie (1)",
        "unknown": "brak danych (2)",
    }


def test_facet_labels_in_english(clusters):
    with translation.override("en"):
        choices = ClusterFilter({}).form.fields["has_universities"].choices
        labels = {value: str(label) for value, label in choices if value}
    assert labels["unknown"] == "not reported (2)"


def test_filtering_for_no_universities_leaves_out_the_unreported(clusters):
    assert keys({"has_universities": "no"}) == ["none"]


def test_filtering_for_unreported_universities_finds_them(clusters):
    assert keys({"has_universities": "unknown"}) == ["no-figures", "unreported"]
    assert keys({"has_universities": "yes"}) == ["some"]


def test_directory_page_offers_and_applies_the_not_reported_choice(client, clusters):
    with translation.override("pl"):
        address = reverse("clusters:list")
    page = text(client.get(address, {"has_universities": "unknown"}))
    assert '<option value="unknown" selected>brak danych (2)</option>' in page
    assert '<option value="no">nie (1)</option>' in page
    assert "2 klastry" in page


def test_cluster_page_says_an_unreported_figure_is_not_reported(client):
    cluster = make_cluster(key="unreported", name_pl="Klaster Bez Danych")
    make_snapshot(cluster, members=12, enterprises=None, universities=None)
    for language, label, not_reported in [
        ("pl", "Uczelnie", "brak danych"),
        ("en", "Universities", "not reported"),
    ]:
        with translation.override(language):
            page = text(client.get(cluster.get_absolute_url()))
        assert f"<dt>{label}</dt><dd>{not_reported}</dd>" in page
        # The history table says it in words too: members, enterprises, business
        # environment institutions, universities.
        row = re.search(r'<th scope="row">2024</th>(.*?)</tr>', page).group(1)
        cells = re.findall(r'<td class="number">(.*?)</td>', row)
        assert cells == ["12", not_reported, not_reported, not_reported]


def test_open_data_keeps_an_unreported_number_null(client, clusters):
    params = {"has_universities": "unknown"}
    response = client.get(reverse("open_data:clusters_json"), params)
    assert response.status_code == HTTPStatus.OK
    records = {record["key"]: record for record in response.json()["clusters"]}
    assert sorted(records) == ["no-figures", "unreported"]
    assert records["unreported"]["universities"] is None
    assert [row["universities"] for row in records["unreported"]["history"]] == [
        3,
        None,
    ]
    response = client.get(reverse("open_data:clusters_csv"), params)
    assert response.status_code == HTTPStatus.OK
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert {row["key"]: row["universities"] for row in rows} == {
        "no-figures": "",
        "unreported": "",
    }
