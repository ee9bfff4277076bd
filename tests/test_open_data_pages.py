"""clusters.json and clusters.csv a page at a time, and the full dumps kept as files
per content version and served like static files."""

import csv
import gzip
import io
import json
import re
import time
from http import HTTPStatus
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator

from clusters import open_data, open_data_dump
from clusters.open_data_dump import dump_path, json_chunks
from tests.factories import make_cluster, make_coordinator, make_highland, make_snapshot

pytestmark = pytest.mark.django_db

DOCS = Path(settings.BASE_DIR) / "docs"
SITE_URL = "https://klastry.example.org"
JSON = "/api/v1/clusters.json"
CSV = "/api/v1/clusters.csv"


@pytest.fixture(autouse=True)
def small_pages(settings, monkeypatch):
    settings.SITE_URL = SITE_URL
    monkeypatch.setattr(open_data, "PAGE_SIZE", 2)


@pytest.fixture
def own_cache(settings, tmp_path):
    """A cache of the test's own: the shared folder's culling may drop the content
    version, and with it the kept pages and the dump, in the middle of a test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": tmp_path / "cache",
        }
    }


def make_clusters(count: int, prefix: str = "c") -> list[str]:
    """`count` clusters with everything an export reads; their keys, in key order."""
    highland = make_highland()
    keys = []
    for index in range(count):
        cluster = make_cluster(
            key=f"{prefix}{index:03}",
            highlands=[highland],
            coordinators=[make_coordinator()],
        )
        make_snapshot(cluster, year=2024, members=20 + index)
        keys.append(cluster.key)
    return keys


def json_of(response) -> dict:
    assert response.status_code == HTTPStatus.OK
    return json.loads(response.getvalue())


def csv_keys(content: bytes) -> list[str]:
    return [
        row["key"] for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    ]


def links(response) -> dict[str, str]:
    """The Link header's addresses by relation."""
    return {
        relation: url
        for url, relation in re.findall(r'<([^>]+)>; rel="([^"]+)"', response["Link"])
    }


# Pages


def test_json_pages_follow_one_another_by_key_keeping_the_filters(client):
    keys = make_clusters(5)
    make_cluster(key="a-inactive", status="inactive")
    url = f"{JSON}?status=active&page=1"
    seen, documents = [], []
    while url:
        document = json_of(client.get(url.removeprefix(SITE_URL)))
        documents.append(document)
        seen += [record["key"] for record in document["clusters"]]
        url = document["next"]
    assert seen == keys
    assert [d["page"] for d in documents] == [1, 2, 3]
    assert {(d["pages"], d["total"]) for d in documents} == {(3, 5)}
    assert [d["count"] for d in documents] == [2, 2, 1]
    assert documents[0]["previous"] is None
    assert documents[1]["previous"] == f"{SITE_URL}{JSON}?status=active&page=1"
    assert documents[1]["next"] == f"{SITE_URL}{JSON}?status=active&page=3"
    assert documents[2]["licence"]["name"] == "CC BY 4.0"
    schema = json.loads((DOCS / "open-data.schema.json").read_text(encoding="utf-8"))
    for document in documents:
        assert list(Draft202012Validator(schema).iter_errors(document)) == []


def test_csv_pages_link_to_the_previous_and_next_in_the_link_header(client):
    keys = make_clusters(5)
    pages = [client.get(CSV, {"page": number}) for number in (1, 2, 3)]
    assert [csv_keys(page.content) for page in pages] == [keys[:2], keys[2:4], keys[4:]]
    assert all(page.content.startswith("\ufeffkey,".encode()) for page in pages)
    first, middle, last = (links(page) for page in pages)
    assert first == {
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "next": f"{SITE_URL}{CSV}?page=2",
    }
    assert (middle["prev"], middle["next"]) == (
        f"{SITE_URL}{CSV}?page=1",
        f"{SITE_URL}{CSV}?page=3",
    )
    assert set(last) == {"license", "prev"}


@pytest.mark.parametrize(
    ("page", "status"),
    [("4", HTTPStatus.NOT_FOUND), ("0", HTTPStatus.NOT_FOUND), ("x", 400)],
)
def test_a_page_that_is_not_there_is_refused_with_the_reason(client, page, status):
    make_clusters(5)
    for address in (JSON, CSV):
        response = client.get(address, {"page": page})
        assert response.status_code == status
        assert list(response.json()["errors"]) == ["page"]


def page_queries(client, address: str) -> int:
    client.get(address)  # once-per-process lookups aside
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == HTTPStatus.OK
    return len(queries)


@pytest.mark.parametrize("address", [f"{JSON}?page=2", f"{CSV}?page=2&status=active"])
def test_a_page_takes_the_same_queries_at_any_number_of_clusters(client, address):
    make_clusters(6)
    few = page_queries(client, address)
    make_clusters(30, prefix="d")
    assert page_queries(client, address) == few


