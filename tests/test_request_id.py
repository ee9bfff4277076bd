"""Each request has an id, in its `X-Request-ID` header and in its log lines; a page
served from the cache never repeats the id of the request that stored it."""

import io
import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from lublin.log_format import JSONFormatter, TextFormatter, logging_config
from lublin.request_id import RequestIdFilter
from tests.factories import make_cluster
from tests.processes import free_port

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def visitor() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


@pytest.fixture
def request_log():
    """What the site logs about requests, as the site's handler writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(TextFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_gets_the_id_of_the_request_it_answers(
    visitor, settings, tmp_path, django_assert_num_queries
):
    settings.CACHES = {
        "default": {"BACKEND": "diskcache.DjangoCache", "LOCATION": tmp_path / "c"}
    }
    cache.clear()
    url = make_cluster().get_absolute_url()
    first = visitor.get(url)
    with django_assert_num_queries(0):  # from the page cache
        second = visitor.get(url)
    assert first.status_code == second.status_code == HTTPStatus.OK
    assert GENERATED.fullmatch(first["X-Request-ID"])
    assert GENERATED.fullmatch(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proxies", "given", "accepted"),
    [
        (1, "0f4c2a9e8d7b6a5f4e3d2c1b0a9f8e7d", True),
        (1, "bad id\r\nlevel=ERROR", False),
        (1, "short", False),
        (0, "0f4c2a9e8d7b6a5f4e3d2c1b0a9f8e7d", False),
    ],
)
def test_the_proxys_well_formed_id_is_kept(visitor, settings, proxies, given, accepted):
    settings.TRUSTED_PROXY_COUNT = proxies
    response = visitor.get("/healthz", HTTP_X_REQUEST_ID=given)
    if accepted:
        assert response["X-Request-ID"] == given
    else:
        assert GENERATED.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db
def test_a_requests_log_lines_name_its_id(visitor, request_log):
    response = visitor.get("/pl/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    [line] = request_log.getvalue().splitlines()
    assert f"request_id={response['X-Request-ID']} " in line
    assert "message=Not Found: /pl/no-such-page/" in line


def test_lines_are_in_utc_with_the_offset_whatever_the_local_zone():
    # Django sets the process's zone to TIME_ZONE (Warsaw); the lines keep UTC.
    record = logging.LogRecord("root", logging.INFO, __file__, 1, "hello", (), None)
    record.created = 1_780_000_000.25
    RequestIdFilter().filter(record)
    assert TextFormatter().format(record) == (
        "time=2026-05-28T20:26:40.250+00:00 level=INFO logger=root request_id=- "
        "message=hello"
    )
    assert json.loads(JSONFormatter().format(record)) == {
        "time": "2026-05-28T20:26:40.250+00:00",
        "level": "INFO",
        "logger": "root",
        "request_id": "-",
        "message": "hello",
    }


def test_the_log_format_is_chosen_by_the_environment(monkeypatch):
    monkeypatch.delenv("DJANGO_LOG_FORMAT", raising=False)
    assert logging_config({})["formatters"]["line"]["()"] is TextFormatter
    monkeypatch.setenv("DJANGO_LOG_FORMAT", "json")
    assert logging_config({})["formatters"]["line"]["()"] is JSONFormatter
    monkeypatch.setenv("DJANGO_LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_LOG_FORMAT"):
        logging_config({})


@pytest.mark.parametrize("asked", [False, True], ids=["no access log", "access log"])
def test_gunicorn_writes_an_access_line_only_when_asked(tmp_path, asked):
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "DJANGO_SETTINGS_MODULE"
    } | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "lublin.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        *(["--access-logfile", "-"] if asked else []),
    ]
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as output:
        server = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=output
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/healthz", timeout=5
                    )
                    break
                except urllib.error.HTTPError:  # answered (no tables yet: 503)
                    break
                except OSError:
                    assert server.poll() is None and time.monotonic() < deadline
                    time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=20)
    access_lines = [
        line for line in log.read_text().splitlines() if "gunicorn.access" in line
    ]
    assert len(access_lines) == (1 if asked else 0)
