"""What search engines and link previews read: titles, descriptions, Open Graph,
Twitter cards and schema.org JSON-LD, on every public page in both languages."""

import json
from datetime import timedelta
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from clusters.filters import ClusterFilter
from clusters.models import Cluster, Organisation
from cms.structured_data import json_ld, summarise
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_organisation,
    make_page,
    make_snapshot,
    make_statement,
    make_team_member,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["pl", "en"]
SITE_NAMES = {"pl": "Klastry w Lublinie", "en": "Clusters in Lublin"}
LOCALES = {"pl": "pl_PL", "en": "en_GB"}
PAGE_NAMES = [
    "home",
    "clusters:list",
    "ecosystems:list",
    "contacts:team",
    "contacts:accessibility",
    "clusters:about",
]


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    """A cache of this test's own, so no page is served from another test's run."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


class Head(HTMLParser):
    """The parts of a page that previews and crawlers read, parsed as a browser would:
    the title, meta tags by name or property, the canonical link, JSON-LD blocks."""

    def __init__(self, content: str):
        super().__init__()
        self.title = ""
        self.meta: dict[str, list[str]] = {}
        self.canonical = ""
        self.json_ld: list[str] = []
        self._in = None
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title" and not self.title:
            self._in = "title"
        elif tag == "meta" and ("name" in attrs or "property" in attrs):
            key = attrs.get("property") or attrs["name"]
            self.meta.setdefault(key, []).append(attrs.get("content", ""))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "script":
            self._in = "json-ld" if attrs.get("type") == "application/ld+json" else "js"
            if self._in == "json-ld":
                self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag in ("title", "script"):
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "json-ld":
            self.json_ld[-1] += data

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, (key, values)
        return values[0]

    @property
    def graph(self) -> list[dict]:
        assert len(self.json_ld) == 1, self.json_ld
        data = json.loads(self.json_ld[0])
        assert data["@context"] == "https://schema.org"
        return data["@graph"]

    def nodes(self, node_type: str) -> list[dict]:
        return [node for node in self.graph if node["@type"] == node_type]

    def node(self, node_type: str) -> dict:
        found = self.nodes(node_type)
        assert len(found) == 1, (node_type, found)
        return found[0]


def address(obj_or_name, language: str) -> str:
    with translation.override(language):
        if isinstance(obj_or_name, str):
            return reverse(obj_or_name)
        return obj_or_name.get_absolute_url()


def head(client, path: str) -> Head:
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    return Head(response.content.decode())


def names(values) -> set[str]:
    """Names of nodes, whether plain strings or language-tagged value objects."""
    return {
        value["@value"] if isinstance(value, dict) else value
        for value in (node["name"] for node in values)
    }


@pytest.fixture
def site():
    """A cluster with a parent, segments, Highlands, coordinators and figures, some
    of them drafts; a team; the pages every site has."""
    highland = make_highland(
        key="it",
        name_pl="Wyżyna IT",
        name_en="IT Highland",
        slug_pl="wyzyna-it",
        slug_en="it-highland",
        summary_pl="Ekosystem firm informatycznych.",
        summary_en="An ecosystem of software companies.",
    )
    draft_highland = make_highland(
        name_pl="Wyżyna Robocza", name_en="Draft Highland", is_published=False
    )
    parent = make_cluster(key="parent", name_pl="Klaster Matka", name_en="Mother")
    cluster = make_cluster(
        key="ict",
        name_pl="Klaster ICT",
        name_en="ICT Cluster",
        slug_pl="klaster-ict",
        slug_en="ict-cluster",
        other_names_pl="Lubelski Klaster Informatyczny",
        year_established=2011,
        website="https://ict.example.org",
        parent=parent,
        characteristics_pl="Klaster zrzesza firmy informatyczne z Lublina.",
        characteristics_en="The cluster brings together Lublin's software firms.",
        highlands=[highland, draft_highland],
        coordinators=[
            make_coordinator(name_pl="Fundacja Rozwoju", name_en="Growth Foundation"),
            make_coordinator(kind="person", name_pl="Jan Nowak", name_en=""),
        ],
    )
    segment = make_cluster(key="segment", name_pl="Segment Chmura", parent=cluster)
    make_cluster(
        key="draft-segment",
        name_pl="Segment Roboczy",
        name_en="Draft Segment",
        parent=cluster,
        is_published=False,
    )
    make_snapshot(cluster, year=2019, members=50, enterprises=40)
    make_snapshot(
        cluster,
        year=2024,
        members=174,
        enterprises=150,
        business_environment_institutions=20,
        universities=None,
    )
    cluster.member_organisations.add(
        make_organisation(
            name="Politechnika Lubelska", kind=Organisation.Kind.UNIVERSITY
        )
    )
    make_page(key="about-clusters", summary_pl="Czym są klastry.", summary_en="")
    make_page(
        key="lublin-economic-highlands",
        summary_pl="Lubelskie Wyżyny Gospodarcze łączą klastry.",
        summary_en="The Lublin Economic Highlands bring clusters together.",
    )
    member = make_team_member(
        name="Anna Kowalska",
        position_pl="Inspektor",
        position_en="Inspector",
        phone="81 466 25 07",
        email="anna.kowalska@lublin.eu",
    )
    make_statement(contact_team=member.team)
    return {
        "cluster": cluster,
        "parent": parent,
        "segment": segment,
        "highland": highland,
        "member": member,
    }


def every_page(site) -> list[tuple[str, str]]:
    pages = []
    for language in LANGUAGES:
        pages += [(language, address(name, language)) for name in PAGE_NAMES]
        pages += [
            (language, address(site[name], language))
            for name in ("cluster", "highland")
        ]
    return pages


# Titles, descriptions, Open Graph and Twitter cards.


def test_every_page_has_its_title_description_and_previews(client, site):
    for language, path in every_page(site):
        page = head(client, path)
        url = settings.SITE_URL + path
        title = page.one("og:title")
        assert title, path
        assert page.title == f"{title} – {SITE_NAMES[language]}", path
        description = page.one("description")
        assert description and len(description) <= 160, path
        assert page.one("og:description") == description, path
        assert page.one("og:type") == "website", path
        assert page.one("og:url") == url == page.canonical, path
        assert page.one("og:site_name") == SITE_NAMES[language], path
        assert page.one("og:locale") == LOCALES[language], path
        other = LOCALES["en" if language == "pl" else "pl"]
        assert page.one("og:locale:alternate") == other, path
        assert page.one("twitter:card") == "summary", path
        assert page.one("twitter:title") == title, path
        assert page.one("twitter:description") == description, path
        web_page = page.graph[0]
        assert web_page["@id"] == web_page["url"] == url, path
        assert web_page["inLanguage"] == language, path
        assert web_page["name"] == title, path
        assert web_page["description"] == description, path


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("pl", "Klaster ICT – Klastry w Lublinie"),
        ("en", "ICT Cluster – Clusters in Lublin"),
    ],
)
def test_a_cluster_page_is_titled_with_its_name(client, site, language, title):
    assert head(client, address(site["cluster"], language)).title == title


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/pl/klastry/", "Katalog klastrów – Klastry w Lublinie"),
        ("/en/clusters/", "Cluster directory – Clusters in Lublin"),
        ("/en/contact/", "Contact – Clusters in Lublin"),
        ("/pl/kontakt/", "Kontakt – Klastry w Lublinie"),
    ],
)
def test_interface_pages_have_translated_titles(client, site, path, title):
    assert head(client, path).title == title


def test_directory_pages_after_the_first_say_their_number(client):
    for _n in range(21):
        make_cluster()
    assert head(client, "/pl/klastry/?page=2").title == (
        "Katalog klastrów – strona 2 – Klastry w Lublinie"
    )


def test_descriptions_come_from_the_records_own_text(client, site):
    page = head(client, address(site["cluster"], "en"))
    assert page.one("description") == (
        "The cluster brings together Lublin's software firms."
    )
    page = head(client, address(site["highland"], "pl"))
    assert page.one("description") == "Ekosystem firm informatycznych."
    assert head(client, "/en/").one("description") == (
        "The Lublin Economic Highlands bring clusters together."
    )


def test_a_description_in_the_other_language_gives_way_to_a_generic_one(client):
    """A meta description cannot carry `lang`, so Polish text is not passed off as
    the English page's description."""
    cluster = make_cluster(characteristics_pl="Tylko po polsku.", characteristics_en="")
    english = head(client, address(cluster, "en")).one("description")
    assert "Tylko po polsku" not in english
    assert english.startswith("Clusters in Lublin: a cluster's key facts")
    polish = head(client, address(cluster, "pl")).one("description")
    assert polish == "Tylko po polsku."


