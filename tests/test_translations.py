"""Every text in both languages, translations marked for staff and visitors, and
figures no surer than their sources (issue 16)."""

import re
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clusters.filters import ClusterFilter
from clusters.models import Cluster, ClusterItem
from cms import revisions
from cms.translation_marks import translation_note
from cms.translation_review import needs_review
from cms.translation_status import translated_fields, translated_models
from tests.factories import make_cluster, make_highland, make_item

pytestmark = pytest.mark.django_db

FALLBACK_LABELS = ("(tekst w języku angielskim)", "(text in Polish)")
SKIPPED = ("/admin", "/api/", "/static/", "/media/", "/sitemap", "/robots")


@pytest.fixture
def starter_content():
    call_command("loaddata", "clusters", "ecosystems", "contacts", verbosity=0)


# The starter content


def test_every_starter_text_is_in_both_languages(starter_content):
    for model in translated_models():
        for record in model._default_manager.all():
            for field in translated_fields(model):
                texts = {
                    code: (getattr(record, f"{field}_{code}") or "").strip()
                    for code in ("pl", "en")
                }
                assert all(texts.values()) or not any(texts.values()), (
                    model.__name__,
                    record.pk,
                    field,
                )


def test_every_translation_is_marked_with_its_source_language(starter_content):
    marked = 0
    for model in translated_models():
        for record in model._default_manager.all():
            for field, source in record.translated_from.items():
                assert field in translated_fields(model)
                assert source in ("pl", "en")
                assert getattr(record, f"{field}_{source}"), (record, field)
                assert getattr(record, f"{field}_{'en' if source == 'pl' else 'pl'}")
                marked += 1
            if record.translated_from:
                # Written for the starter content: nobody has checked them yet.
                assert not record.translation_reviewed
    # Every list item of the English page, and its 20 cluster descriptions.
    assert ClusterItem.objects.exclude(translated_from={}).count() == 138
    assert (
        Cluster.objects.filter(translated_from__has_key="characteristics").count() == 20
    )
    assert marked > 220


def test_the_city_and_the_highlands_have_their_polish_names(starter_content):
    with translation.override("pl"):
        home = Client().get("/pl/").content.decode()
    assert "Lubelska Wyżyna IT" in home
    assert "Lublin Municipality" not in home
    medicine = Cluster.objects.get(key="lubelska-medycyna")
    assert {c.name_pl for c in medicine.coordinators.all()} == {
        "Gmina Lublin",
        "Uniwersytet Medyczny w Lublinie",
    }


# Crawled as a visitor: no text in the other language, the translation note


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith("/") and not href.startswith("//"):
            self.links.append(href.split("#")[0])


def crawl(client, start: str) -> dict[str, str]:
    """Every page reachable from `start` within its language, by path (no query)."""
    prefix = start[:4]
    seen, queue = {}, [start]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code == HTTPStatus.OK, path
        seen[path] = response.content.decode()
        parser = Links()
        parser.feed(seen[path])
        for link in parser.links:
            link = link.split("?")[0]
            if link.startswith(prefix) and not link.startswith(
                tuple(prefix + s.lstrip("/") for s in SKIPPED)
            ):
                queue.append(link)
    return seen


@pytest.mark.parametrize(
    ("start", "note", "translated"),
    [
        # Highland pages, and a cluster's from the English page, hold texts
        # translated into Polish...
        (
            "/pl/",
            "Tłumaczenie z języka angielskiego",
            r"/pl/(wyzyny/[^/]+|klastry/wschodni-klaster-ict)/",
        ),
        # ...and the city's own page about clusters was written in Polish.
        ("/en/", "Translated from Polish", r"/en/about-clusters/"),
    ],
)
def test_crawled_pages_have_no_text_of_the_other_language(
    client, starter_content, start, note, translated
):
    pages = crawl(client, start)

    assert len(pages) > 30
    for path, content in pages.items():
        assert 'class="lang-note"' not in content, path
        for label in FALLBACK_LABELS:
            assert label not in content, path
    must_note = [path for path in pages if re.fullmatch(translated, path)]
    assert must_note
    for path in must_note:
        assert note in pages[path], path


# The visitors' note and the staff's review


def test_the_page_says_its_text_is_a_translation_only_when_it_is(client):
    marked = make_cluster(
        characteristics_pl="Opis przetłumaczony.",
        characteristics_en="A translated description.",
        translated_from={"characteristics": "en"},
    )
    unmarked = make_cluster(
        characteristics_pl="Opis własny.", characteristics_en="Its own description."
    )
    with translation.override("pl"):
        assert "Tłumaczenie z języka angielskiego" in (
            client.get(marked.get_absolute_url()).content.decode()
        )
        assert "Tłumaczenie z języka" not in (
            client.get(unmarked.get_absolute_url()).content.decode()
        )
    with translation.override("en"):
        # The English text is the original: nothing to note on the English page.
        assert "Translated from" not in (
            client.get(marked.get_absolute_url()).content.decode()
        )


def test_a_list_item_translation_is_noted_on_its_cluster():
    cluster = make_cluster()
    item = make_item(
        cluster, text_pl="Cel", text_en="Goal", translated_from={"text": "en"}
    )
    with translation.override("pl"):
        assert translation_note(cluster, [item]) == "Tłumaczenie z języka angielskiego"
        assert translation_note(cluster) == ""


