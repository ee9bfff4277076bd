"""A cluster's one-sentence summary (issue 20, "Which cluster fits my company?"):
shown under its name in the directory and the table of all clusters; the starter
content's summary is a sentence of the cluster's own text, in each language, marked
as a translation where that text is one."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from clusters.models import Cluster
from cms.rich_text import plain_text
from tests.factories import make_cluster
from tests.test_fixtures import FIXTURES

pytestmark = pytest.mark.django_db

SUMMARY_PL = "Klaster łączy firmy, które robią rzeczy."
SUMMARY_EN = "The cluster brings together firms that make things."


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize(
    ("language", "page", "summary"),
    [
        ("pl", "clusters:list", SUMMARY_PL),
        ("en", "clusters:list", SUMMARY_EN),
        ("pl", "clusters:overview", SUMMARY_PL),
        ("en", "clusters:overview", SUMMARY_EN),
    ],
)
def test_the_summary_is_shown_under_the_name(client, language, page, summary):
    make_cluster(summary_pl=SUMMARY_PL, summary_en=SUMMARY_EN)
    with translation.override(language):
        html = client.get(reverse(page)).content.decode()
    assert f'<p class="summary">{summary}</p>' in html


def test_a_summary_in_the_other_language_only_says_so(client):
    make_cluster(summary_pl=SUMMARY_PL, summary_en="")
    with translation.override("en"):
        html = client.get(reverse("clusters:list")).content.decode()
    assert f'<span lang="pl">{SUMMARY_PL}</span>' in html


def test_each_starter_summary_is_a_sentence_of_the_clusters_own_text():
    call_command("loaddata", *map(str, FIXTURES), verbosity=0)
    with_text = Cluster.objects.exclude(characteristics_pl="")
    assert with_text.count() >= 15
    for cluster in with_text:
        for code in ("pl", "en"):
            summary = getattr(cluster, f"summary_{code}")
            text = words(plain_text(getattr(cluster, f"characteristics_{code}")))
            assert summary and summary in text, (cluster.key, code)
        marks = cluster.translated_from
        assert marks.get("summary") == marks.get("characteristics"), cluster.key
    without_text = Cluster.objects.filter(characteristics_pl="")
    assert not without_text.exclude(summary_pl="").exists()
