"""The open data page (both languages), the /api/v1/ index, the DCAT-AP catalogue and
the directory's download offer."""

import csv
import io
import json
import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from clusters.models import Cluster
from cms.publishing import mark_edited
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_snapshot,
    make_team_member,
)
from tests.sitemap import sitemap_text

pytestmark = pytest.mark.django_db

SITE_URL = "https://klastry.example.org"
PAGES = {"pl": "/pl/otwarte-dane/", "en": "/en/open-data/"}
EXPORTS = ["clusters_json", "clusters_csv", "highlands_json"]
CATALOGUES = {
    "catalog_ttl": "turtle",
    "catalog_rdf": "xml",
    "catalog_jsonld": "json-ld",
}
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def directory():
    it = make_highland(key="it", name_pl="Wyżyna IT", name_en="IT Highland")
    cluster = make_cluster(
        key="fibre",
        name_pl="Klaster Światłowodów",
        name_en="Fibre Cluster",
        website="https://swiatlowody.example.org/",
        highlands=[it],
        coordinators=[make_coordinator(name_pl="Fundacja Łączności")],
        parent=make_cluster(key="parent"),
    )
    make_snapshot(cluster, year=2024, members=55, enterprises=44)
    mark_edited(Cluster, cluster.pk)
    return cluster


def main_of(response) -> str:
    content = response.content.decode()
    return content[content.index("<main") : content.index("</main>")]


def path_of(name: str) -> str:
    return reverse(f"open_data:{name}")


def written_fields(client) -> dict[str, list[str]]:
    """What each export actually writes: JSON record keys, the CSV header."""
    clusters = json.loads(client.get(path_of("clusters_json")).getvalue())["clusters"]
    highlands = client.get(path_of("highlands_json")).json()["highlands"]
    content = client.get(path_of("clusters_csv")).getvalue().decode("utf-8-sig")
    return {
        "clusters_json": list(clusters[0]),
        "clusters_csv": next(csv.reader(io.StringIO(content))),
        "highlands_json": list(highlands[0]),
    }


# The page


@pytest.mark.parametrize("language", ["pl", "en"])
def test_open_data_page_answers_in_both_languages(client, language):
    with translation.override(language):
        assert reverse("open_data_page") == PAGES[language]
    response = client.get(PAGES[language])
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    heading = {"pl": "<h1>Otwarte dane</h1>", "en": "<h1>Open data</h1>"}
    assert heading[language] in content
    other = "en" if language == "pl" else "pl"
    assert f'href="{PAGES[other]}"' in content


@pytest.mark.parametrize("language", ["pl", "en"])
def test_open_data_page_lists_every_field_the_exports_write(
    client, directory, language
):
    written = written_fields(client)
    main = main_of(client.get(PAGES[language]))
    for export, fields in written.items():
        start = main.index(f'id="table-{export}"')
        table = main[start : main.index("</table>", start)]
        listed = re.findall(r'<th scope="row"><code>([^<]+)</code></th>', table)
        assert listed == fields, export


@pytest.mark.parametrize("language", ["pl", "en"])
def test_open_data_page_examples_are_the_published_values(client, directory, language):
    main = main_of(client.get(PAGES[language]))
    assert "<code>https://swiatlowody.example.org/</code>" in main
    assert "<code>Fundacja Łączności</code>" in main  # coordinators_pl, from the CSV
    assert "fibre,klaster-" in main  # the CSV row example, from the database
    # highlands.json's name, a text per language, as the file writes it.
    assert "<code>{&quot;pl&quot;: &quot;Wyżyna IT&quot;" in main


@pytest.mark.parametrize("language", ["pl", "en"])
def test_open_data_page_links_every_export_and_every_link_answers(
    client, directory, language
):
    main = main_of(client.get(PAGES[language]))
    links = set(HREF.findall(main))
    for name in [*EXPORTS, "index", *CATALOGUES]:
        assert path_of(name) in links, name
    for link in links:
        if link.startswith("/"):
            assert client.get(link).status_code == HTTPStatus.OK, link


