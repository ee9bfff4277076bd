"""The public site's pages, in Polish and English: addresses, content, 404s, links."""

import html
import re
from datetime import date
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.template import loader
from django.urls import reverse
from django.utils import translation

from clusters.models import Organisation
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
from tests.staff_sessions import with_second_factor

pytestmark = pytest.mark.django_db

LANGUAGES = ["pl", "en"]


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    """A cache of this test's own, so no page is served from another test's run."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


def url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def record_url(obj, language: str) -> str:
    with translation.override(language):
        return obj.get_absolute_url()


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def site():
    """One of every kind of page, published."""
    highland = make_highland(slug_pl="wyzyna-it", slug_en="it-highland")
    coordinator = make_coordinator()
    cluster = make_cluster(
        slug_pl="klaster-ict",
        slug_en="ict-cluster",
        highlands=[highland],
        coordinators=[coordinator],
    )
    make_page(key="about-clusters", slug_pl="o-klastrach", slug_en="about")
    make_page(key="lublin-economic-highlands", slug_pl="lwg", slug_en="leh")
    member = make_team_member()
    make_statement(contact_team=member.team)
    return {"highland": highland, "cluster": cluster, "coordinator": coordinator}


def pages(site) -> list[tuple[str, str]]:
    """(name, address) of every page type in both languages."""
    found = []
    for language in LANGUAGES:
        for name in [
            "home",
            "clusters:list",
            "clusters:overview",
            "clusters:growth",
            "ecosystems:list",
            "contacts:team",
            "contacts:accessibility",
            "clusters:about",
        ]:
            found.append((language, url(name, language)))
        found.append((language, record_url(site["cluster"], language)))
        found.append((language, record_url(site["highland"], language)))
        found.append((language, record_url(site["coordinator"], language)))
    return found


@pytest.mark.parametrize(
    ("name", "polish", "english"),
    [
        ("home", "/pl/", "/en/"),
        ("clusters:list", "/pl/klastry/", "/en/clusters/"),
        (
            "clusters:overview",
            "/pl/klastry/wszystkie-w-tabeli/",
            "/en/clusters/all-in-one-table/",
        ),
        ("clusters:growth", "/pl/klastry/2019-i-dzis/", "/en/clusters/2019-and-today/"),
        ("ecosystems:list", "/pl/wyzyny/", "/en/highlands/"),
        ("contacts:team", "/pl/kontakt/", "/en/contact/"),
        (
            "contacts:accessibility",
            "/pl/deklaracja-dostepnosci/",
            "/en/accessibility-statement/",
        ),
        ("clusters:about", "/pl/o-klastrach/", "/en/about-clusters/"),
    ],
)
def test_addresses_are_translated(name, polish, english):
    assert url(name, "pl") == polish
    assert url(name, "en") == english


def test_record_addresses_use_the_slug_of_each_language(site):
    assert record_url(site["cluster"], "pl") == "/pl/klastry/klaster-ict/"
    assert record_url(site["cluster"], "en") == "/en/clusters/ict-cluster/"
    assert record_url(site["highland"], "pl") == "/pl/wyzyny/wyzyna-it/"
    assert record_url(site["highland"], "en") == "/en/highlands/it-highland/"


def test_every_page_answers_with_its_language_one_h1_and_landmarks(client, site):
    for language, address in pages(site):
        response = client.get(address)
        assert response.status_code == HTTPStatus.OK, address
        content = text(response)
        assert f'<html lang="{language}">' in content, address
        assert len(re.findall(r"<h1[ >]", content)) == 1, address
        assert '<main id="main" tabindex="-1"' in content, address
        assert 'class="skip-link" href="#main"' in content, address
        assert "<header" in content and "<nav" in content, address
        assert "<footer" in content, address


def test_every_page_links_to_the_accessibility_statement_in_its_language(client, site):
    for language, address in pages(site):
        statement = url("contacts:accessibility", language)
        content = text(client.get(address))
        footer = content[content.index('<footer class="site-footer"') :]
        assert f'href="{statement}"' in footer, address
    polish = text(client.get("/pl/"))
    assert "Deklaracja dostępności</a>" in polish


def test_root_sends_visitors_to_polish_by_default(client):
    response = client.get("/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/pl/"


def test_root_sends_english_speaking_browsers_to_english(client):
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert response["Location"] == "/en/"


@pytest.mark.parametrize(("language", "twin"), [("pl", "en"), ("en", "pl")])
def test_language_switcher_links_to_the_same_record_in_the_other_language(
    client, site, language, twin
):
    for record in (site["cluster"], site["highland"]):
        content = text(client.get(record_url(record, language)))
        assert (
            f'<a href="{record_url(record, twin)}" hreflang="{twin}" lang="{twin}">'
            in content
        )
        # The switcher is a plain link, not Django's set_language form (a cookie).
        assert "set_language" not in content and "<form" not in content


def test_language_switcher_on_the_directory_keeps_the_search(client):
    content = text(client.get("/pl/klastry/?q=fotonika&status=active"))
    assert (
        '<a href="/en/clusters/?q=fotonika&amp;status=active" hreflang="en"' in content
    )


def test_canonical_and_alternates_are_absolute_on_site_url(client, site, settings):
    settings.SITE_URL = "https://klastry.lublin.example"
    content = text(client.get("/en/clusters/ict-cluster/"))
    base = "https://klastry.lublin.example"
    assert f'<link rel="canonical" href="{base}/en/clusters/ict-cluster/">' in content
    assert (
        f'<link rel="alternate" hreflang="pl" href="{base}/pl/klastry/klaster-ict/">'
        in content
    )
    assert (
        f'<link rel="alternate" hreflang="en" href="{base}/en/clusters/ict-cluster/">'
        in content
    )
    assert (
        f'<link rel="alternate" hreflang="x-default" href="{base}/pl/klastry/klaster-ict/">'
        in content
    )


def test_a_slug_of_the_other_language_redirects_to_this_languages_address(client, site):
    response = client.get("/en/clusters/klaster-ict/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/en/clusters/ict-cluster/"
    response = client.get("/pl/wyzyny/it-highland/")
    assert response["Location"] == "/pl/wyzyny/wyzyna-it/"


def test_a_record_without_a_slug_in_this_language_is_served_at_the_other_slug(
    client,
):
    cluster = make_cluster(slug_pl="tylko-po-polsku", slug_en=None, name_en="")
    assert record_url(cluster, "en") == "/en/clusters/tylko-po-polsku/"
    response = client.get("/en/clusters/tylko-po-polsku/")
    assert response.status_code == HTTPStatus.OK
    assert '<link rel="canonical" href="' in text(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_drafts_answer_404(client, language):
    cluster = make_cluster(is_published=False)
    highland = make_highland(is_published=False)
    make_page(key="about-clusters", is_published=False)
    for address in (
        record_url(cluster, language),
        record_url(highland, language),
        url("clusters:about", language),
    ):
        assert client.get(address).status_code == HTTPStatus.NOT_FOUND, address


@pytest.mark.parametrize(
    ("address", "language", "title"),
    [
        ("/pl/klastry/nie-ma-takiego/", "pl", "Nie znaleziono strony"),
        ("/en/clusters/no-such-cluster/", "en", "Page not found"),
        ("/pl/wyzyny/nie-ma/", "pl", "Nie znaleziono strony"),
        ("/en/no-such-page/", "en", "Page not found"),
    ],
)
def test_unknown_addresses_give_a_translated_styled_404(
    client, address, language, title
):
    response = client.get(address)
    assert response.status_code == HTTPStatus.NOT_FOUND
    content = text(response)
    assert f'<html lang="{language}">' in content
    assert f"<h1>{title}</h1>" in content
    assert "css/site.css" in content
    assert '<meta name="robots" content="noindex">' in content


@pytest.mark.parametrize(
    "address", ["/admin/sessions/session/", "/admin/no-such-page/", "/pl/nie-ma/"]
)
def test_unknown_addresses_give_signed_in_staff_the_404_page(client, address):
    admin = User.objects.create_superuser("admin", password="unused-1")
    client.force_login(with_second_factor(admin))
    response = client.get(address)
    assert response.status_code == HTTPStatus.NOT_FOUND
    content = text(response)
    assert "<h1>Nie znaleziono strony</h1>" in content
    # The language link leads to the other language's home page.
    assert f'href="{url("home", "en")}" hreflang="en"' in content


def test_server_error_page_renders_without_any_context():
    content = loader.get_template("500.html").render()
    assert "Błąd serwera" in content and "Server error" in content
    assert '<div lang="en">' in content


# Home


def test_home_shows_the_introduction_highlands_and_entry_points(client):
    make_page(
        key="lublin-economic-highlands",
        summary_pl="Wyżyny to ekosystemy.",
        body_pl="Pierwszy akapit.\n\nDrugi akapit.",
    )
    make_highland(name_pl="Lubelska Wyżyna IT")
    make_highland(name_pl="Wyżyna szkic", is_published=False)
    content = text(client.get("/pl/"))
    assert "Wyżyny to ekosystemy." in content
    assert "<p>Pierwszy akapit.</p>" in content and "<p>Drugi akapit.</p>" in content
    assert "Lubelska Wyżyna IT" in content
    assert "Wyżyna szkic" not in content
    assert 'href="/pl/klastry/"' in content


# Directory


def test_directory_lists_published_clusters_with_their_figures(client):
    shown = make_cluster(name_pl="Klaster Fotoniki", year_established=2012)
    make_snapshot(shown, year=2024, members=24, enterprises=22)
    make_cluster(name_pl="Klaster szkic", is_published=False)
    content = text(client.get("/pl/klastry/"))
    assert "Klaster Fotoniki" in content
    assert "Klaster szkic" not in content
    assert "24 (w 2024 roku)" in content
    assert "1 klaster" in content


def test_directory_names_a_segments_parent_only_when_it_is_public(client):
    parent = make_cluster(name_pl="LubTechBridge", slug_pl="lubtechbridge")
    make_cluster(name_pl="LubTechBridge GOZ", parent=parent)
    draft = make_cluster(name_pl="Klaster szkic", is_published=False)
    make_cluster(name_pl="Segment szkicu", parent=draft)

    page = client.get("/pl/klastry/").content.decode()

    assert (
        '<dt>Segment należący do klastra</dt><dd><a href="/pl/klastry/lubtechbridge/">'
        in page
    )
    assert "Klaster szkic" not in page
    assert page.count("segment większego klastra") == 1


def test_directory_form_is_a_plain_get_form_with_a_label_for_every_field(client):
    make_cluster()
    content = text(client.get("/en/clusters/"))
    form = content[content.index('<form class="filters"') : content.index("</form>")]
    assert 'method="get"' in form
    assert "csrfmiddlewaretoken" not in form
    for name in ["q", "highland", "year_from", "year_to", "size", "status", "sort"]:
        assert f'<label for="id_{name}">' in form, name
        assert f'name="{name}"' in form, name
    assert '<button type="submit">' in form


@pytest.mark.parametrize(
    ("query", "target"),
    [
        ("?q=", "/pl/klastry/"),
        ("?q=&highland=&status=active", "/pl/klastry/?status=active"),
        ("?q=%20%20&sort=name", "/pl/klastry/?sort=name"),
    ],
)
def test_directory_drops_empty_parameters_with_a_redirect(client, query, target):
    response = client.get("/pl/klastry/" + query)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == target


@pytest.mark.parametrize(
    "query",
    [
        "?year_from=abc",
        "?year_from=2020&year_to=2010",
        "?highland=no-such-highland",
        "?size=enormous&status=asleep&sort=evil",
        "?page=abc",
        "?page=999",
        "?page=-1",
        "?q=" + "x" * 5000,
        "?unknown=1",
        "?q=%00",
    ],
)
def test_directory_odd_parameters_never_fail(client, query):
    make_cluster()
    response = client.get("/en/clusters/" + query)
    assert response.status_code == HTTPStatus.OK


def test_directory_shows_form_errors_for_bad_values(client):
    content = text(client.get("/en/clusters/?year_from=abc"))
    assert 'class="form-errors" role="alert"' in content
    assert 'aria-invalid="true"' in content


def test_directory_pages_keep_the_filters(client):
    for n in range(23):
        make_cluster(name_pl=f"Klaster {n:02}", status="active")
    make_cluster(status="inactive")
    first = text(client.get("/en/clusters/?status=active"))
    assert first.count('class="result"') == 20
    assert 'href="/en/clusters/?status=active&amp;page=2" rel="next"' in first
    second = text(client.get("/en/clusters/?status=active&page=2"))
    assert second.count('class="result"') == 3
    assert 'href="/en/clusters/?status=active" rel="prev"' in second


def test_directory_helps_when_nothing_matches(client):
    make_cluster(name_pl="Klaster Fotoniki")
    content = text(client.get("/en/clusters/?q=zzzzzz"))
    assert "No cluster matches this search." in content
    assert "Polish letters are optional" in content
    assert '<a href="/en/clusters/">Show all clusters</a>' in content


def test_directory_search_without_diacritics_finds_the_cluster(client):
    make_cluster(name_pl="Klaster Fotoniki i Światłowodów")
    content = text(client.get("/pl/klastry/?q=swiatlowodow"))
    # The name's word the search matched is marked.
    assert "Klaster Fotoniki i <mark>Światłowodów</mark>" in content


def test_directory_links_to_the_open_data_with_the_current_search(client):
    make_cluster(name_en="ICT Cluster")
    content = text(client.get("/en/clusters/?q=ict&status=active&page=1"))
    assert 'href="/api/v1/clusters.csv?q=ict&amp;status=active"' in content
    assert 'href="/api/v1/clusters.json?q=ict&amp;status=active"' in content


@pytest.mark.parametrize("language", ["pl", "en"])
def test_directory_offers_no_download_of_zero_results(client, language):
    make_cluster(name_pl="Klaster Światłowodów")
    with translation.override(language):
        directory = reverse("clusters:list")
    found = text(client.get(directory, {"q": "swiatlowodow"}))
    assert 'id="open-data-heading"' in found
    assert "/api/v1/clusters.csv?q=swiatlowodow" in found
    page = text(client.get(directory, {"q": "zzzzzz"}))
    empty = page[page.index("<main") : page.index("</main>")]
    nothing = {"pl": "Żaden klaster nie odpowiada", "en": "No cluster matches"}
    assert nothing[language] in empty
    assert 'id="open-data-heading"' not in empty
    assert "/api/v1/clusters.csv" not in empty
    assert "/api/v1/clusters.json" not in empty


def test_directory_year_bands_link_to_their_years_with_counts(client):
    make_cluster(year_established=2012)
    make_cluster(year_established=2015)
    make_cluster(year_established=2005)
    content = text(client.get("/en/clusters/?status=active"))
    assert (
        '<a href="/en/clusters/?status=active&amp;year_from=2010&amp;year_to=2019">'
        "2010–2019 (2)</a>"
    ) in content


def test_directory_marks_a_name_shown_in_the_other_language(client):
    make_cluster(name_pl="Klaster Lubelska Medycyna", name_en="")
    content = text(client.get("/en/clusters/"))
    assert '<span lang="pl">Klaster Lubelska Medycyna</span>' in content
    assert "(text in Polish)" in content


# Cluster page


@pytest.fixture
def full_cluster():
    highland = make_highland(name_pl="Lubelska Wyżyna Motoryzacyjna")
    coordinator = make_coordinator(
        name_pl="Fundacja Lubelska Wyżyna",
        description_pl="Fundacja działa od 2017.\n\nWspiera przemysł.",
    )
    parent = make_cluster(name_pl="Klaster nadrzędny")
    cluster = make_cluster(
        name_pl="Klaster Wyżyna Maszynowa",
        other_names_pl="Dawny klaster\nDrugi klaster",
        highlands=[highland],
        coordinators=[coordinator],
        parent=parent,
        member_clusters=5,
        characteristics_pl="Pierwszy akapit <b>ważny</b>.\n\nDrugi akapit.",
        membership_conditions_pl="Deklaracja przystąpienia.",
        website="https://klaster.example.pl/",
        verified_on=date(2025, 3, 1),
    )
    make_cluster(name_pl="Segment GOZ", parent=cluster)
    make_cluster(name_pl="Segment szkic", parent=cluster, is_published=False)
    make_snapshot(cluster, year=2019, members=18, enterprises=14)
    make_snapshot(
        cluster,
        year=2024,
        members=29,
        enterprises=22,
        business_environment_institutions=4,
        universities=3,
        source_pl="Profil klastra",
    )
    make_item(cluster, kind="goal", text_pl="Integracja przedsiębiorstw", text_en="")
    make_item(cluster, kind="service", text_pl="Doradztwo", text_en="")
    make_project(
        cluster, title_pl="#LubLean", title_en="", description_pl="Konferencje."
    )
    for name, kind in [
        ("ABM Greiffenberger Polska Sp. z o.o.", Organisation.Kind.ENTERPRISE),
        ("Politechnika Lubelska", Organisation.Kind.UNIVERSITY),
    ]:
        cluster.member_organisations.add(make_organisation(name=name, kind=kind))
    return cluster


def test_cluster_page_shows_everything_the_record_holds(client, full_cluster):
    content = text(client.get(record_url(full_cluster, "pl")))
    for expected in [
        "<h1>Klaster Wyżyna Maszynowa</h1>",
        "Dawny klaster; Drugi klaster",
        "Fundacja Lubelska Wyżyna",
        "<p>Fundacja działa od 2017.</p>",
        "Lubelska Wyżyna Motoryzacyjna",
        "Klaster nadrzędny",
        "Segment GOZ",
        "<dd>5</dd>",
        '<a href="https://klaster.example.pl/" rel="external">',
        "<p>Deklaracja przystąpienia.</p>",
        "<li>Integracja przedsiębiorstw</li>",
        "<li>Doradztwo</li>",
        "#LubLean",
        "<p>Konferencje.</p>",
        "<h3>Przedsiębiorstwa</h3>",
        "<li>ABM Greiffenberger Polska Sp. z o.o.</li>",
        "<h3>Uczelnie</h3>",
        "<li>Politechnika Lubelska</li>",
        '<time datetime="2025-03-01">',
    ]:
        assert expected in content, expected
    assert "Segment szkic" not in content


def test_cluster_page_lists_are_real_lists_under_their_headings(client, full_cluster):
    content = text(client.get(record_url(full_cluster, "en")))
    goals = content[content.index('id="items-goal"') :]
    assert re.match(
        r'id="items-goal">Goals</h2>\s*<p class="lang-note">\(text in Polish\)</p>\s*'
        r'<ul class="items" lang="pl">\s*<li>Integracja przedsiębiorstw</li>',
        goals,
    )


def test_cluster_text_is_plain_paragraphs_and_escaped(client, full_cluster):
    content = text(client.get(record_url(full_cluster, "pl")))
    assert "<p>Pierwszy akapit &lt;b&gt;ważny&lt;/b&gt;.</p>" in content
    assert "<p>Drugi akapit.</p>" in content


def test_cluster_page_gives_current_figures_with_their_year(client, full_cluster):
    content = text(client.get(record_url(full_cluster, "en")))
    figures = content[content.index('id="figures-heading"') :]
    assert figures.startswith('id="figures-heading">Members in 2024</h2>')
    assert "<dd>29</dd>" in figures and "<dd>22</dd>" in figures
    assert "Source: Profil klastra" in html.unescape(re.sub(r"<[^>]+>", "", figures))
    sources = content[content.index('<dl class="sources">') :]
    assert re.match(
        r'<dl class="sources">\s*<div>\s*<dt>2019</dt>\s*<dd>not stated</dd>', sources
    )


def test_cluster_page_draws_membership_over_time_as_an_accessible_chart(
    client, full_cluster
):
    content = text(client.get(record_url(full_cluster, "en")))
    assert '<svg class="chart-svg"' in content
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in content
    assert '<title id="chart-title">Members by year</title>' in content
    assert (
        '<desc id="chart-desc">2019: 18 members, of which 14 enterprises; '
        "2024: 29 members, of which 22 enterprises.</desc>"
    ) in content
    assert content.count('<rect class="chart-members"') == 2


def test_cluster_chart_coordinates_are_not_localised(client, full_cluster):
    # Polish formats decimals with a comma, which SVG would not understand.
    content = text(client.get(record_url(full_cluster, "pl")))
    svg = content[content.index("<svg") : content.index("</svg>")]
    assert not re.search(r'(x|y|width|height)="\d+,\d', svg)


def test_cluster_page_gives_the_same_data_as_a_table(client, full_cluster):
    content = text(client.get(record_url(full_cluster, "en")))
    table = content[content.index("<table>") : content.index("</table>")]
    assert '<caption id="history-caption">' in table
    assert table.count('<th scope="col"') == 5
    assert '<th scope="row">2019</th>' in table
    assert '<th scope="row">2024</th>' in table


def test_cluster_page_with_one_snapshot_has_a_table_but_no_chart(client):
    cluster = make_cluster()
    make_snapshot(cluster, year=2024, members=8)
    content = text(client.get(record_url(cluster, "en")))
    assert "<table>" in content
    assert "<svg" not in content


def test_cluster_page_hides_an_unpublished_parent(client):
    parent = make_cluster(name_pl="Rodzic szkic", is_published=False)
    cluster = make_cluster(parent=parent)
    content = text(client.get(record_url(cluster, "pl")))
    assert "Rodzic szkic" not in content


# Highlands


def test_highland_page_shows_its_text_clusters_and_partners(client):
    partner = make_highland(name_pl="Lubelska Wyżyna Medyczna")
    hidden = make_highland(name_pl="Wyżyna szkic", is_published=False)
    highland = make_highland(
        name_pl="Lubelska Wyżyna IT",
        summary_pl="Pierwszy ekosystem.",
        body_pl="Akapit pierwszy.\n\nAkapit drugi.",
    )
    highland.cooperates_with.set([partner, hidden])
    cluster = make_cluster(name_pl="Wschodni Klaster ICT", highlands=[highland])
    make_snapshot(cluster, year=2019, members=103)
    make_cluster(name_pl="Klaster szkic", highlands=[highland], is_published=False)
    content = text(client.get(record_url(highland, "pl")))
    assert "<h1>Lubelska Wyżyna IT</h1>" in content
    assert "<p>Akapit pierwszy.</p>" in content
    assert "Wschodni Klaster ICT" in content
    assert "103 członków w 2019 roku" in content
    assert "Klaster szkic" not in content
    assert "Lubelska Wyżyna Medyczna" in content
    assert "Wyżyna szkic" not in content
    # Cooperation goes both ways.
    assert "Lubelska Wyżyna IT" in text(client.get(record_url(partner, "pl")))


def test_highland_list_shows_published_highlands_with_their_clusters(client):
    highland = make_highland(name_pl="Lubelska Wyżyna Lotnicza")
    make_highland(name_pl="Wyżyna szkic", is_published=False)
    make_cluster(name_pl="Klaster Lotniczy", highlands=[highland])
    content = text(client.get("/pl/wyzyny/"))
    assert "Lubelska Wyżyna Lotnicza" in content
    assert "Klaster Lotniczy" in content
    assert "Wyżyna szkic" not in content


# Team and statement


def test_team_page_lists_the_unit_team_and_members_with_phone_links(client):
    member = make_team_member(name="Marzena Strok-Sadło", phone="81 466 25 05")
    make_team_member(team=member.team, name="Iwona Urban", phone="+48 81 466 2525")
    member.team.unit.name_pl = "Referat ds. wspierania przedsiębiorczości"
    member.team.unit.save()
    content = text(client.get("/pl/kontakt/"))
    assert "Referat ds. wspierania przedsiębiorczości" in content
    assert member.team.name_pl in content
    # One form for every number, whichever way it was typed: national in Polish,
    # international in English, dialled in E.164.
    assert '<a href="tel:+48814662505">81 466 25 05</a>' in content
    assert '<a href="tel:+48814662525">81 466 25 25</a>' in content
    english = text(client.get("/en/contact/"))
    assert '<a href="tel:+48814662505">+48 81 466 25 05</a>' in english
    assert '<a href="tel:+48814662525">+48 81 466 25 25</a>' in english


def test_team_page_shows_e_mail_to_people_but_not_to_harvesters(client):
    make_team_member(email="jan.kowalski@lublin.eu")
    content = text(client.get("/en/contact/"))
    assert "jan.kowalski@lublin.eu" not in content
    assert "mailto:" not in content
    assert "lublin.eu" not in content
    decoded = html.unescape(content)
    assert '<a href="mailto:jan.kowalski@lublin.eu">jan.kowalski@lublin.eu</a>' in (
        decoded
    )


A11Y_IDS = [
    "a11y-wstep",
    "a11y-podmiot",
    "a11y-url",
    "a11y-data-publikacja",
    "a11y-data-aktualizacja",
    "a11y-status",
    "a11y-ocena",
    "a11y-data-sporzadzenie",
    "a11y-kontakt",
    "a11y-osoba",
    "a11y-email",
    "a11y-telefon",
    "a11y-procedura",
    "a11y-architektura",
    "a11y-aplikacje",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_accessibility_statement_has_the_template_ids_once_each(client, language):
    member = make_team_member(phone="81 466 25 07", email="klastry@lublin.eu")
    make_statement(contact_team=member.team, procedure_pl="Wniosek można złożyć.")
    content = text(client.get(url("contacts:accessibility", language)))
    for element_id in A11Y_IDS:
        assert content.count(f'id="{element_id}"') == 1, element_id


def test_accessibility_statement_shows_its_dates_and_statutory_status(client):
    make_statement(published_on=date(2026, 1, 15), updated_on=date(2026, 2, 1))
    content = text(client.get("/en/accessibility-statement/"))
    assert (
        '<time id="a11y-data-publikacja" datetime="2026-01-15">2026-01-15</time>'
        in content
    )
    assert (
        '<time id="a11y-data-aktualizacja" datetime="2026-02-01">2026-02-01</time>'
        in content
    )
    assert '<span id="a11y-podmiot">Lublin City Office</span>' in content
    assert '<strong id="a11y-status">partially compliant</strong>' in content
    polish = text(client.get("/pl/deklaracja-dostepnosci/"))
    assert '<strong id="a11y-status">częściowo zgodna</strong>' in polish


@pytest.mark.parametrize(
    ("status", "polish", "english"),
    [
        ("compliant", "zgodna", "fully compliant"),
        ("partially", "częściowo zgodna", "partially compliant"),
        ("not_compliant", "niezgodna", "non-compliant"),
    ],
)
def test_accessibility_statement_status_is_worded_as_the_act_words_it(
    client, status, polish, english
):
    make_statement(status=status)
    pl = text(client.get("/pl/deklaracja-dostepnosci/"))
    en = text(client.get("/en/accessibility-statement/"))
    assert f'Strona internetowa jest <strong id="a11y-status">{polish}</strong>' in pl
    assert f'This website is <strong id="a11y-status">{english}</strong>' in en


def test_accessibility_statement_contact_is_the_team(client):
    member = make_team_member(phone="81 466 25 07", email="klastry@lublin.eu")
    make_statement(contact_team=member.team)
    content = text(client.get("/pl/deklaracja-dostepnosci/"))
    assert f'<dd id="a11y-osoba">{member.team.name_pl}</dd>' in content
    assert 'href="tel:+48814662507"' in content
    assert "klastry@lublin.eu" not in content
    assert "klastry@lublin.eu" in html.unescape(content)


def test_every_page_names_the_statement_in_a_meta_tag(client, site, settings):
    settings.SITE_URL = "https://klastry.lublin.example"
    content = text(client.get("/pl/klastry/"))
    assert (
        '<meta name="deklaracja-dostępności" '
        'content="https://klastry.lublin.example/pl/deklaracja-dostepnosci/">'
    ) in content


def test_missing_statement_answers_404(client):
    assert client.get("/pl/deklaracja-dostepnosci/").status_code == HTTPStatus.NOT_FOUND


# About clusters


def test_about_page_shows_the_introduction_and_the_reports(client):
    make_page(
        key="about-clusters",
        title_pl="Klastry",
        body_pl="Urząd Miasta Lublin uznaje klastry za ważnego partnera.",
    )
    make_report(
        title_pl="Benchmarking klastrów w Polsce – 2014",
        source_pl="Portal Innowacji",
        url="http://www.pi.gov.pl/benchmarking.pdf",
        year=2014,
    )
    content = text(client.get("/pl/o-klastrach/"))
    assert "<h1>Klastry</h1>" in content
    assert "uznaje klastry za ważnego partnera" in content
    assert (
        '<a href="http://www.pi.gov.pl/benchmarking.pdf" rel="external">'
        "Benchmarking klastrów w Polsce – 2014</a>, 2014"
    ) in content
    assert "Portal Innowacji" in content


def test_no_inline_scripts_or_styles_on_any_page(client, site):
    for _language, address in pages(site):
        content = text(client.get(address))
        # JSON-LD data blocks are data, not script; nothing else may be inline.
        inline = r'<script(?![^>]*(type="application/ld\+json"|\ssrc="/static/))'
        assert not re.search(inline, content), address
        assert " style=" not in content and "<style" not in content, address
        assert "https://fonts." not in content, address


def test_site_url_setting_is_the_canonical_base(client, site):
    content = text(client.get("/pl/"))
    assert f'<link rel="canonical" href="{settings.SITE_URL}/pl/">' in content
