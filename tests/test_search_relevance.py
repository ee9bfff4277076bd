"""The directory search answers what people ask (issue 17): a relevance set of queries
in Polish and English (tests/data/search_relevance.json), on the starter content."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from clusters.filters import ClusterFilter
from clusters.models import Cluster

pytestmark = pytest.mark.django_db

RELEVANCE = json.loads(
    (Path(__file__).parent / "data" / "search_relevance.json").read_text("utf-8")
)
QUERIES = RELEVANCE["queries"]


@pytest.fixture(scope="module")
def starter_content(django_db_setup, django_db_blocker):
    """Loaded once for the module, in a transaction rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "clusters", "ecosystems", "contacts", verbosity=0)
        yield
        transaction.set_rollback(True)


def ranked(query: str) -> list[str]:
    """The directory's results for `query`, in the order visitors see them."""
    with translation.override("pl"):
        found = ClusterFilter({"q": query}, queryset=Cluster.objects.published()).qs
        return list(found.values_list("key", flat=True))


def judged(case: dict, results: list[str]) -> dict:
    first, also = set(case["first"]), set(case["also"])
    top = results[: len(first)]
    return {
        "missing": first - set(results),
        "not_first": first - set(top),
        "never": set(case["never"]) & set(results),
        "unexpected": set(results) - first - also,
    }


@pytest.mark.parametrize("case", QUERIES, ids=[case["query"] for case in QUERIES])
def test_query_finds_what_a_person_expects(starter_content, case):
    results = ranked(case["query"])
    verdict = judged(case, results) | {"results": results}
    assert not verdict["missing"], verdict
    assert not verdict["not_first"], verdict
    assert not verdict["never"], verdict


def test_precision_and_recall_of_the_set(starter_content):
    """The figures docs/search.md reports (Relevance): every expected cluster found, and
    what share of what is found was expected."""
    found = expected = relevant_found = 0
    for case in QUERIES:
        results = ranked(case["query"])
        wanted = set(case["first"]) | set(case["also"])
        found += len(results)
        expected += len(case["first"])
        relevant_found += len(set(results) & wanted)
    recall = (
        sum(len(set(case["first"]) & set(ranked(case["query"]))) for case in QUERIES)
        / expected
    )
    precision = relevant_found / found
    assert recall == 1.0
    assert precision >= 0.9, precision
