"""What IT staff operate, each off unless configured: error reports to a Sentry
compatible tracker (SENTRY_DSN) and Prometheus metrics on an address of their own
(DJANGO_METRICS_ADDRESS); see docs/operations.md."""

import contextlib
import gzip
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from bench.run import Gunicorn
from tests.processes import children, database_of_its_own, free_port

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A migrated database of this module's own: PostgreSQL when the run is on it."""
    run_url = os.environ.get("DATABASE_URL", "")
    with contextlib.ExitStack() as stack:
        if run_url.startswith("postgres"):
            url = stack.enter_context(database_of_its_own(run_url, "lublin_operations"))
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('operations') / 'db.sqlite3'}"
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input"],
            cwd=BASE_DIR,
            env=os.environ
            | {"DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": url},
            check=True,
            capture_output=True,
            timeout=120,
        )
        yield url


def vendor(database_url: str) -> str:
    return "postgresql" if database_url.startswith("postgres") else "sqlite"


def django_in_subprocess(
    env: dict[str, str], code: str, database_url: str = "sqlite://:memory:"
) -> subprocess.CompletedProcess:
    """`code` run after django.setup(), with the test settings and `env`."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SENTRY_"))
    }
    test_settings = {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        env=clean | test_settings | env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


class Tracker(BaseHTTPRequestHandler):
    """An error tracker's intake, as Sentry's SDK posts to it: envelopes."""

    received: list[bytes]

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args):
        pass


@pytest.fixture
def tracker():
    """(its DSN, the envelopes it received)."""
    received: list[bytes] = []
    handler = type("Handler", (Tracker,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://publickey@127.0.0.1:{server.server_port}/1", received
    server.shutdown()


def events(envelopes: list[bytes]) -> list[dict]:
    """The error events in the envelopes (header line, then item header and payload)."""
    found = []
    for envelope in envelopes:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


FAILING_REQUEST = """
from django.test import Client, override_settings
import sentry_sdk

with override_settings(ROOT_URLCONF="tests.failing_urls", ALLOWED_HOSTS=["*"]):
    response = Client(raise_request_exception=False).post(
        "/fails/",
        {"auth-username": "redaktorka", "auth-password": "Tajne-Haslo-2026"},
        HTTP_COOKIE="sessionid=secret-session",
        REMOTE_ADDR="203.0.113.7",
    )
