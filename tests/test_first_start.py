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
    first = setup_instance(settings)
    assert (
        "The site:\n"
        "  http://127.0.0.1:8123/pl/  (Polish)\n"
        "  http://127.0.0.1:8123/en/  (English)\n"
        "The admin: http://127.0.0.1:8123/zaplecze/\n"
    ) in first
    if connection.vendor != "sqlite":
        # A server database: staff accounts are made on purpose, none printed.
        assert "Password" not in first
        assert "no local superuser created" in first
        assert "No user admin: ./manage.py createsuperuser makes one." in first
        assert not User.objects.filter(username="admin").exists()
        return
    password = re.search(r"User: admin  Password: (\S+)", first)[1]
    assert User.objects.get(username="admin").check_password(password)

    again = setup_instance(settings)
    assert "Password" not in again
    assert "User: admin  (a new password: make admin-password)" in again


def test_without_an_admin_user_it_says_how_to_make_one(settings):
    User.objects.create_superuser("kierownik", password="unused-Password-1")
    assert "./manage.py createsuperuser" in setup_instance(settings)
