"""The team's phones: stored once in E.164, typed in any usual form in the admin,
shown in Polish as dialled in Poland and in English with the country code, always
dialable; the unit's e-mail, address and office hours shown when filled."""

import html
import json
from http import HTTPStatus

import pytest

from contacts.models import TeamMember
from tests.admin_forms import change_url, open_form
from tests.factories import make_team_member

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
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


@pytest.mark.parametrize(
    "typed", ["81 466 25 07", "+48 81 466 2507", "814662507", "0048 81 466-25-07"]
)
def test_a_phone_is_stored_in_e164_however_it_was_written(typed):
    member = make_team_member(phone=typed)
    member.refresh_from_db()
    assert str(member.phone) == "+48814662507"
    assert TeamMember.objects.filter(phone="+48814662507").exists()


def test_the_team_page_shows_polish_numbers_nationally_in_polish_and_with_48_in_english(
    client,
):
    member = make_team_member(phone="+48 81 466 2525")
    make_team_member(team=member.team, name="Anna Nowak", phone="+44 20 7946 0000")

    polish = page(client, "/pl/kontakt/")
    english = page(client, "/en/contact/")

    assert '<a href="tel:+48814662525">81 466 25 25</a>' in polish
    assert '<a href="tel:+48814662525">+48 81 466 25 25</a>' in english
    # A foreign number keeps its country code on the Polish page too.
    assert '<a href="tel:+442079460000">+44 20 7946 0000</a>' in polish
    assert '<a href="tel:+442079460000">+44 20 7946 0000</a>' in english


def test_the_team_pages_structured_data_gives_phones_in_e164(client):
    make_team_member(phone="81 466 25 07")
    content = page(client, "/pl/kontakt/")
    scripts = content.split('<script type="application/ld+json">')[1:]
    data = json.dumps([json.loads(script.split("</script>")[0]) for script in scripts])
    assert '"telephone": "+48814662507"' in data
    assert "81 466 25 07" not in data


def members_form(client, member, phone: str):
    values = open_form(client, member.team)
    index = next(
        key.split("-")[1]
        for key, value in values.items()
        if key.startswith("members-")
        and key.endswith("-id")
        and value == [str(member.pk)]
    )
    values[f"members-{index}-phone"] = [phone]
    return client.post(change_url(member.team), values | {"_continue": ["1"]})


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("81 466 25 07", "+48814662507"),
        ("+48 81 466 2525", "+48814662525"),
        ("814662507", "+48814662507"),
    ],
)
def test_the_admin_accepts_the_forms_people_type(client, publisher, typed, stored):
    member = make_team_member(phone="")
    client.force_login(publisher)

    response = members_form(client, member, typed)

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    member.refresh_from_db()
    assert str(member.phone) == stored
    # The form shows it again as it is written in Poland.
    assert open_form(client, member.team)["members-0-phone"] == [
        {"+48814662507": "81 466 25 07", "+48814662525": "81 466 25 25"}[stored]
    ]


@pytest.mark.parametrize("typed", ["81 1", "telefon", "+48 81 466 25 07 99 99"])
def test_the_admin_refuses_what_is_not_a_phone_number_in_polish(
    client, publisher, typed
):
    member = make_team_member(phone="81 466 25 05")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
    client.force_login(publisher)

    response = members_form(client, member, typed)

    assert response.status_code == HTTPStatus.OK
    assert (
        "Wpisz prawidłowy numer telefonu, np. 81 466 25 07 albo +48 81 466 25 07."
        in html.unescape(response.content.decode())
    )
    member.refresh_from_db()
    assert str(member.phone) == "+48814662505"


def test_the_units_e_mail_address_and_hours_are_shown_when_filled(client):
    member = make_team_member()
    unit = member.team.unit
    unit.email = "referat@lublin.example"
    unit.address_pl = "ul. Przykładowa 1\n20-001 Lublin"
    unit.address_en = "1 Przykładowa Street\n20-001 Lublin, Poland"
    unit.office_hours_pl = "poniedziałek–piątek"
    unit.office_hours_en = "Monday to Friday"
    unit.save()

    polish = page(client, "/pl/kontakt/")
    english = page(client, "/en/contact/")

    assert "ul. Przykładowa 1<br>20-001 Lublin" in polish
    assert "poniedziałek–piątek" in polish
    assert "1 Przykładowa Street<br>20-001 Lublin, Poland" in english
    assert "Monday to Friday" in english
    # The e-mail as the members' are: readable by people, not by harvesters.
    assert "referat@lublin.example" not in polish
    assert "mailto:referat@lublin.example" in html.unescape(polish)
    # A plain link to a map search of the address, nothing embedded.
    map_link = (
        '<a href="https://www.openstreetmap.org/search?query=ul.+Przyk%C5%82adowa+1'
        '+20-001+Lublin">'
    )
    assert map_link in polish
    assert map_link in english
    assert "<iframe" not in polish


def test_an_empty_unit_shows_no_contact_details(client):
    make_team_member()
    content = page(client, "/pl/kontakt/")
    assert "unit-contact" not in content
    assert "openstreetmap" not in content
