"""Open data: the JSON and CSV exports under their schema, the sitemap, robots.txt."""

import csv
import io
import json
import re
from http import HTTPStatus
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import resolve, reverse
from django.utils import translation
from jsonschema import Draft202012Validator

from clusters.models import Cluster
from clusters.open_data import CSV_COLUMNS
from cms.caching import is_canonical, is_public_path
from cms.publishing import mark_edited
from ecosystems.models import Highland
from lublin.sitemaps import ClusterSitemap
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_page,
    make_snapshot,
    make_statement,
)
from tests.sitemap import SITEMAP, sitemap_locations, sitemap_pages, sitemap_text

pytestmark = pytest.mark.django_db

DOCS = Path(settings.BASE_DIR) / "docs"
SITE_URL = "https://klastry.example.org"
XHTML = "{http://www.w3.org/1999/xhtml}"
OFFSET_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$"
)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((DOCS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def assert_valid(document: dict, schema: str) -> None:
    errors = [error.message for error in validator(schema).iter_errors(document)]
    assert errors == []


def get_json(client, name: str, params=None) -> dict:
    response = client.get(reverse(f"open_data:{name}"), params or {})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    return json.loads(response.getvalue())


def get_csv(client, params=None) -> tuple[bytes, list[dict]]:
    response = client.get(reverse("open_data:clusters_csv"), params or {})
    assert response.status_code == HTTPStatus.OK
    content = response.getvalue()
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    return content, rows


def export_keys(client, params) -> list[str]:
    return [
        record["key"]
        for record in get_json(client, "clusters_json", params)["clusters"]
    ]


def absolute(record, language: str) -> str:
    with translation.override(language):
        return SITE_URL + record.get_absolute_url()


@pytest.fixture
def directory():
    """A small directory exercising every field, with drafts around it."""
    it = make_highland(
        key="it",
        name_pl="Wyżyna IT",
        name_en="IT Highland",
        slug_pl="wyzyna-it",
        slug_en="it-highland",
        summary_pl="Ekosystem IT.",
        summary_en="",
    )
    med = make_highland(key="med", slug_pl="wyzyna-medyczna", slug_en="medical")
    draft_highland = make_highland(key="draft-highland", is_published=False)
    it.cooperates_with.set([med, draft_highland])
    parent = make_cluster(key="parent", name_pl="Klaster Matka", highlands=[it])
    coordinator = make_coordinator(
        name_pl="Fundacja Łódź",
        name_en="",
        kind="organisation",
        website="https://fundacja.example.org/",
        phone="81 466 25 25",
    )
    person = make_coordinator(
        name_pl="Jan Kowalski", name_en="Jan Kowalski", kind="person"
    )
    full = make_cluster(
        key="full",
        name_pl="Klaster Światłowodów",
        name_en="Fibre Cluster",
        year_established=2012,
        status="active",
        website="https://swiatlowody.example.org/",
        email="biuro@swiatlowody.example.org",
        phone="81 466 25 07",
        parent=parent,
        highlands=[it, draft_highland],
        coordinators=[coordinator, person],
    )
    make_snapshot(full, year=2019, members=40, enterprises=30, source_pl="Ankieta 2019")
    make_snapshot(
        full,
        year=2024,
        members=55,
        enterprises=44,
        business_environment_institutions=6,
        universities=2,
        source_pl="Ankieta 2024",
        source_en="Survey 2024",
    )
    make_cluster(
        key="polish-only",
        name_pl="Klaster Żeglarski",
        name_en="",
        slug_en=None,
        year_established=None,
        status="inactive",
        highlands=[med],
    )
    draft_parent = make_cluster(key="draft-parent", is_published=False)
    make_cluster(key="orphan", parent=draft_parent, name_en="Orphan")
    make_cluster(key="draft", name_pl="Szkic Tajny", is_published=False, highlands=[it])
    # Edited by staff since loaded; the others are as their source had them.
    for record in (full, it):
        mark_edited(type(record), record.pk)
    return {"it": it, "med": med, "full": full, "parent": parent}


# clusters.json


def test_clusters_json_follows_the_schema(client, directory):
    document = get_json(client, "clusters_json")
    assert_valid(document, "open-data.schema.json")
    assert document["count"] == len(document["clusters"]) == 4


def test_clusters_json_lists_published_clusters_by_key(client, directory):
    assert export_keys(client, {}) == ["full", "orphan", "parent", "polish-only"]


def test_clusters_json_record_holds_the_stored_values(client, directory):
    records = {
        record["key"]: record
        for record in get_json(client, "clusters_json")["clusters"]
    }
    full = records["full"]
    assert full["slug"] == {
        "pl": directory["full"].slug_pl,
        "en": directory["full"].slug_en,
    }
    assert full["name"] == {"pl": "Klaster Światłowodów", "en": "Fibre Cluster"}
    assert full["year_established"] == 2012
    assert full["status"] == "active"
    # The current figures are the latest snapshot's.
    assert (
        full["members"],
        full["enterprises"],
        full["business_environment_institutions"],
        full["universities"],
        full["as_of"],
    ) == (55, 44, 6, 2, 2024)
    assert full["coordinators"] == [
        {
            "name": {"pl": "Fundacja Łódź", "en": None},
            "kind": "organisation",
            "website": "https://fundacja.example.org/",
            "email": None,
            "phone": "+48814662525",
        },
        {
            "name": {"pl": "Jan Kowalski", "en": "Jan Kowalski"},
            "kind": "person",
            "website": None,
            "email": None,
            "phone": None,
        },
    ]
    assert full["highlands"] == [
        {
            "key": "it",
            "slug": {"pl": "wyzyna-it", "en": "it-highland"},
            "name": {"pl": "Wyżyna IT", "en": "IT Highland"},
        }
    ]
    assert full["parent"] == "parent"
    assert full["website"] == "https://swiatlowody.example.org/"
    assert full["email"] == "biuro@swiatlowody.example.org"
    assert full["phone"] == "+48814662507"
    assert records["parent"]["phone"] is records["parent"]["email"] is None
    assert full["history"] == [
        {
            "year": 2019,
            "year_is_earliest": False,
            "members": 40,
            "enterprises": 30,
            "business_environment_institutions": None,
            "universities": None,
            "source": {"pl": "Ankieta 2019", "en": None},
        },
        {
            "year": 2024,
            "year_is_earliest": False,
            "members": 55,
            "enterprises": 44,
            "business_environment_institutions": 6,
            "universities": 2,
            "source": {"pl": "Ankieta 2024", "en": "Survey 2024"},
        },
    ]
    assert OFFSET_TIMESTAMP.match(full["updated"])


def test_clusters_json_gives_null_not_the_other_language(client, directory):
    # Asking in English must not fill the English name in from the Polish one.
    response = client.get(
        reverse("open_data:clusters_json"), headers={"accept-language": "en"}
    )
    clusters = json.loads(response.getvalue())["clusters"]
    record = next(r for r in clusters if r["key"] == "polish-only")
    assert record["name"] == {"pl": "Klaster Żeglarski", "en": None}
    assert record["slug"]["en"] is None
    assert record["year_established"] is None
    assert record["members"] is None
    assert record["as_of"] is None
    assert record["history"] == []
    assert record["website"] is None


def test_clusters_json_urls_are_absolute_from_site_url(client, directory):
    records = {
        record["key"]: record
        for record in get_json(client, "clusters_json")["clusters"]
    }
    full = directory["full"]
    assert records["full"]["url"] == {
        "pl": absolute(full, "pl"),
        "en": absolute(full, "en"),
    }
    assert records["full"]["url"]["pl"].startswith(f"{SITE_URL}/pl/")
    assert records["full"]["url"]["en"].startswith(f"{SITE_URL}/en/")
    assert records["full"]["url"]["en"].endswith(f"/{full.slug_en}/")


def test_clusters_json_hides_draft_highlands_and_draft_parents(client, directory):
    records = {
        record["key"]: record
        for record in get_json(client, "clusters_json")["clusters"]
    }
    assert [h["key"] for h in records["full"]["highlands"]] == ["it"]
    assert records["orphan"]["parent"] is None


def test_clusters_json_carries_the_starter_licence(client, directory):
    assert get_json(client, "clusters_json")["licence"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
        "attribution": "Urząd Miasta Lublin (City of Lublin)",
    }


def test_licence_comes_from_the_site_identity(client, set_identity, directory):
    set_identity(
        licence_name="CC0 1.0",
        licence_url="https://creativecommons.org/publicdomain/zero/1.0/",
        attribution="Miasto Testowe",
    )
    for name in ("clusters_json", "highlands_json"):
        assert get_json(client, name)["licence"] == {
            "name": "CC0 1.0",
            "url": "https://creativecommons.org/publicdomain/zero/1.0/",
            "attribution": "Miasto Testowe",
        }
    response = client.get(reverse("open_data:clusters_csv"))
    assert "publicdomain/zero" in response["Link"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "swiatlowodow"}, ["full"]),
        ({"q": "fibre"}, ["full"]),
        ({"q": "zeglarski"}, ["polish-only"]),
        ({"q": "lodz"}, ["full"]),
        ({"highland": "wyzyna-it"}, ["full", "parent"]),
        ({"highland": "it-highland"}, ["full", "parent"]),
        ({"highland": "medical"}, ["polish-only"]),
        ({"status": "inactive"}, ["polish-only"]),
        ({"year_from": "2011"}, ["full"]),
        ({"year_to": "2011"}, ["orphan", "parent"]),
        ({"size": "50-99"}, ["full"]),
        ({"has_universities": "yes"}, ["full"]),
        ({"highland": "wyzyna-it", "q": "matka"}, ["parent"]),
        ({"q": "szkic"}, []),
        # The export keeps its own order whatever the directory's sort.
        ({"sort": "-name"}, ["full", "orphan", "parent", "polish-only"]),
    ],
)
def test_export_applies_the_directory_filters(client, directory, params, expected):
    assert export_keys(client, params) == expected
    _content, rows = get_csv(client, params)
    assert [row["key"] for row in rows] == expected


