"""The admin in Polish reads as a Polish office writes: Django's own strings where its
catalogue writes every gender at once or declines a name it cannot know."""

import re
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.admin_forms import form_values
from tests.factories import (
    make_cluster,
    make_highland,
)
from tests.staff_sessions import with_second_factor

pytestmark = pytest.mark.django_db

# Django's Polish for "added"/"changed" and "add another" write all forms at once.
EVERY_GENDER = re.compile(r"\w\((?:a|y|go|-\w+)\)")


@pytest.fixture
def polish_editor(client, editor):
    client.force_login(editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
    return client


def test_list_counts_records_in_polish(polish_editor):
    for number in range(12):
        make_cluster(name=f"Klaster {number}")
    page = polish_editor.get(reverse("admin:clusters_cluster_changelist")).content
    page = page.decode()
    assert "12 wpisów" in page
    assert "12 klastry" not in page
    # Icons and the search box's label are named in Polish, not "True", "Search".
    assert 'icon-yes.svg" alt="Tak">' in page
    assert 'alt="True"' not in page
    assert 'search.svg" alt="Szukaj">' in page


def test_a_past_version_is_named_as_the_rest_of_the_admin_names_it(client, editor):
    cluster = make_cluster(name_pl="Klaster z historią")
    client.force_login(editor)
    record = cluster.history.earliest()
    page = client.get(
        reverse("admin:clusters_cluster_simple_history", args=[cluster.pk, record.pk]),
        headers={"accept-language": "pl"},
    ).content.decode()
    assert '<a href="/admin/clusters/">Klastry</a>' in page
    assert '<a href="/admin/clusters/cluster/">Klastry</a>' in page
    assert "Wersja z historii" in page
    assert "Historical" not in page


def test_change_form_and_its_inlines_read_as_polish(polish_editor):
    cluster = make_cluster(name_pl="Klaster testowy")
    page = polish_editor.get(
        reverse("admin:clusters_cluster_change", args=[cluster.pk])
    ).content.decode()
    assert "<title>Klaster testowy | Edycja: klaster | Klastry Lublin</title>" in page
    assert "Dodaj kolejny wiersz:" in page
    assert not EVERY_GENDER.search(page), EVERY_GENDER.search(page)


def test_saved_message_names_the_record_without_guessing_its_gender(
    polish_editor, publisher, client
):
    highland = make_highland(name_pl="Wyżyna testowa")
    client.force_login(publisher)
    url = reverse("admin:ecosystems_highland_change", args=[highland.pk])
    data = form_values(client.get(url).content.decode())
    data["summary_pl"] = ["Nowe podsumowanie."]
    response = client.post(url, data, follow=True)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Zapisano zmiany: Wyżyna „" in page
    assert not EVERY_GENDER.search(page), EVERY_GENDER.search(page)


def test_group_permissions_are_named_in_polish_without_the_historys(
    client, django_user_model
):
    admin_user = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(with_second_factor(admin_user))
    group = Group.objects.get(name="editors")
    page = client.get(
        reverse("admin:auth_group_change", args=[group.pk]),
        headers={"accept-language": "pl"},
    ).content.decode()
    assert ">Klastry: dodawanie</option>" in page
    assert ">Wyżyny: publikowanie</option>" in page
    assert ">Grupy: zmiana</option>" in page
    assert "Can " not in page
    assert "historical" not in page.lower()
    assert "Access attempt" not in page  # the login throttling's, for superusers


def test_delete_confirmation_lists_records_not_the_links_between_them(
    client, publisher
):
    highland = make_highland(name_pl="Wyżyna do usunięcia")
    make_cluster(name_pl="Klaster powiązany", highlands=[highland])
    publisher.user_permissions.add(
        *Permission.objects.filter(codename="delete_highland")
    )
    client.force_login(publisher)
    page = client.get(
        reverse("admin:ecosystems_highland_delete", args=[highland.pk]),
        headers={"accept-language": "pl"},
    ).content.decode()
    assert "Wyżyna do usunięcia" in page
    assert "Cluster_highlands object" not in page
    assert "Powiązanie cluster do highland" not in page