Client().get("/pl/", HTTP_HOST="scanner.example")
sentry_sdk.flush(timeout=10)
print(response.status_code, response["X-Request-ID"])
"""


def test_an_error_is_reported_to_the_tracker_with_the_request_id_and_no_personal_data(
    tracker, database_url
):
    dsn, envelopes = tracker
    result = django_in_subprocess(
        {"SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": "test-instance"},
        FAILING_REQUEST,
        database_url,
    )
    assert result.returncode == 0, result.stderr
    status, request_id = result.stdout.split()
    assert status == "500"

    [event] = [e for e in events(envelopes) if e.get("exception")]
    exception = event["exception"]["values"][-1]  # the last one raised
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "Nie udało się: test raportu błędów"
    # The id the visitor's browser shows, to find the log lines of that request.
    assert event["tags"]["request_id"] == request_id
    assert event["environment"] == "test-instance"
    # No personal data: not the visitor's address, their session cookie, nor what
    # they posted (a sign-in's user name and password).
    reported = b"\n".join(envelopes)
    for personal in (b"203.0.113.7", b"secret-session", b"redaktorka", b"Tajne-Haslo"):
        assert personal not in reported
    # A request for a host the site does not serve is no error of the site's.
    assert b"scanner.example" not in reported


def test_without_a_dsn_there_is_no_error_tracker():
    active = django_in_subprocess(
        {}, "import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    )
    assert active.stdout.strip() == "False"


def test_metrics_are_off_unless_an_address_is_set():
    result = django_in_subprocess(
        {},
        "from django.conf import settings\n"
        "print('django_prometheus' in settings.INSTALLED_APPS, settings.METRICS_ADDRESS)",
    )
    assert result.stdout.split() == ["False", "None"]


def test_with_metrics_on_the_first_start_still_makes_the_local_admin(database_url):
    """On the embedded database, whose engine django-prometheus then wraps."""
    result = django_in_subprocess(
        {"DJANGO_METRICS_ADDRESS": "127.0.0.1:9464"},
        "from django.core.management import call_command\n"
        "call_command('setup_instance', '--empty', '--local-superuser')",
        database_url,
    )
    assert result.returncode == 0, result.stderr
    made = re.search(r"User: admin  Password: \S{16,}", result.stdout)
    assert bool(made) == (vendor(database_url) == "sqlite"), result.stdout


@pytest.mark.parametrize("address", ["9464", "localhost:", "127.0.0.1:http", ":9464"])
def test_a_metrics_address_that_is_not_host_and_port_stops_the_start(address):
    result = django_in_subprocess({"DJANGO_METRICS_ADDRESS": address}, "")
    assert result.returncode != 0
    assert "DJANGO_METRICS_ADDRESS must be host:port, e.g. 127.0.0.1:9464" in (
        result.stderr
    )


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus's text format (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    # Without labels, every series of the metric, added up.
    series = rf"\{{{re.escape(wanted)}\}}" if labels else r"(?:\{[^}]*\})?"
    pattern = rf"^{re.escape(name)}{series} (\S+)$"
    values = [float(found) for found in re.findall(pattern, text, re.MULTILINE)]
    return sum(values)


@pytest.fixture
def site_with_metrics(tmp_path, database_url):
    """gunicorn with two workers as `make run` serves, metrics on a port of their own;
    yields (the site's gunicorn, the metrics' address)."""
    metrics_port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
        "DJANGO_METRICS_ADDRESS": f"127.0.0.1:{metrics_port}",
        "TMPDIR": str(tmp_path),  # where its workers' metrics files go
    }
    with Gunicorn(env) as gunicorn:
        yield gunicorn, f"http://127.0.0.1:{metrics_port}/metrics"


def scrape(url: str) -> str:
    return urllib.request.urlopen(url, timeout=10).read().decode()


def test_metrics_count_requests_latencies_cache_hits_and_database_time_of_every_worker(
    site_with_metrics, database_url, tmp_path
):
    gunicorn, metrics_url = site_with_metrics
    for _request in range(5):
        urllib.request.urlopen(gunicorn.url("/pl/"), timeout=10).read()
    text = scrape(metrics_url)

    # Every request, a cached page's too, is counted and timed, whichever worker
    # answered it.
    assert metric(text, "django_http_requests_before_middlewares_total") >= 5
    latency = "django_http_requests_latency_including_middlewares_seconds_count"
    assert metric(text, latency) >= 5
    # The first one rendered the page; the others were read from the page cache.
    assert metric(text, "lublin_page_cache_requests_total", result="miss") == 1
    assert metric(text, "lublin_page_cache_requests_total", result="hit") == 4
    # The rendering's queries, and the time they took.
    database = {"alias": "default", "vendor": vendor(database_url)}
    assert metric(text, "django_db_query_duration_seconds_count", **database) > 0
    assert metric(text, "django_db_query_duration_seconds_sum", **database) > 0

    # A worker that dies takes none of the counts with it, and a made-up method is
    # counted as such, not as a label of its own.
    master = gunicorn.process.pid
    killed = children(master)[0]
    os.kill(killed, signal.SIGKILL)
    wait_for_workers(master, tmp_path, gone=killed)
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn.port, timeout=10)
    connection.request("AAAA", "/pl/")
    connection.getresponse().read()
    after = scrape(metrics_url)
    assert metric(after, "lublin_page_cache_requests_total", result="hit") == 4
    assert "AAAA" not in after
    by_view = "django_http_requests_latency_seconds_by_view_method_count"
    assert metric(after, by_view, method="<invalid method>", view="home") == 1


def test_a_reload_keeps_counting_and_a_stop_removes_the_workers_files(
    site_with_metrics, tmp_path
):
    gunicorn, metrics_url = site_with_metrics
    urllib.request.urlopen(gunicorn.url("/pl/"), timeout=10).read()
    [folder] = metrics_folders(tmp_path)
    os.kill(gunicorn.process.pid, signal.SIGHUP)  # new workers, the config read again
    deadline = time.monotonic() + 30
    while metric(scrape(metrics_url), "lublin_page_cache_requests_total") < 3:
        assert time.monotonic() < deadline, "the reloaded workers are not counted"
        with contextlib.suppress(OSError):
            urllib.request.urlopen(gunicorn.url("/pl/"), timeout=10).read()
        time.sleep(0.5)
    assert metrics_folders(tmp_path) == [folder]
    wait_for_workers(gunicorn.process.pid, tmp_path)
    gunicorn.stop()
    assert metrics_folders(tmp_path) == []


def metrics_folders(tmp_path: Path) -> list[Path]:
    """The metrics folders of the instance whose TMPDIR is `tmp_path`."""
    return list(tmp_path.glob("lublin-metrics-*"))


def wait_for_workers(master: int, tmp_path: Path, gone: int | None = None) -> None:
    """Until every worker of `master` (and not `gone`) has set up Django, as its
    metrics files show; with its signal handlers too, so a stop is not left waiting
    for a worker that missed it (gunicorn's graceful timeout, 30 s)."""
    [folder] = metrics_folders(tmp_path)
    deadline = time.monotonic() + 30
    while gone in (workers := children(master)) or not all(
        list(folder.glob(f"*_{worker}.db")) for worker in workers
    ):
        assert time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.2)
