"""Links and simple formatting in long texts (cms/rich_text.py): what staff save is
cleaned by an allowlist, cleaned again when shown, plain where markup cannot go."""

import base64
import hashlib
import json
import re
from http import HTTPStatus
from pathlib import Path

import django_prose_editor
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clusters.filters import ClusterFilter
from clusters.models import Cluster
from cms.history import word_diff
from cms.revision_diff import compare
from cms.rich_text import html_from_plain_text, plain_text
from cms.rich_text_admin import PROSEMIRROR_STYLE_HASH
from tests.admin_forms import change_url, open_form
from tests.factories import make_cluster, make_coordinator, make_highland

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onclick="steal()" style="color:red">Zobacz <a href="javascript:alert(1)">to'
    '</a>, <a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">tamto</a>'
    '<script>alert("skrypt")</script><img src="x" onerror="alert(1)">'
    '<a href="https://example.com/" target="_blank" rel="opener">stronę</a>.</p>'
    "<table><tr><td>komórka</td></tr></table>"
)
KEPT = (
    '<p>Napisz na <a href="mailto:biuro@example.pl">biuro@example.pl</a>, zadzwoń '
    '<a href="tel:+48814662507">81 466 25 07</a> lub zajrzyj na '
    '<a href="https://lublin.eu/">lublin.eu</a>.</p>'
    "<h3>Dla kogo</h3><ul><li><strong>firmy</strong></li><li><em>uczelnie</em></li>"
    "</ul><ol><li>pierwszy</li></ol>"
)
STRIPPED = [
    "javascript:",
    "data:",
    "<script",
    "skrypt",
    "onclick",
    "onerror",
    "style=",
    "<img",
    "target=",
    "rel=",
    "<table",
]


def assert_clean(html: str) -> None:
    assert not [piece for piece in STRIPPED if piece in html], html


