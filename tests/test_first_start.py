"""`make run`'s setup ends with what to open and the admin's user: its password once,
when it is created, and afterwards how to set a new one (`make admin-password`)."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db


def setup_instance(settings) -> str:
    settings.SITE_URL = "http://127.0.0.1:8123"
    settings.ADMIN_PATH = "zaplecze/"
    out = io.StringIO()
    call_command("setup_instance", "--empty", "--local-superuser", stdout=out)
    return out.getvalue()


def test_the_first_start_names_the_addresses_and_the_new_password_once(settings):
    if connection.vendor != "sqlite":
        pytest.skip("a local superuser is made on the embedded database only")
    first = setup_instance(settings)
    assert (
        "The site:\n"
        "  http://127.0.0.1:8123/pl/  (Polish)\n"
        "  http://127.0.0.1:8123/en/  (English)\n"
        "The admin: http://127.0.0.1:8123/zaplecze/\n"
    ) in first
    password = re.search(r"User: admin  Password: (\S+)", first)[1]
    assert User.objects.get(username="admin").check_password(password)

    again = setup_instance(settings)
    assert "Password" not in again
    assert "User: admin  (a new password: make admin-password)" in again


def test_without_an_admin_user_it_says_how_to_make_one(settings):
    User.objects.create_superuser("kierownik", password="unused-Password-1")
    assert "./manage.py createsuperuser" in setup_instance(settings)


def test_on_a_server_database_no_account_is_made_and_no_password_shown(settings):
    if connection.vendor == "sqlite":
        pytest.skip("the embedded database gets its local superuser")
    shown = setup_instance(settings)
    assert "The admin: http://127.0.0.1:8123/zaplecze/\n" in shown
    assert "Password" not in shown
    assert "no local superuser created" in shown
    assert "No user admin: ./manage.py createsuperuser makes one." in shown
    assert not User.objects.filter(username="admin").exists()