def test_long_descriptions_are_cut_on_a_word_boundary(client):
    text = "Współpraca " * 30 + "koniec"
    cluster = make_cluster(characteristics_pl=text)
    description = head(client, address(cluster, "pl")).one("description")
    assert len(description) <= 160
    assert description.endswith("Współpraca…")


def test_summarise_keeps_short_text_and_cuts_long_text_between_words():
    assert summarise("Krótki\n\n opis.") == "Krótki opis."
    cut = summarise("słowo " * 40, limit=20)
    assert cut == "słowo słowo słowo…"
    assert len(summarise("a" * 300)) == 160
    assert summarise("") == ""


def test_the_not_found_page_has_a_title_and_no_previews(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    page = Head(response.content.decode())
    assert page.title == "Page not found – Clusters in Lublin"
    assert page.one("robots") == "noindex"
    assert "og:url" not in page.meta and "twitter:card" not in page.meta
    assert page.json_ld == []


# JSON-LD: the cluster page.


@pytest.mark.parametrize("language", LANGUAGES)
def test_cluster_page_describes_the_cluster_as_an_organization(client, site, language):
    page = head(client, address(site["cluster"], language))
    cluster = page.node("Organization")
    assert cluster["@id"] == f"{settings.SITE_URL}/#cluster-ict"
    assert page.graph[0]["mainEntity"] == {"@id": cluster["@id"]}
    assert cluster["name"] == {"pl": "Klaster ICT", "en": "ICT Cluster"}[language]
    assert cluster["url"] == settings.SITE_URL + address(site["cluster"], language)
    assert cluster["foundingDate"] == "2011"
    assert cluster["sameAs"] == "https://ict.example.org"
    assert (
        cluster["description"]
        == {
            "pl": "Klaster zrzesza firmy informatyczne z Lublina.",
            "en": "The cluster brings together Lublin's software firms.",
        }[language]
    )
    assert (
        cluster["parentOrganization"]["@id"] == f"{settings.SITE_URL}/#cluster-parent"
    )
    assert cluster["parentOrganization"]["url"] == settings.SITE_URL + address(
        site["parent"], language
    )
    assert [s["@id"] for s in cluster["subOrganization"]] == [
        f"{settings.SITE_URL}/#cluster-segment"
    ]
    assert [h["@id"] for h in cluster["memberOf"]] == [
        f"{settings.SITE_URL}/#highland-it"
    ]
    assert (
        cluster["memberOf"][0]["name"]
        == {"pl": "Wyżyna IT", "en": "IT Highland"}[language]
    )


def test_cluster_names_in_other_languages_are_alternate_names_with_their_language(
    client, site
):
    english = head(client, address(site["cluster"], "en")).node("Organization")
    assert english["alternateName"] == [
        {"@value": "Lubelski Klaster Informatyczny", "@language": "pl"},
        {"@value": "Klaster ICT", "@language": "pl"},
    ]
    polish = head(client, address(site["cluster"], "pl")).node("Organization")
    assert polish["alternateName"] == [
        "Lubelski Klaster Informatyczny",
        {"@value": "ICT Cluster", "@language": "en"},
    ]


@pytest.mark.parametrize(
    ("language", "role"), [("pl", "koordynator"), ("en", "coordinator")]
)
def test_cluster_coordinators_are_members_in_the_coordinator_role(
    client, site, language, role
):
    cluster = head(client, address(site["cluster"], language)).node("Organization")
    roles = [m for m in cluster["member"] if m["@type"] == "OrganizationRole"]
    assert {r["roleName"] for r in roles} == {role}
    people = {r["member"]["@type"]: r["member"]["name"] for r in roles}
    assert (
        people["Organization"]
        == {
            "pl": "Fundacja Rozwoju",
            "en": "Growth Foundation",
        }[language]
    )
    # No English name: the Polish one, said to be Polish.
    expected = (
        "Jan Nowak" if language == "pl" else {"@value": "Jan Nowak", "@language": "pl"}
    )
    assert people["Person"] == expected
    listed = [m for m in cluster["member"] if m["@type"] == "CollegeOrUniversity"]
    assert names(listed) == {"Politechnika Lubelska"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_cluster_member_counts_are_observations_of_the_current_year(
    client, site, language
):
    page = head(client, address(site["cluster"], language))
    observations = page.nodes("Observation")
    figures = {o["variableMeasured"]: o["value"] for o in observations}
    assert figures == {
        "members": 174,
        "enterprises": 150,
        "business_environment_institutions": 20,
    }
    for observation in observations:
        assert observation["observationDate"] == "2024"
        assert observation["observationAbout"] == {
            "@id": f"{settings.SITE_URL}/#cluster-ict"
        }
        assert observation["measuredProperty"] == {"@id": "https://schema.org/member"}
    members = next(o for o in observations if o["variableMeasured"] == "members")
    assert members["name"] == {"pl": "członkowie", "en": "members"}[language]


def test_a_cluster_without_figures_or_optional_facts_states_none(client):
    cluster = make_cluster(year_established=None, website="")
    page = head(client, address(cluster, "pl"))
    organization = page.node("Organization")
    for absent in ("foundingDate", "sameAs", "parentOrganization", "memberOf"):
        assert absent not in organization
    assert page.nodes("Observation") == []


def test_drafts_appear_in_no_json_ld(client, site):
    for _language, path in every_page(site):
        page = head(client, path)
        text = json.dumps(page.graph, ensure_ascii=False)
        for draft in ("Wyżyna Robocza", "Draft Highland", "Segment Roboczy"):
            assert draft not in text, path
        assert "#cluster-draft-segment" not in text, path


def test_a_parent_out_of_its_publication_schedule_is_not_linked(client, site):
    Cluster.objects.filter(pk=site["parent"].pk).update(
        publish_until=timezone.now() - timedelta(days=1)
    )
    response = client.get(address(site["cluster"], "pl"))
    page = Head(response.content.decode())
    assert "parentOrganization" not in page.node("Organization")
    assert "Klaster Matka" not in response.content.decode()


# JSON-LD cannot be broken out of.


def test_a_script_end_tag_in_a_name_stays_inside_the_json(client):
    name = 'Klaster </script><script>alert("x")</script> & <!-- Co'
    cluster = make_cluster(name_pl=name)
    content = client.get(address(cluster, "pl")).content.decode()
    assert "<script>alert" not in content
    page = Head(content)
    assert page.node("Organization")["name"] == name
    assert page.graph[0]["name"] == name


def test_json_ld_escapes_markup_characters():
    block = json_ld({"name": "</script>&<b>"})
    assert block == (
        '<script type="application/ld+json">'
        '{"name": "\\u003C/script\\u003E\\u0026\\u003Cb\\u003E"}</script>'
    )
    inner = block.removeprefix('<script type="application/ld+json">')
    assert json.loads(inner.removesuffix("</script>")) == {"name": "</script>&<b>"}


# JSON-LD: the other pages.


@pytest.mark.parametrize("language", LANGUAGES)
def test_highland_page_lists_its_published_clusters_as_members(client, site, language):
    page = head(client, address(site["highland"], language))
    highland = page.node("Organization")
    assert highland["@id"] == f"{settings.SITE_URL}/#highland-it"
    assert highland["name"] == {"pl": "Wyżyna IT", "en": "IT Highland"}[language]
    assert (
        highland["description"]
        == {
            "pl": "Ekosystem firm informatycznych.",
            "en": "An ecosystem of software companies.",
        }[language]
    )
    assert [m["@id"] for m in highland["member"]] == [
        f"{settings.SITE_URL}/#cluster-ict"
    ]
    assert highland["member"][0]["url"] == settings.SITE_URL + address(
        site["cluster"], language
    )


@pytest.mark.parametrize(
    ("language", "job_title"), [("pl", "Inspektor"), ("en", "Inspector")]
)
def test_team_page_is_a_government_office_with_contact_points(
    client, site, language, job_title
):
    page = head(client, address("contacts:team", language))
    assert page.graph[0]["@type"] == "ContactPage"
    office = page.node("GovernmentOffice")
    assert office["@id"] == f"{settings.SITE_URL}/#team-{site['member'].team.key}"
    assert office["contactPoint"] == [
        {"@type": "ContactPoint", "name": "Anna Kowalska", "telephone": "+48814662507"}
    ]
    assert office["employee"] == [
        {
            "@type": "Person",
            "name": "Anna Kowalska",
            "jobTitle": job_title,
            "telephone": "+48814662507",
        }
    ]
    assert office["parentOrganization"]["@type"] == "GovernmentOrganization"
    assert office["parentOrganization"]["parentOrganization"] == {
        "@id": f"{settings.SITE_URL}/#publisher"
    }


def test_team_json_ld_keeps_email_addresses_from_harvesters(client, site):
    page = head(client, "/pl/kontakt/")
    assert "anna.kowalska" not in page.json_ld[0]
    assert "@lublin.eu" not in page.json_ld[0]


def test_team_member_phones_with_a_country_code_keep_it(client):
    make_team_member(phone="+44 20 7946 0000")
    office = head(client, "/en/contact/").node("GovernmentOffice")
    assert office["contactPoint"][0]["telephone"] == "+442079460000"


@pytest.mark.parametrize(
    ("language", "publisher"), [("pl", "Urząd Miasta Lublin"), ("en", "City of Lublin")]
)
def test_home_page_describes_the_website_and_its_publisher(
    client, site, language, publisher
):
    page = head(client, address("home", language))
    website = page.node("WebSite")
    assert website["name"] == SITE_NAMES[language]
    assert website["url"] == settings.SITE_URL + address("home", language)
    assert website["publisher"] == {"@id": f"{settings.SITE_URL}/#publisher"}
    assert website["potentialAction"]["target"]["urlTemplate"] == (
        settings.SITE_URL
        + address("clusters:list", language)
        + "?q={search_term_string}"
    )
    city = page.node("GovernmentOrganization")
    assert city["@id"] == f"{settings.SITE_URL}/#publisher"
    assert city["name"] == publisher


@pytest.mark.parametrize(
    ("name", "page_type"),
    [
        ("clusters:list", "CollectionPage"),
        ("ecosystems:list", "CollectionPage"),
        ("clusters:about", "AboutPage"),
        ("contacts:accessibility", "WebPage"),
    ],
)
def test_other_pages_say_what_kind_of_page_they_are(client, site, name, page_type):
    for language in LANGUAGES:
        page = head(client, address(name, language))
        assert page.graph[0]["@type"] == page_type
        assert page.graph[0]["isPartOf"] == {"@id": f"{settings.SITE_URL}/#website"}


# The directory's Highland choices: an <option> cannot carry `lang`.


def test_highland_choices_say_when_a_name_is_in_the_other_language():
    make_highland(key="both", name_pl="Wyżyna Medyczna", name_en="Medical Highland")
    make_highland(key="polish", name_pl="Wyżyna Lotnicza", name_en="")
    with translation.override("en"):
        labels = dict(ClusterFilter().filters["highland"].extra["choices"])
    assert sorted(labels.values()) == [
        "Medical Highland",
        "Wyżyna Lotnicza (text in Polish)",
    ]
    with translation.override("pl"):
        labels = dict(ClusterFilter().filters["highland"].extra["choices"])
    assert sorted(labels.values()) == ["Wyżyna Lotnicza", "Wyżyna Medyczna"]
