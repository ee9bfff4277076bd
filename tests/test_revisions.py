"""Revisions: an editor's save of a live record is a draft until a publisher
publishes it; one revision per save, none for a save that changes nothing; a
revision holds the whole record, inline rows included."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from clusters.models import Cluster
from cms import revisions
from cms.models import Revision
from tests.admin_forms import form_values
from tests.factories import make_cluster, make_item, make_snapshot

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def open_form(client, obj) -> dict[str, list[str]]:
    page = client.get(change_url(obj))
    assert page.status_code == HTTPStatus.OK
    return form_values(page.content.decode())


def submitted(values: dict[str, list[str]], **changes) -> dict:
    """The form as a browser posts it, with `changes` typed in."""
    return values | {name: [value] for name, value in changes.items()}


@pytest.fixture
def live_cluster():
    cluster = make_cluster(characteristics_pl="Stary opis.", characteristics_en="Old.")
    make_item(cluster, text_pl="Pierwszy cel", text_en="First goal")
    make_snapshot(cluster, year=2024, members=10)
    return cluster


def test_an_editors_save_of_a_live_record_is_a_draft(client, editor, live_cluster):
    client.force_login(editor)
    values = open_form(client, live_cluster)
    response = client.post(
        change_url(live_cluster),
        submitted(values, characteristics_pl="Nowy opis.", **{"_continue": "1"}),
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    live_cluster.refresh_from_db()
    assert live_cluster.characteristics_pl == "Stary opis."
    draft = revisions.draft_of(Cluster, live_cluster.pk)
    assert draft is not None
    assert draft.content["fields"]["characteristics_pl"] == "Nowy opis."
    assert draft.created_by == editor
    # The form opens on the draft.
    assert open_form(client, live_cluster)["characteristics_pl"] == ["Nowy opis."]
    public = client.get(live_cluster.get_absolute_url())
    assert "Nowy opis." not in public.content.decode()


def test_a_save_that_changes_nothing_makes_no_revision(client, editor, live_cluster):
    client.force_login(editor)
    values = open_form(client, live_cluster)
    before = Revision.objects.count()
    response = client.post(change_url(live_cluster), submitted(values))
    assert response.status_code == HTTPStatus.FOUND
    assert Revision.objects.count() == before


def test_a_publishers_save_publishes_one_revision(client, publisher, live_cluster):
    client.force_login(publisher)
    values = open_form(client, live_cluster)
    before = Revision.objects.count()
    client.post(change_url(live_cluster), submitted(values, characteristics_pl="Nowy."))
    live_cluster.refresh_from_db()
    assert live_cluster.characteristics_pl == "Nowy."
    assert Revision.objects.count() == before + 1
    assert revisions.draft_of(Cluster, live_cluster.pk) is None
