"""The same SQL at 10 clusters and at 10,000: no page's queries grow with the content.

Ten clusters are made as staff make them (snapshots, coordinators, list items,
Highlands); for the large directory each is copied 999 times in bulk, with its
stored search texts, figures and Highland links. Nothing here is stored in a cache
(the tests run in a transaction): what is counted is the rendering itself.
"""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from clusters.models import Cluster
from cms.caching import bump_content_version
from tests.factories import make_cluster, make_coordinator, make_highland, make_snapshot

pytestmark = pytest.mark.django_db

SEARCH = "biotechnologiczny"
TYPO = "biotechnologiczy"


def make_clusters(copies: int) -> dict:
    highlands = [
        make_highland(name_pl="Wyżyna Biotechnologiczna", name_en="Biotech Highland"),
        make_highland(),
    ]
    originals = []
    for n in range(10):
        cluster = make_cluster(
            highlands=[highlands[n % 2]],
            coordinators=[make_coordinator()],
            name_pl=f"Klaster Biotechnologiczny {n}",
            characteristics_pl=f"Klaster biotechnologiczny numer {n}.",
            year_established=2000 + n,
        )
        make_snapshot(cluster, year=2024, members=10 + 10 * n, universities=n % 3)
        originals.append(Cluster.objects.get(pk=cluster.pk))
    copied = []
    for copy in range(1, copies):
        for original in originals:
            values = {
                field.attname: getattr(original, field.attname)
                for field in Cluster._meta.concrete_fields
                if not field.primary_key and not field.generated
            }
            suffix = f"-{copy}"
            values |= {
                "key": original.key + suffix,
                "slug_pl": original.slug_pl + suffix,
                "slug_en": original.slug_en + suffix,
                "name_pl": f"{original.name_pl} {copy}",
            }
            copied.append(Cluster(**values))
    Cluster.objects.bulk_create(copied, batch_size=1000)
    links = Cluster.highlands.through
    links.objects.bulk_create(
        [
            links(cluster_id=cluster.pk, highland_id=highlands[index % 2].pk)
            for index, cluster in enumerate(
                Cluster.objects.exclude(pk__in=[c.pk for c in originals]).order_by("pk")
            )
        ],
        batch_size=1000,
    )
    bump_content_version()  # bulk writes send no signals (cms/caching.py)
    return {"cluster": originals[3], "highland": highlands[0]}


def addresses(content: dict) -> dict[str, str]:
    with translation.override("pl"):
        directory = reverse("clusters:list")
        highland = content["highland"]
        return {
            "home": reverse("home"),
            "directory": directory,
            "directory, filtered": f"{directory}?highland={highland.slug}"
            "&size=50-99&year_from=2003&has_universities=yes",
            "directory, search": f"{directory}?q={SEARCH}",
            "directory, typo search": f"{directory}?q={TYPO}",
            "directory, second page": f"{directory}?page=2",
            "directory, sorted by size": f"{directory}?sort=-size",
            "cluster page": content["cluster"].get_absolute_url(),
            "Highland page": highland.get_absolute_url(),
            "clusters.json": reverse("open_data:clusters_json"),
        }


def queries_per_page(content: dict, settings) -> dict[str, int]:
    settings.PAGE_CACHE = False
    visitor = Client(HTTP_HOST="127.0.0.1")
    counted = {}
    for name, address in addresses(content).items():
        visitor.get(address)  # once-per-process work done (the collation's check)
        with CaptureQueriesContext(connection) as queries:
            response = visitor.get(address)
        assert response.status_code == HTTPStatus.OK, (name, address)
        if name.startswith("directory"):  # results, not an empty page
            assert b'class="result"' in response.content, (name, address)
        counted[name] = len(queries)
    return counted


def test_every_page_makes_the_same_queries_at_10_and_10000_clusters(settings):
    small = queries_per_page(make_clusters(1), settings)
    assert Cluster.objects.count() == 10
    large = queries_per_page(make_clusters(1000), settings)
    assert Cluster.objects.count() == 10 + 10_000
    assert large == small
