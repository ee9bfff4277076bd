"""Media on the local disk, served at /media/: renditions and documents only, each
with its own type, nosniff, a sandboxing CSP and its cache lifetime."""

from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory

from cms.caching import is_cacheable_request, is_cacheable_response
from tests import sample_files
from tests.factories import make_document

pytestmark = pytest.mark.django_db

MEDIA_POLICY = {"default-src 'none'", "sandbox"}


def stored(name: str, content: bytes) -> str:
    saved = default_storage.save(name, ContentFile(content))
    assert saved == name  # each test stores under names of its own
    return saved


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def rendition_name(request) -> str:
    # A name of this test's own: the media folder is shared by the test run.
    return f"renditions/{abs(hash(request.node.nodeid))}/logo-320"


@pytest.mark.parametrize(
    ("suffix", "pillow_format", "content_type"),
    [
        (".webp", "WEBP", "image/webp"),
        (".jpg", "JPEG", "image/jpeg"),
        (".png", "PNG", "image/png"),
    ],
)
def test_a_rendition_is_served_with_its_type_for_a_year(
    client, rendition_name, suffix, pillow_format, content_type
):
    content = sample_files.image(pillow_format)
    name = stored(rendition_name + suffix, content)

    response = client.get(f"/media/{name}")

    assert response.status_code == HTTPStatus.OK
    assert body(response) == content
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert set(response["Content-Security-Policy"].split("; ")) == MEDIA_POLICY
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "set-cookie" not in response.headers


def test_a_pdf_opens_in_the_browser_with_its_detected_type(client):
    document = make_document(sample_files.pdf(), name="Raport 2024.pdf")

    response = client.get(document.file.url)

    assert response.status_code == HTTPStatus.OK
    assert body(response) == sample_files.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="Raport_2024.pdf"'
    assert response["Cache-Control"] == "public, max-age=3600"
    # No "sandbox" for a PDF: Safari shows a sandboxed PDF as an empty page.
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        (
            "sprawozdanie-łódź.docx",
            sample_files.ooxml("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("lista.csv", sample_files.CSV, "text/csv; charset=utf-8"),
    ],
)
def test_other_documents_download_under_their_own_name(
    client, name, content, content_type
):
    document = make_document(content, name=name)

    response = client.get(document.file.url)

    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment; filename")
    if name.isascii():
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    else:
        assert (
            "filename*=utf-8''sprawozdanie-%C5%82%C3%B3d%C5%BA.docx"
            in (response["Content-Disposition"])
        )
    assert body(response) == content


def test_originals_are_never_served(client):
    name = stored("images/original-never-served.jpg", sample_files.image("JPEG"))

    assert client.get(f"/media/{name}").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "name", ["page.html", "logo.svg", "script.js", "logo"], ids=lambda n: n
)
def test_a_rendition_of_a_type_not_allowed_is_not_served(client, rendition_name, name):
    stored(f"{rendition_name}/{name}", sample_files.HTML)

    assert (
        client.get(f"/media/{rendition_name}/{name}").status_code
        == HTTPStatus.NOT_FOUND
    )


def test_a_file_no_document_holds_is_not_served(client):
    name = stored("documents/orphan/raport.pdf", sample_files.pdf())

    assert client.get(f"/media/{name}").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "path",
    [
        "/media/renditions/../images/secret.jpg",
        "/media/renditions/%2e%2e/images/secret.jpg",
        "/media/renditions/..%2fimages/secret.jpg",
        "/media/renditions/..%5c..%5cimages%5csecret.jpg",
        "/media/renditions//etc/passwd.png",
        "/media//etc/passwd",
        "/media/renditions/./logo.png",
        "/media/../lublin/settings.py",
        "/media/renditions",
        "/media/documents/",
        "/media/renditions/logo%00.png",
    ],
)
def test_paths_outside_the_public_folders_are_not_served(client, path):
    if not default_storage.exists("images/secret.jpg"):
        stored("images/secret.jpg", sample_files.image("JPEG"))

    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_an_unchanged_file_answers_304(client, rendition_name):
    name = stored(rendition_name + ".webp", sample_files.image("WEBP"))
    first = client.get(f"/media/{name}")

    by_etag = client.get(f"/media/{name}", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(
        f"/media/{name}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )

    assert by_etag.status_code == by_date.status_code == HTTPStatus.NOT_MODIFIED
    assert by_etag["ETag"] == first["ETag"]
    assert by_etag["Cache-Control"] == "public, max-age=31536000, immutable"
    assert by_etag.content == b""


def test_head_gives_the_headers_without_the_file(client):
    document = make_document()

    response = client.head(document.file.url)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert int(response["Content-Length"]) == document.size
    assert body(response) == b""


def test_media_cannot_be_posted_to(client):
    document = make_document()

    assert client.post(document.file.url).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_page_cache_never_stores_media(client):
    document = make_document()
    request = RequestFactory().get(document.file.url)

    response = client.get(document.file.url)

    assert not is_cacheable_request(request)
    assert not is_cacheable_response(response)


def test_nothing_is_served_when_media_are_on_s3(client, settings, rendition_name):
    name = stored(rendition_name + ".png", sample_files.image("PNG"))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "cms.s3_storage.MediaS3Storage",
            "OPTIONS": {"bucket_name": "lublin-media", "region_name": "eu-central-1"},
        },
    }

    assert client.get(f"/media/{name}").status_code == HTTPStatus.NOT_FOUND