@pytest.mark.django_db(transaction=True)
def test_a_page_is_kept_by_the_page_cache(own_cache, django_assert_num_queries):
    make_clusters(3)
    visitor = Client()
    first = visitor.get(f"{JSON}?page=2")
    with django_assert_num_queries(0):
        second = visitor.get(f"{JSON}?page=2")
    assert second.content == first.content


# The full dumps


def test_the_full_dumps_hold_every_page_in_order(client):
    keys = make_clusters(5)
    pages = [json_of(client.get(JSON, {"page": n})) for n in (1, 2, 3)]
    dump = json_of(client.get(JSON))
    assert dump == {
        "count": 5,
        "licence": pages[0]["licence"],
        "clusters": [record for page in pages for record in page["clusters"]],
    }
    assert csv_keys(client.get(CSV).getvalue()) == keys


def test_the_dump_is_written_a_page_of_clusters_at_a_time():
    make_clusters(5)
    head, *pages, tail = json_chunks()
    assert [chunk.count('"key": "c0') for chunk in pages] == [2, 2, 1]
    assert json.loads(head + "".join(pages) + tail)["count"] == 5


def test_an_empty_directory_dumps_an_empty_list(client):
    assert json_of(client.get(JSON))["clusters"] == []
    assert client.get(CSV).getvalue().decode("utf-8-sig").startswith("key,")


def test_a_dump_is_written_once_per_content_version_and_old_ones_removed(
    client, settings, own_cache, django_assert_num_queries
):
    make_clusters(3)
    before = client.get(JSON).getvalue()
    files = sorted(path.name for path in settings.EXPORTS_DIR.iterdir())
    assert len(files) == 2
    assert re.fullmatch(r"clusters-[0-9a-f]{8}-[\w-]+\.json", files[0])
    assert files[1] == files[0] + ".gz"
    with django_assert_num_queries(0):
        assert client.get(JSON).getvalue() == before
    make_cluster(key="new-one")
    after = json_of(client.get(JSON))
    assert "new-one" in {record["key"] for record in after["clusters"]}
    newer = sorted(path.name for path in settings.EXPORTS_DIR.iterdir())
    assert len(newer) == 2
    assert not set(newer) & set(files)


def test_a_dump_of_a_newer_version_is_left_in_place(client, settings):
    make_clusters(1)
    client.get(JSON)
    # Written by a request that came after a change this one has not seen yet.
    newest = dump_path("json", f"{time.time_ns() + 10**12}-0000")
    newest.write_text("{}")
    make_cluster()
    client.get(CSV)
    assert newest.exists()
    assert len(list(settings.EXPORTS_DIR.glob("*.json*"))) == 1


def test_another_databases_dumps_in_the_same_folder_are_left_alone(client):
    make_clusters(1)
    with mock.patch("clusters.open_data_dump.database_name", return_value="other"):
        others = dump_path("json", f"{time.time_ns() - 10**12}-0000")
    others.parent.mkdir(parents=True, exist_ok=True)
    others.write_text("{}")
    client.get(JSON)
    make_cluster()
    client.get(JSON)
    assert others.exists()


@pytest.mark.parametrize("address", [JSON, CSV])
def test_a_dump_is_served_like_a_static_file(client, address):
    make_clusters(3)
    response = client.get(address)
    body = response.getvalue()
    assert response["Content-Length"] == str(len(body))
    assert response["Access-Control-Allow-Origin"] == "*"
    assert 'rel="license"' in response["Link"]
    assert "s-maxage=60" in response["Cache-Control"]
    assert "Accept-Encoding" in response["Vary"]
    for condition in (
        {"if-none-match": response["ETag"]},
        {"if-modified-since": response["Last-Modified"]},
    ):
        assert client.get(address, headers=condition).status_code == 304
    zipped = client.get(address, headers={"accept-encoding": "gzip, br"})
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.getvalue()) == body
    head = client.head(address)
    assert head.status_code == HTTPStatus.OK
    assert head.getvalue() == b""


def test_a_dump_removed_under_a_request_is_served_from_the_newer_version(client):
    make_clusters(1)
    client.get(JSON)
    real = open_data_dump.FILES.get_static_file
    calls = []

    def removed_the_first_time(path, url):
        calls.append(path)
        if len(calls) == 1:
            make_cluster(key="newer")  # another request's change and clean-up
            raise FileNotFoundError(path)
        return real(path, url)

    with mock.patch.object(
        open_data_dump.FILES, "get_static_file", removed_the_first_time
    ):
        response = client.get(JSON)
    assert response.status_code == HTTPStatus.OK
    assert "newer" in {record["key"] for record in json_of(response)["clusters"]}
