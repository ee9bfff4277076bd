"""The settings contract: read from the environment, safe when debug is off."""

import os
import shutil
import subprocess
import sys
from http import HTTPStatus
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def settings_in_subprocess(
    env: dict[str, str], expression: str
) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"from django.conf import settings; print(repr(({expression})))",
        ],
        env=clean | {"DJANGO_SETTINGS_MODULE": "lublin.settings"} | env,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = settings_in_subprocess(
        {"DJANGO_SECRET_KEY_FILE": str(tmp_path / "none")}, "settings.SECRET_KEY"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_key_make_run_generated_is_read_when_none_is_set(tmp_path):
    key_file = tmp_path / ".secret_key"
    key_file.write_text("generated-" + "g" * 50 + "\n")
    env = {"DJANGO_SECRET_KEY_FILE": str(key_file)}
    assert settings_in_subprocess(env, "settings.SECRET_KEY").stdout.strip() == (
        repr("generated-" + "g" * 50)
    )
    # An explicit key wins over the file.
    explicit = settings_in_subprocess(
        env | {"DJANGO_SECRET_KEY": "e" * 50}, "settings.SECRET_KEY"
    )
    assert explicit.stdout.strip() == repr("e" * 50)


def test_manage_py_works_with_no_prefix_in_a_checkout_make_run_served(tmp_path):
    key_file = tmp_path / ".secret_key"
    key_file.write_text("generated-" + "g" * 50)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    # As the README gives it: ./manage.py, which the system's Python starts.
    system_python = shutil.which("python3", path="/usr/bin:/bin")
    no_django = subprocess.run(
        [system_python, "-c", "import django"], capture_output=True
    )
    assert no_django.returncode != 0
    result = subprocess.run(
        ["./manage.py", "check"],
        env=clean | {"DJANGO_SECRET_KEY_FILE": str(key_file), "PATH": "/usr/bin:/bin"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_the_development_key():
    from lublin.settings import DEVELOPMENT_SECRET_KEY

    result = settings_in_subprocess(
        {"DJANGO_SECRET_KEY": DEVELOPMENT_SECRET_KEY}, "settings.DEBUG"
    )
    assert result.returncode != 0


def test_debug_accepts_only_zero_or_one():
    result = settings_in_subprocess({"DJANGO_DEBUG": "yes"}, "settings.DEBUG")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be 0 or 1" in result.stderr


def test_https_settings_are_on_by_default_when_debug_is_off():
    expression = (
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME"
    )
    result = settings_in_subprocess({"DJANGO_SECRET_KEY": "k" * 50}, expression)
    assert result.stdout.strip() == (
        "(True, 31536000, True, '__Host-sessionid', '__Host-csrftoken')"
    )


def test_secure_off_serves_plain_http():
    result = settings_in_subprocess(
        {"DJANGO_SECRET_KEY": "k" * 50, "DJANGO_SECURE": "0"},
        "settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_NAME",
    )
    assert result.stdout.strip() == "(False, 'sessionid')"


def test_database_url_selects_postgresql_with_its_timeouts():
    result = settings_in_subprocess(
        {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": "postgres://u@db.example:5433/cms",
            "DJANGO_DATABASE_CONNECT_TIMEOUT": "4",
            "DJANGO_DATABASE_STATEMENT_TIMEOUT": "9",
        },
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'], "
        "settings.DATABASES['default']['OPTIONS'], settings.DATABASE_STATEMENT_TIMEOUT",
    )
    assert result.stdout.strip() == (
        "('lublin.postgresql', 'cms', {'connect_timeout': 4}, 9)"
    )


def test_database_timeouts_are_whole_numbers():
    result = settings_in_subprocess(
        {"DJANGO_DEBUG": "1", "DJANGO_DATABASE_STATEMENT_TIMEOUT": "5s"},
        "settings.DATABASE_STATEMENT_TIMEOUT",
    )
    assert result.returncode != 0
    assert "DJANGO_DATABASE_STATEMENT_TIMEOUT must be a whole number, not '5s'" in (
        result.stderr
    )


def test_polish_is_the_default_language_and_warsaw_the_time_zone(settings):
    assert settings.LANGUAGE_CODE == "pl"
    assert [code for code, _name in settings.LANGUAGES] == ["pl", "en"]
    assert settings.TIME_ZONE == "Europe/Warsaw"


def test_healthz_reports_ok_without_cookie_or_caching(client):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_unavailable_when_the_database_fails(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "unavailable"}
    assert response["Retry-After"] == "30"


def test_healthz_is_exempt_from_the_ssl_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == HTTPStatus.OK
    assert (
        client.get(f"/{settings.ADMIN_PATH}").status_code
        == HTTPStatus.MOVED_PERMANENTLY
    )
