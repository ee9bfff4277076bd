"""Every admin route that writes checks the permission for what it writes: editors
never change a record's publication state, view-only staff never change anything."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster, Page
from cms import revisions
from cms.preview import admin_url
from tests.admin_forms import form_values
from tests.factories import make_cluster, make_highland, make_page

pytestmark = pytest.mark.django_db

PUBLISHABLE = {
    "cluster": (make_cluster, "name_en"),
    "Highland": (make_highland, "name_en"),
    "page": (make_page, "title_en"),
}
LATER = timezone.now() + timedelta(days=30)


def publication(obj) -> tuple:
    obj.refresh_from_db()
    return (obj.is_published, obj.publish_from, obj.publish_until)


def two_revisions(factory, field, first_state: dict, then_state: dict):
    """A record published first with `first_state` and the text "Old", then with
    `then_state` and the text "New"; returns it and its first revision."""
    obj = factory(**{field: "Old"}, **first_state)
    revisions.ensure_live_revision(obj)
    first = revisions.latest(type(obj), obj.pk)
    for name, value in {field: "New", **then_state}.items():
        setattr(obj, name, value)
    obj.save()
    revisions.record_revision(obj, published=True)
    return obj, first


def revert(client: Client, obj, revision):
    """Makes a draft from `revision` (cms/revision_views.py); returns the draft."""
    response = client.post(admin_url(obj, "revisions_revert", obj.pk, revision.pk))
    assert response.status_code == HTTPStatus.FOUND
    return revisions.draft_of(type(obj), obj.pk)


def drafted_publication(draft) -> tuple:
    fields = draft.content["fields"]
    return (fields["is_published"], fields["publish_from"], fields["publish_until"])


@pytest.mark.parametrize(("factory", "field"), PUBLISHABLE.values(), ids=PUBLISHABLE)
def test_an_editors_revert_to_a_published_version_leaves_the_record_unpublished(
    client, editor, factory, field
):
    scheduled = {"is_published": True, "publish_from": LATER, "publish_until": None}
    obj, published_version = two_revisions(
        factory, field, scheduled, {"is_published": False, "publish_from": None}
    )
    client.force_login(editor)

    draft = revert(client, obj, published_version)

    assert draft.content["fields"][field] == "Old"  # the revert itself happened
    assert drafted_publication(draft) == (False, None, None)
    assert publication(obj) == (False, None, None)
    assert getattr(obj, field) == "New"  # as a draft


@pytest.mark.parametrize(("factory", "field"), PUBLISHABLE.values(), ids=PUBLISHABLE)
def test_an_editors_revert_to_a_draft_version_leaves_the_record_published(
    client, editor, factory, field
):
    obj, draft_version = two_revisions(
        factory,
        field,
        {"is_published": False},
        {"is_published": True, "publish_until": LATER},
    )
    client.force_login(editor)

    draft = revert(client, obj, draft_version)

    assert draft.content["fields"][field] == "Old"
    is_published, publish_from, publish_until = drafted_publication(draft)
    assert (is_published, publish_from) == (True, None)
    assert publish_until is not None
    assert publication(obj) == (True, None, LATER)


def test_a_publishers_revert_drafts_the_old_publication_state(client, publisher):
    cluster, published_version = two_revisions(
        make_cluster, "name_en", {"is_published": True}, {"is_published": False}
    )
    client.force_login(publisher)

    draft = revert(client, cluster, published_version)

    assert drafted_publication(draft) == (True, None, None)
    # Published when the draft is: the revert alone publishes nothing.
    assert publication(cluster) == (False, None, None)


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
def test_editors_have_no_bulk_action_that_publishes_or_deletes(
    client, editor, factory, field
):
    obj = factory()
    client.force_login(editor)
    page = client.get(admin_url(obj, "changelist"))
    assert page.status_code == HTTPStatus.OK
    offered = set(re.findall(r'<option value="(\w+)"', page.content.decode()))
    # Marking clusters verified is an edit: an editor's is a draft (cms/bulk_actions.py).
    assert offered <= {"mark_verified_today"}


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
    obj, old_version = two_revisions(factory, field, {}, {})
    history = obj.history.earliest()
    url = admin_url(obj, "simple_history", obj.pk, history.pk)
    page = viewer.get(url)
    assert page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in page.content.decode()

    # simple-history's revert writes nothing for anyone (cms/revision_views.py).
    viewer.post(url, form_values(page.content.decode()))
    response = viewer.post(admin_url(obj, "revisions_revert", obj.pk, old_version.pk))

    assert response.status_code == HTTPStatus.FORBIDDEN
    obj.refresh_from_db()
    assert getattr(obj, field) == "New"
    assert revisions.draft_of(type(obj), obj.pk) is None


@pytest.mark.parametrize("view", ["change", "delete"])
def test_view_only_staff_cannot_change_or_delete(viewer, view):
    cluster = make_cluster(name_en="Kept")
    page = viewer.get(admin_url(cluster, "change", cluster.pk))
    data = form_values(page.content.decode()) | {"name_en": ["Changed"], "post": "yes"}

    response = viewer.post(admin_url(cluster, view, cluster.pk), data)

    assert response.status_code == HTTPStatus.FORBIDDEN
    cluster.refresh_from_db()
    assert cluster.name_en == "Kept"


def test_an_editor_opening_a_delete_address_gets_the_admins_page_in_polish(
    client, editor
):
    cluster = make_cluster(name_pl="Klaster do usunięcia")
    client.force_login(editor)
    response = client.get(admin_url(cluster, "delete", cluster.pk))
    assert response.status_code == HTTPStatus.FORBIDDEN
    page = response.content.decode()
    assert "<title>Brak uprawnień | Klastry w Lublinie</title>" in page
    assert "Twoje konto nie ma uprawnień do tej czynności" in page
    assert "Niczego nie zmieniono." in page
    assert 'href="/admin/">Wróć do pulpitu</a>' in page
    assert Cluster.objects.filter(pk=cluster.pk).exists()