def save_characteristics(client, user, cluster, pl: str, en: str = "") -> Cluster:
    client.force_login(user)
    data = open_form(client, cluster)
    data["characteristics_pl"] = [pl]
    data["characteristics_en"] = [en]
    response = client.post(change_url(cluster), data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    cluster.refresh_from_db()
    return cluster


def test_the_admin_form_stores_hostile_markup_cleaned(client, publisher):
    cluster = save_characteristics(client, publisher, make_cluster(), HOSTILE)
    stored = cluster.characteristics_pl
    assert_clean(stored)
    assert "Zobacz" in stored and "komórka" in stored  # the words stay
    assert '<a href="https://example.com/">stronę</a>' in stored


def test_the_admin_form_keeps_mail_telephone_and_web_links_and_formatting(
    client, publisher
):
    cluster = save_characteristics(client, publisher, make_cluster(), KEPT)
    assert cluster.characteristics_pl == KEPT


def test_an_empty_editor_stores_nothing_and_counts_as_missing(client, publisher):
    cluster = make_cluster(characteristics_pl="Opis.", characteristics_en="Text.")
    cluster = save_characteristics(
        client, publisher, cluster, "<p>Opis.</p>", "<p></p>"
    )
    assert cluster.characteristics_en == ""
    listed = client.get(reverse("admin:clusters_cluster_changelist") + "?missing=en")
    assert cluster.name_pl in listed.content.decode()


def test_a_stored_value_is_cleaned_again_when_shown(client):
    cluster = make_cluster()
    # As an import or a fixture could have written it, past the field's cleaning.
    Cluster.objects.filter(pk=cluster.pk).update(characteristics_pl=HOSTILE)
    page = Client().get(cluster.get_absolute_url()).content.decode()
    section = page.split('id="characteristics-heading"')[1].split("</section>")[0]
    assert "Zobacz" in section
    assert_clean(section)


def test_links_to_other_sites_are_marked_for_screen_readers_in_the_pages_language():
    cluster = make_cluster(characteristics_pl=KEPT, characteristics_en="")
    for language, note in [("pl", "(strona zewnętrzna)"), ("en", "(external site)")]:
        with translation.override(language):
            page = Client().get(cluster.get_absolute_url()).content.decode()
        external = re.search(r'<a href="https://lublin.eu/">(.*?)</a>', page)
        assert external, language
        assert external.group(1) == (
            f'lublin.eu<span class="visually-hidden" lang="{language}"> {note}</span>'
        )
        # Mail and telephone links open no other site; no link opens a new window.
        assert '<a href="mailto:biuro@example.pl">biuro@example.pl</a>' in page
        assert '<a href="tel:+48814662507">81 466 25 07</a>' in page
        assert "target=" not in page


def test_a_link_to_this_site_is_not_marked(settings):
    settings.SITE_URL = "https://klastry.lublin.eu"
    cluster = make_cluster(
        characteristics_pl='<p><a href="https://klastry.lublin.eu/pl/">katalog</a> i '
        '<a href="/pl/wyzyny/">Wyżyny</a></p>'
    )
    page = Client().get(cluster.get_absolute_url()).content.decode()
    assert '<a href="https://klastry.lublin.eu/pl/">katalog</a>' in page
    assert '<a href="/pl/wyzyny/">Wyżyny</a>' in page


def test_the_public_page_shows_the_formatting_under_the_sections_heading():
    cluster = make_cluster(characteristics_pl=KEPT)
    page = Client().get(cluster.get_absolute_url()).content.decode()
    section = page.split('id="characteristics-heading"')[1].split("</section>")[0]
    assert "<h3>Dla kogo</h3>" in section
    assert (
        "<ul><li><strong>firmy</strong></li><li><em>uczelnie</em></li></ul>" in section
    )


def test_a_fallback_text_keeps_its_language_and_note():
    cluster = make_cluster(characteristics_pl="", characteristics_en=KEPT)
    with translation.override("pl"):
        page = Client().get(cluster.get_absolute_url()).content.decode()
    section = page.split('id="characteristics-heading"')[1].split("</section>")[0]
    assert '<p class="lang-note">(tekst w języku angielskim)</p><div lang="en">' in (
        section
    )
    # The note for screen readers is in the page's language, marked as such.
    assert '<span class="visually-hidden" lang="pl"> (strona zewnętrzna)</span>' in (
        section
    )


def test_a_legacy_plain_value_still_renders_as_paragraphs_with_linked_addresses():
    cluster = make_cluster()
    Cluster.objects.filter(pk=cluster.pk).update(
        characteristics_pl="Pierwszy akapit & coś.\n\nDrugi: www.lublin.eu"
    )
    page = Client().get(cluster.get_absolute_url()).content.decode()
    assert "<p>Pierwszy akapit &amp; coś.</p>" in page
    assert '<p>Drugi: <a href="http://www.lublin.eu">www.lublin.eu<span' in page


def test_the_conversion_makes_paragraphs_line_breaks_and_links():
    converted = html_from_plain_text(
        "Klaster <b>IT</b>\nwięcej: https://example.com/a?b=1&c=2.\n\n"
        "Pisz: biuro@example.pl"
    )
    assert converted == (
        "<p>Klaster &lt;b&gt;IT&lt;/b&gt;<br>więcej: "
        '<a href="https://example.com/a?b=1&amp;c=2">'
        "https://example.com/a?b=1&amp;c=2</a>.</p>\n\n"
        '<p>Pisz: <a href="mailto:biuro@example.pl">biuro@example.pl</a></p>'
    )
    assert html_from_plain_text("  \n ") == ""


def test_plain_text_gives_back_the_words_of_a_converted_text():
    text = "Klaster & partnerzy\nwww.lublin.eu\n\nDrugi akapit."
    assert plain_text(html_from_plain_text(text)) == text
    assert plain_text("<h3>Dla kogo</h3><ul><li>firmy</li><li>uczelnie</li></ul>") == (
        "Dla kogo\n\nfirmy\n\nuczelnie"
    )


def test_meta_descriptions_and_structured_data_carry_plain_text():
    cluster = make_cluster(characteristics_pl=KEPT)
    page = Client().get(cluster.get_absolute_url()).content.decode()
    description = re.search(r'<meta name="description" content="([^"]*)"', page)
    assert description.group(1).startswith("Napisz na biuro@example.pl, zadzwoń")
    assert "&lt;" not in description.group(1)
    og = re.search(r'<meta property="og:description" content="([^"]*)"', page)
    assert og.group(1) == description.group(1)
    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    descriptions = re.findall(r'"description": ?"([^"]*)"', data.group(1))
    assert descriptions and not [text for text in descriptions if "<" in text]
    assert any(text.startswith("Napisz na biuro@example.pl") for text in descriptions)


def test_search_finds_the_words_not_the_markup():
    make_cluster(key="found", characteristics_pl=KEPT)
    with translation.override("pl"):
        assert [c.key for c in ClusterFilter({"q": "uczelnie"}).qs] == ["found"]
        assert [c.key for c in ClusterFilter({"q": "strong"}).qs] == []
        assert [c.key for c in ClusterFilter({"q": "mailto"}).qs] == []
    stored = Cluster.objects.get(key="found").search_text
    assert "strong" not in stored and "href" not in stored


def test_a_highlands_body_is_searched_by_its_words():
    highland = make_highland(body_pl="<h2>Przemysł</h2><p><em>motoryzacja</em></p>")
    assert highland.body_pl == "<h2>Przemysł</h2><p><em>motoryzacja</em></p>"
    make_cluster(key="in-highland", highlands=[highland])
    with translation.override("pl"):
        assert [c.key for c in ClusterFilter({"q": "motoryzacja"}).qs] == [
            "in-highland"
        ]


def test_subheadings_are_only_those_that_fit_under_the_pages_heading():
    coordinator = make_coordinator(description_pl="<h3>Tytuł</h3><p>Opis</p>")
    cluster = make_cluster(characteristics_pl="<h2>Za wysoko</h2><h4>Dobrze</h4>")
    # A coordinator's text is shown under its name, an h3: no subheadings.
    assert "<h3>" not in coordinator.description_pl
    assert plain_text(coordinator.description_pl) == "Tytuł\n\nOpis"
    assert "<h2>" not in cluster.characteristics_pl
    assert "<h4>Dobrze</h4>" in cluster.characteristics_pl


def test_the_word_diff_compares_the_words_of_formatted_texts():
    old = '<p>Klaster <strong>łączy</strong> firmy.</p><ul><li>"<b>IT</b>"</li></ul>'
    new = '<p>Klaster <em>łączy</em> uczelnie.</p><ul><li>"&lt;script&gt;"</li></ul>'
    diff = word_diff(old, new)
    assert "strong" not in diff and "<em>" not in diff
    assert diff.startswith("Klaster łączy <del>firmy.")
    assert "<ins>uczelnie." in diff
    assert "&lt;script&gt;" in diff and "<script>" not in diff
    with translation.override("pl"):
        assert word_diff("<p>Klaster <b>IT</b></p>", "<p>Klaster IT</p>") == (
            "Zmieniono tylko formatowanie."
        )


def test_the_revision_comparison_shows_formatted_texts_as_words():
    old = {"fields": {"characteristics_pl": "<p>Stary <strong>opis</strong>.</p>"}}
    new = {"fields": {"characteristics_pl": "<p>Nowy opis.</p>"}}
    (change,) = compare(Cluster, old | {"children": {}}, new | {"children": {}}).fields
    assert (change.old, change.new) == ("Stary opis.", "Nowy opis.")


def csp(response) -> dict[str, list[str]]:
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split("; ")
    }


