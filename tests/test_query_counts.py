"""Constant work per request: the SQL queries of a page do not grow with the content.

Every public page and export is rendered at two sizes, with each cluster carrying
snapshots, coordinators, list items, projects, member organisations and Highlands; each
makes as many queries at ten times the clusters, and no more than a bound. These tests run inside a transaction, so the page cache never
stores anything here: they measure the rendering itself.
"""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from clusters.models import Membership
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

PUBLIC_MAX_QUERIES = 10
ADMIN_MAX_QUERIES = 12
PAGE_SIZE = 20
SIZES = (5, 50)


def add_clusters(content: dict, count: int) -> None:
    highlands, organisations = content["highlands"], content["organisations"]
    for n in range(len(content["clusters"]), len(content["clusters"]) + count):
        cluster = make_cluster(
            highlands=[highlands[n % 3], highlands[(n + 1) % 3]],
            coordinators=[make_coordinator(), make_coordinator()],
            characteristics_pl=f"Klaster biotechnologiczny numer {n}.",
        )
        make_snapshot(cluster, year=2023, members=10 + n)
        make_snapshot(cluster, year=2024, members=20 + n, universities=n % 2)
        for kind in ("goal", "activity", "service"):
            make_item(cluster, kind=kind)
        make_project(cluster)
        for organisation in organisations[n % 5 : n % 5 + 3]:
            Membership.objects.create(cluster=cluster, organisation=organisation)
        content["clusters"].append(cluster)


@pytest.fixture
def content() -> dict:
    """The smaller size; `add_clusters` makes it the larger."""
    highlands = [make_highland() for _ in range(3)]
    for first, second in zip(highlands, highlands[1:], strict=False):
        first.cooperates_with.add(second)
    make_page(key="about-clusters")
    make_page(key="lublin-economic-highlands")
    make_report()
    member = make_team_member(email="klastry@lublin.eu")
    make_team_member(team=member.team)
    make_statement(contact_team=member.team)
    content = {
        "clusters": [],
        "highlands": highlands,
        "organisations": [make_organisation() for _ in range(10)],
    }
    add_clusters(content, SIZES[0])
    return content


def public_pages(content: dict, language: str) -> dict[str, tuple[str, str]]:
    """Each page's address and its template."""
    with translation.override(language):
        directory = reverse("clusters:list")
        highland = content["highlands"][0]
        last_page = (len(content["clusters"]) + PAGE_SIZE - 1) // PAGE_SIZE
        listed = "clusters/cluster_filter.html"
        return {
            "home": (reverse("home"), "home.html"),
            "directory": (directory, listed),
            "directory filtered": (
                f"{directory}?highland={highland.slug}&size=20-49&has_universities=yes",
                listed,
            ),
            "directory search": (f"{directory}?q=biotechnologiczny", listed),
            "directory last page": (f"{directory}?page={last_page}", listed),
            "cluster": (
                content["clusters"][-1].get_absolute_url(),
                "clusters/cluster_detail.html",
            ),
            "Highlands": (reverse("ecosystems:list"), "ecosystems/highland_list.html"),
            "Highland": (
                highland.get_absolute_url(),
                "ecosystems/highland_detail.html",
            ),
            "team": (reverse("contacts:team"), "contacts/team_list.html"),
            "accessibility statement": (
                reverse("contacts:accessibility"),
                "contacts/accessibilitystatement_detail.html",
            ),
            "about clusters": (reverse("clusters:about"), "clusters/page_detail.html"),
        }


# Each export's address and its media type.
EXPORTS = {
    "clusters.json": ("/api/v1/clusters.json", "application/json"),
    "clusters.csv": ("/api/v1/clusters.csv", "text/csv"),
    "highlands.json": ("/api/v1/highlands.json", "application/json"),
    "sitemap.xml": ("/sitemap.xml", "application/xml"),
    "sitemap-clusters.xml": ("/sitemap-clusters.xml", "application/xml"),
}


def query_counts(client, pages: dict[str, tuple[str, str]]) -> dict[str, int]:
    """Each page's queries, once per-process lookups (PostgreSQL collations) are
    made; each response must be the page named: 200, with its template or type."""
    for url, _marker in pages.values():
        client.get(url)
    counts = {}
    for name, (url, marker) in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == HTTPStatus.OK, (name, url)
        templates = [template.name for template in response.templates]
        assert marker in templates or response["Content-Type"].startswith(marker), (
            name,
            url,
        )
        counts[name] = len(queries)
    return counts


@pytest.mark.parametrize("language", ["pl", "en"])
def test_public_pages_make_a_bounded_number_of_queries(content, language):
    client = Client(HTTP_HOST="127.0.0.1")
    few = query_counts(client, public_pages(content, language))
    add_clusters(content, SIZES[1] - SIZES[0])
    many = query_counts(client, public_pages(content, language))
    assert many == few
    assert max(many.values()) <= PUBLIC_MAX_QUERIES, many


def test_exports_make_a_bounded_number_of_queries(content):
    client = Client(HTTP_HOST="127.0.0.1")
    few = query_counts(client, EXPORTS)
    add_clusters(content, SIZES[1] - SIZES[0])
    many = query_counts(client, EXPORTS)
    assert many == few
    assert max(many.values()) <= PUBLIC_MAX_QUERIES, many


def admin_list_queries(admin_client, listed: int) -> int:
    url = reverse("admin:clusters_cluster_changelist")
    admin_client.get(url)  # warms per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["cl"].result_list) == listed
    return len(queries)


def test_admin_cluster_list_makes_a_bounded_number_of_queries(content, admin_client):
    few = admin_list_queries(admin_client, SIZES[0])
    add_clusters(content, SIZES[1] - SIZES[0])
    many = admin_list_queries(admin_client, SIZES[1])
    assert many == few
    assert many <= ADMIN_MAX_QUERIES