def test_a_publisher_marks_translations_reviewed_in_the_form(client, publisher):
    cluster = make_cluster(
        characteristics_pl="Opis.",
        characteristics_en="Description.",
        translated_from={"characteristics": "en"},
        translation_reviewed=False,
    )
    make_item(cluster, text_pl="Cel", text_en="Goal", translated_from={"text": "en"})
    ClusterItem.objects.update(translation_reviewed=False)
    client.force_login(publisher)
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    form = client.get(url)
    assert "Tłumaczenia sprawdzone z tekstami źródłowymi" in form.content.decode()
    assert needs_review(Cluster).filter(pk=cluster.pk).exists()

    data = form_data(form)
    data["translations_checked"] = "on"
    response = client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    cluster.refresh_from_db()
    assert cluster.translation_reviewed
    assert not ClusterItem.objects.filter(translation_reviewed=False).exists()
    assert not needs_review(Cluster).exists()


def test_changing_a_translations_source_marks_it_to_review_again(client, publisher):
    cluster = make_cluster(
        characteristics_pl="Opis.",
        characteristics_en="Description.",
        translated_from={"characteristics": "en"},
        translation_reviewed=True,
    )
    client.force_login(publisher)
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    data = form_data(client.get(url))
    data["characteristics_en"] = "A longer description."

    assert client.post(url, data).status_code == HTTPStatus.FOUND
    cluster.refresh_from_db()
    assert not cluster.translation_reviewed


def test_the_translations_page_counts_records_to_review(client, publisher):
    make_cluster(translated_from={"name": "en"}, translation_reviewed=False)
    make_highland(translated_from={"name": "en"}, translation_reviewed=False)
    client.force_login(publisher)
    content = client.get(reverse("admin:clusters_translations")).content.decode()
    assert "Tłumaczenia do sprawdzenia" in content
    assert re.search(r"klastry: 1 rekord do sprawdzenia", content, re.IGNORECASE)
    assert re.search(r"wyżyny: 1 rekord do sprawdzenia", content, re.IGNORECASE)


def form_data(response) -> dict:
    """The change form's fields as the browser would post them."""
    context = response.context
    form = context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple | set):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "pk"):
            data[name] = value.pk
        else:
            data[name] = value if value is not True else "on"
    for formset in context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
        for row in formset.formset.forms:
            for name, field in row.fields.items():
                value = row.initial.get(name, field.initial)
                if value is None or value is False:
                    continue
                data[f"{row.prefix}-{name}"] = getattr(value, "pk", value)
    return data


# Unknown is not no; a page's date is its source's until staff edit it


def test_not_reported_universities_are_never_counted_as_none():
    make_cluster(key="unknown")  # no figures at all
    named = make_cluster(key="named", universities_in_sources=True)
    counts = ClusterFilter({}, queryset=Cluster.objects.published())
    assert set(counts.qs.filter(**{}).values_list("key", flat=True)) >= {
        "unknown",
        "named",
    }
    for value, expected in [
        ("no", set()),
        ("unknown", {"unknown"}),
        ("yes", {"named"}),
    ]:
        keys = set(
            ClusterFilter(
                {"has_universities": value}, queryset=Cluster.objects.all()
            ).qs.values_list("key", flat=True)
        )
        assert keys == expected, value
    assert named.universities_in_sources


def test_clusters_whose_sources_name_universities_have_them(starter_content):
    keys = set(
        ClusterFilter(
            {"has_universities": "yes"}, queryset=Cluster.objects.all()
        ).qs.values_list("key", flat=True)
    )
    assert {
        "lubelska-medycyna",
        "lubelski-klaster-instytucji-otoczenia-biznesu",
        "wschodni-klaster-ict",
        "lubelski-klaster-ekoenergetyczny",
        "polish-precision-agriculture-cluster",
        "klaster-wyzyna-motoryzacyjna-i-maszynowa",
    } <= keys
    assert "esta-cluster" not in keys


def test_last_updated_is_the_sources_date_until_an_edit_is_published(
    client, django_user_model
):
    cluster = make_cluster(source_year=2024, source_year_is_earliest=True)
    with translation.override("pl"):
        page = client.get(cluster.get_absolute_url()).content.decode()
    assert "Treść według źródła bez daty, z 2024 r. lub późniejszego" in page
    assert "Ostatnia aktualizacja" not in page

    author = django_user_model.objects.create_user("autorka")
    revisions.create(cluster, revisions.snapshot(cluster), author, published=True)
    with translation.override("pl"):
        page = client.get(cluster.get_absolute_url()).content.decode()
    assert "Ostatnia aktualizacja:" in page
    assert "Treść według źródła" not in page


def test_loading_starter_content_sets_no_editorial_date(starter_content):
    assert not Cluster.objects.filter(edited_at__isnull=False).exists()
    assert not Cluster.objects.filter(source_year__isnull=True).exists()


def test_a_form_without_its_own_sections_shows_the_review_once(client, publisher):
    highland = make_highland(translated_from={"name": "en"}, translation_reviewed=False)
    client.force_login(publisher)
    content = client.get(
        reverse("admin:ecosystems_highland_change", args=[highland.pk])
    ).content.decode()
    assert content.count('name="translations_checked"') == 1
