"""The documents library: uploads checked by content, reports and pages that link
them, with type and size in the visitor's language."""

import re
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from cms import revisions
from cms.documents import Document, check_document
from tests import sample_files
from tests.factories import make_document, make_page, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "mime_type"),
    [
        ("raport.pdf", sample_files.pdf(), "application/pdf"),
        (
            "sprawozdanie.docx",
            sample_files.ooxml("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "dane.xlsx",
            sample_files.ooxml("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "prezentacja.pptx",
            sample_files.ooxml("pptx"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (
            "notatka.odt",
            sample_files.open_document("odt"),
            "application/vnd.oasis.opendocument.text",
        ),
        (
            "arkusz.ods",
            sample_files.open_document("ods"),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        (
            "slajdy.odp",
            sample_files.open_document("odp"),
            "application/vnd.oasis.opendocument.presentation",
        ),
        ("lista.csv", sample_files.CSV, "text/csv; charset=utf-8"),
        ("opis.TXT", "Zażółć gęślą jaźń\n".encode(), "text/plain; charset=utf-8"),
    ],
)
def test_accepted_types_are_recognised_by_content(name, content, mime_type):
    assert check_document(upload(name, content), name).mime_type == mime_type


REFUSED_BY_CONTENT = {
    "a program renamed .pdf": ("program.pdf", sample_files.EXECUTABLE),
    "a web page renamed .pdf": ("strona.pdf", sample_files.HTML),
    "a web page renamed .txt": ("strona.txt", sample_files.HTML),
    "a plain ZIP renamed .docx": ("archiwum.docx", sample_files.plain_zip()),
    "a macro-enabled Word file renamed .docx": (
        "makra.docx",
        sample_files.ooxml("docx", macros=True),
    ),
    "binary data named .csv": ("dane.csv", b"Klaster\x00\x01\x02"),
    "text not in UTF-8 named .csv": ("dane.csv", "Miejscowość".encode("cp1250")),
    "an image named .pdf": ("zdjecie.pdf", sample_files.image("PNG")),
}


@pytest.mark.parametrize("case", REFUSED_BY_CONTENT)
def test_a_file_of_a_type_not_accepted_is_refused_whatever_its_name(case):
    name, content = REFUSED_BY_CONTENT[case]
    with pytest.raises(ValidationError) as refused:
        check_document(upload(name, content), name)
    assert refused.value.code == "type_not_accepted"


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("raport.docx", sample_files.pdf(), "PDF"),
        ("raport.pdf", sample_files.ooxml("docx"), "DOCX"),
        ("dane.ods", sample_files.ooxml("xlsx"), "XLSX"),
        ("notatka.pdf", "Zwykły tekst".encode(), "CSV / TXT"),
        ("raport", sample_files.pdf(), "PDF"),
    ],
)
def test_a_name_that_disagrees_with_the_content_is_refused(name, content, found):
    with pytest.raises(ValidationError) as refused:
        check_document(upload(name, content), name)
    assert refused.value.code == "extension_mismatch"
    assert refused.value.params["found"] == found


def test_a_file_over_the_limit_is_refused(settings):
    settings.DOCUMENT_MAX_SIZE = 1000
    with pytest.raises(ValidationError) as refused:
        check_document(upload("duzy.pdf", sample_files.pdf(padding=2000)), "duzy.pdf")
    assert refused.value.code == "too_large"


def add_document(client, name: str, content: bytes, **fields):
    return client.post(
        reverse("admin:cms_document_add"),
        {"title": "Raport o klastrach 2024", "language": "pl", **fields}
        | {"file": upload(name, content)},
    )


def test_an_editor_uploads_a_pdf_with_its_type_and_size_stored(client, editor):
    client.force_login(editor)
    content = sample_files.pdf(padding=5000)

    response = add_document(client, "raport-2024.pdf", content)

    assert response.status_code == HTTPStatus.FOUND
    document = Document.objects.get()
    assert (document.mime_type, document.size) == ("application/pdf", len(content))
    assert document.file.name.startswith("documents/")
    assert document.file.name.endswith("/raport-2024.pdf")
    with default_storage.open(document.file.name, "rb") as stored:
        assert stored.read() == content


def test_a_renamed_program_is_refused_in_polish_keeping_what_was_typed(client, editor):
    client.force_login(editor)

    response = add_document(
        client, "raport.pdf", sample_files.EXECUTABLE, title="Raport, który wpisałam"
    )

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Plik „raport.pdf” nie jest dokumentem w formacie" in page
    assert "niezależnie od nazwy" in page
    assert 'value="Raport, który wpisałam"' in page
    assert not Document.objects.exists()


def test_a_misnamed_file_is_refused_in_polish_saying_how_to_fix_it(client, editor):
    client.force_login(editor)

    response = add_document(client, "raport.pdf", sample_files.ooxml("docx"))

    page = response.content.decode()
    assert "ale jego zawartość to DOCX" in page
    assert "by kończyła się na .docx" in page
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused_in_polish_naming_the_limit(
    client, editor, settings
):
    settings.DOCUMENT_MAX_SIZE = 1024 * 1024
    client.force_login(editor)

    response = add_document(
        client, "duzy.pdf", sample_files.pdf(padding=1024 * 1024 + 10)
    )

    page = response.content.decode()
    assert "a dokument może mieć najwyżej 1,0\xa0MB" in page
    assert not Document.objects.exists()


def test_the_library_lists_type_size_and_where_each_document_is_used(client, publisher):
    used = make_document(sample_files.pdf(padding=1_250_000), title="Raport PARP")
    make_report(title_pl="Klastry w Polsce", document=used)
    page = make_page(title_pl="O klastrach")
    page.documents.add(used)
    make_document(sample_files.CSV, name="lista.csv", title="Lista klastrów")
    client.force_login(publisher)

    listing = client.get(reverse("admin:cms_document_changelist")).content.decode()

    assert "Dokumenty" in listing
    rows = {
        title: next(
            row.split("</tr>")[0]
            for row in listing.split("<tr")
            if f">{title}</a>" in row
        )
        for title in ("Raport PARP", "Lista klastrów")
    }
    assert "PDF" in rows["Raport PARP"] and "1,2\xa0MB" in rows["Raport PARP"]
    assert (
        "Publikacja: " in rows["Raport PARP"]
        and "Klastry w Polsce" in rows["Raport PARP"]
    )
    assert "Strona: " in rows["Raport PARP"] and "O klastrach" in rows["Raport PARP"]
    assert "CSV" in rows["Lista klastrów"] and "nieużywany" in rows["Lista klastrów"]


def test_a_document_a_report_links_cannot_be_deleted(client, publisher):
    document = make_document(title="Raport PARP")
    make_report(title_pl="Klastry w Polsce", document=document)
    client.force_login(publisher)

    url = reverse("admin:cms_document_delete", args=[document.pk])
    page = client.get(url).content.decode()
    client.post(url, {"post": "yes"})

    assert "Klastry w Polsce" in page
    assert Document.objects.filter(pk=document.pk).exists()
    assert default_storage.exists(document.file.name)


def test_deleting_or_replacing_a_document_removes_its_old_file(
    client, publisher, django_capture_on_commit_callbacks
):
    replaced, deleted = make_document(), make_document()
    old_name = replaced.file.name
    client.force_login(publisher)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:cms_document_change", args=[replaced.pk]),
            {"title": replaced.title, "language": "en"}
            | {"file": upload("nowy.pdf", sample_files.pdf())},
        )
        client.post(
            reverse("admin:cms_document_delete", args=[deleted.pk]), {"post": "yes"}
        )

    replaced.refresh_from_db()
    assert replaced.file.name.endswith("/nowy.pdf") and replaced.language == "en"
    assert default_storage.exists(replaced.file.name)
    assert not default_storage.exists(old_name)
    assert not default_storage.exists(deleted.file.name)


# The public page: "Materiały o klastrach" and the downloads of a page.


def about_page(client, language: str) -> str:
    with translation.override(language):
        url = reverse("clusters:about")
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def report_item(page: str, title: str) -> str:
    (item,) = [li for li in page.split("<li>") if title in li]
    return re.sub(r"\s+", " ", item.split("</li>")[0])


@pytest.mark.parametrize(
    ("language", "shown"), [("pl", "(PDF, 1,2 MB)"), ("en", "(PDF, 1.2 MB)")]
)
def test_a_report_links_its_document_with_type_and_size(client, language, shown):
    document = make_document(sample_files.pdf(padding=1_250_000), language=language)
    make_page(key="about-clusters")
    make_report(
        title_pl="Klastry w Polsce", title_en="Clusters in Poland", document=document
    )

    item = report_item(
        about_page(client, language), "Poland" if language == "en" else "Polsce"
    )

    assert f'<a href="/media/{document.file.name}">' in item
    assert f"{shown}</span>, 2015" in item
    assert "hreflang" not in item
    assert "example.org" not in item


def test_a_document_in_the_other_language_says_so(client):
    document = make_document(language="pl", title="Raport PARP")
    make_page(key="about-clusters")
    make_report(
        title_pl="Klastry w Polsce", title_en="Clusters in Poland", document=document
    )

    item = report_item(about_page(client, "en"), "Clusters in Poland")

    assert f'<a href="/media/{document.file.name}" hreflang="pl">' in item
    assert ", in Polish)" in item


def test_a_report_without_a_document_keeps_its_external_address(client):
    make_page(key="about-clusters")
    make_report(title_pl="Stary raport", url="https://example.org/stary.pdf")
    make_report(title_pl="Nowy raport", document=make_document())

    page = about_page(client, "pl")

    assert (
        '<a href="https://example.org/stary.pdf" rel="external">Stary raport</a>'
        in report_item(page, "Stary raport")
    )
    assert "Publikacje znajdują się na innych stronach" in page


def test_the_moved_addresses_warning_is_left_out_when_every_report_is_hosted(client):
    make_page(key="about-clusters")
    make_report(title_pl="Nowy raport", document=make_document())

    with_hosted = about_page(client, "en")

    assert "some addresses may have moved" not in with_hosted


@pytest.mark.parametrize(
    ("language", "heading", "size"),
    [
        ("pl", "Pliki do pobrania", "(CSV, 50 bajtów"),
        ("en", "Downloads", "(CSV, 50 bytes"),
    ],
)
def test_a_page_lists_its_downloads(client, language, heading, size):
    page = make_page(key="about-clusters")
    page.documents.add(
        make_document(sample_files.CSV, name="lista.csv", title="Lista klastrów"),
        make_document(language="en", title="Cluster report"),
    )

    shown = about_page(client, language)

    assert f'<h2 id="downloads-heading">{heading}</h2>' in shown
    csv_item = report_item(shown, "Lista klastrów")
    assert size in csv_item
    english = report_item(shown, "Cluster report")
    if language == "pl":
        assert 'hreflang="en"><span lang="en">Cluster report</span></a>' in english
    else:
        assert 'hreflang="pl"><span lang="pl">Lista klastrów</span></a>' in csv_item
        assert "hreflang" not in english


def test_a_pages_revision_keeps_its_downloads():
    page = make_page()
    document = make_document()
    page.documents.add(document)
    content = revisions.snapshot(page)
    page.documents.clear()

    revisions.restore(type(page), content)

    assert list(page.documents.all()) == [document]
