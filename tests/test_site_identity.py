"""The site's identity (cms/identity.py): names, logo or crest, accent colour and open
data licence, edited by staff, shown on every page in both languages, and set from a
file for a new instance (`setup_instance --identity`)."""

import json
import re
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rdflib import Graph, Literal
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from clusters.models import Cluster
from cms.caching import bump_content_version
from cms.colours import contrast, shades, validate_accent_colour
from cms.identity import (
    FILE_FIELDS,
    SiteIdentity,
    check_identity_file,
    starter_identity,
)
from contacts.models import AccessibilityStatement, Team
from ecosystems.models import Highland
from tests.admin_forms import form_values
from tests.factories import make_cluster, make_image, make_team_member

pytestmark = pytest.mark.django_db

TESTOWO = {
    "site_name_pl": "Klastry w Testowie",
    "site_name_en": "Clusters in Testowo",
    "city_name_pl": "Testowo",
    "city_name_en": "Testowo",
    "publisher_name_pl": "Urząd Miasta Testowo",
    "publisher_name_en": "City of Testowo",
    "accent_colour": "#5a2d82",
    "licence_name": "CC0 1.0",
    "licence_url": "https://creativecommons.org/publicdomain/zero/1.0/",
    "attribution": "Urząd Miasta Testowo",
}
PUBLISHERS = {"pl": "Urząd Miasta Testowo", "en": "City of Testowo"}
SITES = {"pl": "Klastry w Testowie", "en": "Clusters in Testowo"}
FOOTERS = {
    "pl": "Serwis prowadzi Urząd Miasta Testowo.",
    "en": "Publisher: City of Testowo.",
}


