"""The admin in Polish reads as a Polish office writes: Django's own strings where its
catalogue writes every gender at once or declines a name it cannot know."""

import re
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.admin_forms import form_values
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_item,
    make_page,
    make_project,
    make_report,
    make_snapshot,
    make_statement,
    make_team_member,
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
    assert (
        "<title>Klaster testowy | Edycja: klaster | Klastry w Lublinie</title>" in page
    )
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


# Words of the admin's interface in English (and Python's values) that a Polish
# page must not show; none is a Polish word. Content is made Polish in both
# languages below, so whatever English is left is the interface's.
ENGLISH = set(
    """
    the and of with for from is are was were this that these your you
    add change delete view save search filter history historical home select
    show hide yes unknown access attempts attempt failures failure logs log
    records record dataset tablib cancel submit clear today now choose remove
    field fields export preview publish published draft revision
    revisions compare restore translations translation dashboard report
    reports password username sign user users group groups permissions can
    cluster clusters members enterprises year source key name slug
    none true false manage py
    """.split()
)
WORDS = re.compile(r"[A-Za-z]+(?:[.'][A-Za-z]+)*")
SKIPPED_TAGS = {"script", "style", "textarea"}
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class ShownText(HTMLParser):
    """The text a person sees or hears: text nodes, labels in attributes, buttons."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skipping += 1
        attributes = dict(attrs)
        self.parts += [v for k, v in attrs if k in SHOWN_ATTRIBUTES and v]
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def english_words(html: str) -> dict[str, str]:
    """Each English word shown, with the text around it."""
    parser = ShownText()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    return {
        match[0]: text[max(0, match.start() - 40) : match.end() + 40]
        for match in WORDS.finditer(text)
        if match[0].lower() in ENGLISH
    }


LINKS = re.compile(r'href="(/admin/[^"#]*)"')
# Not followed: leaving, the public site's English pages (previews in English), and
# pages for scripts.
NOT_FOLLOWED = (
    "/admin/logout/",
    "/admin/r/",
    "/preview/en/",
    "_popup=",
    "/admin/jsi18n/",
)


def polish_content():
    """One record of each kind, its texts Polish in both languages."""
    highland = make_highland(name_en="Wyżyna testowa", summary_en="Opis wyżyny.")
    coordinator = make_coordinator(name_en="Koordynator testowy")
    cluster = make_cluster(
        name_pl="Klaster testowy",
        name_en="Klaster testowy",
        highlands=[highland],
        coordinators=[coordinator],
    )
    make_snapshot(cluster, year=2024, source_pl="Źródło", source_en="Źródło")
    make_item(cluster, text_pl="Działanie", text_en="Działanie")
    make_project(cluster, title_pl="Projekt", title_en="Projekt")
    make_page(title_en="Strona testowa")
    make_report(title_en="Raport testowy")
    make_team_member(name="Anna Nowak")
    make_statement()
    return cluster


def test_no_english_or_python_values_on_any_admin_page_in_polish(
    client, django_user_model
):
    polish_content()
    root = django_user_model.objects.create_superuser("kierownik", password="x")
    client.force_login(with_second_factor(root))
    to_visit, seen, found = ["/admin/"], set(), {}
    while to_visit and len(seen) < 400:
        url = to_visit.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, headers={"accept-language": "pl"})
        if response.status_code != HTTPStatus.OK or "html" not in response.get(
            "Content-Type", ""
        ):
            continue
        html = response.content.decode()
        if words := english_words(html):
            found[url] = words
        for link in LINKS.findall(html):
            link = link.replace("&amp;", "&")
            if not any(part in link for part in NOT_FOLLOWED) and link not in seen:
                to_visit.append(link)
    assert len(seen) > 50
    assert not found, "\n".join(
        f"{url}: {word!r} in …{context}…"
        for url, words in found.items()
        for word, context in words.items()
    )


@pytest.mark.parametrize(
    ("admin_name", "source"),
    [
        ("clusters_cluster", "name_pl"),
        ("ecosystems_highland", "name_pl"),
        ("clusters_coordinator", "name_pl"),
        ("clusters_page", "title_pl"),
    ],
)
def test_a_new_records_key_is_suggested_from_its_name(
    client, editor, admin_name, source
):
    client.force_login(editor)
    page = client.get(reverse(f"admin:{admin_name}_add")).content.decode()
    prepopulated = re.search(r'data-prepopulated-fields="([^"]*)"', page)[1]
    assert "&quot;#id_key&quot;" in prepopulated
    assert f"&quot;#id_{source}&quot;" in prepopulated


def test_inline_rows_texts_are_two_lines_high(client, editor):
    cluster = make_cluster(name_pl="Klaster z listą")
    make_item(cluster, text_pl="Działanie", text_en="Activity")
    client.force_login(editor)
    page = client.get(
        reverse("admin:clusters_cluster_change", args=[cluster.pk])
    ).content.decode()
    items = re.findall(r'<textarea name="items-\d+-text_pl"[^>]*>', page)
    assert items and all('rows="2"' in tag for tag in items)