@pytest.mark.parametrize("language", ["pl", "en"])
def test_open_data_page_shows_the_licence_staff_set(client, set_identity, language):
    set_identity(
        licence_name="CC0 1.0",
        licence_url="https://creativecommons.org/publicdomain/zero/1.0/",
        attribution="Miasto Testowe",
    )
    main = main_of(client.get(PAGES[language]))
    assert "CC0 1.0" in main
    assert 'href="https://creativecommons.org/publicdomain/zero/1.0/"' in main
    assert "Miasto Testowe" in main


def test_open_data_page_says_when_the_data_last_changed(client, directory):
    directory.refresh_from_db()
    main = main_of(client.get(PAGES["en"]))
    stamp = timezone.localtime(directory.edited_at).isoformat()[:16]
    assert f'<time datetime="{stamp}' in main


@pytest.mark.parametrize("language", ["pl", "en"])
def test_footer_links_the_open_data_page(client, language):
    content = client.get(f"/{language}/").content
    footer = content.decode().split('<footer class="site-footer">')[1]
    assert f'href="{PAGES[language]}"' in footer


def test_sitemap_lists_the_open_data_page_in_both_languages(client):
    content = sitemap_text(client)
    for path in PAGES.values():
        assert f"<loc>{SITE_URL}{path}</loc>" in content


@pytest.mark.django_db(transaction=True)
def test_open_data_page_is_cached_like_the_other_pages(
    settings, tmp_path, django_assert_num_queries
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": tmp_path / "cache",
        }
    }
    cache.clear()
    visitor = Client(HTTP_HOST="127.0.0.1")
    for path in [PAGES["pl"], PAGES["en"], path_of("index"), path_of("catalog_ttl")]:
        first = visitor.get(path)
        assert first.status_code == HTTPStatus.OK
        with django_assert_num_queries(0):
            second = visitor.get(path)
        assert second.content == first.content
    # Any content change shows at once.
    make_cluster(name_pl="Klaster Nowy")
    assert "Klaster Nowy" in visitor.get(PAGES["pl"]).content.decode()
    cache.clear()


# /api/v1/


def test_api_index_names_the_datasets_licence_metadata_and_docs(client, directory):
    response = client.get("/api/v1/")
    assert response.status_code == HTTPStatus.OK
    assert response["Access-Control-Allow-Origin"] == "*"
    index = response.json()
    written = written_fields(client)
    datasets = {dataset["name"]: dataset for dataset in index["datasets"]}
    assert list(datasets) == EXPORTS
    formats = {"clusters_json": "JSON", "clusters_csv": "CSV", "highlands_json": "JSON"}
    for name, dataset in datasets.items():
        assert dataset["url"] == SITE_URL + path_of(name)
        assert dataset["format"] == formats[name]
        assert dataset["fields"] == written[name]
        assert set(dataset["title"]) == {"pl", "en"}
        answer = client.get(dataset["url"].removeprefix(SITE_URL))
        assert answer.status_code == HTTPStatus.OK
        assert answer["Content-Type"].startswith(dataset["media_type"])
    assert index["licence"]["name"] == "CC BY 4.0"
    assert index["documentation"] == {
        "pl": SITE_URL + PAGES["pl"],
        "en": SITE_URL + PAGES["en"],
    }
    metadata = index["metadata"]["dcat_ap"]
    assert set(metadata.values()) == {SITE_URL + path_of(n) for n in CATALOGUES}
    for url in metadata.values():
        assert client.get(url.removeprefix(SITE_URL)).status_code == HTTPStatus.OK


# DCAT-AP


def catalogue(client, name="catalog_ttl") -> Graph:
    response = client.get(path_of(name))
    assert response.status_code == HTTPStatus.OK
    return Graph().parse(data=response.content, format=CATALOGUES[name])


def languages_of(graph: Graph, subject, predicate) -> set[str]:
    return {literal.language for literal in graph.objects(subject, predicate)}


