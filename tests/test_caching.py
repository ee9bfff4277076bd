"""Public pages come from the cache, and no visitor ever sees content older than an edit.

Runs on the embedded default (file-based cache) and, when REDIS_URL is set, on Redis
(`.ci/run` does both). Responses are only stored outside transactions, so the tests
that need stored responses use the `transactional_db` fixture.
"""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http import HTTPStatus
from pathlib import Path
from unittest import mock

import pytest
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils import translation

from clusters.models import Cluster
from cms import caching
from cms.caching import bump_content_version, content_version, is_public_path
from cms.disk_cache import DiskCache
from tests.factories import (
    make_cluster,
    make_highland,
    make_statement,
    make_team_member,
)
from tests.processes import free_port

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture(autouse=True)
def isolated_cache(settings, tmp_path):
    if not REDIS_URL:
        settings.CACHES = {
            "default": {
                "BACKEND": "cms.disk_cache.DiskCache",
                "LOCATION": tmp_path / "cache",
            }
        }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def visitor() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def export_url() -> str:
    return "/api/v1/clusters.json"


@pytest.mark.django_db(transaction=True)
def test_cached_page_is_served_without_queries(visitor, django_assert_num_queries):
    cluster = make_cluster(name_pl="Klaster Alfa")
    first = visitor.get(cluster.get_absolute_url())
    assert first.status_code == HTTPStatus.OK
    with django_assert_num_queries(0):
        second = visitor.get(cluster.get_absolute_url())
        head = visitor.head(cluster.get_absolute_url())
    assert second.status_code == HTTPStatus.OK
    assert second.content == first.content
    assert "Klaster Alfa" in second.content.decode()
    assert head.status_code == HTTPStatus.OK


@pytest.mark.django_db(transaction=True)
def test_export_is_served_without_queries(visitor, django_assert_num_queries):
    make_cluster(name_pl="Klaster Alfa")
    first = visitor.get(export_url())
    assert first.status_code == HTTPStatus.OK
    with django_assert_num_queries(0):
        second = visitor.get(export_url())
    assert second.getvalue() == first.getvalue()


@pytest.mark.django_db(transaction=True)
def test_edit_is_shown_at_once(visitor):
    cluster = make_cluster(name_pl="Klaster Alfa")
    assert "Klaster Alfa" in visitor.get(cluster.get_absolute_url()).content.decode()
    cluster.name_pl = "Klaster Beta"
    cluster.save()
    page = visitor.get(cluster.get_absolute_url()).content.decode()
    assert "Klaster Beta" in page
    assert "Klaster Alfa" not in page
    assert "Klaster Beta" in visitor.get(export_url()).getvalue().decode()


@pytest.mark.django_db(transaction=True)
def test_deleted_cluster_disappears_at_once(visitor):
    cluster = make_cluster()
    url = cluster.get_absolute_url()
    assert visitor.get(url).status_code == HTTPStatus.OK
    cluster.delete()
    assert visitor.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db(transaction=True)
