"""Media on an S3-compatible store, against moto's in-process S3: the settings from
the environment, and files that come back as they went in, with their headers."""

import json
import os
import subprocess
import sys

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from moto import mock_aws
from storages.backends.s3 import S3Storage

from cms.s3_storage import MediaS3Storage
from tests import sample_files
from tests.factories import make_document

pytestmark = pytest.mark.django_db

BUCKET = "lublin-media"
ENDPOINT = "https://s3.eu-central-1.amazonaws.com"
S3_ENVIRONMENT = {
    "DJANGO_MEDIA_S3_BUCKET": BUCKET,
    "DJANGO_MEDIA_S3_ENDPOINT_URL": ENDPOINT,
    "DJANGO_MEDIA_S3_REGION": "eu-central-1",
}


def settings_from(env: dict[str, str]) -> subprocess.CompletedProcess:
    """The production settings as the environment makes them, in a process of their
    own (settings are read once per process)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    script = (
        "import json\nfrom django.conf import settings\n"
        "print(json.dumps({'default': settings.STORAGES['default'], 'img_src': "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        env=clean
        | {"DJANGO_SETTINGS_MODULE": "lublin.settings", "DJANGO_SECRET_KEY": "k" * 50}
        | env,
        capture_output=True,
        text=True,
    )


def configured(env: dict[str, str]) -> dict:
    result = settings_from(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_bucket_media_stay_on_the_local_disk():
    settings = configured({})

    assert settings["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert settings["img_src"] == ["'self'", "data:"]


def test_a_bucket_in_the_environment_makes_the_s3_storage():
    settings = configured(S3_ENVIRONMENT)

    assert settings["default"]["BACKEND"] == "cms.s3_storage.MediaS3Storage"
    assert issubclass(MediaS3Storage, S3Storage)
    assert (
        settings["default"]["OPTIONS"].items()
        >= {
            "bucket_name": BUCKET,
            "endpoint_url": ENDPOINT,
            "region_name": "eu-central-1",
            "querystring_auth": False,
        }.items()
    )
    assert settings["img_src"] == ["'self'", "data:", ENDPOINT]


def test_a_custom_domain_is_where_images_come_from():
    settings = configured(
        S3_ENVIRONMENT | {"DJANGO_MEDIA_S3_CUSTOM_DOMAIN": "media.lublin.eu"}
    )

    assert settings["default"]["OPTIONS"]["custom_domain"] == "media.lublin.eu"
    assert settings["img_src"] == ["'self'", "data:", "https://media.lublin.eu"]


def test_a_bucket_without_the_stores_address_is_refused():
    result = settings_from({"DJANGO_MEDIA_S3_BUCKET": BUCKET})

    assert result.returncode != 0
    assert "needs DJANGO_MEDIA_S3_ENDPOINT_URL" in result.stderr


@pytest.fixture
def s3(settings, monkeypatch):
    """moto's S3 with the bucket, as the default storage the environment makes."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="eu-central-1")
        client.create_bucket(
            Bucket=BUCKET,
            CreateBucketConfiguration={"LocationConstraint": "eu-central-1"},
        )
        settings.STORAGES = {
            **settings.STORAGES,
            "default": configured(S3_ENVIRONMENT)["default"],
        }
        yield client


def test_a_document_comes_back_from_s3_byte_identical_with_its_headers(s3):
    content = sample_files.pdf(padding=300_000)

    document = make_document(content, name="raport-2024.pdf")

    stored = s3.get_object(Bucket=BUCKET, Key=document.file.name)
    assert stored["Body"].read() == content
    assert stored["ContentType"] == "application/pdf"
    assert stored["CacheControl"] == "public, max-age=3600"
    assert stored["ContentDisposition"] == 'inline; filename="raport-2024.pdf"'
    with default_storage.open(document.file.name, "rb") as read_back:
        assert read_back.read() == content
    assert document.file.url == f"{ENDPOINT}/{BUCKET}/{document.file.name}"


def test_renditions_are_cached_for_a_year_and_originals_get_no_public_headers(s3):
    rendition = default_storage.save(
        "renditions/logo-320.webp", ContentFile(sample_files.image("WEBP"))
    )
    original = default_storage.save(
        "images/logo.jpg", ContentFile(sample_files.image("JPEG"))
    )

    rendition_object = s3.head_object(Bucket=BUCKET, Key=rendition)
    original_object = s3.head_object(Bucket=BUCKET, Key=original)
    assert rendition_object["ContentType"] == "image/webp"
    assert rendition_object["CacheControl"] == "public, max-age=31536000, immutable"
    assert "CacheControl" not in original_object
