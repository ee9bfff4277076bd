"""Staff sign-in: strong passwords, and the second factor (authenticator app, recovery
codes) that publishers and superusers must use."""

import re
from base64 import b32decode
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_cluster

pytestmark = pytest.mark.django_db

PASSWORD = "unused-Password-1"


def code(key: bytes, *, later: int = 0) -> str:
    """The authenticator app's code now (or `later` 30-second steps on: a code is
    accepted once, and a step either side of now)."""
    return f"{totp(key, drift=later):06d}"


def log_in(client, username: str) -> object:
    return client.post(
        reverse("two_factor:login"),
        {
            "login_view-current_step": "auth",
            "auth-username": username,
            "auth-password": PASSWORD,
        },
    )


def enter_code(client, token: str) -> object:
    return client.post(
        reverse("two_factor:login"),
        {"login_view-current_step": "token", "token-otp_token": token},
    )


def set_up_app(client) -> bytes:
    """The set-up pages, as a person goes through them; returns the app's key."""
    setup = reverse("two_factor:setup")
    generator = client.post(setup, {"setup_view-current_step": "welcome"})
    key = b32decode(generator.context["secret_key"])
    done = client.post(
        setup,
        {"setup_view-current_step": "generator", "generator-token": code(key)},
    )
    assert done.status_code == HTTPStatus.FOUND, done.content.decode()
    return key


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("admin", password=PASSWORD)


@pytest.fixture
def account_manager(db) -> User:
    """Staff who may change accounts, and so could make themselves a superuser."""
    user = User.objects.create_user("kadry", password=PASSWORD, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_user"))
    return user


@pytest.fixture
def publisher_without_app(publisher) -> User:
    TOTPDevice.objects.filter(user=publisher).delete()
    del publisher.otp_device
    return publisher


@pytest.mark.parametrize(
    "role", ["publisher_without_app", "superuser", "account_manager"]
)
def test_publishers_and_superusers_set_up_the_second_factor_before_any_admin_page(
    client, request, role
):
    client.force_login(request.getfixturevalue(role))
    cluster = make_cluster()
    for url in (
        reverse("admin:index"),
        reverse("admin:clusters_cluster_changelist"),
        reverse("admin:clusters_cluster_change", args=[cluster.pk]),
        reverse("admin:clusters_cluster_preview", args=[cluster.pk, "pl"]),
        reverse("admin:clusters_translations"),
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response["Location"].startswith(reverse("two_factor:setup")), url


def test_editors_may_use_the_admin_without_a_second_factor(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.OK
    # …and may set one up: the admin links to it.
    assert reverse("two_factor:profile") in client.get(reverse("admin:index")).text


def test_a_publisher_signed_in_without_the_code_is_sent_to_enter_it(client, publisher):
    client.force_login(User.objects.get(pk=publisher.pk))  # password only
    response = client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("two_factor:login"))


def test_first_sign_in_sets_up_the_app_and_every_later_one_asks_for_its_code(
    client, publisher_without_app
):
    signed_in = log_in(client, "publisher")
    assert signed_in.status_code == HTTPStatus.FOUND
    admin = client.get(reverse("admin:index"))
    assert admin["Location"].startswith(reverse("two_factor:setup"))
    key = set_up_app(client)
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.OK

    client.post(reverse("admin:logout"))
    asked = log_in(client, "publisher")
    assert asked.status_code == HTTPStatus.OK
    assert 'name="token-otp_token"' in asked.text
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.FOUND
    assert enter_code(client, code(key, later=1)).status_code == HTTPStatus.FOUND
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.OK


def test_an_editor_who_set_up_the_app_is_asked_for_its_code(client, editor):
    TOTPDevice.objects.create(user=editor, name="default", confirmed=True)
    asked = log_in(client, "editor")
    assert asked.status_code == HTTPStatus.OK
    assert 'name="token-otp_token"' in asked.text
    assert "_auth_user_id" not in client.session


def test_recovery_codes_sign_in_once_each(client, publisher):
    client.force_login(publisher)
    client.post(reverse("two_factor:backup_tokens"))
    page = client.get(reverse("two_factor:backup_tokens")).text
    recovery = re.findall(r"<li><code>(\w+)</code></li>", page)
    assert len(recovery) == 10
    client.post(reverse("admin:logout"))

    def sign_in_with(recovery_code: str):
        log_in(client, "publisher")
        client.post(
            reverse("two_factor:login"),
            {"login_view-current_step": "token", "wizard_goto_step": "backup"},
        )
        return client.post(
            reverse("two_factor:login"),
            {"login_view-current_step": "backup", "backup-otp_token": recovery_code},
        )

    assert sign_in_with(recovery[0]).status_code == HTTPStatus.FOUND
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.OK
    client.post(reverse("admin:logout"))
    assert sign_in_with(recovery[0]).status_code == HTTPStatus.OK  # used up
    assert "_auth_user_id" not in client.session


def test_the_admins_own_login_page_sends_to_the_sign_in_with_the_code(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("two_factor:login") + "?next=/admin/"


def test_it_staff_reset_a_lost_second_factor_with_a_command(client, publisher):
    call_command("two_factor_disable", "publisher")
    assert not TOTPDevice.objects.filter(user=publisher).exists()
    client.force_login(User.objects.get(pk=publisher.pk))
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("two_factor:setup"))


def test_second_factor_pages_are_polish_admin_pages_without_inline_code(
    client, publisher_without_app
):
    client.force_login(publisher_without_app)
    setup = reverse("two_factor:setup")
    welcome = client.get(setup).text
    generator = client.post(setup, {"setup_view-current_step": "welcome"}).text
    set_up_app(client)
    pages = {
        "welcome": welcome,
        "generator": generator,
        "complete": client.get(reverse("two_factor:setup_complete")).text,
        "codes": client.get(reverse("two_factor:backup_tokens")).text,
        "profile": client.get(reverse("two_factor:profile")).text,
        "disable": client.get(reverse("two_factor:disable")).text,
    }
    client.post(reverse("admin:logout"))
    pages["login"] = client.get(reverse("two_factor:login")).text
    assert "Skonfiguruj drugi składnik" in pages["welcome"]
    assert "Zeskanuj" in pages["generator"] or "zeskanuj" in pages["generator"]
    assert "Zaloguj się" in pages["login"]
    for name, content in pages.items():
        assert "admin/css/base.css" in content, name
        assert 'lang="pl"' in content, name
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=|javascript:", content), name
        for script in re.findall(r"<script[^>]*>", content):
            assert "src=" in script, (name, script)


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "ed2ed2ed2ed2",
        "abcdefghijkl",
        "jkowalski2024",
        "Lublin2024!!",
        "Klastry2025!!",
    ],
)
def test_weak_passwords_are_refused_in_polish(password):
    user = User(username="jkowalski", first_name="Jan", last_name="Kowalski")
    with translation.override("pl"), pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert "Hasło jest zbyt łatwe do odgadnięcia" in " ".join(refused.value.messages)


def test_a_long_unusual_password_is_accepted_without_composition_rules():
    user = User(username="jkowalski", first_name="Jan", last_name="Kowalski")
    validate_password("kot rower pociąg szafa", user)


def test_the_admin_shows_no_ones_authenticator_key(admin_client):
    index = admin_client.get(reverse("admin:index")).text
    assert "otp_totp" not in index
    assert "otp_static" not in index