def test_unpublished_highland_disappears_from_cached_cluster_page(visitor):
    highland = make_highland(name_pl="Wyżyna Testowa")
    cluster = make_cluster(highlands=[highland])
    assert "Wyżyna Testowa" in visitor.get(cluster.get_absolute_url()).content.decode()
    cluster.highlands.clear()
    assert (
        "Wyżyna Testowa" not in visitor.get(cluster.get_absolute_url()).content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_an_edited_team_member_is_shown_at_once_on_the_contact_page(visitor):
    member = make_team_member(name="Anna Kowalska")
    with translation.override("pl"):
        url = reverse("contacts:team")
    assert url == "/pl/kontakt/"
    assert "Anna Kowalska" in visitor.get(url).content.decode()
    member.name = "Anna Nowak"
    member.save()
    page = visitor.get(url).content.decode()
    assert "Anna Nowak" in page
    assert "Anna Kowalska" not in page


@pytest.mark.django_db(transaction=True)
def test_an_edited_accessibility_statement_is_shown_at_once(visitor):
    statement = make_statement(architecture_pl="<p>Budynek ma windę.</p>")
    with translation.override("pl"):
        url = reverse("contacts:accessibility")
    assert "Budynek ma windę." in visitor.get(url).content.decode()
    statement.architecture_pl = "<p>Budynek ma podjazd.</p>"
    statement.save()
    page = visitor.get(url).content.decode()
    assert "Budynek ma podjazd." in page
    assert "Budynek ma windę." not in page


def in_another_process(request):
    """`request()` run as another application process would: in a thread, with a
    database connection of its own, outside this one's transaction."""
    results = []

    def run():
        try:
            results.append(request())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return results[0]


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_before_the_commit_under_the_new_version_is_not_served(
    visitor,
):
    """Between a write's bump and its commit, another process renders the committed
    (old) rows under the new version; the bump at commit makes that copy stale."""
    cluster = make_cluster(name_pl="Klaster Alfa")
    url = cluster.get_absolute_url()
    with transaction.atomic():
        bump_content_version()
        early = in_another_process(lambda: visitor.get(url))
        Cluster.objects.filter(pk=cluster.pk).update(name_pl="Klaster Beta")
    assert "Klaster Alfa" in early.content.decode()
    page = visitor.get(url).content.decode()
    assert "Klaster Beta" in page
    assert "Klaster Alfa" not in page


def cookie_setting_view(request):
    cookie_setting_view.calls += 1
    response = HttpResponse(f"render {cookie_setting_view.calls}")
    response.set_cookie("chosen", "yes")
    return response


urlpatterns = [path("pl/ciasteczko/", cookie_setting_view)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls(__name__)
def test_a_public_response_that_sets_a_cookie_is_never_cached(visitor):
    cookie_setting_view.calls = 0
    first = visitor.get("/pl/ciasteczko/")
    second = visitor.get("/pl/ciasteczko/")
    assert first.content == b"render 1"
    assert second.content == b"render 2"
    assert second.cookies["chosen"].value == "yes"
    assert "public" not in second.get("Cache-Control", "")


@pytest.mark.django_db
def test_save_delete_and_m2m_change_bump_the_version():
    highland = make_highland()
    cluster = make_cluster()
    versions = [content_version()]
    cluster.name_pl = "Nowa nazwa"
    cluster.save()
    versions.append(content_version())
    cluster.highlands.add(highland)
    versions.append(content_version())
    highland.delete()
    versions.append(content_version())
    assert len(set(versions)) == len(versions)


@pytest.mark.django_db
def test_fixture_load_bumps_the_version(tmp_path):
    highland = make_highland(name_pl="Wyżyna z fixtures")
    fixture = tmp_path / "highland.json"
    fixture.write_text(
        serializers.serialize("json", [highland], use_natural_primary_keys=True)
    )
    before = content_version()
    call_command("loaddata", fixture, verbosity=0)
    assert content_version() != before


@pytest.mark.django_db
def test_unrelated_model_does_not_bump_the_version(django_user_model):
    before = content_version()
    django_user_model.objects.create_user("someone")
    assert content_version() == before


@pytest.mark.django_db(transaction=True)
def test_responses_carry_validators_and_shared_lifetime(visitor):
    cluster = make_cluster()
    response = visitor.get(cluster.get_absolute_url())
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert response["ETag"].startswith('"')
    assert response.has_header("Last-Modified")
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cached", [False, True], ids=["miss", "hit"])
def test_conditional_get_answers_not_modified(visitor, cached):
    cluster = make_cluster()
    url = cluster.get_absolute_url()
    response = visitor.get(url)
    if not cached:
        # Drop the stored page but keep the content version: a lost version is a new
        # one, whose later Last-Modified would rightly answer 200.
        version = content_version()
        cache.clear()
        cache.set(caching._version_key(), version, timeout=None)
    assert (
        visitor.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code
        == HTTPStatus.NOT_MODIFIED
    )
    assert (
        visitor.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code
        == HTTPStatus.NOT_MODIFIED
    )
    assert visitor.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == HTTPStatus.OK


@pytest.mark.django_db(transaction=True)
def test_admin_is_never_cached(admin_client):
    make_cluster()
    url = "/admin/clusters/cluster/"
    admin_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert len(queries) > 0
    assert "public" not in response.get("Cache-Control", "")
    assert not is_public_path(url)
    assert not is_public_path("/healthz")


@pytest.mark.django_db(transaction=True)
def test_signed_in_user_bypasses_the_cache(visitor, admin_client):
    cluster = make_cluster()
    visitor.get(cluster.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(cluster.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert len(queries) > 0
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_page_rendered_inside_a_transaction_is_not_stored(visitor):
    """A test's rolled-back rows must not outlive it in the cache."""
    cluster = make_cluster()
    visitor.get(cluster.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        visitor.get(cluster.get_absolute_url())
    assert len(queries) > 0


# Two application processes sharing the cache.


def fetch(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return r.read().decode()


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the application process exited"
        try:
            fetch(port, "/healthz")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise TimeoutError(f"nothing answers on port {port}")


@pytest.fixture(params=["file", "redis"])
def shared_cache_env(request, tmp_path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
    }
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("REDIS_URL is not set (.ci/run sets it)")
        env["REDIS_URL"] = REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    return env


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


def test_two_processes_never_serve_stale_content(shared_cache_env, tmp_path):
    env = shared_cache_env
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    created = manage(
        env,
        "shell",
        "-c",
        "from tests.factories import make_cluster; "
        "print(make_cluster(name_pl='Klaster Alfa').get_absolute_url())",
    )
    url = created.strip().splitlines()[-1]
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "lublin.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_until_up(port, process)
        a, b = ports
        assert "Klaster Alfa" in fetch(a, url)
        assert "Klaster Alfa" in fetch(a, "/api/v1/clusters.json")

        # Behind the ORM's back (no signal): both processes keep serving the shared
        # cached page, which proves the page comes from the cache they share.
        with sqlite3.connect(tmp_path / "db.sqlite3") as db:
            db.execute("UPDATE clusters_cluster SET name_pl = 'Klaster Beta'")
        assert "Klaster Alfa" in fetch(b, url)

        # An edit through the ORM, from a third process, as the admin would make it.
        manage(
            env,
            "shell",
            "-c",
            "from clusters.models import Cluster; c = Cluster.objects.get(); "
            "c.name_pl = 'Klaster Gamma'; c.save()",
        )
        for port in ports:
            for _attempt in range(4):  # reach both workers of each process
                assert "Klaster Gamma" in fetch(port, url)
                export = json.loads(fetch(port, "/api/v1/clusters.json"))
                assert "Klaster Gamma" in json.dumps(export, ensure_ascii=False)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


# Only canonical addresses are stored: no one can flood the cache.


def served_from_cache(client: Client, url: str) -> bool:
    """Whether `url` answers 200 without a query (as only a stored page can)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return not queries


def directory_url() -> str:
    with translation.override("en"):
        return reverse("clusters:list")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "address",
    [
        "directory?utm_source=newsletter",
        "directory?status=active&status=inactive",
        "cluster?q=alfa",
        "export?offset=2",
        "export?status=",
    ],
)
def test_addresses_with_unknown_repeated_or_empty_parameters_are_not_cached(
    visitor, address
):
    cluster = make_cluster(name_pl="Klaster Alfa", status="active")
    page, query = address.split("?")
    path = {
        "directory": directory_url(),
        "cluster": cluster.get_absolute_url(),
        "export": export_url(),
    }[page]
    visitor.get(path)
    assert served_from_cache(visitor, path)
    visitor.get(f"{path}?{query}")
    assert not served_from_cache(visitor, f"{path}?{query}")


@pytest.mark.django_db(transaction=True)
def test_two_orders_of_the_same_parameters_share_one_entry(visitor):
    make_cluster(name_pl="Klaster Alfa", status="active")
    directory = directory_url()
    visitor.get(f"{directory}?status=active&sort=-name&q=alfa")
    assert served_from_cache(visitor, f"{directory}?q=alfa&sort=-name&status=active")
    visitor.get(f"{export_url()}?status=active&sort=-name")
    assert served_from_cache(visitor, f"{export_url()}?sort=-name&status=active")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "query", ["year_from=abc", "sort=bogus", "highland=nowhere", "page=999", "page=1"]
)
def test_a_directory_address_with_invalid_values_is_shown_but_not_cached(
    visitor, query
):
    make_cluster(name_pl="Klaster Alfa")
    url = f"{directory_url()}?{query}"
    response = visitor.get(url)
    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    assert not served_from_cache(visitor, url)


@pytest.mark.django_db(transaction=True)
def test_a_later_page_of_the_directory_is_cached(visitor):
    for number in range(21):
        make_cluster(name_pl=f"Klaster {number:02}")
    visitor.get(f"{directory_url()}?page=2")
    assert served_from_cache(visitor, f"{directory_url()}?page=2")


def test_the_embedded_cache_keeps_to_its_bound(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_CACHE_MEGABYTES"}
    }
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings; "
            "print(json.dumps(settings.CACHES['default'], default=str))",
        ],
        env=env | {"DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    shipped = json.loads(printed)
    assert shipped["BACKEND"] == "cms.disk_cache.DiskCache"
    megabyte = 1024 * 1024
    # docs/settings.md: DJANGO_CACHE_MEGABYTES
    assert shipped["OPTIONS"]["size_limit"] == 512 * megabyte
    # The shipped cache, its bound made small enough to pass in a test.
    bounded = DiskCache(
        str(tmp_path / "bounded"),
        shipped | {"OPTIONS": shipped["OPTIONS"] | {"size_limit": megabyte}},
    )
    page = b"x" * 40 * 1024
    for number in range(100):  # four times the bound
        bounded.set(f"page-{number}", page)
    assert bounded._cache.volume() <= 1.2 * megabyte
    assert bounded.get("page-99") == page  # the newest stays
    assert bounded.get("page-0") is None  # the oldest went first


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_costs_one_cache_round_trip(visitor):
    cluster = make_cluster(name_pl="Klaster Alfa")
    first = visitor.get(cluster.get_absolute_url())
    calls = []

    class Recorder:
        def __getattr__(self, name):
            calls.append(name)
            return getattr(cache, name)

    with mock.patch.object(caching, "cache", Recorder()):
        second = visitor.get(cluster.get_absolute_url())
    assert second.content == first.content
    # The version, its boundary and the page together: one MGET on Redis.
    assert calls == ["get_many"]


@pytest.mark.django_db(transaction=True)
def test_a_new_version_replaces_the_page_entry_instead_of_adding_one(visitor):
    cluster = make_cluster(name_pl="Klaster Alfa")
    visitor.get(cluster.get_absolute_url())
    cluster.name_pl = "Klaster Beta"
    cluster.save()
    stored = []

    class Recorder:
        def __getattr__(self, name):
            return getattr(cache, name)

        def set_many(self, values, timeout=None):
            stored.extend(values)
            return cache.set_many(values, timeout)

    with mock.patch.object(caching, "cache", Recorder()):
        again = visitor.get(cluster.get_absolute_url())
    assert "Klaster Beta" in again.content.decode()
    assert served_from_cache(visitor, cluster.get_absolute_url())
    # The address's entry, overwritten: the old page is gone, not left to expire.
    (page_key,) = [key for key in stored if key.startswith("page:")]
    _version, _boundary, (_status, _headers, content) = cache.get(page_key)
    assert content == again.content


@pytest.mark.django_db(transaction=True)
def test_the_embedded_cache_stays_open_between_requests(visitor, settings, tmp_path):
    # The embedded cache, also in the run where the others use Redis.
    settings.CACHES = {
        "default": {"BACKEND": "cms.disk_cache.DiskCache", "LOCATION": tmp_path / "c"}
    }
    cluster = make_cluster(name_pl="Klaster Alfa")
    visitor.get(cluster.get_absolute_url())
    visitor.get(cluster.get_absolute_url())  # every connection of this thread open
    with mock.patch("diskcache.core.sqlite3.connect", wraps=sqlite3.connect) as opened:
        for _hit in range(3):
            assert served_from_cache(visitor, cluster.get_absolute_url())
    # Django closes the caches after every request; this one keeps its databases.
    assert opened.call_count == 0
