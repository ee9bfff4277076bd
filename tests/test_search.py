"""The directory search (issue 17): words in any of their forms, everything a visitor
expects searched, synonyms staff edit, where a cluster was found."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from clusters.filters import ClusterFilter
from clusters.models import Cluster, Membership, SearchSynonym
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_item,
    make_organisation,
    make_project,
)

pytestmark = pytest.mark.django_db


def search(text: str) -> list[str]:
    with translation.override("pl"):
        return [cluster.key for cluster in ClusterFilter({"q": text}).qs]


def refreshed(cluster: Cluster) -> Cluster:
    """The cluster's stored search text derived again, as the admin does after its
    inlines are saved."""
    Cluster.objects.filter(pk=cluster.pk).refresh_search_text()
    return cluster


def test_a_short_word_or_acronym_matches_whole_words_only():
    make_cluster(key="it", name_pl="Klaster IT", name_en="IT Cluster")
    make_cluster(
        key="pronoun",
        name_pl="Klaster Włoski",
        characteristics_en="It works with Italian firms; with it, exports grow.",
    )
    assert search("IT") == ["it"]
    assert search("it") == ["it"]


def test_a_word_matches_words_beginning_with_it_never_the_inside_of_one():
    make_cluster(key="start", name_pl="Klaster Lotniczy")
    make_cluster(key="inside", name_pl="Klaster Agrolotniczy")
    assert search("lotni") == ["start"]


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Firmy lotnicze z regionu.", "lotnictwo"),
        ("Rozwój lotnictwa.", "lotniczych"),
        ("Wsparcie rolnictwa precyzyjnego.", "rolnictwo"),
        ("Usługi spawalnicze i cięcie.", "spawalniczych"),
    ],
)
def test_polish_words_match_across_their_forms(text, query):
    make_cluster(key="found", characteristics_pl=text)
    make_cluster(key="other", characteristics_pl="Turystyka i hotele.")
    assert search(query) == ["found"]


@pytest.mark.parametrize(
    ("text", "query"),
    [("Welded steel frames.", "welding"), ("Our clusters work.", "cluster")],
)
def test_english_words_match_across_their_forms(text, query):
    make_cluster(key="found", name_en="Alpha", characteristics_en=text)
    make_cluster(key="other", name_en="Beta", characteristics_en="Tourism.")
    assert search(query) == ["found"]


def test_diacritics_and_typos_are_still_forgiven():
    make_cluster(key="fibre", name_pl="Klaster Światłowodów")
    assert search("swiatlowodow") == ["fibre"]
    assert search("swiatlowdow") == ["fibre"]  # a typo, found by its similarity


def test_list_items_projects_members_coordinators_and_highlands_are_searched():
    items = make_cluster(key="items")
    make_item(items, kind="service", text_pl="Spawanie blach", text_en="Welding")
    projects = make_cluster(key="projects")
    make_project(projects, title_pl="LubLean", title_en="LubLean")
    members = make_cluster(key="members")
    Membership.objects.create(
        cluster=members,
        organisation=make_organisation(name="Politechnika Lubelska", kind="university"),
    )
    make_cluster(
        key="coordinated",
        coordinators=[make_coordinator(name_pl="Fundacja Żółta", name_en="")],
    )
    make_cluster(
        key="aviation",
        highlands=[
            make_highland(name_pl="Wyżyna Lotnicza", summary_pl="Śmigłowce i lotniska.")
        ],
    )
    for cluster in Cluster.objects.all():
        refreshed(cluster)

    assert search("spawanie") == ["items"]
    assert search("lublean") == ["projects"]
    assert search("politechnika") == ["members"]
    assert search("żółta") == ["coordinated"]
    assert search("śmigłowce") == ["aviation"]


def test_a_name_match_ranks_above_a_description_above_a_list_item():
    make_cluster(key="item", name_pl="Alfa")
    make_item(Cluster.objects.get(key="item"), kind="goal", text_pl="Rozwój hoteli")
    make_cluster(key="text", name_pl="Beta", characteristics_pl="Hotele i turystyka.")
    make_cluster(key="name", name_pl="Zulu Hotele")
    for cluster in Cluster.objects.all():
        refreshed(cluster)
    assert search("hotel") == ["name", "text", "item"]


def test_a_synonym_staff_add_is_used_by_the_next_search():
    make_cluster(key="oze", name_pl="Klaster OZE")
    make_cluster(key="renewable", characteristics_en="Renewable energy projects.")
    assert search("OZE") == ["oze"]

    SearchSynonym.objects.create(terms="OZE\nrenewable energy\nodnawialne źródła")

    assert search("OZE") == ["oze", "renewable"]
    # A synonym in a name ranks above the words typed in a description.
    assert search("renewable energy") == ["oze", "renewable"]


def test_a_synonym_needs_two_terms():
    with pytest.raises(ValidationError):
        SearchSynonym(terms="OZE\n\n").full_clean()


def test_punctuation_alone_finds_nothing():
    make_cluster(key="a")
    assert search("%") == []
    assert search("") == ["a"]


def test_results_say_where_a_cluster_was_found_and_mark_the_names_words(client):
    cluster = make_cluster(key="weld", name_pl="Klaster Spawalniczy", name_en="Weld")
    make_item(cluster, kind="service", text_pl="Usługi spawalnicze", text_en="Welding")
    refreshed(cluster)
    with translation.override("pl"):
        url = reverse("clusters:list")
    page = client.get(url, {"q": "spawalnicze"})

    assert page.status_code == HTTPStatus.OK
    content = page.content.decode()
    assert "Znaleziono w: nazwie, usługach" in content
    assert "Klaster <mark>Spawalniczy</mark>" in content


def test_the_admin_lists_and_edits_synonyms(admin_client):
    url = reverse("admin:clusters_searchsynonym_add")
    response = admin_client.post(url, {"terms": "fibre\nfiber\nświatłowód"})
    assert response.status_code == HTTPStatus.FOUND
    assert SearchSynonym.objects.get().phrases() == ["fibre", "fiber", "światłowód"]
    refused = admin_client.post(url, {"terms": "fibre"})
    assert "Podaj co najmniej dwa terminy" in refused.content.decode()


HOSTILE = ["⑽", "ͺ", "ﷺ", "klaster ⑴⑵", "a⑽b", "C++", "'\\\"&|!:*<->"]


@pytest.mark.parametrize("text", HOSTILE)
def test_characters_that_fold_into_others_neither_fail_nor_match_everything(
    client, text
):
    make_cluster(key="a", name_pl="Klaster Alfa")
    with translation.override("pl"):
        url = reverse("clusters:list")
    assert client.get(url, {"q": text}).status_code == HTTPStatus.OK
    assert search("ͺ") == []


def test_a_sections_key_is_not_a_word_of_the_text():
    cluster = make_cluster(key="segment", name_pl="Alfa", name_en="Alpha")
    make_item(cluster, kind="key_activity", text_pl="Szkolenia", text_en="Training")
    refreshed(cluster)
    assert search("activity") == []
    assert search("names") == []
    assert search("szkolenia") == ["segment"]


def test_the_typo_tolerant_search_matches_words_not_their_insides():
    make_cluster(key="a", name_pl="Klaster Alfa", name_en="Alpha Cluster")
    # Short words only ever match whole: "las" is not found inside "klaster".
    assert search("las") == []
    assert search("alf") == []
    assert search("alfs") == ["a"]  # a typo of a whole word, as before


def test_synonym_phrases_with_words_that_say_nothing_still_match():
    make_cluster(key="iot", name_en="Alpha", characteristics_en="Internet of Things.")
    make_cluster(key="acronym", name_en="Beta", characteristics_en="IoT devices.")
    make_cluster(key="other", name_en="Gamma", characteristics_en="Tourism.")
    SearchSynonym.objects.create(terms="IoT\nInternet of Things")
    assert sorted(search("IoT")) == ["acronym", "iot"]
    assert sorted(search("internet of things")) == ["acronym", "iot"]


def test_deleting_a_coordinator_takes_its_name_out_of_the_search(admin_client):
    coordinator = make_coordinator(name_pl="Fundacja Omega", name_en="")
    make_cluster(key="coordinated", coordinators=[coordinator])
    assert search("omega") == ["coordinated"]

    url = reverse("admin:clusters_coordinator_delete", args=[coordinator.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FOUND

    assert search("omega") == []
