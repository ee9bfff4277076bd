"""Pieces kept per content version (cms/pieces.py): reused, and never stale.

The page cache is off here, so every page is rendered; what is counted is whether
its pieces (the directory's rows and counts) came from the cache, and whether any
of them outlived a change of content.
"""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from clusters.models import Cluster, SearchSynonym
from cms.caching import bump_content_version
from cms.pieces import cached_piece
from cms.revisions import sandbox
from contacts.models import TeamMember
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_team_member,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def pieces_only(settings, tmp_path):
    settings.PAGE_CACHE = False
    settings.CACHES = {
        "default": {"BACKEND": "diskcache.DjangoCache", "LOCATION": tmp_path}
    }
    cache.clear()


@pytest.fixture
def visitor() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def directory(query: str = "") -> str:
    with translation.override("pl"):
        return reverse("clusters:list") + query


def page(visitor: Client, address: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = visitor.get(address)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode(), [query["sql"] for query in queries]


def reads(queries: list[str], table: str) -> bool:
    return any(f'FROM "{table}"' in sql for sql in queries)


@pytest.fixture
def clusters() -> list[Cluster]:
    highland = make_highland(name_pl="Wyżyna Medyczna", name_en="Medical Highland")
    return [
        make_cluster(
            name_pl=f"Klaster Medyczny {letter}",
            highlands=[highland],
            coordinators=[make_coordinator(name_pl=f"Koordynator {letter}")],
        )
        for letter in "ABC"
    ]


def test_rows_and_counts_shown_once_are_reused_by_other_pages(visitor, clusters):
    first, _queries = page(visitor, directory())
    # Another order of the same results: its rows and counts are pieces already.
    again, queries = page(visitor, directory("?sort=-name"))
    assert "Klaster Medyczny A" in again
    assert not reads(queries, "clusters_coordinator")  # no row was rendered
    assert "COUNT(" not in " ".join(queries)  # nor counted


def test_a_change_to_one_cluster_changes_its_row_on_every_page(visitor, clusters):
    pages = [
        directory(),
        directory("?sort=-name"),
        directory("?q=koordynator"),  # found in the coordinators: names unmarked
        directory("?status=active"),
    ]
    for address in pages:
        assert "Klaster Medyczny B" in page(visitor, address)[0]
    changed = clusters[1]
    changed.name_pl = "Klaster Zmieniony"
    changed.save()
    for address in pages:
        html, _queries = page(visitor, address)
        assert "Klaster Zmieniony" in html, address
        assert "Klaster Medyczny B" not in html, address


def test_a_change_elsewhere_is_shown_in_every_row_that_names_it(visitor, clusters):
    page(visitor, directory())
    coordinator = clusters[0].coordinators.get()
    coordinator.name_pl = "Koordynatorka Nowa"
    coordinator.save()
    html, _queries = page(visitor, directory("?sort=name"))
    assert "Koordynatorka Nowa" in html
    assert "Koordynator A<" not in html


def test_counts_follow_a_change_of_status(visitor, clusters):
    page(visitor, directory("?status=active"))
    Cluster.objects.filter(pk=clusters[0].pk).update(status=Cluster.Status.INACTIVE)
    bump_content_version()  # a bulk update sends no signal (cms/caching.py)
    html, _queries = page(visitor, directory("?status=active&sort=name"))
    assert "Klaster Medyczny A" not in html
    assert "2 klastry" in html


def test_a_new_synonym_and_a_renamed_highland_are_searched_at_once(visitor, clusters):
    found = f'href="{clusters[0].get_absolute_url()}"'
    assert found not in page(visitor, directory("?q=zdrowie"))[0]
    SearchSynonym.objects.create(terms="zdrowie\nmedyczny")
    assert found in page(visitor, directory("?q=zdrowie"))[0]
    assert found not in page(visitor, directory("?q=lecznictwo"))[0]
    highland = clusters[0].highlands.get()
    highland.name_pl = "Wyżyna Lecznictwa"
    highland.save()
    assert found in page(visitor, directory("?q=lecznictwo"))[0]


def test_the_city_team_on_cluster_pages_follows_an_edit_of_the_team(visitor, clusters):
    member = make_team_member(name="Anna Kowalska", phone="81 466 25 05")
    addresses = [cluster.get_absolute_url() for cluster in clusters[:2]]
    first, _queries = page(visitor, addresses[0])
    assert "Anna Kowalska" in first
    # Another cluster page: the team's block is a piece already.
    _html, queries = page(visitor, addresses[1])
    assert not reads(queries, "contacts_teammember")
    member.name = "Anna Nowak"
    member.save()
    for address in addresses:
        html, _queries = page(visitor, address)
        assert "Anna Nowak" in html
        assert "Anna Kowalska" not in html


def test_a_draft_preview_neither_reads_nor_keeps_pieces(visitor, clusters):
    page(visitor, directory())  # the team's and the rows' pieces are kept
    member = make_team_member(name="Anna Kowalska")
    page(visitor, clusters[0].get_absolute_url())
    with sandbox(TeamMember):
        member.name = "Anna Szkic"
        member.save()
        calls = []
        computed = cached_piece("city-team-contact", "pl", lambda: calls.append(1))
    assert calls == [1] and computed is None  # computed from the draft, not read
    html, _queries = page(visitor, clusters[1].get_absolute_url())
    assert "Anna Kowalska" in html
    assert "Anna Szkic" not in html
