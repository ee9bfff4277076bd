"""A figure's date is as precise as its source: figures from a source that gives no
date are shown as "that year or later", never as that year's, on the cluster page,
the home page, a Highland's page, in the open data and in the structured data."""

import csv
import html
import io
import json
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from clusters.models import Cluster
from tests.admin_forms import form_values
from tests.factories import make_cluster, make_highland, make_snapshot

pytestmark = pytest.mark.django_db

UNDATED_SOURCE = (
    "The cluster's profile on the English explore-lublin page, which gives no date."
)


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
def undated():
    """A cluster dated by the 2019 table, whose latest figures come from an undated
    page filed under 2024, the earliest year that page can be from."""
    cluster = make_cluster(key="undated", name_pl="Klaster Bez Daty")
    make_snapshot(cluster, year=2019, members=40, enterprises=30)
    make_snapshot(
        cluster,
        year=2024,
        year_is_earliest=True,
        members=55,
        enterprises=44,
        source_en=UNDATED_SOURCE,
    )
    return cluster


@pytest.fixture
def dated():
    cluster = make_cluster(key="dated", name_pl="Klaster Z Datą")
    make_snapshot(cluster, year=2019, members=12, enterprises=9)
    return cluster


def text(response) -> str:
    assert response.status_code == HTTPStatus.OK
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def section(page: str, heading_id: str) -> str:
    """The page's text from the heading `heading_id` to the end of its section."""
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def test_cluster_page_never_labels_undated_figures_as_the_years(client, undated, dated):
    page = text(client.get(f"/pl/klastry/{undated.slug_pl}/"))
    assert "Członkowie według źródła bez daty (nie wcześniej niż 2024 r.)" in page
    assert "w 2024 roku" not in page
    history = section(page, "history-heading")
    assert '<th scope="row">2024 lub później</th>' in history
    assert "<dt>2024 lub później</dt>" in history
    assert '<th scope="row">2024</th>' not in history
    # The chart's axis and its description for screen readers say so too.
    assert ">2024 lub później</text>" in history
    assert "2024 lub później: członków 55" in history
    # Dated figures, on the same page and on another, still read as their year's.
    assert '<th scope="row">2019</th>' in history
    dated_page = text(client.get(f"/pl/klastry/{dated.slug_pl}/"))
    assert "Członkowie w 2019 roku" in dated_page
    assert "lub później" not in dated_page


def test_cluster_page_in_english_says_the_source_is_undated(client, undated):
    page = text(client.get(f"/en/clusters/{undated.slug_en}/"))
    assert "Members, from an undated source (2024 or later)" in page
    assert "Members in 2024" not in page


def test_home_page_keeps_undated_figures_apart_from_the_years(client, dated):
    make_snapshot(make_cluster(), year=2024, members=7, enterprises=None)
    figures = section(text(client.get("/pl/")), "figures-heading")
    assert "lub później" not in figures.lower()

    undated = make_cluster()
    make_snapshot(undated, year=2024, year_is_earliest=True, members=55)
    figures = section(text(client.get("/pl/")), "figures-heading")
    rows = re.findall(
        r'<th scope="row">([^<]*)</th>\s*<td class="number">(\d+)', figures
    )
    assert rows == [("2024", "1"), ("2024 lub później", "1"), ("2019", "1")]
    assert "„Lub później”: źródło tych danych nie podaje daty" in figures


def test_highland_page_never_labels_undated_figures_as_the_years(client):
    highland = make_highland(slug_pl="wyzyna-it")
    cluster = make_cluster(highlands=[highland])
    make_snapshot(cluster, year=2024, year_is_earliest=True, members=55)
    page = text(client.get("/pl/wyzyny/wyzyna-it/"))
    assert "55 członków według źródła bez daty (nie wcześniej niż 2024 r.)" in page
    assert "w 2024 roku" not in page


def test_open_data_flags_undated_figures(client, undated, dated):
    clusters = {
        record["key"]: record
        for record in json.loads(
            client.get(reverse("open_data:clusters_json")).getvalue()
        )["clusters"]
    }
    assert (clusters["undated"]["as_of"], clusters["undated"]["as_of_is_earliest"]) == (
        2024,
        True,
    )
    assert [
        (entry["year"], entry["year_is_earliest"])
        for entry in clusters["undated"]["history"]
    ] == [(2019, False), (2024, True)]
    assert (clusters["dated"]["as_of"], clusters["dated"]["as_of_is_earliest"]) == (
        2019,
        False,
    )
    response = client.get(reverse("open_data:clusters_csv"))
    rows = {
        row["key"]: row
        for row in csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig")))
    }
    assert (rows["undated"]["as_of"], rows["undated"]["as_of_is_earliest"]) == (
        "2024",
        "true",
    )
    assert rows["dated"]["as_of_is_earliest"] == "false"


def test_open_data_leaves_the_flag_empty_without_figures(client):
    make_cluster(key="no-figures")
    response = client.get(reverse("open_data:clusters_json"))
    record = json.loads(response.getvalue())["clusters"][0]
    assert (record["as_of"], record["as_of_is_earliest"]) == (None, None)


def test_structured_data_gives_undated_figures_no_date(client, undated):
    page = client.get(f"/pl/klastry/{undated.slug_pl}/").content.decode()
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.DOTALL
    )
    observations = [
        node
        for block in blocks
        for node in json.loads(block).get("@graph", [])
        if node.get("@type") == "Observation"
    ]
    assert {o["variableMeasured"]: o["value"] for o in observations}["members"] == 55
    for observation in observations:
        assert "observationDate" not in observation
        assert "observationPeriod" not in observation


def test_staff_mark_a_snapshot_undated_in_the_admin(client, publisher):
    cluster = make_cluster()
    make_snapshot(cluster, year=2024, members=55)
    client.force_login(publisher)
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    with translation.override("pl"):
        form = client.get(url, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Źródło bez daty (rok najwcześniejszy możliwy)" in form
    assert "Zaznacz, gdy źródło nie podaje daty" in form
    data = form_values(form)
    data["snapshots-0-year_is_earliest"] = ["on"]
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    cluster = Cluster.objects.get(pk=cluster.pk)
    assert (cluster.current_year, cluster.current_year_is_earliest) == (2024, True)


def test_the_directory_card_says_an_undated_figure_is_so(client, undated, dated):
    with translation.override("pl"):
        content = html.unescape(client.get(reverse("clusters:list")).content.decode())

    text = " ".join(re.sub(r"<[^>]+>", " ", content).split())
    assert "55 (źródło bez daty, nie wcześniej niż 2024 r.)" in text
    assert "55 (w 2024 roku)" not in text
    assert "12 (w 2019 roku)" in text
