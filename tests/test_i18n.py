"""The Polish interface and the honest fallback between languages."""

import ast
import gettext as gettext_module
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from cms.templatetags.public import translated_fields
from cms.translated import translated_list, translated_text
from tests.factories import make_cluster, make_highland, make_item, make_page

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "pl" / "LC_MESSAGES"


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr forms by index,
    flags."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = {"flags": "", "msgstr": {}}
        target = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] = line
                continue
            match = re.match(
                r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d)\])? (".*")$', line
            )
            if match:
                name, index, value = match.groups()
                if name == "msgstr":
                    target = (entry["msgstr"], int(index or 0))
                else:
                    target = (entry, name)
                target[0][target[1]] = ""
            elif not line.startswith('"') or target is None:
                continue
            else:
                value = line
            target[0][target[1]] += ast.literal_eval(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def test_activating_polish_gives_the_polish_interface():
    with translation.override("pl"):
        assert gettext("Cluster directory") == "Katalog klastrów"
        assert gettext("Skip to main content") == "Przejdź do treści"


def test_polish_catalogue_is_complete_and_not_fuzzy():
    entries = read_po(CATALOGUE / "django.po")[1:]  # the first is the header
    assert len(entries) > 200
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_po_file():
    """A .po edited without `compilemessages` leaves a stale .mo: a fresh clone
    would then show English where the .po says Polish."""
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        mo = gettext_module.GNUTranslations(compiled)
    for entry in read_po(CATALOGUE / "django.po")[1:]:
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            for n, form in ((1, 0), (3, 1), (5, 2)):
                words = (entry["msgid"], entry["msgid_plural"], n)
                compiled = (
                    mo.npgettext(context, *words) if context else mo.ngettext(*words)
                )
                assert compiled == entry["msgstr"][form], entry["msgid"]
        elif context:
            compiled = mo.pgettext(context, entry["msgid"])
            assert compiled == entry["msgstr"][0], entry["msgid"]
        else:
            assert mo.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]


def test_polish_pages_show_polish_interface_strings(client):
    make_cluster()
    content = client.get("/pl/klastry/").content.decode()
    assert "<h1>Katalog klastrów</h1>" in content
    assert "Przejdź do treści" in content
    assert ">Szukaj</label>" in content


def test_english_pages_show_english_interface_strings(client):
    make_cluster()
    content = client.get("/en/clusters/").content.decode()
    assert "<h1>Cluster directory</h1>" in content
    assert ">Search</label>" in content


def test_polish_counts_use_polish_plural_forms(client):
    for _n in range(3):
        make_cluster()
    assert "3 klastry" in client.get("/pl/klastry/").content.decode()
    for _n in range(2):
        make_cluster()
    assert "5 klastrów" in client.get("/pl/klastry/").content.decode()


# The fallback helpers


def test_translated_text_is_the_active_languages_text_unmarked():
    cluster = make_cluster(name_pl="Klaster", name_en="Cluster")
    with translation.override("en"):
        name = translated_text(cluster, "name")
    assert (name.text, name.lang, name.is_fallback) == ("Cluster", "en", False)
    assert str(name) == "Cluster"


def test_translated_text_falls_back_with_its_own_language_and_a_note():
    cluster = make_cluster(name_pl="Klaster & Co", name_en="")
    with translation.override("en"):
        name = translated_text(cluster, "name")
        rendered = str(name)
    assert (name.text, name.lang, name.is_fallback) == ("Klaster & Co", "pl", True)
    assert rendered == (
        '<span lang="pl">Klaster &amp; Co</span> '
        '<span class="lang-note">(text in Polish)</span>'
    )


def test_blank_text_counts_as_missing():
    cluster = make_cluster(name_pl="Klaster", name_en="   ")
    with translation.override("en"):
        assert translated_text(cluster, "name").lang == "pl"


def test_paragraphs_split_on_blank_lines_and_escape():
    cluster = make_cluster(characteristics_pl="Jeden <i>.\n\nDwa\ntrzy.")
    with translation.override("pl"):
        paragraphs = translated_text(cluster, "characteristics").paragraphs
    assert paragraphs == "<p>Jeden &lt;i&gt;.</p>\n\n<p>Dwa<br>trzy.</p>"


def test_fallback_paragraphs_carry_lang_and_a_note_in_polish():
    cluster = make_cluster(characteristics_pl="", characteristics_en="Only English.")
    with translation.override("pl"):
        paragraphs = translated_text(cluster, "characteristics").paragraphs
    assert paragraphs == (
        '<p class="lang-note">(tekst w języku angielskim)</p>'
        '<div lang="en"><p>Only English.</p></div>'
    )


def test_a_list_all_in_the_other_language_is_marked_once():
    cluster = make_cluster()
    items = [
        make_item(cluster, text_pl="Cel", text_en=""),
        make_item(cluster, text_pl="Drugi cel", text_en=""),
    ]
    with translation.override("en"):
        marked = translated_list(items, "text")
        mixed = translated_list([*items, make_item(cluster, text_en="A goal")], "text")
        assert marked.lang == "pl" and marked.note == "(text in Polish)"
        assert mixed.lang == "" and mixed.note == ""


def test_several_fields_in_the_other_language_get_one_note():
    page = make_page(summary_pl="", summary_en="Summary.", body_pl="", body_en="Body.")
    with translation.override("pl"):
        rendered = translated_fields(page, "summary,body")
    assert rendered.count("(tekst w języku angielskim)") == 1
    assert rendered.startswith('<p class="lang-note">')
    assert '<div lang="en"><div class="text-summary"><p>Summary.</p></div>' in rendered


# Fallback on the pages


def test_cluster_page_marks_text_shown_in_the_other_language(client):
    cluster = make_cluster(
        name_pl="Lubelski Klaster Biotechnologiczny",
        name_en="",
        characteristics_pl="Klaster łączy naukę i biznes.",
        characteristics_en="",
    )
    with translation.override("en"):
        address = cluster.get_absolute_url()
    response = client.get(address)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert (
        '<h1><span lang="pl">Lubelski Klaster Biotechnologiczny</span> '
        '<span class="lang-note">(text in Polish)</span></h1>'
    ) in content
    assert '<div lang="pl"><p>Klaster łączy naukę i biznes.</p></div>' in content


def test_page_in_its_own_language_has_no_language_notes(client):
    cluster = make_cluster(characteristics_pl="Opis.", characteristics_en="About.")
    with translation.override("pl"):
        content = client.get(cluster.get_absolute_url()).content.decode()
    assert "lang-note" not in content
    # Only the switcher's link to the English page is in English.
    assert re.findall(r'\slang="en"', content) == [' lang="en"']
    assert '<a href="/en/' in content


def test_highland_page_marks_english_only_text_on_the_polish_page(client):
    highland = make_highland(
        name_pl="", name_en="Lublin IT Highland", body_en="The first ecosystem."
    )
    with translation.override("pl"):
        content = client.get(highland.get_absolute_url()).content.decode()
    assert '<html lang="pl">' in content
    assert '<span lang="en">Lublin IT Highland</span>' in content
    assert "(tekst w języku angielskim)" in content
    assert '<div lang="en"><div class="text-body"><p>The first ecosystem.</p>' in (
        content
    )
