"""Contact routes (issue 20): clusters and coordinators have a website, an e-mail
address and a phone, shown when filled; every cluster page ends with "how to join or
ask", which always gives the city's clusters team and its phones; coordinators have a
page of their own listing their published clusters."""

import html
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from clusters.models import Cluster
from cms import revisions
from tests.admin_forms import change_url, open_form
from tests.factories import make_cluster, make_coordinator, make_team_member
from tests.sitemap import sitemap_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


def page(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == HTTPStatus.OK, address
    return response.content.decode()


def url_of(record, language: str) -> str:
    with translation.override(language):
        return record.get_absolute_url()


def join_section(content: str) -> str:
    """The "how to join or ask" section of a cluster page."""
    start = content.index('<section class="join-or-ask"')
    return content[start : content.index("</section>", start)]


@pytest.fixture
def city_team():
    member = make_team_member(name="Honorata Kępowicz-Olszówka", phone="81 466 25 07")
    team = member.team
    team.name_pl, team.name_en = "Zespół ds. Klastrów", "Clusters Team"
    team.save()
    make_team_member(team=team, name="Bez Telefonu", phone="")
    return team


# The fields


def test_contacts_are_stored_with_the_phone_in_e164():
    cluster = make_cluster(
        website="https://klaster.example.org/",
        email="biuro@klaster.example.org",
        phone="81 466 25 07",
    )
    coordinator = make_coordinator(phone="+48 81 466 2525")
    cluster.refresh_from_db()
    coordinator.refresh_from_db()
    assert str(cluster.phone) == "+48814662507"
    assert str(coordinator.phone) == "+48814662525"
    assert Cluster.objects.filter(phone="+48814662507").exists()


def test_the_coordinator_form_takes_contacts_and_refuses_a_bad_phone_in_polish(
    client, publisher
):
    coordinator = make_coordinator()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
    client.force_login(publisher)
    values = open_form(client, coordinator)
    content = html.unescape(client.get(change_url(coordinator)).content.decode())
    assert "Jak dołączyć lub zapytać" in content
    assert "Strona internetowa" in content

    bad = values | {"phone": ["81 1"], "email": ["nie-adres"], "_continue": ["1"]}
    response = client.post(change_url(coordinator), bad)
    refused = html.unescape(response.content.decode())
    assert response.status_code == HTTPStatus.OK
    assert "Wpisz prawidłowy numer telefonu" in refused
    assert "Wprowadź poprawny adres email." in refused

    good = values | {
        "phone": ["81 466 25 07"],
        "email": ["biuro@koordynator.example.org"],
        "website": ["https://koordynator.example.org/"],
        "_continue": ["1"],
    }
    response = client.post(change_url(coordinator), good)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    coordinator.refresh_from_db()
    assert str(coordinator.phone) == "+48814662507"
    assert coordinator.email == "biuro@koordynator.example.org"
    # Shown again as it is written in Poland.
    assert open_form(client, coordinator)["phone"] == ["81 466 25 07"]


def test_the_cluster_form_has_the_contacts_in_their_own_section(client, publisher):
    cluster = make_cluster()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
    client.force_login(publisher)
    values = open_form(client, cluster)
    assert {"website", "email", "phone"} <= values.keys()
    content = html.unescape(client.get(change_url(cluster)).content.decode())
    assert "Jak dołączyć lub zapytać" in content


def test_a_revision_keeps_and_restores_the_contacts():
    cluster = make_cluster(email="biuro@klaster.example.org", phone="81 466 25 07")
    content = revisions.snapshot(cluster)
    assert content["fields"]["email"] == "biuro@klaster.example.org"
    assert content["fields"]["phone"] == "+48814662507"

    Cluster.objects.filter(pk=cluster.pk).update(email="", phone="")
    revisions.restore(Cluster, content)
    cluster.refresh_from_db()
    assert cluster.email == "biuro@klaster.example.org"
    assert str(cluster.phone) == "+48814662507"


# The cluster page


@pytest.mark.parametrize(
    ("language", "heading", "shown"),
    [
        ("pl", "Jak dołączyć lub zapytać", "81 466 25 07"),
        ("en", "How to join or ask", "+48 81 466 25 07"),
    ],
)
def test_every_cluster_page_ends_with_the_city_teams_phone(
    client, city_team, language, heading, shown
):
    cluster = make_cluster()
    content = page(client, url_of(cluster, language))
    section = join_section(content)

    assert heading in html.unescape(section)
    assert f'<a href="tel:+48814662507">{shown}</a>' in section
    assert "Honorata Kępowicz-Olszówka" in section
    assert "Bez Telefonu" not in section
    with translation.override(language):
        assert f'href="{reverse("contacts:team")}"' in section
    # The last section of the page: nothing but the record's footer after it.
    after = content[content.index('<section class="join-or-ask"') :]
    assert after.count("<section") == 1


def test_a_cluster_without_contacts_says_the_team_will_help(client, city_team):
    cluster = make_cluster()
    section = html.unescape(join_section(page(client, url_of(cluster, "pl"))))
    assert "nie podał jeszcze tutaj danych kontaktowych" in section


@pytest.mark.parametrize(
    ("language", "shown"), [("pl", "81 466 25 25"), ("en", "+48 81 466 25 25")]
)
def test_a_clusters_own_contacts_are_shown_when_filled(
    client, city_team, language, shown
):
    cluster = make_cluster(
        website="https://klaster.example.org/",
        email="biuro@klaster.example.org",
        phone="+48 81 466 2525",
    )
    content = page(client, url_of(cluster, language))
    section = join_section(content)

    assert '<a href="https://klaster.example.org/" rel="external">' in section
    assert f'<a href="tel:+48814662525">{shown}</a>' in section
    # Readable by people, not by harvesters.
    assert "biuro@klaster.example.org" not in section
    assert "mailto:biuro@klaster.example.org" in html.unescape(section)
    assert "nie podał jeszcze" not in html.unescape(section)


def test_a_cluster_page_links_its_coordinators_pages_with_their_contacts(
    client, city_team
):
    coordinator = make_coordinator(
        name_pl="Fundacja Koordynująca", phone="81 466 25 25"
    )
    cluster = make_cluster(coordinators=[coordinator])
    content = page(client, url_of(cluster, "pl"))
    link = f'<a href="{url_of(coordinator, "pl")}">Fundacja Koordynująca</a>'

    facts = content[content.index('id="facts-heading"') :]
    assert link in facts[: facts.index("</section>")]
    section = join_section(content)
    assert link in section
    assert '<a href="tel:+48814662525">81 466 25 25</a>' in section
    # A coordinator's contacts are a route to the cluster.
    assert "nie podał jeszcze" not in html.unescape(section)


def test_the_directory_links_coordinators_to_their_pages(client):
    coordinator = make_coordinator(name_pl="Fundacja Koordynująca")
    make_cluster(coordinators=[coordinator])
    content = page(client, reverse("clusters:list"))
    assert f'<a href="{url_of(coordinator, "pl")}">Fundacja Koordynująca</a>' in content


# The coordinator's page


def test_a_coordinators_page_lists_its_published_clusters_in_both_languages(client):
    coordinator = make_coordinator(
        key="fundacja", name_pl="Fundacja", name_en="Foundation"
    )
    shown = make_cluster(
        name_pl="Klaster Widoczny",
        name_en="Visible Cluster",
        coordinators=[coordinator],
    )
    make_cluster(
        name_pl="Klaster Szkic", is_published=False, coordinators=[coordinator]
    )

    assert url_of(coordinator, "pl") == "/pl/koordynatorzy/fundacja/"
    assert url_of(coordinator, "en") == "/en/coordinators/fundacja/"
    polish = page(client, "/pl/koordynatorzy/fundacja/")
    english = page(client, "/en/coordinators/fundacja/")

    assert "<h1>Fundacja</h1>" in polish
    assert f'<a href="{url_of(shown, "pl")}">Klaster Widoczny</a>' in polish
    assert f'<a href="{url_of(shown, "en")}">Visible Cluster</a>' in english
    assert "Klaster Szkic" not in polish
    # The language switch leads to the same coordinator.
    assert 'href="/en/coordinators/fundacja/"' in polish


def test_a_coordinators_page_shows_its_contacts(client):
    coordinator = make_coordinator(
        key="fundacja", website="https://fundacja.example.org/", phone="81 466 25 25"
    )
    make_cluster(coordinators=[coordinator])
    content = page(client, "/en/coordinators/fundacja/")
    assert '<a href="https://fundacja.example.org/" rel="external">' in content
    assert '<a href="tel:+48814662525">+48 81 466 25 25</a>' in content


def test_a_coordinator_of_no_published_cluster_has_no_page(client):
    coordinator = make_coordinator(key="ukryty")
    make_cluster(is_published=False, coordinators=[coordinator])
    make_coordinator(key="bez-klastrow")
    assert client.get("/pl/koordynatorzy/ukryty/").status_code == HTTPStatus.NOT_FOUND
    assert (
        client.get("/pl/koordynatorzy/bez-klastrow/").status_code
        == HTTPStatus.NOT_FOUND
    )


def test_the_sitemap_lists_coordinators_with_a_page(client):
    make_cluster(coordinators=[make_coordinator(key="fundacja")])
    make_cluster(is_published=False, coordinators=[make_coordinator(key="ukryty")])
    content = sitemap_text(client)
    assert "/pl/koordynatorzy/fundacja/" in content
    assert "/en/coordinators/fundacja/" in content
    assert "ukryty" not in content


def test_a_clusters_structured_data_gives_its_phone_in_e164_and_no_e_mail(client):
    cluster = make_cluster(email="biuro@klaster.example.org", phone="81 466 25 07")
    content = page(client, url_of(cluster, "pl"))
    data = content.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert '"telephone": "+48814662507"' in data
    assert "biuro@klaster.example.org" not in content


# The content-quality report


@pytest.fixture
def reachability():
    """Published clusters with each kind of route, one without any, and a draft."""
    reachable_coordinator = make_coordinator(email="biuro@koordynator.example.org")
    silent_coordinator = make_coordinator()
    return {
        "website": make_cluster(key="ze-strona", website="https://a.example.org/"),
        "email": make_cluster(key="z-emailem", email="biuro@b.example.org"),
        "phone": make_cluster(key="z-telefonem", phone="81 466 25 07"),
        "coordinator": make_cluster(
            key="przez-koordynatora", coordinators=[reachable_coordinator]
        ),
        "none": make_cluster(
            key="bez-kontaktu",
            name_pl="Klaster Bez Kontaktu",
            name_en="Unreachable Cluster",
            coordinators=[silent_coordinator],
        ),
        "draft": make_cluster(key="szkic-bez-kontaktu", is_published=False),
    }


def test_the_quality_report_lists_published_clusters_without_any_contact_route(
    reachability,
):
    from clusters import quality

    assert list(quality.unreachable_clusters()) == [reachability["none"]]


def test_the_content_report_command_lists_them(reachability):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("content_report", "--language", "en", stdout=out)
    report = out.getvalue()
    heading = "Published without a website, e-mail or phone: 1"
    section = report[report.index(heading) :].split("\n\n")[0]
    assert section.splitlines()[1:] == ["- Unreachable Cluster (bez-kontaktu)"]


def test_the_quality_page_lists_them_in_polish(client, editor, reachability):
    client.force_login(editor)
    content = html.unescape(
        client.get(reverse("admin:clusters_quality")).content.decode()
    )
    section = content[content.index('id="no-contact"') :]
    section = section[: section.index('id="counts"')]
    assert (
        "Opublikowane bez strony internetowej, e-maila i telefonu: 1 klaster" in section
    )
    none = reachability["none"]
    assert reverse("admin:clusters_cluster_change", args=[none.pk]) in section
    assert "Klaster Bez Kontaktu" in section
    assert section.count("<li>") == 1
