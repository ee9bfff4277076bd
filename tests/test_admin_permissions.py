"""Every admin route that writes checks the permission for what it writes: editors
never change a record's publication state, view-only staff never change anything."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clusters.models import Page
from tests.admin_forms import form_values
from tests.factories import make_cluster, make_highland, make_page

pytestmark = pytest.mark.django_db

PUBLISHABLE = {
    "cluster": (make_cluster, "name_en"),
    "Highland": (make_highland, "name_en"),
    "page": (make_page, "title_en"),
}
LATER = timezone.now() + timedelta(days=30)


def admin_url(obj, view: str, *args) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def publication(obj) -> tuple:
    obj.refresh_from_db()
    return (obj.is_published, obj.publish_from, obj.publish_until)


def two_versions(factory, field, first_state: dict, then_state: dict):
    """A record saved first with `first_state` and the text "Old", then with
    `then_state` and the text "New"; returns it and its first historical version."""
    obj = factory(**{field: "Old"}, **first_state)
    for name, value in {field: "New", **then_state}.items():
        setattr(obj, name, value)
    obj.save()
    return obj, obj.history.earliest()


def revert(client: Client, obj, version):
    """Opens the revert form of `version` and submits it; returns both answers."""
    url = admin_url(obj, "simple_history", obj.pk, version.pk)
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    return page, client.post(url, form_values(page.content.decode()))


@pytest.mark.parametrize(("factory", "field"), PUBLISHABLE.values(), ids=PUBLISHABLE)
def test_an_editors_revert_through_the_edit_history_writes_nothing(
    client, editor, factory, field
):
    """simple-history's revert would write the tables visitors read: for editors,
    whose changes are drafts, it is refused (reverting makes a draft instead)."""
    obj, published_version = two_versions(
        factory, field, {"is_published": True}, {"is_published": False}
    )
    client.force_login(editor)

    _page, response = revert(client, obj, published_version)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert publication(obj) == (False, None, None)
    assert getattr(obj, field) == "New"


def test_a_publishers_revert_restores_the_publication_state(client, publisher):
    cluster, published_version = two_versions(
        make_cluster, "name_en", {"is_published": True}, {"is_published": False}
    )
    client.force_login(publisher)

    _page, response = revert(client, cluster, published_version)

    assert response.status_code == HTTPStatus.FOUND
    assert publication(cluster) == (True, None, None)


def test_a_record_an_editor_adds_is_a_draft_whatever_is_posted(client, editor):
    client.force_login(editor)
    url = reverse("admin:clusters_page_add")
    data = form_values(client.get(url).content.decode())
    assert "is_published" not in data
    data |= {"key": ["new-page"], "title_pl": ["Nowa"], "slug_pl": ["nowa"]}
    data |= {"slug_en": ["new"], "is_published": ["on"]}
    data |= {"publish_from_0": ["2026-05-04"], "publish_from_1": ["09:00:00"]}

    assert client.post(url, data).status_code == HTTPStatus.FOUND

    page = Page.objects.get(key="new-page")
    assert publication(page) == (False, None, None)


@pytest.mark.parametrize(("factory", "field"), PUBLISHABLE.values(), ids=PUBLISHABLE)
def test_editors_have_no_bulk_action_on_publishable_records(
    client, editor, factory, field
):
    obj = factory()
    client.force_login(editor)
    page = client.get(admin_url(obj, "changelist"))
    assert page.status_code == HTTPStatus.OK
    assert 'name="action"' not in page.content.decode()


# View-only staff


@pytest.fixture
def viewer(client) -> Client:
    user = User.objects.create_user("viewer", password="unused-Password-1")
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_cluster", "view_highland", "view_page"]
        )
    )
    client.force_login(user)
    return client


@pytest.mark.parametrize(("factory", "field"), PUBLISHABLE.values(), ids=PUBLISHABLE)
def test_view_only_staff_cannot_revert(viewer, factory, field):
    obj, old_version = two_versions(factory, field, {}, {})
    url = admin_url(obj, "simple_history", obj.pk, old_version.pk)
    page = viewer.get(url)
    assert page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in page.content.decode()

    response = viewer.post(url, form_values(page.content.decode()))

    assert response.status_code == HTTPStatus.FORBIDDEN
    obj.refresh_from_db()
    assert getattr(obj, field) == "New"


@pytest.mark.parametrize("view", ["change", "delete"])
def test_view_only_staff_cannot_change_or_delete(viewer, view):
    cluster = make_cluster(name_en="Kept")
    page = viewer.get(admin_url(cluster, "change", cluster.pk))
    data = form_values(page.content.decode()) | {"name_en": ["Changed"], "post": "yes"}

    response = viewer.post(admin_url(cluster, view, cluster.pk), data)

    assert response.status_code == HTTPStatus.FORBIDDEN
    cluster.refresh_from_db()
    assert cluster.name_en == "Kept"
