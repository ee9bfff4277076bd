"""Security by default: headers on every response, throttled admin login."""

from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-Horse-battery-9"


@pytest.fixture
def staff_user(db) -> User:
    return User.objects.create_user("staff", password=PASSWORD, is_staff=True)


def login(client, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": "staff", "password": password},
        REMOTE_ADDR=address,
    )


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
