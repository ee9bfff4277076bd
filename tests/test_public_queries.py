"""Every public page costs a bounded number of SQL queries, whatever the data size.

Each page is measured with 3 and with 30 clusters, every cluster carrying snapshots,
coordinators, list items, projects, member organisations and Highlands, and the
first cluster 3 or 30 of each; the same bound must hold for both sizes.
"""

from http import HTTPStatus

import pytest
from django.utils import translation

from clusters.models import Organisation
from cms import review
from cms.site_identity import current_identity
from contacts.templatetags.statement import statement_path
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_item,
    make_organisation,
    make_page,
    make_project,
    make_report,
    make_snapshot,
    make_statement,
    make_team_member,
)

pytestmark = pytest.mark.django_db

SIZES = [3, 30]


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    # A cache of this test's own: every measured request is its page's first.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


def build_site(size: int) -> dict:
    highlands = [make_highland() for _n in range(5)]
    for highland in highlands[1:]:
        highland.cooperates_with.add(highlands[0])
    clusters = []
    # A coordinator of every cluster: its page lists them all.
    shared = make_coordinator()
    for n in range(size):
        cluster = make_cluster(
            highlands=highlands[:2],
            coordinators=[make_coordinator(), make_coordinator(), shared],
            parent=clusters[0] if n % 10 == 9 else None,
        )
        make_snapshot(cluster, year=2019, members=10 + n, enterprises=5)
        make_snapshot(cluster, year=2024, members=20 + n, enterprises=10)
        for kind in ("goal", "activity", "service"):
            make_item(cluster, kind=kind)
        make_project(cluster)
        for kind in (Organisation.Kind.ENTERPRISE, Organisation.Kind.UNIVERSITY):
            cluster.member_organisations.add(make_organisation(kind=kind))
        clusters.append(cluster)
    # The first cluster's own related rows grow with the size too.
    first = clusters[0]
    first.coordinators.add(*(make_coordinator() for _n in range(size)))
    for n in range(size):
        make_snapshot(first, year=1960 + n, members=n + 1, enterprises=n)
        make_item(first, kind="benefit")
        make_project(first)
        first.member_organisations.add(make_organisation())
    for _n in range(size):
        make_report()
    make_page(key="about-clusters")
    make_page(key="lublin-economic-highlands")
    team = make_team_member().team
    for _n in range(size):
        make_team_member(team=team)
    make_statement(contact_team=team)
    return {"cluster": clusters[0], "highland": highlands[0], "coordinator": shared}


def addresses(site: dict) -> dict[str, str]:
    with translation.override("en"):
        return {
            "home": "/en/",
            "directory": "/en/clusters/",
            "search": "/en/clusters/?q=cluster&highland="
            + site["highland"].slug
            + "&sort=-size",
            "cluster": site["cluster"].get_absolute_url(),
            "coordinator": site["coordinator"].get_absolute_url(),
            "highlands": "/en/highlands/",
            "highland": site["highland"].get_absolute_url(),
            "team": "/en/contact/",
            "statement": "/en/accessibility-statement/",
            "about": "/en/about-clusters/",
        }


# The most queries each page may make: what it makes today, at either size. The
# directory counts its facets in two queries and reads a page's keys before its rows;
# a search first checks whether its exact words find anything, and reads the
# synonyms staff list (once per version of the content). The Highlands' page
# reads each Highland's first clusters in a query of its own (five Highlands). A
# page's downloads (the home page's introduction, the about page) take one query.
# A cluster page ends with the city's team and its phones (two queries).
BOUNDS = {
    "home": 4,
    "directory": 7,
    "search": 9,
    "cluster": 10,
    "coordinator": 2,
    "highlands": 7,
    "highland": 4,
    "team": 2,
    "statement": 2,
    "about": 3,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", list(BOUNDS))
def test_page_queries_do_not_grow_with_the_data(
    client, django_assert_max_num_queries, size, page
):
    address = addresses(build_site(size))[page]
    # The check for drafts due to go live, one query every few minutes for the whole
    # site (cms/review.py), is not the page's; nor whether the accessibility
    # statement is public, nor the site's identity, each read once per version of the
    # content for every page.
    review.next_due()
    statement_path()
    current_identity()
    with django_assert_max_num_queries(BOUNDS[page]):
        response = client.get(address)
    assert response.status_code == HTTPStatus.OK