@pytest.mark.parametrize("name", ["clusters_json", "clusters_csv"])
@pytest.mark.parametrize(
    "params",
    [{"year_from": "abc"}, {"highland": "nowhere"}, {"q": "x" * 1000}],
)
def test_export_answers_bad_parameters_with_400_and_the_errors(client, name, params):
    response = client.get(reverse(f"open_data:{name}"), params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()["errors"]) == set(params)
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("name", ["clusters_json", "clusters_csv", "highlands_json"])
def test_export_may_be_read_from_any_origin(client, name):
    response = client.get(reverse(f"open_data:{name}"))
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("name", ["clusters_json", "clusters_csv", "highlands_json"])
def test_export_is_read_only(client, name):
    assert client.head(reverse(f"open_data:{name}")).status_code == HTTPStatus.OK
    response = client.post(reverse(f"open_data:{name}"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_export_sets_no_cookie(client, directory):
    for name in ("clusters_json", "clusters_csv", "highlands_json"):
        assert not client.get(reverse(f"open_data:{name}")).cookies


# clusters.csv


def test_csv_is_utf8_with_a_byte_order_mark(client, directory):
    response = client.get(reverse("open_data:clusters_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "clusters.csv" in response["Content-Disposition"]
    content = response.getvalue()
    assert content.startswith(b"\xef\xbb\xbf")
    assert "Klaster Światłowodów".encode() in content


def test_csv_has_the_documented_columns_one_row_per_cluster(client, directory):
    content, rows = get_csv(client)
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header == CSV_COLUMNS
    assert [row["key"] for row in rows] == ["full", "orphan", "parent", "polish-only"]
    full = rows[0]
    assert full == {
        "key": "full",
        "slug_pl": directory["full"].slug_pl,
        "slug_en": directory["full"].slug_en,
        "name_pl": "Klaster Światłowodów",
        "name_en": "Fibre Cluster",
        "year_established": "2012",
        "status": "active",
        "members": "55",
        "enterprises": "44",
        "business_environment_institutions": "6",
        "universities": "2",
        "as_of": "2024",
        "coordinators_pl": "Fundacja Łódź; Jan Kowalski",
        "coordinators_en": "; Jan Kowalski",
        "highlands": "it",
        "parent": "parent",
        "website": "https://swiatlowody.example.org/",
        "url_pl": absolute(directory["full"], "pl"),
        "url_en": absolute(directory["full"], "en"),
        "updated": full["updated"],
        "as_of_is_earliest": "false",
        "email": "biuro@swiatlowody.example.org",
        # A number is text that starts with "+": kept from running as a formula.
        "phone": "'+48814662507",
    }
    assert OFFSET_TIMESTAMP.match(full["updated"])
    polish_only = rows[3]
    assert (polish_only["name_en"], polish_only["members"], polish_only["as_of"]) == (
        "",
        "",
        "",
    )


def test_csv_and_json_agree(client, directory):
    records = get_json(client, "clusters_json")["clusters"]
    _content, rows = get_csv(client)
    for record, row in zip(records, rows, strict=True):
        assert row["name_pl"] == (record["name"]["pl"] or "")
        assert row["members"] == (
            "" if record["members"] is None else str(record["members"])
        )
        assert row["url_en"] == record["url"]["en"]


def test_every_csv_column_and_json_field_is_documented():
    document = (DOCS / "open-data.md").read_text(encoding="utf-8")
    for column in CSV_COLUMNS:
        assert f"| `{column}` |" in document, column
    schema = json.loads((DOCS / "open-data.schema.json").read_text(encoding="utf-8"))
    for field in schema["$defs"]["cluster"]["required"]:
        assert f"`{field}`" in document, field
    highlands = json.loads(
        (DOCS / "open-data-highlands.schema.json").read_text(encoding="utf-8")
    )
    for field in highlands["$defs"]["highland"]["required"]:
        assert f"`{field}`" in document, field


def test_documented_example_follows_the_schema():
    document = (DOCS / "open-data.md").read_text(encoding="utf-8")
    examples = re.findall(r"```json\n(.*?)```", document, flags=re.DOTALL)
    assert len(examples) >= 2
    assert_valid(json.loads(examples[0]), "open-data.schema.json")
    assert_valid(json.loads(examples[1]), "open-data-highlands.schema.json")


# highlands.json


def test_highlands_json_follows_the_schema(client, directory):
    document = get_json(client, "highlands_json")
    assert_valid(document, "open-data-highlands.schema.json")
    assert document["count"] == 2


def test_highlands_json_lists_published_highlands_and_clusters_only(client, directory):
    records = get_json(client, "highlands_json")["highlands"]
    assert [record["key"] for record in records] == ["it", "med"]
    it, med = records
    assert it["name"] == {"pl": "Wyżyna IT", "en": "IT Highland"}
    assert it["slug"] == {"pl": "wyzyna-it", "en": "it-highland"}
    assert it["summary"] == {"pl": "Ekosystem IT.", "en": None}
    assert it["order"] == directory["it"].order
    assert it["clusters"] == ["full", "parent"]
    assert it["cooperates_with"] == ["med"]
    assert med["cooperates_with"] == ["it"]
    assert med["clusters"] == ["polish-only"]
    assert it["url"] == {
        "pl": absolute(directory["it"], "pl"),
        "en": absolute(directory["it"], "en"),
    }
    assert OFFSET_TIMESTAMP.match(it["updated"])


# Sitemap and robots.txt


def sitemap_entries(client) -> dict[str, dict[str, str]]:
    """Each <url>'s location, on every page of the sitemap, mapped to its
    alternates by hreflang."""
    return {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href")
            for link in url.findall(f"{XHTML}link")
            if link.get("rel") == "alternate"
        }
        for page in sitemap_pages(client)
        for url in ElementTree.fromstring(page).findall(f"{SITEMAP}url")
    }


def test_sitemap_lists_every_published_record_in_both_languages(client, directory):
    entries = sitemap_entries(client)
    records = [
        directory["full"],
        directory["parent"],
        directory["it"],
        directory["med"],
    ]
    for record in records:
        pl, en = absolute(record, "pl"), absolute(record, "en")
        expected = {"pl": pl, "en": en, "x-default": pl}
        assert entries[pl] == expected
        assert entries[en] == expected


def test_sitemap_lists_the_static_pages_in_both_languages(client):
    make_page(key="about-clusters")
    make_statement()
    entries = sitemap_entries(client)
    names = [
        "home",
        "clusters:list",
        "ecosystems:list",
        "contacts:team",
        "contacts:accessibility",
        "open_data_page",
        "clusters:about",
    ]
    for name in names:
        pl = en = None
        for language in ("pl", "en"):
            with translation.override(language):
                url = SITE_URL + reverse(name)
            pl, en = (url, en) if language == "pl" else (pl, url)
        assert entries[pl]["en"] == en
        assert entries[en]["pl"] == pl
        assert "x-default" in entries[pl]
    # Only the home page's x-default is the address that chooses the language.
    with translation.override("pl"):
        home = SITE_URL + reverse("home")
    assert entries[home]["x-default"] == f"{SITE_URL}/"


def test_sitemap_leaves_out_an_unpublished_about_page(client):
    make_page(key="about-clusters", is_published=False)
    with translation.override("pl"):
        about = SITE_URL + reverse("clusters:about")
    assert about not in sitemap_entries(client)


def test_sitemap_uses_site_url_not_the_request_host(client, settings, directory):
    settings.ALLOWED_HOSTS = ["other.example.net"]
    client.defaults["HTTP_HOST"] = "other.example.net"
    content = client.get("/sitemap.xml").content.decode() + sitemap_text(client)
    assert "other.example.net" not in content
    assert SITE_URL in content


def test_a_section_longer_than_the_limit_is_split_into_pages_the_index_lists(
    client, monkeypatch
):
    monkeypatch.setattr(ClusterSitemap, "limit", 4)
    clusters = [make_cluster() for _ in range(5)]
    section = f"{SITE_URL}/sitemap-clusters.xml"
    index = sitemap_locations(client)
    assert [loc for loc in index if loc.startswith(section)] == [
        section,
        f"{section}?p=2",
        f"{section}?p=3",
    ]
    pages = [
        sitemap_locations(client, loc.removeprefix(SITE_URL))
        for loc in index
        if loc.startswith(section)
    ]
    # A page holds at most `limit` <url> entries, each language's page being one.
    assert [len(page) for page in pages] == [4, 4, 2]
    listed = [loc for page in pages for loc in page]
    expected = [
        absolute(cluster, code) for cluster in clusters for code in ("pl", "en")
    ]
    assert listed == expected
    assert client.get("/sitemap-clusters.xml?p=4").status_code == HTTPStatus.NOT_FOUND


def test_the_sections_pages_are_kept_by_the_page_cache(rf):
    request = rf.get("/sitemap-clusters.xml", {"p": "2"})
    request.resolver_match = resolve(request.path)
    assert is_public_path(request.path)
    assert is_canonical(request)


def test_drafts_appear_nowhere(client, directory):
    draft_names = ("Szkic Tajny", "draft-highland", '"draft"', "draft-parent")
    responses = [
        client.get(reverse("open_data:clusters_json")),
        client.get(reverse("open_data:clusters_csv")),
        client.get(reverse("open_data:highlands_json")),
    ]
    contents = [response.getvalue().decode("utf-8-sig") for response in responses]
    for content in [*contents, sitemap_text(client)]:
        for name in draft_names:
            assert name not in content
    entries = sitemap_entries(client)
    for draft in Cluster.objects.filter(is_published=False):
        assert absolute(draft, "pl") not in entries
        assert absolute(draft, "en") not in entries


def test_robots_txt_points_to_the_sitemap_and_lets_crawlers_read_the_site(client):
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in lines
    # The export is open data: crawlers may read it.
    assert not any(line.startswith("Disallow:") for line in lines)


def test_robots_txt_does_not_reveal_a_moved_admin(client, settings):
    settings.ADMIN_PATH = "zaplecze-7f3a/"
    content = client.get("/robots.txt").content.decode()
    assert "zaplecze" not in content
    assert "admin" not in content


# The starter content (the one place these tests load the fixtures)


def test_exports_of_the_starter_content_follow_the_schema(client):
    call_command("loaddata", "ecosystems", "clusters", "contacts", verbosity=0)
    clusters = get_json(client, "clusters_json")
    assert_valid(clusters, "open-data.schema.json")
    assert clusters["count"] == Cluster.objects.published().count() > 0
    highlands = get_json(client, "highlands_json")
    assert_valid(highlands, "open-data-highlands.schema.json")
    assert highlands["count"] == Highland.objects.published().count() > 0
    _content, rows = get_csv(client)
    assert [row["key"] for row in rows] == [c["key"] for c in clusters["clusters"]]


def test_sitemap_of_the_starter_content_has_alternates_for_every_record(client):
    call_command("loaddata", "ecosystems", "clusters", "contacts", verbosity=0)
    entries = sitemap_entries(client)
    records = [*Cluster.objects.published(), *Highland.objects.published()]
    assert records
    for record in records:
        pl, en = absolute(record, "pl"), absolute(record, "en")
        assert entries[pl] == entries[en] == {"pl": pl, "en": en, "x-default": pl}


# Query bounds


def make_directory(size: int) -> None:
    highlands = [make_highland() for _ in range(3)]
    for highland in highlands:
        highland.cooperates_with.set(highlands)
    for index in range(size):
        cluster = make_cluster(
            highlands=highlands[: 1 + index % 3],
            coordinators=[make_coordinator(), make_coordinator()],
        )
        make_snapshot(cluster, year=2020, members=10 + index)
        make_snapshot(cluster, year=2024, members=20 + index)


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(
    ("path", "params", "limit"),
    [
        ("/api/v1/clusters.json", {"page": "1"}, 8),
        ("/api/v1/clusters.json", {"q": "klaster", "status": "active"}, 8),
        ("/api/v1/clusters.csv", {"status": "active", "page": "1"}, 8),
        ("/api/v1/clusters.csv", {"size": "20-49"}, 8),
        ("/api/v1/highlands.json", {}, 5),
        ("/sitemap.xml", {}, 8),
        ("/sitemap-clusters.xml", {}, 5),
    ],
)
def test_exports_take_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, size, path, params, limit
):
    make_directory(size)
    with django_assert_max_num_queries(limit):
        response = client.get(path, params)
    assert response.status_code == HTTPStatus.OK
