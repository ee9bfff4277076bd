"""Constant work per request: the SQL queries of a page do not grow with the content.

Every public page and export is rendered at two sizes, with each cluster carrying
snapshots, coordinators, list items, projects, member organisations and Highlands; the
bound is the same at both. These tests run inside a transaction, so the page cache never
stores anything here: they measure the rendering itself.
"""

from http import HTTPStatus

import pytest
from django.test import Client
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


@pytest.fixture(params=[5, 50], ids=["5-clusters", "50-clusters"])
def content(request) -> dict:
    size = request.param
    highlands = [make_highland() for _ in range(3)]
    for first, second in zip(highlands, highlands[1:], strict=False):
        first.cooperates_with.add(second)
    organisations = [make_organisation() for _ in range(10)]
    clusters = []
    for n in range(size):
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
        clusters.append(cluster)
    make_page(key="about-clusters")
    make_page(key="lublin-economic-highlands")
    make_report()
    member = make_team_member(email="klastry@lublin.eu")
    make_team_member(team=member.team)
    make_statement(contact_team=member.team)
    return {"size": size, "clusters": clusters, "highlands": highlands}


def public_urls(content: dict, language: str) -> dict[str, str]:
    with translation.override(language):
        directory = reverse("clusters:list")
        highland = content["highlands"][0]
        last_page = (content["size"] + PAGE_SIZE - 1) // PAGE_SIZE
        return {
            "home": reverse("home"),
            "directory": directory,
            "directory filtered": f"{directory}?highland={highland.slug}&size=20-49&has_universities=yes",
            "directory search": f"{directory}?q=biotechnologiczny",
            "directory last page": f"{directory}?page={last_page}",
            "cluster": content["clusters"][-1].get_absolute_url(),
            "Highlands": reverse("ecosystems:list"),
            "Highland": highland.get_absolute_url(),
            "team": reverse("contacts:team"),
            "accessibility statement": reverse("contacts:accessibility"),
            "about clusters": reverse("clusters:about"),
        }


EXPORTS = {
    "clusters.json": "/api/v1/clusters.json",
    "clusters.csv": "/api/v1/clusters.csv",
    "highlands.json": "/api/v1/highlands.json",
    "sitemap.xml": "/sitemap.xml",
    "sitemap-clusters.xml": "/sitemap-clusters.xml",
}


@pytest.mark.parametrize("language", ["pl", "en"])
def test_public_pages_make_a_bounded_number_of_queries(
    content, language, django_assert_max_num_queries
):
    client = Client(HTTP_HOST="127.0.0.1")
    urls = public_urls(content, language)
    for url in urls.values():
        client.get(url)  # once-per-process lookups (PostgreSQL collations) aside
    for name, url in urls.items():
        with django_assert_max_num_queries(PUBLIC_MAX_QUERIES, info=f"{name}: {url}"):
            response = client.get(url)
        assert response.status_code == HTTPStatus.OK, (name, url)


@pytest.mark.parametrize("url", EXPORTS.values(), ids=EXPORTS.keys())
def test_exports_make_a_bounded_number_of_queries(
    content, url, django_assert_max_num_queries
):
    client = Client(HTTP_HOST="127.0.0.1")
    with django_assert_max_num_queries(PUBLIC_MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK


def test_admin_cluster_list_makes_a_bounded_number_of_queries(
    content, admin_client, django_assert_max_num_queries
):
    url = reverse("admin:clusters_cluster_changelist")
    admin_client.get(url)  # warms per-process caches (content types, permissions)
    with django_assert_max_num_queries(ADMIN_MAX_QUERIES):
        response = admin_client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["cl"].result_list) == min(content["size"], 100)
