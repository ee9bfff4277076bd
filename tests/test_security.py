"""Security by default: headers on every response, throttled admin login."""

import os
import subprocess
import sys
import urllib.request
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from bench.run import Gunicorn, Nginx
from tests.http_client import Browser

pytestmark = pytest.mark.django_db

PASSWORD = "correct-Horse-battery-9"


@pytest.fixture
def staff_user(db) -> User:
    return User.objects.create_user("staff", password=PASSWORD, is_staff=True)


def login_form(password: str) -> dict[str, str]:
    """The sign-in page's first step (django-two-factor-auth's wizard)."""
    return {
        "login_view-current_step": "auth",
        "auth-username": "staff",
        "auth-password": password,
    }


def login(client, password: str, address: str = "10.0.0.1", **headers):
    return client.post(
        reverse("two_factor:login"),
        login_form(password),
        REMOTE_ADDR=address,
        **headers,
    )


def login_through_proxy(client, password: str, forwarded_for: str):
    """A login as nginx passes it on: from the proxy's address, with the header."""
    return login(client, password, "127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)


@pytest.mark.parametrize("url", ["/healthz", "/admin/login/"])
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_admin_login_locks_after_five_failures_for_that_account_and_address(
    client, staff_user
):
    for _attempt in range(4):
        assert login(client, "wrong").status_code == HTTPStatus.OK
    assert login(client, "wrong").status_code == HTTPStatus.TOO_MANY_REQUESTS
    locked = login(client, PASSWORD)
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by someone else's failures.
    assert login(client, PASSWORD, address="10.0.0.2").status_code == HTTPStatus.FOUND


def test_a_successful_login_resets_the_failure_count(client, staff_user):
    for _attempt in range(4):
        login(client, "wrong")
    assert login(client, PASSWORD).status_code == HTTPStatus.FOUND
    assert not AccessAttempt.objects.filter(failures_since_start__gt=0).exists()


def test_the_admin_path_is_configurable(settings):
    assert reverse("admin:index") == f"/{settings.ADMIN_PATH}"


def test_behind_a_proxy_a_forged_forwarded_for_does_not_escape_the_lockout(
    client, staff_user, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    # nginx appends the address it saw (10.0.0.1) to whatever the client sent, which
    # may be a list, or quoted text that a lenient parser would read across the comma.
    forgeries = ["203.0.113.0", "203.0.113.1, 203.0.113.2", '203.0.113.3, "', '"x']
    for forged in forgeries:
        response = login_through_proxy(client, "wrong", f"{forged}, 10.0.0.1")
        assert response.status_code == HTTPStatus.OK
    locked = login_through_proxy(client, "wrong", "203.0.113.99, 10.0.0.1")
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    right = login_through_proxy(client, PASSWORD, "198.51.100.7, 10.0.0.1")
    assert right.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "10.0.0.1"
    }


def test_behind_a_proxy_one_clients_failures_never_lock_out_another(
    client, staff_user, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for _attempt in range(5):
        login_through_proxy(client, "wrong", "10.0.0.1")
    assert (
        login_through_proxy(client, PASSWORD, "10.0.0.1").status_code
        == HTTPStatus.TOO_MANY_REQUESTS
    )
    assert login_through_proxy(client, PASSWORD, "10.0.0.2").status_code == (
        HTTPStatus.FOUND
    )


def test_behind_two_proxies_the_client_is_the_second_address_from_the_right(
    client, staff_user, settings
):
    settings.TRUSTED_PROXY_COUNT = 2
    login_through_proxy(client, "wrong", "203.0.113.1, 10.0.0.1, 172.16.0.1")
    assert AccessAttempt.objects.get().ip_address == "10.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for"),
    [
        (1, None),  # not through the proxy: the address it saw is unknown
        (2, "10.0.0.1"),  # one proxy fewer than configured
        (0, "10.0.0.1"),  # behind a proxy that the settings do not know of
    ],
)
def test_a_login_whose_client_address_is_unknown_is_refused_loudly(
    client, staff_user, settings, caplog, proxies, forwarded_for
):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    response = login(client, PASSWORD, "127.0.0.1", **headers)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()
    assert "DJANGO_TRUSTED_PROXY_COUNT" in caplog.text


@pytest.fixture
def site_behind_nginx(tmp_path):
    """gunicorn behind the shipped nginx configuration, as `make bench` runs it,
    trusting one proxy as docs/deployment.md says; a staff account in its own
    database."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
    }
    create_staff = (
        "from django.contrib.auth.models import User; "
        f"User.objects.create_user('staff', password={PASSWORD!r}, is_staff=True)"
    )
    for command in (["migrate", "--no-input"], ["shell", "-c", create_staff]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    gunicorn = Gunicorn(env)
    try:
        nginx = Nginx(gunicorn.port, tmp_root=tmp_path)
        try:
            yield nginx.port
        finally:
            nginx.stop()
    finally:
        gunicorn.stop()


def test_through_nginx_forged_forwarded_for_is_locked_out_and_others_are_not(
    site_behind_nginx,
):
    attacker = Browser(site_behind_nginx, "127.0.0.2")
    # A plain address, a list, and an unclosed quote that would swallow nginx's entry.
    forgeries = ["203.0.113.0", "203.0.113.1, 203.0.113.2", '203.0.113.3, "', '"x']
    for forged in forgeries:
        status = attacker.log_in("staff", "wrong", **{"X-Forwarded-For": forged})
        assert status == HTTPStatus.OK
    forged = {"X-Forwarded-For": "203.0.113.99"}
    assert attacker.log_in("staff", "wrong", **forged) == HTTPStatus.TOO_MANY_REQUESTS
    assert attacker.log_in("staff", PASSWORD) == HTTPStatus.TOO_MANY_REQUESTS
    # Someone else, connecting from another address, still signs in.
    colleague = Browser(site_behind_nginx, "127.0.0.1")
    assert colleague.log_in("staff", PASSWORD) == HTTPStatus.FOUND


def test_through_nginx_every_response_has_an_id_of_its_own(site_behind_nginx):
    """nginx's proxy cache replays what it stored: not the id of the request that
    stored the page (docs/deployment.md, X-Request-ID)."""
    ids, cache_statuses = [], []
    for _request in range(3):
        url = f"http://127.0.0.1:{site_behind_nginx}/pl/"
        with urllib.request.urlopen(url, timeout=10) as response:
            ids.append(response.headers.get_all("X-Request-ID"))
            cache_statuses.append(response.headers["X-Cache-Status"])
    assert "HIT" in cache_statuses  # a page served from nginx's own cache
    assert all(len(given) == 1 for given in ids)
    assert len({given[0] for given in ids}) == 3
