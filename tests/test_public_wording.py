"""The public pages' wording reads as correct Polish and British English (issue 16)."""

import html
import re
from datetime import date, datetime

import pytest
from django.utils import formats, translation

from cms.publishing import mark_edited
from ecosystems.models import Highland
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_snapshot,
)

pytestmark = pytest.mark.django_db

DIRECTORY = {"pl": "/pl/klastry/", "en": "/en/clusters/"}


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    """A cache of this test's own, so no page is served from another test's run."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


def page(client, address: str) -> str:
    return client.get(address).content.decode()


def options(content: str, name: str) -> list[str]:
    """The texts of a select's options, in order."""
    select = re.search(rf'<select name="{name}".*?</select>', content, re.S).group()
    return [html.unescape(text) for text in re.findall(r">([^<]*)</option>", select)]


def label(content: str, name: str) -> str:
    return re.search(rf'<label for="id_{name}">([^<]*)</label>', content).group(1)


def results_heading(content: str) -> str:
    heading = re.search(r'<h2 id="results-heading">(.*?)</h2>', content, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", heading).split())


def card(content: str, name: str) -> str:
    """The directory card of the cluster `name`, as text: "dt dd dt dd"."""
    for item in re.findall(
        r'<li class="result">(.*?)</li>\s*(?=<li|</ol>)', content, re.S
    ):
        if f">{name}</a></h3>" in item:
            return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split())
    raise AssertionError(f"no card for {name}")


# The filters


def test_any_agrees_with_each_filters_noun_in_polish(client):
    make_cluster()
    content = page(client, DIRECTORY["pl"])
    assert [
        (label(content, name), options(content, name)[0])
        for name in ("highland", "size", "has_universities", "status")
    ] == [
        ("Wyżyna", "dowolna"),
        ("Wielkość", "dowolna"),
        ("Z uczelniami", "bez znaczenia"),
        ("Status", "dowolny"),
    ]


def test_sort_labels_all_follow_sort_by_in_the_genitive(client):
    make_cluster()
    content = page(client, DIRECTORY["pl"])
    assert label(content, "sort") == "Sortuj według"
    assert options(content, "sort") == [
        "trafności, potem nazwy",
        "nazwy, od A do Z",
        "nazwy, od Z do A",
        "roku utworzenia, od najstarszych",
        "roku utworzenia, od najnowszych",
        "liczby członków, od najmniejszej",
        "liczby członków, od największej",
    ]


@pytest.mark.parametrize(
    ("language", "first", "last"),
    [
        ("pl", "Utworzony od roku", "Utworzony do roku (włącznie)"),
        ("en", "Established from (year)", "Established up to (year)"),
    ],
)
def test_year_range_labels_say_the_last_year_counts(client, language, first, last):
    make_cluster()
    content = page(client, DIRECTORY[language])
    assert (label(content, "year_from"), label(content, "year_to")) == (first, last)


# The cards


def test_a_card_says_coordinator_for_one_and_coordinators_for_several(client):
    make_cluster(name_pl="Klaster jeden", coordinators=[make_coordinator()])
    make_cluster(
        name_pl="Klaster dwa", coordinators=[make_coordinator(), make_coordinator()]
    )
    content = page(client, DIRECTORY["pl"])
    assert "Koordynator Koordynator" in card(content, "Klaster jeden")
    assert "Koordynatorzy Koordynator" in card(content, "Klaster dwa")


def test_a_card_says_highland_for_one_and_highlands_for_several(client):
    make_cluster(name_pl="Klaster jeden", highlands=[make_highland(name_pl="IT")])
    make_cluster(
        name_pl="Klaster dwa",
        highlands=[make_highland(name_pl="Med"), make_highland(name_pl="Bio")],
    )
    content = page(client, DIRECTORY["pl"])
    assert "Wyżyna IT" in card(content, "Klaster jeden")
    assert "Wyżyny Med" in card(content, "Klaster dwa")


@pytest.mark.parametrize(
    ("members", "polish"),
    [(1, "1 klaster"), (3, "3 klastry"), (5, "5 klastrów"), (22, "22 klastry")],
)
def test_a_cluster_of_clusters_counts_its_members_as_clusters(client, members, polish):
    """Other clusters' members are organisations: a label and a number say so."""
    of_clusters = make_cluster(name_pl="Klastry Lubelskie", member_clusters=members)
    make_snapshot(of_clusters, year=2019, members=members, enterprises=None)
    of_organisations = make_cluster(name_pl="Klaster Fotoniki")
    make_snapshot(of_organisations, year=2024, members=members, enterprises=None)
    content = page(client, DIRECTORY["pl"])
    assert f"Członkowie {polish} (w 2019 roku)" in card(content, "Klastry Lubelskie")
    assert f"Członkowie {members} (w 2024 roku)" in card(content, "Klaster Fotoniki")


def test_a_segment_says_which_cluster_it_belongs_to(client):
    parent = make_cluster(name_pl="LubTechBridge")
    make_cluster(name_pl="LubTechBridge GOZ", parent=parent)
    content = page(client, DIRECTORY["pl"])
    assert "Segment należący do klastra LubTechBridge" in card(
        content, "LubTechBridge GOZ"
    )


# The number of results


@pytest.mark.parametrize(
    ("language", "expected"),
    [("pl", "2 klastry i 1 segment"), ("en", "2 clusters and 1 segment")],
)
def test_directory_heading_counts_segments_as_the_home_page_does(
    client, language, expected
):
    parent = make_cluster()
    make_cluster()
    make_cluster(parent=parent)
    assert results_heading(page(client, DIRECTORY[language])) == expected


def test_directory_heading_counts_only_the_segments_among_the_results(client):
    parent = make_cluster(name_pl="LubTechBridge", status="active")
    make_cluster(name_pl="LubTechBridge GOZ", parent=parent, status="inactive")
    make_cluster(name_pl="Klaster Drzewny", status="active")
    active = page(client, DIRECTORY["pl"] + "?status=active")
    inactive = page(client, DIRECTORY["pl"] + "?status=inactive")
    assert results_heading(active) == "2 klastry"
    assert results_heading(inactive) == "1 segment"


# Dates


def test_dates_are_british_in_english_and_unchanged_in_polish():
    with translation.override("en"):
        assert formats.date_format(date(2026, 12, 5)) == "5 December 2026"
        assert (
            formats.date_format(datetime(2026, 12, 5, 14, 30), "DATETIME_FORMAT")
            == "5 December 2026, 14:30"
        )
        assert formats.date_format(date(2026, 12, 5), "SHORT_DATE_FORMAT") == (
            "05/12/2026"
        )
    with translation.override("pl"):
        assert formats.date_format(date(2026, 12, 5)) == "5 grudnia 2026"


def test_english_pages_show_british_dates(client):
    highland = make_highland()
    mark_edited(Highland, highland.pk)
    with translation.override("en"):
        content = page(client, highland.get_absolute_url())
    shown = re.search(r"<time datetime=[^>]*>([^<]*)</time>", content).group(1)
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", shown), shown
