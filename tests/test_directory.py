"""The directory's filters: search, facets with counts, sorting, odd parameters."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from clusters.filters import SORT_CHOICES, ClusterFilter
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_snapshot,
)

pytestmark = pytest.mark.django_db


def keys(filterset: ClusterFilter) -> list[str]:
    return [cluster.key for cluster in filterset.qs]


def search(text: str, **params) -> list[str]:
    return keys(ClusterFilter({"q": text, **params}))


def choice_labels(filterset: ClusterFilter, name: str) -> dict[str, str]:
    return {
        str(value): str(label)
        for value, label in filterset.form.fields[name].choices
        if value != ""
    }


# Published records only.


def test_filter_lists_published_clusters_only():
    make_cluster(key="shown")
    make_cluster(key="draft", is_published=False)
    assert keys(ClusterFilter()) == ["shown"]
    assert keys(ClusterFilter({"q": "klaster"})) == ["shown"]


def test_filter_drops_drafts_even_from_a_queryset_that_has_them():
    from clusters.models import Cluster

    make_cluster(key="shown")
    make_cluster(key="draft", is_published=False)
    assert keys(ClusterFilter(queryset=Cluster.objects.all())) == ["shown"]


# Search.


@pytest.mark.parametrize("query", ["swiatlowodow", "Światłowodów", "ŚWIATŁOWODÓW"])
def test_search_forgives_case_and_polish_diacritics(query):
    make_cluster(key="fibre", name_pl="Klaster Światłowodów")
    make_cluster(key="other", name_pl="Klaster Medyczny")
    assert search(query) == ["fibre"]


def test_search_without_diacritics_finds_the_text_with_them():
    make_cluster(key="it", characteristics_pl="Wyżyna IT to ekosystem firm.")
    make_cluster(key="other", characteristics_pl="Wyżyny nie ma tutaj.")
    assert search("wyzyna") == ["it"]


def test_search_folds_l_with_stroke_which_decomposition_leaves_alone():
    make_cluster(key="lodz", name_pl="Łódzki Klaster")
    assert search("lodzki") == ["lodz"]


@pytest.mark.parametrize(
    ("field", "value", "query"),
    [
        ("name_pl", "Lubelski Klaster Ekoenergetyczny", "ekoenergetyczny"),
        ("name_en", "Lublin Eco-energy Cluster", "eco-energy"),
        ("other_names_pl", "Dawniej Klaster Ekoenergetyczny", "dawniej"),
        ("other_names_en", "Formerly the Eco-energy Cluster", "formerly"),
        ("characteristics_pl", "Zrzesza firmy ekoenergetyczne.", "zrzesza"),
        ("characteristics_en", "Brings eco-energy firms together.", "together"),
    ],
)
def test_search_covers_names_other_names_and_characteristics(field, value, query):
    make_cluster(key="found", **{field: value})
    make_cluster(key="other")
    assert search(query) == ["found"]


def test_search_covers_coordinators_in_both_languages():
    coordinator = make_coordinator(name_pl="Fundacja Rozwoju", name_en="Foundation")
    make_cluster(key="coordinated", coordinators=[coordinator])
    make_cluster(key="other")
    assert search("fundacja rozwoju") == ["coordinated"]
    assert search("foundation") == ["coordinated"]


def test_english_search_finds_a_polish_only_cluster():
    make_cluster(
        key="polish-only",
        name_pl="Klaster Światłowodów",
        name_en="",
        characteristics_pl="Sieci światłowodowe.",
    )
    make_cluster(key="other")
    with translation.override("en"):
        assert search("swiatlowodow") == ["polish-only"]


def test_english_search_finds_english_text_of_a_cluster_named_in_polish_only():
    make_cluster(key="fibre", name_en="", characteristics_en="Optical fibre networks.")
    with translation.override("en"):
        assert search("optical fibre") == ["fibre"]


def test_search_requires_every_word():
    make_cluster(key="both", name_pl="Klaster Medyczny Lublin")
    make_cluster(key="one", name_pl="Klaster Medyczny")
    assert search("medyczny lublin") == ["both"]
    assert sorted(search("medyczny")) == ["both", "one"]


def test_search_ranks_name_matches_before_text_matches_then_name():
    make_cluster(key="text", name_pl="Alfa", characteristics_pl="Branża lotnicza.")
    make_cluster(key="inside-word", name_pl="Beta Agrolotniczy")
    make_cluster(key="zulu", name_pl="Zulu Lotniczy Klaster")
    make_cluster(key="other-name", name_pl="Gamma", other_names_pl="Grupa Lotnicza")
    make_cluster(key="lotniczy", name_pl="Lotniczy Klaster Wschodni")
    make_cluster(key="hyphen", name_pl="Eko-Lotniczy Klaster")
    with translation.override("pl"):
        # Names, then other text; by name within each. Words, not parts of words:
        # "Agrolotniczy" does not hold "lotnicz".
        assert search("lotnicz") == [
            "hyphen",
            "other-name",
            "lotniczy",
            "zulu",
            "text",
        ]


def test_search_with_a_chosen_sort_keeps_that_sort():
    make_cluster(key="text", name_pl="Alfa", characteristics_pl="Lotnictwo.")
    make_cluster(key="name", name_pl="Zulu Lotnictwo")
    with translation.override("pl"):
        assert search("lotnictwo", sort="name") == ["text", "name"]
        assert search("lotnictwo") == ["name", "text"]


def test_search_treats_like_wildcards_literally():
    make_cluster(key="plain", name_pl="Klaster")
    assert search("%") == []
    assert search("_") == []


def test_blank_search_lists_everything():
    make_cluster(key="a")
    make_cluster(key="b")
    assert sorted(search("   ")) == ["a", "b"]


# Filters.


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("slug", ["wyzyna-it", "it-highland"])
def test_highland_filter_accepts_a_slug_in_either_language(language, slug):
    highland = make_highland(slug_pl="wyzyna-it", slug_en="it-highland")
    make_cluster(key="in", highlands=[highland])
    make_cluster(key="out", highlands=[make_highland()])
    with translation.override(language):
        filterset = ClusterFilter({"highland": slug})
        assert keys(filterset) == ["in"]
        # The option shown as chosen is the one in the page's language.
        chosen = {"pl": "wyzyna-it", "en": "it-highland"}[language]
        assert f'value="{chosen}" selected' in str(filterset.form["highland"])


def test_highland_choices_are_the_published_highlands():
    make_highland(key="shown", slug_pl="widoczna", name_pl="Widoczna")
    make_highland(key="draft", slug_pl="szkic", name_pl="Szkic", is_published=False)
    with translation.override("pl"):
        filterset = ClusterFilter()
        assert list(choice_labels(filterset, "highland")) == ["widoczna"]
        filterset = ClusterFilter({"highland": "szkic"})
        assert "highland" in filterset.errors


def test_year_filters_are_inclusive_and_combine():
    # Named in the order of their years: the results are listed by name.
    make_cluster(key="y2005", name_pl="Klaster A", year_established=2005)
    make_cluster(key="y2010", name_pl="Klaster B", year_established=2010)
    make_cluster(key="y2015", name_pl="Klaster C", year_established=2015)
    make_cluster(key="unknown", name_pl="Klaster D", year_established=None)
    assert keys(ClusterFilter({"year_from": "2010"})) == ["y2010", "y2015"]
    assert keys(ClusterFilter({"year_to": "2010"})) == ["y2005", "y2010"]
    assert keys(ClusterFilter({"year_from": "2006", "year_to": "2014"})) == ["y2010"]


def test_year_range_the_wrong_way_round_is_a_form_error():
    filterset = ClusterFilter({"year_from": "2015", "year_to": "2010"})
    assert "year_to" in filterset.errors


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("1-19", ["m19"]),
        ("20-49", ["m20", "m49"]),
        ("50-99", ["m50"]),
        ("100+", ["m100"]),
    ],
)
def test_size_bands_use_the_current_snapshot(band, expected):
    for members in (19, 20, 49, 50, 100):
        cluster = make_cluster(key=f"m{members}")
        # An older snapshot in another band must not count.
        make_snapshot(cluster, year=2015, members=500, enterprises=None)
        make_snapshot(cluster, year=2024, members=members, enterprises=None)
    make_cluster(key="no-figures")
    assert keys(ClusterFilter({"size": band})) == expected


def test_has_universities_uses_the_current_snapshot():
    with_university = make_cluster(key="with")
    make_snapshot(with_university, year=2020, universities=0)
    make_snapshot(with_university, year=2024, universities=2)
    former = make_cluster(key="former")
    make_snapshot(former, year=2020, universities=3)
    make_snapshot(former, year=2024, universities=0)
    make_cluster(key="unknown")
    assert keys(ClusterFilter({"has_universities": "yes"})) == ["with"]
    assert keys(ClusterFilter({"has_universities": "no"})) == ["former"]
    assert keys(ClusterFilter({"has_universities": "unknown"})) == ["unknown"]


def test_status_filter():
    make_cluster(key="active", status="active")
    make_cluster(key="inactive", status="inactive")
    assert keys(ClusterFilter({"status": "active"})) == ["active"]
    assert keys(ClusterFilter({"status": "inactive"})) == ["inactive"]


def test_filters_combine():
    highland = make_highland(slug_pl="wyzyna-it")
    match = make_cluster(
        key="match",
        name_pl="Klaster Informatyczny",
        year_established=2012,
        highlands=[highland],
    )
    make_snapshot(match, members=30, universities=1)
    near_misses = [
        {"name_pl": "Klaster Medyczny"},
        {"year_established": 2005},
        {"highlands": []},
        {"status": "inactive"},
    ]
    for index, change in enumerate(near_misses):
        values = {
            "key": f"miss-{index}",
            "name_pl": "Klaster Informatyczny",
            "year_established": 2012,
            "highlands": [highland],
        } | change
        make_snapshot(make_cluster(**values), members=30, universities=1)
    make_snapshot(
        make_cluster(
            key="small", name_pl="Klaster Informatyczny", highlands=[highland]
        ),
        members=5,
        enterprises=None,
        universities=1,
    )
    make_snapshot(
        make_cluster(
            key="no-uni", name_pl="Klaster Informatyczny", highlands=[highland]
        ),
        members=30,
        universities=0,
    )
    params = {
        "q": "informatyczny",
        "highland": "wyzyna-it",
        "year_from": "2010",
        "year_to": "2015",
        "size": "20-49",
        "has_universities": "yes",
        "status": "active",
    }
    assert keys(ClusterFilter(params)) == ["match"]


def test_unknown_parameters_are_ignored():
    make_cluster(key="a")
    filterset = ClusterFilter({"utm_source": "newsletter", "page": "2"})
    assert filterset.is_valid()
    assert keys(filterset) == ["a"]


@pytest.mark.parametrize(
    "params",
    [
        {"year_from": "abc"},
        {"year_to": "20 10"},
        {"year_from": "2010.5"},
        {"year_from": "9" * 40},
        {"year_to": "-5"},
        {"highland": "no-such-highland"},
        {"highland": "x" * 5000},
        {"size": "1000-2000"},
        {"has_universities": "maybe"},
        {"status": "deleted"},
        {"sort": "name; DROP TABLE clusters_cluster"},
        {"q": "x" * 5000},
        {"q": "null\x00byte"},
    ],
)
def test_odd_parameters_give_a_form_error_never_an_exception(params):
    make_cluster(key="a")
    filterset = ClusterFilter(params)
    assert not filterset.is_valid()
    assert set(filterset.errors) == set(params)
    list(filterset.qs)
    str(filterset.form)


@pytest.mark.parametrize("params", [{"size": "999"}, {"year_from": "abc"}])
def test_a_form_error_asks_for_a_correction_not_a_spelling_check(client, params):
    make_cluster(key="a")
    with translation.override("pl"):
        url = reverse("clusters:list")

    page = client.get(url, params).content.decode()

    assert "Klastry pojawią się po poprawieniu zaznaczonych wyżej pól." in page
    assert "Sprawdź pisownię" not in page


def test_a_long_query_of_many_words_is_bounded():
    make_cluster(key="a", name_pl="a b c d e f g h i j k l")
    filterset = ClusterFilter({"q": " ".join("abcdefghijkl")})
    assert keys(filterset) == ["a"]


# Facet counts.


def test_every_choice_shows_its_count_with_the_other_filters_applied():
    it = make_highland(key="it", name_en="IT", slug_en="it")
    med = make_highland(key="med", name_en="Medical", slug_en="medical")
    active_it = make_cluster(key="a", highlands=[it])
    make_snapshot(active_it, members=10, universities=1)
    make_snapshot(make_cluster(key="b", highlands=[it, med]), members=25)
    make_snapshot(make_cluster(key="c", highlands=[it], status="inactive"), members=60)
    make_cluster(key="d", highlands=[med], status="inactive")
    with translation.override("en"):
        filterset = ClusterFilter({"status": "active"})
        assert sorted(keys(filterset)) == ["a", "b"]
        # Highland counts respect the status filter...
        assert choice_labels(filterset, "highland") == {
            "it": "IT (2)",
            "medical": "Medical (1)",
        }
        # ...while the status facet counts ignore its own choice.
        assert choice_labels(filterset, "status") == {
            "active": "active (2)",
            "inactive": "inactive (2)",
            "unconfirmed": "no recent information (0)",
        }
        assert choice_labels(filterset, "size") == {
            "1-19": "1–19 members (1)",
            "20-49": "20–49 members (1)",
            "50-99": "50–99 members (0)",
            "100+": "100 members or more (0)",
        }
        assert choice_labels(filterset, "has_universities") == {
            "yes": "yes (1)",
            "no": "no (0)",
            "unknown": "not reported (1)",
        }


def test_facet_counts_follow_the_search():
    it = make_highland(key="it", name_en="IT", slug_en="it")
    make_cluster(key="a", name_pl="Klaster Lotniczy", highlands=[it])
    make_cluster(key="b", name_pl="Klaster Medyczny", highlands=[it])
    with translation.override("en"):
        filterset = ClusterFilter({"q": "lotniczy"})
        assert choice_labels(filterset, "highland") == {"it": "IT (1)"}


def test_year_bands_count_results_with_the_other_filters_applied():
    make_cluster(key="a", year_established=1995)
    make_cluster(key="b", year_established=2012)
    make_cluster(key="c", year_established=2019)
    make_cluster(key="d", year_established=2021, status="inactive")
    filterset = ClusterFilter({"status": "active", "year_from": "2010"})
    filterset.form  # noqa: B018 (counts the facets)
    assert [band["count"] for band in filterset.year_bands] == [1, 0, 2, 0]
    assert [(band["year_from"], band["year_to"]) for band in filterset.year_bands] == [
        (None, 1999),
        (2000, 2009),
        (2010, 2019),
        (2020, None),
    ]


# Sorting.


def test_default_order_is_the_name_as_shown_with_fallback():
    make_cluster(key="c", name_pl="Charlie", name_en="Charlie")
    make_cluster(key="b", name_pl="Bravo", name_en="")
    make_cluster(key="a", name_pl="Zulu", name_en="Alpha")
    with translation.override("en"):
        assert keys(ClusterFilter()) == ["a", "b", "c"]
        assert keys(ClusterFilter({"sort": "-name"})) == ["c", "b", "a"]
    with translation.override("pl"):
        assert keys(ClusterFilter()) == ["b", "c", "a"]


def test_name_sort_ignores_case_on_both_databases():
    for key, name in [("t", "LubTechBridge"), ("e", "Lubelska"), ("z", "lubzone")]:
        make_cluster(key=key, name_pl=name)
    with translation.override("pl"):
        assert keys(ClusterFilter({"sort": "name"})) == ["e", "t", "z"]
        assert keys(ClusterFilter({"sort": "-name"})) == ["z", "t", "e"]


def test_name_sort_follows_polish_alphabet_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Polish collation needs PostgreSQL's ICU collations")
    for key, name in [("m", "Mielec"), ("l-stroke", "Łódź"), ("l", "Lublin")]:
        make_cluster(key=key, name_pl=name)
    with translation.override("pl"):
        assert keys(ClusterFilter({"sort": "name"})) == ["l", "l-stroke", "m"]


def test_sort_by_year_puts_unknown_years_last_both_ways():
    make_cluster(key="old", year_established=2001)
    make_cluster(key="new", year_established=2020)
    make_cluster(key="unknown", year_established=None)
    assert keys(ClusterFilter({"sort": "year"})) == ["old", "new", "unknown"]
    assert keys(ClusterFilter({"sort": "-year"})) == ["new", "old", "unknown"]


def test_sort_by_size_uses_the_current_snapshot():
    small = make_cluster(key="small")
    make_snapshot(small, year=2018, members=500, enterprises=None)
    make_snapshot(small, year=2024, members=5, enterprises=None)
    make_snapshot(make_cluster(key="big"), members=50, enterprises=None)
    make_cluster(key="unknown")
    assert keys(ClusterFilter({"sort": "size"})) == ["small", "big", "unknown"]
    assert keys(ClusterFilter({"sort": "-size"})) == ["big", "small", "unknown"]


def test_sort_labels_are_translated_into_polish():
    with translation.override("pl"):
        labels = choice_labels(ClusterFilter(), "sort")
    with translation.override("en"):
        english = {value: str(label) for value, label in SORT_CHOICES}
    assert labels.keys() == english.keys()
    for value, label in labels.items():
        assert label != english[value], value
        assert "descending" not in label


# What a list page needs.


def test_results_carry_the_current_figures():
    cluster = make_cluster(key="a")
    make_snapshot(cluster, year=2019, members=103, enterprises=91)
    make_snapshot(
        cluster,
        year=2024,
        members=174,
        enterprises=158,
        business_environment_institutions=6,
        universities=3,
    )
    (row,) = ClusterFilter().qs
    assert (
        row.current_year,
        row.current_members,
        row.current_enterprises,
        row.current_business_environment_institutions,
        row.current_universities,
    ) == (2024, 174, 158, 6, 3)


def test_list_rows_show_published_highlands_only():
    shown = make_highland(key="shown")
    draft = make_highland(key="draft", is_published=False)
    cluster = make_cluster(highlands=[shown, draft])
    (row,) = ClusterFilter().rows([cluster.pk])
    assert [highland.key for highland in row.shown_highlands] == ["shown"]


def make_directory(size: int) -> None:
    highlands = [make_highland() for _ in range(3)]
    for index in range(size):
        cluster = make_cluster(
            highlands=highlands[: 1 + index % 3],
            coordinators=[make_coordinator()],
            characteristics_pl="Klaster przemysłowy.",
        )
        make_snapshot(cluster, year=2020, members=10 + index, universities=index % 2)
        make_snapshot(cluster, year=2024, members=20 + index, universities=index % 2)


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(
    "params",
    [
        None,
        {"q": "przemyslowy", "status": "active", "size": "20-49"},
        {"sort": "-size", "has_universities": "yes", "year_from": "2000"},
    ],
)
def test_a_list_page_takes_a_bounded_number_of_queries(
    size, params, django_assert_max_num_queries
):
    make_directory(size)
    with django_assert_max_num_queries(10):
        filterset = ClusterFilter(params)
        str(filterset.form)
        keys = list(filterset.qs.values_list("pk", flat=True)[:20])
        shown = [
            (
                [highland.name for highland in row.shown_highlands],
                [coordinator.name for coordinator in row.shown_coordinators],
                row.current_members,
                row.current_universities,
                row.current_year,
            )
            for row in filterset.rows(keys)
        ]
    assert shown