@pytest.fixture
def visitor() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def json_ld(html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def node(graph: dict, kind: str) -> dict:
    return next(item for item in graph["@graph"] if item["@type"] == kind)


# What visitors see


@pytest.mark.parametrize("language", ["pl", "en"])
def test_every_page_names_the_site_and_publisher_staff_set(
    visitor, set_identity, language
):
    set_identity(**TESTOWO)
    html = visitor.get(f"/{language}/").content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert f'<span class="site-owner">{PUBLISHERS[language]}</span>' in header
    assert f'<span class="site-title">{SITES[language]}</span>' in header
    assert re.search(rf"<title>([^<]* – )?{SITES[language]}</title>", html)
    assert f'property="og:site_name" content="{SITES[language]}"' in html
    footer = html[html.index("<footer") : html.index("</footer>")]
    assert FOOTERS[language] in footer
    graph = json_ld(html)
    assert node(graph, "WebSite")["name"] == SITES[language]
    publisher = node(graph, "GovernmentOrganization")
    assert publisher["name"] == PUBLISHERS[language]
    assert publisher["areaServed"]["name"] == "Testowo"
    assert "Lublin" not in header + footer


@pytest.mark.parametrize("language", ["pl", "en"])
def test_cluster_pages_name_the_publisher_whose_team_answers(
    visitor, set_identity, language
):
    set_identity(**TESTOWO)
    make_team_member(phone="+48 81 466 25 07")
    with translation.override(language):
        address = make_cluster().get_absolute_url()
    html = visitor.get(address).content.decode()
    says = {
        "pl": "Zespół ds. Klastrów (Urząd Miasta Testowo) odpowiada",
        "en": "The clusters team (City of Testowo) answers",
    }
    assert says[language] in " ".join(html.split())


def test_an_edit_shows_on_cached_pages_at_once(visitor, set_identity):
    before = visitor.get("/pl/").content.decode()
    assert "Klastry w Lublinie" in before
    set_identity(site_name_pl="Klastry w Testowie")
    after = visitor.get("/pl/").content.decode()
    assert "Klastry w Testowie" in after
    assert "Klastry w Lublinie" not in after


def test_until_the_record_exists_pages_show_the_file_the_settings_name(
    visitor, settings, tmp_path, set_identity
):
    settings.SITE_IDENTITY_FILE = write_identity(tmp_path)
    bump_content_version()
    assert not SiteIdentity.objects.exists()
    html = visitor.get("/pl/").content.decode()
    assert '<span class="site-title">Klastry w Testowie</span>' in html
    assert '<span class="site-owner">Urząd Miasta Testowo</span>' in html


def test_names_are_escaped_once_in_descriptions_and_json_ld(visitor, set_identity):
    set_identity(site_name_en="R&D Clusters <of> Testowo's")
    with translation.override("en"):
        address = make_cluster(characteristics_en="").get_absolute_url()
    html = visitor.get(address).content.decode()
    escaped = "R&amp;D Clusters &lt;of&gt; Testowo&#x27;s"
    assert f'<meta name="description" content="{escaped}: a cluster' in html
    assert "&amp;amp;" not in html and "&amp;#x27;" not in html
    graph = json_ld(html)
    assert node(graph, "WebSite")["name"] == "R&D Clusters <of> Testowo's"
    page = next(item for item in graph["@graph"] if item.get("@id") == item.get("url"))
    assert page["description"].startswith("R&D Clusters <of> Testowo's: a cluster")


def test_the_logo_or_crest_is_shown_in_the_header_with_its_alt_text(
    visitor, set_identity
):
    crest = make_image(alt_text_pl="Herb Testowa", alt_text_en="Crest of Testowo")
    set_identity(logo=crest)
    for language, alt in [("pl", "Herb Testowa"), ("en", "Crest of Testowo")]:
        html = visitor.get(f"/{language}/").content.decode()
        header = html[html.index("<header") : html.index("</header>")]
        assert f'alt="{alt}"' in header
        assert 'class="picture picture-crest"' in header


def test_the_500_page_names_the_site_without_asking_the_database(
    set_identity, django_assert_num_queries
):
    from cms.site_identity import current_identity
    from lublin.outage import server_error

    set_identity(**TESTOWO)
    current_identity()  # as a page drawn before the failure did
    with django_assert_num_queries(0):
        response = server_error(None)
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Klastry w Testowie" in response.content.decode()
    assert "Urząd Miasta Testowo" in response.content.decode()


# The accent colour


def test_the_accent_colour_and_its_shades_reach_the_pages(visitor, set_identity):
    identity = set_identity(accent_colour="#5A2D82")
    html = visitor.get("/pl/").content.decode()
    address = f"/theme.css?v={identity.theme_version}"
    assert f'href="{address}"' in html
    theme = visitor.get(address)
    assert theme["Content-Type"] == "text/css; charset=utf-8"
    css = theme.content.decode()
    for name, value in shades("#5a2d82").items():
        assert f"{name}: {value};" in css
    assert "--brand: #5a2d82;" in css
    assert "immutable" in theme["Cache-Control"]
    # An old colour's address is not kept for good: it now answers the new colour.
    stale = visitor.get(f"/theme.css?v={starter_identity().theme_version}")
    assert "immutable" not in stale["Cache-Control"]
    assert "--brand: #5a2d82;" in stale.content.decode()


def test_a_stored_colour_that_is_not_hex_never_reaches_the_css(visitor, set_identity):
    identity = set_identity()
    # Past the form's check: a raw load or the shell.
    SiteIdentity.objects.update(accent_colour="#000;}")
    bump_content_version()
    theme = visitor.get("/theme.css")
    assert theme.status_code == HTTPStatus.OK
    assert theme.content == b""
    assert visitor.get("/pl/").status_code == HTTPStatus.OK
    assert identity.theme != ""


def test_contrast_follows_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_the_derived_shades_keep_text_readable():
    # The lightest colour accepted against the panels' grey.
    for accent in ("#6f6f6f", "#0b4a85", "#5a2d82"):
        validate_accent_colour(accent)
        colours = shades(accent)
        assert contrast("#ffffff", colours["--brand-dark"]) >= 4.5
        assert contrast(colours["--brand-dark"], colours["--brand-tint"]) >= 4.5
        # The yellow focus ring on the menu and header: 3:1 (WCAG 2.4.11).
        assert contrast("#ffd100", colours["--brand"]) >= 3
        assert contrast("#ffd100", colours["--brand-dark"]) >= 3


@pytest.mark.parametrize(
    ("colour", "says"),
    [
        ("#ffd100", "1,46:1 względem bieli"),
        # Enough against white (4.74:1), not against the panels' grey (4.29:1).
        ("#737373", "4,29:1 względem jasnoszarego tła paneli"),
    ],
)
def test_a_colour_that_reads_badly_is_refused_saying_why(colour, says):
    with translation.override("pl"), pytest.raises(ValidationError) as refused:
        validate_accent_colour(colour)
    assert says in refused.value.messages[0]
    assert "Wybierz ciemniejszy odcień" in refused.value.messages[0]


@pytest.mark.parametrize("colour", ["0b4a85", "#0b4a8", "#0b4a85ff", "blue", ""])
def test_a_colour_not_written_as_hex_is_refused(colour):
    with translation.override("pl"), pytest.raises(ValidationError) as refused:
        validate_accent_colour(colour)
    assert refused.value.messages == [
        "Podaj kolor jako # i sześć cyfr szesnastkowych, np. #0b4a85."
    ]


# The admin


@pytest.fixture
def identity_record(set_identity) -> SiteIdentity:
    return set_identity()


def change_url() -> str:
    return reverse("admin:cms_siteidentity_change", args=[1])


def test_publishers_change_the_identity_in_polish(client, publisher, identity_record):
    client.force_login(publisher)
    page = client.get(change_url())
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    for label in ("Nazwa serwisu", "Wydawca", "Logo lub herb", "Kolor wiodący"):
        assert label in html
    values = form_values(html)
    values["site_name_pl"] = ["Klastry w Testowie"]
    values["accent_colour"] = ["#5a2d82"]
    response = client.post(
        change_url(), {k: v for k, v in values.items() if v}, follow=True
    )
    assert response.redirect_chain[-1][0] == change_url()
    identity_record.refresh_from_db()
    assert identity_record.site_name_pl == "Klastry w Testowie"
    assert identity_record.accent_colour == "#5a2d82"


def test_a_low_contrast_colour_is_refused_in_the_form_and_nothing_is_saved(
    client, publisher, identity_record
):
    client.force_login(publisher)
    values = form_values(client.get(change_url()).content.decode())
    values["site_name_pl"] = ["Klastry w Testowie"]
    values["accent_colour"] = ["#ffd100"]
    response = client.post(change_url(), {k: v for k, v in values.items() if v})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Ten kolor ma kontrast tylko 1,46:1 względem bieli" in html
    # What was typed stays in the form.
    assert 'value="Klastry w Testowie"' in html
    identity_record.refresh_from_db()
    assert identity_record.site_name_pl == "Klastry w Lublinie"


def test_both_languages_of_each_name_are_required(client, publisher, identity_record):
    client.force_login(publisher)
    values = form_values(client.get(change_url()).content.decode())
    values["site_name_en"] = [""]
    response = client.post(change_url(), {k: v for k, v in values.items() if v})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    errors = html[html.index('class="errornote"') :]
    assert "To pole jest wymagane." in errors
    identity_record.refresh_from_db()
    assert identity_record.site_name_en == "Clusters in Lublin"


def test_the_list_opens_the_one_form_and_it_cannot_be_deleted_or_doubled(
    client, publisher, identity_record
):
    client.force_login(publisher)
    listing = client.get(reverse("admin:cms_siteidentity_changelist"))
    assert listing.status_code == HTTPStatus.FOUND
    assert listing["Location"] == change_url()
    add = client.get(reverse("admin:cms_siteidentity_add"))
    assert add.status_code == HTTPStatus.FORBIDDEN
    delete = client.post(reverse("admin:cms_siteidentity_delete", args=[1]))
    assert delete.status_code == HTTPStatus.FORBIDDEN
    assert SiteIdentity.objects.count() == 1


def test_without_a_record_the_form_starts_from_the_starter_values(
    client, publisher, set_identity
):
    client.force_login(publisher)
    listing = client.get(reverse("admin:cms_siteidentity_changelist"))
    assert listing["Location"] == change_url()
    values = form_values(client.get(change_url()).content.decode())
    assert values["site_name_pl"] == ["Klastry w Lublinie"]
    assert values["accent_colour"] == ["#0b4a85"]
    assert not SiteIdentity.objects.exists()
    values["site_name_pl"] = ["Klastry w Testowie"]
    client.post(change_url(), {k: v for k, v in values.items() if v})
    assert SiteIdentity.objects.get().site_name_pl == "Klastry w Testowie"


def test_editors_see_the_identity_but_cannot_change_it(client, editor, identity_record):
    client.force_login(editor)
    page = client.get(change_url())
    assert page.status_code == HTTPStatus.OK
    assert 'name="site_name_pl"' not in page.content.decode()
    values = {"site_name_pl": "Zmiana", "site_name_en": "Change"}
    assert client.post(change_url(), values).status_code == HTTPStatus.FORBIDDEN
    identity_record.refresh_from_db()
    assert identity_record.site_name_pl == "Klastry w Lublinie"


def test_the_admin_header_carries_the_site_name(client, publisher, set_identity):
    set_identity(site_name_pl="Klastry w Testowie")
    client.force_login(publisher)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Klastry w Testowie" in html


# Open data


def test_the_dcat_publisher_and_titles_follow_the_identity(visitor, set_identity):
    set_identity(**TESTOWO)
    graph = Graph().parse(
        data=visitor.get("/api/v1/catalog.ttl").content, format="turtle"
    )
    catalogue = next(graph.subjects(RDF.type, DCAT.Catalog))
    publisher = graph.value(catalogue, DCTERMS.publisher)
    assert set(graph.objects(publisher, FOAF.name)) == {
        Literal("Urząd Miasta Testowo", lang="pl"),
        Literal("City of Testowo", lang="en"),
    }
    assert Literal("Otwarte dane: Klastry w Testowie", lang="pl") in set(
        graph.objects(catalogue, DCTERMS.title)
    )
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    assert Literal("Testowo", lang="en") in set(graph.objects(dataset, DCAT.keyword))
    licence = graph.value(catalogue, DCTERMS.license)
    assert str(licence) == TESTOWO["licence_url"]


# A new instance


def write_identity(tmp_path, **values):
    path = tmp_path / "identity.json"
    path.write_text(json.dumps({**TESTOWO, **values}), "utf-8")
    return path


def test_a_new_instance_gets_lublins_identity(set_identity):
    call_command("setup_instance", verbosity=0)
    identity = SiteIdentity.objects.get()
    starter = starter_identity()
    assert identity.site_name_pl == starter.site_name_pl == "Klastry w Lublinie"
    assert identity.publisher_name_en == "City of Lublin"
    assert Cluster.objects.exists()


def test_another_city_starts_empty_with_its_own_identity(
    set_identity, tmp_path, visitor
):
    call_command(
        "setup_instance", "--empty", "--identity", write_identity(tmp_path), verbosity=0
    )
    assert not Cluster.objects.exists()
    assert not Highland.objects.exists()
    assert not Team.objects.exists()
    assert not AccessibilityStatement.objects.exists()
    assert SiteIdentity.objects.get().site_name_en == "Clusters in Testowo"
    pages = [
        "home",
        "clusters:list",
        "ecosystems:list",
        "contacts:team",
        "open_data_page",
    ]
    paths = []
    for language in ("pl", "en"):
        with translation.override(language):
            paths += [reverse(name) for name in pages]
    for path in paths:
        response = visitor.get(path, follow=True)
        assert response.status_code == HTTPStatus.OK, path
        assert "Testow" in response.content.decode(), path
        # Only the Highlands keep the programme's name (docs/site-identity.md,
        # "Another city").
        html = response.content.decode().replace("Lublin Economic Highlands", "")
        assert "Lublin" not in html, path
    # With no Highlands, the home page is headed by the site's name.
    home = visitor.get("/pl/").content.decode()
    assert "<h1>Klastry w Testowie</h1>" in home
    assert "<title>Klastry w Testowie</title>" in home


def test_the_identity_file_replaces_the_one_set_before_keeping_the_logo(
    set_identity, tmp_path
):
    crest = make_image()
    set_identity(logo=crest)
    call_command(
        "setup_instance", "--empty", "--identity", write_identity(tmp_path), verbosity=0
    )
    identity = SiteIdentity.objects.get()
    assert identity.site_name_pl == "Klastry w Testowie"
    assert identity.logo == crest


def test_without_a_file_staff_edits_are_kept(set_identity):
    set_identity(site_name_pl="Klastry w Testowie")
    call_command("setup_instance", "--empty", verbosity=0)
    assert SiteIdentity.objects.get().site_name_pl == "Klastry w Testowie"


@pytest.mark.parametrize(
    ("values", "says"),
    [
        (
            {"accent_colour": "#ffd100"},
            "accent_colour: This colour reaches only 1.46:1",
        ),
        ({"site_name_en": ""}, "missing or empty: site_name_en"),
        ({"colour": "#000000"}, "unknown fields: colour"),
        ({"licence_url": "not an address"}, "licence_url: Enter a valid URL."),
    ],
)
def test_a_wrong_identity_file_is_refused_naming_the_field_and_loads_nothing(
    set_identity, tmp_path, values, says
):
    path = write_identity(tmp_path, **values)
    with pytest.raises(CommandError) as refused:
        call_command("setup_instance", "--identity", path, verbosity=0)
    message = str(refused.value)
    assert str(path) in message
    assert says in message
    assert "nothing was loaded" in message
    assert not SiteIdentity.objects.exists()
    assert not Cluster.objects.exists()


def test_an_unreadable_identity_file_is_refused(set_identity, tmp_path):
    path = tmp_path / "identity.json"
    path.write_text("{not json", "utf-8")
    with pytest.raises(CommandError, match="identity.json: Expecting property name"):
        call_command("setup_instance", "--identity", path, verbosity=0)
    assert not Cluster.objects.exists()


def test_the_starter_file_holds_lublins_values():
    identity = starter_identity()
    assert {name: getattr(identity, name) for name in FILE_FIELDS} == {
        "site_name_pl": "Klastry w Lublinie",
        "site_name_en": "Clusters in Lublin",
        "city_name_pl": "Lublin",
        "city_name_en": "Lublin",
        "publisher_name_pl": "Urząd Miasta Lublin",
        "publisher_name_en": "City of Lublin",
        "accent_colour": "#0b4a85",
        "licence_name": "CC BY 4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "attribution": "Urząd Miasta Lublin (City of Lublin)",
    }


def test_manage_py_check_names_a_starter_file_pages_could_not_show(settings, tmp_path):
    settings.SITE_IDENTITY_FILE = write_identity(tmp_path, accent_colour="#ffd100")
    [error] = check_identity_file(None)
    assert error.id == "cms.E001"
    assert str(settings.SITE_IDENTITY_FILE) in error.msg
    assert "accent_colour: This colour reaches only 1.46:1" in error.msg
    settings.SITE_IDENTITY_FILE = write_identity(tmp_path)
    assert check_identity_file(None) == []
