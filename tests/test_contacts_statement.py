"""The accessibility statement: public only once published, and published only with
everything the statutory template requires; its dates kept by the system; its page
never says that something is not set yet."""

import html
from datetime import date
from http import HTTPStatus

import pytest
from django.db import IntegrityError
from django.utils import timezone, translation

from contacts.models import AccessibilityStatement
from tests.admin_forms import change_url, open_form
from tests.factories import make_statement, make_team_member
from tests.sitemap import sitemap_text

pytestmark = pytest.mark.django_db

ADDRESSES = {"pl": "/pl/deklaracja-dostepnosci/", "en": "/en/accessibility-statement/"}
HOMES = {"pl": "/pl/", "en": "/en/"}


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


def draft_statement(**overrides) -> AccessibilityStatement:
    """The starter statement as loaded: its contact point and procedure only."""
    member = make_team_member(phone="81 466 25 07")
    values = {
        "status": "",
        "non_accessible_content_pl": "",
        "non_accessible_content_en": "",
        "prepared_on": None,
        "published_on": None,
        "updated_on": None,
        "architecture_pl": "",
        "mobile_apps_pl": "",
        "is_published": False,
        "contact_team": member.team,
    }
    return make_statement(**values | overrides)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_an_unpublished_statement_is_not_public_nor_linked(client, language):
    draft_statement()

    assert client.get(ADDRESSES[language]).status_code == HTTPStatus.NOT_FOUND
    home = client.get(HOMES[language]).content.decode()
    assert ADDRESSES[language] not in home
    assert "deklaracja-dostępności" not in home
    sitemap = sitemap_text(client)
    assert "deklaracja-dostepnosci" not in sitemap
    assert "accessibility-statement" not in sitemap


@pytest.mark.parametrize("language", ["pl", "en"])
def test_a_published_statement_is_linked_from_every_page_and_the_sitemap(
    client, language
):
    make_statement()

    home = client.get(HOMES[language]).content.decode()
    assert f'<a href="{ADDRESSES[language]}">' in home
    assert "deklaracja-dostępności" in home
    assert ADDRESSES[language] in sitemap_text(client)
    assert client.get(ADDRESSES[language]).status_code == HTTPStatus.OK


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_statement_page_never_says_something_is_not_set_yet(client, language):
    # Published with every optional part empty: no review date, no method, no phone.
    member = make_team_member(phone="", email="klastry@lublin.eu")
    make_statement(contact_team=member.team, reviewed_on=None, assessment_method_pl="")

    response = client.get(ADDRESSES[language])

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    for words in ("jeszcze nie ustalono", "not set yet", "not-set", "nie został"):
        assert words not in content
    assert 'id="a11y-data-przeglad"' not in content
    assert 'id="a11y-telefon"' not in content


def test_the_starter_statement_cannot_be_published_until_complete(client, publisher):
    statement = draft_statement()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
    client.force_login(publisher)
    values = open_form(client, statement)

    response = client.post(change_url(statement), values | {"is_published": ["on"]})

    assert response.status_code == HTTPStatus.OK
    page = html.unescape(response.content.decode())
    assert (
        "Deklaracji dostępności nie można opublikować, dopóki te pola są puste: "
        "status zgodności, data sporządzenia deklaracji, "
        "adres e-mail punktu kontaktowego, dostępność architektoniczna, "
        "aplikacje mobilne. Uzupełnij je albo pozostaw deklarację nieopublikowaną."
    ) in page
    statement.refresh_from_db()
    assert not statement.is_published
    assert client.get(ADDRESSES["pl"]).status_code == HTTPStatus.NOT_FOUND


def complete(values: dict) -> dict:
    return values | {
        "status": ["compliant"],
        "prepared_on": ["2026-01-10"],
        "architecture_pl": ["<p>Budynek ma windę.</p>"],
        "mobile_apps_pl": ["<p>Urząd nie ma aplikacji mobilnych.</p>"],
        "is_published": ["on"],
    }


def test_publishing_the_completed_statement_sets_its_dates(client, publisher):
    statement = draft_statement()
    statement.contact_team.unit.email = "referat@lublin.eu"
    statement.contact_team.unit.save()
    client.force_login(publisher)
    values = open_form(client, statement)
    # The dates are the system's: the form has no box for them.
    assert "published_on" not in values
    assert "updated_on" not in values

    response = client.post(change_url(statement), complete(values))

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    statement.refresh_from_db()
    today = timezone.localdate()
    assert statement.is_published
    assert (statement.published_on, statement.updated_on) == (today, today)
    page = client.get(ADDRESSES["pl"]).content.decode()
    assert f'<time id="a11y-data-publikacja" datetime="{today:%Y-%m-%d}">' in page
    assert "referat@lublin.eu" in html.unescape(page)


def test_a_later_change_moves_the_update_date_not_the_publication_date(
    client, publisher
):
    statement = make_statement(
        status="compliant",
        published_on=date(2025, 3, 1),
        updated_on=date(2025, 3, 1),
    )
    client.force_login(publisher)
    values = open_form(client, statement)

    response = client.post(
        change_url(statement),
        values | {"architecture_pl": ["<p>Budynek ma windę i podjazd.</p>"]},
    )

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    statement.refresh_from_db()
    assert statement.published_on == date(2025, 3, 1)
    assert statement.updated_on == timezone.localdate()


def test_a_draft_cannot_empty_a_required_field_of_the_published_statement(
    client, editor
):
    statement = make_statement()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
    client.force_login(editor)
    values = open_form(client, statement)

    response = client.post(change_url(statement), values | {"mobile_apps_pl": [""]})

    assert response.status_code == HTTPStatus.OK
    assert "te pola są puste: aplikacje mobilne." in html.unescape(
        response.content.decode()
    )


def test_partial_compliance_needs_the_content_that_is_not_accessible():
    statement = make_statement(status="partially")
    statement.non_accessible_content_pl = ""
    with translation.override("en"):
        missing = [str(label) for label in statement.missing_for_publication()]
    assert missing == ["content that is not accessible"]
    statement.status = "compliant"
    assert statement.missing_for_publication() == []


def test_the_database_refuses_a_published_statement_with_a_required_field_empty():
    with pytest.raises(IntegrityError):
        make_statement(architecture_pl="")