@pytest.mark.parametrize("name", list(CATALOGUES))
def test_dcat_catalogue_parses_with_its_classes_and_properties(client, directory, name):
    make_team_member(phone="81 466 25 07", email="klastry@example.org")
    graph = catalogue(client, name)
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    distributions = set(graph.subjects(RDF.type, DCAT.Distribution))
    assert (catalog, DCAT.dataset, dataset) in graph
    assert set(graph.objects(dataset, DCAT.distribution)) == distributions
    for subject in (catalog, dataset, *distributions):
        assert languages_of(graph, subject, DCTERMS.title) == {"pl", "en"}
        assert languages_of(graph, subject, DCTERMS.description) == {"pl", "en"}
        assert graph.value(subject, DCTERMS.modified) is not None
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert graph.value(catalog, DCTERMS.publisher) == publisher
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert "Lublin" in str(graph.value(publisher, FOAF.name))
    assert (dataset, DCAT.theme, URIRef(f"{EU}data-theme/ECON")) in graph
    # One distribution per export, each downloadable and described.
    urls = {SITE_URL + path_of(export) for export in EXPORTS}
    assert {str(graph.value(d, DCAT.downloadURL)) for d in distributions} == urls
    assert {str(graph.value(d, DCAT.accessURL)) for d in distributions} == urls
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    for distribution in distributions:
        assert graph.value(distribution, DCTERMS.license) == licence
        assert str(graph.value(distribution, DCTERMS["format"])).startswith(
            f"{EU}file-type/"
        )
        media_type = str(graph.value(distribution, DCAT.mediaType))
        assert media_type.endswith(("/application/json", "/text/csv"))
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in graph


def test_dcat_contact_point_is_the_clusters_team_from_the_database(client):
    member = make_team_member(phone="81 466 25 07", email="klastry@example.org")
    member.team.name_en = "Clusters Team"
    member.team.save()
    graph = catalogue(client)
    dataset = graph.value(predicate=RDF.type, object=DCAT.Dataset)
    contact = graph.value(dataset, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in graph
    names = set(graph.objects(contact, VCARD.fn))
    assert Literal(member.team.name_pl, lang="pl") in names
    assert Literal("Clusters Team", lang="en") in names
    assert (contact, VCARD.hasTelephone, URIRef("tel:+48814662507")) in graph
    assert (contact, VCARD.hasEmail, URIRef("mailto:klastry@example.org")) in graph


def test_dcat_modified_is_the_latest_publication_of_the_data(client, directory):
    later = make_highland(key="later")
    mark_edited(type(later), later.pk)
    later.refresh_from_db()
    # A draft's edit is not a publication of the data.
    draft = make_cluster(key="draft", is_published=False)
    Cluster.objects.filter(pk=draft.pk).update(
        edited_at=timezone.now() + timedelta(days=1)
    )
    graph = catalogue(client)
    dataset = graph.value(predicate=RDF.type, object=DCAT.Dataset)
    modified = graph.value(dataset, DCTERMS.modified)
    assert modified.datatype == XSD.dateTime
    assert modified.toPython() == later.edited_at


def test_dcat_modified_falls_back_to_the_sources_year(client):
    make_cluster(source_year=2024)
    graph = catalogue(client)
    dataset = graph.value(predicate=RDF.type, object=DCAT.Dataset)
    assert graph.value(dataset, DCTERMS.modified) == Literal("2024", datatype=XSD.gYear)


def test_dcat_names_the_landing_pages_and_the_update_frequency(client):
    graph = catalogue(client)
    dataset = graph.value(predicate=RDF.type, object=DCAT.Dataset)
    pages = {str(page) for page in graph.objects(dataset, DCAT.landingPage)}
    assert pages == {SITE_URL + path for path in PAGES.values()}
    frequency = Namespace(f"{EU}frequency/")
    assert graph.value(dataset, DCTERMS.accrualPeriodicity) == frequency.IRREG


@pytest.mark.parametrize("url", [PAGES["pl"], "/api/v1/", "/api/v1/catalog.ttl"])
def test_open_data_addresses_cost_the_same_queries_at_any_size(client, url):
    make_team_member()

    def queries(size: int) -> int:
        for _ in range(size):
            make_snapshot(make_cluster(highlands=[make_highland()]), year=2024)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == HTTPStatus.OK
        return len(context.captured_queries)

    assert queries(2) == queries(40)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("pl", "stronami po 1000 klastrów"),
        ("en", "a page of 1,000 clusters at a time"),
    ],
)
def test_open_data_page_says_how_to_read_the_files_a_page_at_a_time(
    client, language, text
):
    content = client.get(PAGES[language]).content.decode()
    assert text in content
    assert "page=1" in content
