"""While someone has a record's form open, others opening it are told who and since
when ("Anna Kowalska edytuje ten rekord od 10:02"); the note lapses after a save."""

import re
from datetime import UTC, datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.urls import reverse

from clusters.models import Cluster
from cms import presence
from tests.admin_forms import form_values
from tests.factories import make_cluster
from tests.staff_sessions import StaffClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture
def anna(db) -> User:
    user = User.objects.create_user(
        "anna", first_name="Anna", last_name="Kowalska", is_staff=True
    )
    user.groups.add(Group.objects.get(name="editors"))
    return user


def opened_by(user, url) -> tuple[StaffClient, str]:
    client = StaffClient()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return client, response.content.decode()


def test_others_see_who_is_editing_since_when_in_local_time(anna, editor):
    cluster = make_cluster()
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    _client, first_look = opened_by(anna, url)
    assert "edytuje ten rekord" not in first_look
    # Anna opened it at 09:02 UTC, 10:02 in Lublin.
    key = presence.cache_key(Cluster, cluster.pk)
    notes = cache.get(key)
    notes[anna.pk]["since"] = datetime(2026, 3, 2, 9, 2, tzinfo=UTC)
    cache.set(key, notes)

    _other, page = opened_by(editor, url)

    notice = re.search(r'<div [^>]*role="status">\s*<p>([^<]*)</p>', page)
    assert notice and notice[1] == "Anna Kowalska edytuje ten rekord od 10:02."


def test_the_note_lapses_when_its_user_saves(anna, editor):
    cluster = make_cluster()
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    annas, form = opened_by(anna, url)
    others, page = opened_by(editor, url)
    assert "Anna Kowalska edytuje ten rekord" in page

    values = form_values(form) | {"characteristics_pl": ["Nowy opis."]}
    assert annas.post(url, values).status_code == HTTPStatus.FOUND

    assert "edytuje ten rekord" not in others.get(url).content.decode()
