"""Deleted records: a record deleted in the admin is listed under "Usunięte rekordy",
where a publisher restores it whole (inline rows, relations, publication state, the
same ids) or removes it for good; a restore that would clash with a record saved
since is refused with the reason and loses nothing; editors are refused."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from clusters.models import Cluster, Coordinator, Membership, Organisation, Page
from cms import revisions
from cms.models import Revision
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_item,
    make_organisation,
    make_page,
    make_project,
    make_snapshot,
)

pytestmark = pytest.mark.django_db

DELETED_RECORDS = reverse("cms_deleted_records")
# What a cluster owns and links to, as rows: {relation: [(id, a value)]}.
OWNED = {
    "snapshots": "members",
    "items": "text_pl",
    "projects": "title_pl",
    "membership_set": "organisation_id",
}


def whole(cluster: Cluster) -> dict:
    return {
        "fields": (cluster.pk, cluster.key, cluster.name_pl, cluster.slug_en),
        "published": cluster.is_published,
        "figures": cluster.current_members,
        "coordinators": sorted(cluster.coordinators.values_list("pk", flat=True)),
        "highlands": sorted(cluster.highlands.values_list("pk", flat=True)),
        **{
            name: sorted(getattr(cluster, name).values_list("pk", value))
            for name, value in OWNED.items()
        },
    }


@pytest.fixture
def cluster():
    cluster = make_cluster(
        coordinators=[make_coordinator()], highlands=[make_highland(), make_highland()]
    )
    make_snapshot(cluster, year=2023, members=12)
    make_snapshot(cluster, year=2024, members=15)
    make_item(cluster, text_pl="Wspólne badania")
    make_project(cluster, title_pl="Laboratorium")
    for _n in range(2):
        Membership.objects.create(cluster=cluster, organisation=make_organisation())
    cluster.refresh_from_db()
    return cluster


def delete(client, obj) -> None:
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    assert client.post(url, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert not type(obj).objects.filter(pk=obj.pk).exists()


def action_url(obj, action: str) -> str:
    revision = Revision.objects.of(type(obj), obj.pk).first()
    return reverse(
        f"cms_{action}_deleted", args=[revision.content_type_id, revision.object_id]
    )


def test_a_deleted_cluster_is_listed_and_restored_whole(client, publisher, cluster):
    before = whole(cluster)
    public_address = cluster.get_absolute_url()
    client.force_login(publisher)
    delete(client, cluster)
    assert Client().get(public_address).status_code == HTTPStatus.NOT_FOUND

    listed = client.get(DELETED_RECORDS).content.decode()
    assert cluster.name_pl in listed
    assert "klaster" in listed  # the type
    assert "publisher" in listed  # who deleted it

    response = client.post(action_url(cluster, "restore"), follow=True)
    page = response.content.decode()
    assert "został przywrócony" in page, page
    assert whole(Cluster.objects.get(pk=cluster.pk)) == before
    assert cluster.name_pl in Client().get(public_address).content.decode()
    live = revisions.live_of(Cluster, cluster.pk)
    assert live.created_by == publisher and live == revisions.latest(
        Cluster, cluster.pk
    )
    assert cluster.name_pl not in client.get(DELETED_RECORDS).content.decode()


def test_a_record_comes_back_unpublished_if_it_was(client, publisher):
    draft = make_page(is_published=False)
    client.force_login(publisher)
    delete(client, draft)
    client.post(action_url(draft, "restore"))
    assert Page.objects.get(pk=draft.pk).is_published is False


def test_records_deleted_together_are_each_listed_with_who_deleted_them(
    client, publisher
):
    pages = [make_page(), make_page()]
    client.force_login(publisher)
    selected = {
        "action": "delete_selected",
        "_selected_action": [page.pk for page in pages],
    }
    changelist = reverse("admin:clusters_page_changelist")
    asked = client.post(changelist, selected).content.decode()
    assert "Usunięte rekordy" in asked and DELETED_RECORDS in asked

    response = client.post(changelist, selected | {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert not Page.objects.exists()

    listed = client.get(DELETED_RECORDS).content.decode()
    for page in pages:
        assert page.title_pl in listed
    deleted = Revision.objects.filter(deleted_at__isnull=False)
    assert set(deleted.values_list("deleted_by", flat=True)) == {publisher.pk}
    assert deleted.count() == len(pages)


def test_the_delete_confirmation_says_where_to_restore_from(client, publisher):
    cluster = make_cluster()
    client.force_login(publisher)
    page = client.get(reverse("admin:clusters_cluster_delete", args=[cluster.pk]))
    assert "Usunięte rekordy" in page.content.decode()
    assert DELETED_RECORDS in page.content.decode()


def test_the_dashboard_links_publishers_to_deleted_records(client, editor, publisher):
    client.force_login(publisher)
    assert DELETED_RECORDS in client.get(reverse("admin:index")).content.decode()
    client.force_login(editor)
    assert DELETED_RECORDS not in client.get(reverse("admin:index")).content.decode()


def test_purging_asks_first_then_removes_the_record_from_the_list(
    client, publisher, cluster
):
    client.force_login(publisher)
    delete(client, cluster)
    url = action_url(cluster, "purge")

    asked = client.get(url).content.decode()
    assert "na zawsze" in asked and cluster.name_pl in asked
    assert Revision.objects.of(Cluster, cluster.pk).exists()

    client.post(url)
    assert not Revision.objects.of(Cluster, cluster.pk).exists()
    assert "Brak usuniętych rekordów." in client.get(DELETED_RECORDS).content.decode()


def test_a_restore_clashing_with_a_new_record_is_refused_and_loses_nothing(
    client, publisher, cluster
):
    client.force_login(publisher)
    delete(client, cluster)
    kept = Revision.objects.of(Cluster, cluster.pk).count()
    make_cluster(key=cluster.key, slug_pl=cluster.slug_pl)

    page = client.post(action_url(cluster, "restore"), follow=True).content.decode()

    assert "nie został przywrócony" in page, page
    assert "Klucz" in page  # which value clashes
    assert "adres" in page
    assert not Cluster.objects.filter(pk=cluster.pk).exists()
    assert Revision.objects.of(Cluster, cluster.pk).count() == kept
    assert cluster.name_pl in client.get(DELETED_RECORDS).content.decode()


def test_a_restore_needing_a_record_that_is_gone_is_refused(client, publisher, cluster):
    client.force_login(publisher)
    delete(client, cluster)
    organisation = Organisation.objects.first()
    Organisation.objects.filter(pk=organisation.pk).delete()

    page = client.post(action_url(cluster, "restore"), follow=True).content.decode()

    assert "nie został przywrócony" in page
    assert f"#{organisation.pk}" in page
    assert not Cluster.objects.filter(pk=cluster.pk).exists()


def test_links_to_records_gone_are_left_out_and_named(client, publisher, cluster):
    client.force_login(publisher)
    delete(client, cluster)
    coordinator = Coordinator.objects.get()
    Coordinator.objects.filter(pk=coordinator.pk).delete()

    page = client.post(action_url(cluster, "restore"), follow=True).content.decode()

    assert "został przywrócony" in page
    assert f"koordynatorzy: #{coordinator.pk}" in page
    assert Cluster.objects.get(pk=cluster.pk).highlands.count() == 2


@pytest.mark.parametrize("action", ["list", "restore", "purge"])
def test_editors_are_refused(client, publisher, editor, cluster, action):
    client.force_login(publisher)
    delete(client, cluster)
    client.force_login(editor)
    if action == "list":
        response = client.get(DELETED_RECORDS)
    else:
        response = client.post(action_url(cluster, action))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Cluster.objects.filter(pk=cluster.pk).exists()
    assert Revision.objects.of(Cluster, cluster.pk).exists()