def test_the_admin_form_allows_its_import_map_by_a_nonce_alone(client, editor):
    cluster = make_cluster()
    client.force_login(editor)
    response = client.get(change_url(cluster))
    policy = csp(response)
    nonces = [source for source in policy["script-src"] if source.startswith("'nonce-")]
    assert len(nonces) == 1
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert policy["style-src"] == ["'self'", PROSEMIRROR_STYLE_HASH]
    nonce = nonces[0][len("'nonce-") : -1]
    page = response.content.decode()
    import_map = re.search(
        r'<script type="importmap"([^>]*)>(.*?)</script>', page, re.S
    )
    assert f'nonce="{nonce}"' in import_map.group(1)
    assert "django-prose-editor/editor" in json.loads(import_map.group(2))["imports"]
    # Every other script is a file of this site, without the nonce.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert [attrs for attrs in inline if "importmap" not in attrs] == []


def test_public_pages_have_no_nonce_and_no_inline_allowance():
    cluster = make_cluster(characteristics_pl=KEPT)
    for address in [cluster.get_absolute_url(), "/pl/", "/en/"]:
        policy = Client().get(address)["Content-Security-Policy"]
        assert "nonce-" not in policy and "unsafe-inline" not in policy, address
        assert "sha256-" not in policy, address


def test_the_allowed_stylesheet_is_the_one_the_editor_adds():
    """The hash allowed in the admin's style-src is that of the base stylesheet the
    installed django-prose-editor's tiptap adds: a new version with other CSS fails
    here rather than leaving the editor unstyled."""
    script = Path(django_prose_editor.__file__).parent.joinpath(
        "static/django_prose_editor/editor.js"
    )
    source = script.read_text("utf-8")
    start = source.index("`.ProseMirror {\n  position: relative;") + 1
    css = source[start : source.index("`", start)]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert PROSEMIRROR_STYLE_HASH == f"'sha256-{digest}'"


def test_the_toolbars_catalogue_is_served_in_polish(client, editor):
    client.force_login(editor)
    with translation.override("pl"):
        catalogue = client.get(reverse("admin:jsi18n")).content.decode()
    assert "W\\u0142a\\u015bciwo\\u015bci listy" in catalogue or (
        "Właściwości listy" in catalogue
    )
    page = client.get(change_url(make_cluster())).content.decode()
    assert (
        "pogrubienie" in page
    )  # the toolbar's labels (admin-extra/rich-text-editor.js)
