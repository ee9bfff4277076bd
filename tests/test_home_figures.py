"""The home page's figures agree with the directory and never add up years.

The home page links its count to the directory, so it counts what the directory
lists: clusters and segments of larger clusters, each named as what it is. Member
figures come from each cluster's latest snapshot, whose year differs from cluster to
cluster; a sum is only ever of one year's figures.
"""

import re

import pytest

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


def figures_section(client, language: str) -> str:
    content = client.get(f"/{language}/").content.decode()
    section = content[content.index('id="figures-heading"') :]
    return section[: section.index("</section>")]


def directory_entries(section: str) -> str:
    """The text of the home page's link to the directory."""
    return re.search(r'<a href="/\w\w/[^"]*">([^<]+)</a>', section)[1]


def year_rows(section: str) -> dict[str, list[str]]:
    """{year: [clusters, members, enterprises]} from the figures' table."""
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(\d+)</th>(.*?)</tr>", section, re.S)
    return {
        year: [
            re.sub(r"\s+", " ", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        ]
        for year, cells in rows
    }


def directory_size(client, language: str) -> int:
    """How many entries the directory lists, from its own paginator."""
    directory = {"pl": "/pl/klastry/", "en": "/en/clusters/"}[language]
    return client.get(directory).context["paginator"].count


def clusters_with_segments(clusters: int, segments: int) -> None:
    parent = make_cluster()
    for _n in range(clusters - 1):
        make_cluster()
    for _n in range(segments):
        make_cluster(parent=parent)


def test_home_counts_the_clusters_and_segments_the_directory_lists(client):
    parent = make_cluster()
    make_snapshot(parent, year=2024, members=40, enterprises=30)
    make_cluster()
    make_snapshot(make_cluster(parent=parent), year=2024, members=12)
    make_cluster(parent=parent)
    make_cluster(is_published=False)
    make_cluster(parent=parent, is_published=False)
    for language, expected in [
        ("pl", "2 klastry i 2 segmenty"),
        ("en", "2 clusters and 2 segments"),
    ]:
        section = figures_section(client, language)
        assert directory_entries(section) == expected
        assert directory_size(client, language) == 2 + 2


def test_home_without_segments_names_only_the_clusters(client):
    make_cluster()
    section = figures_section(client, "pl")
    assert directory_entries(section) == "1 klaster"
    assert "segment" not in section.lower()


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 klaster i 1 segment"),
        (2, "2 klastry i 2 segmenty"),
        (5, "5 klastrów i 5 segmentów"),
        (22, "22 klastry i 22 segmenty"),
    ],
)
def test_home_count_uses_the_polish_plural_forms(client, count, expected):
    clusters_with_segments(count, count)
    assert directory_entries(figures_section(client, "pl")) == expected
    assert directory_size(client, "pl") == 2 * count


def test_home_sums_members_per_year_of_each_clusters_latest_figures(client):
    renewed = make_cluster()
    make_snapshot(renewed, year=2019, members=10, enterprises=5)
    make_snapshot(renewed, year=2024, members=30, enterprises=20)
    make_snapshot(make_cluster(), year=2024, members=12, enterprises=7)
    make_snapshot(make_cluster(), year=2019, members=63, enterprises=47)
    make_snapshot(make_cluster(), year=2019, members=40, enterprises=None)
    segment = make_cluster(parent=renewed)
    make_snapshot(segment, year=2024, members=99, enterprises=99)
    make_snapshot(make_cluster(is_published=False), year=2024, members=500)
    make_snapshot(
        make_cluster(member_clusters=5), year=2024, members=5, enterprises=None
    )
    make_cluster()
    section = figures_section(client, "en")
    # Latest first; no row (and no figure anywhere) adds 2019 to 2024.
    assert year_rows(section) == {
        "2024": ["2", "42", "27"],
        "2019": ["2", "103", "47 (from 1 cluster)"],
    }
    assert "145" not in section and "74" not in section
    assert "figures of different years are not added together" in section
    assert "1 cluster has not reported its members." in section
    assert "A cluster of clusters is left out of these sums" in section


def test_home_says_when_no_enterprises_were_reported_rather_than_zero(client):
    make_snapshot(make_cluster(), year=2022, members=40, enterprises=None)
    section = figures_section(client, "pl")
    assert year_rows(section) == {"2022": ["1", "40", "brak danych"]}


def test_home_unreported_members_use_the_polish_plural_forms(client):
    make_snapshot(make_cluster(), year=2024, members=10, enterprises=5)
    for _n in range(5):
        make_cluster()
    section = figures_section(client, "pl")
    assert "5 klastrów nie podało liczby członków." in section
