"""A cluster's current figures, stored on it, are always its latest snapshot's.

The directory filters, sorts and counts them as plain columns; whatever writes
snapshots refreshes them: the admin, imports (`refresh_current_figures()`), and any
save of the cluster itself.
"""

from http import HTTPStatus

import pytest
from django.urls import reverse

from clusters.admin import ClusterAdmin
from clusters.models import CURRENT_FIGURES, Cluster, MembershipSnapshot
from tests.admin_forms import form_values
from tests.factories import make_cluster, make_snapshot

pytestmark = pytest.mark.django_db


def figures(cluster: Cluster) -> tuple:
    cluster.refresh_from_db()
    return tuple(getattr(cluster, name) for name in CURRENT_FIGURES)


def test_refresh_copies_the_latest_snapshot_and_empties_without_one():
    cluster = make_cluster()
    empty = make_cluster()
    MembershipSnapshot.objects.create(
        cluster=cluster, year=2024, members=174, enterprises=158, universities=3
    )
    MembershipSnapshot.objects.create(cluster=cluster, year=2019, members=103)
    Cluster.objects.filter(pk=empty.pk).update(current_members=99, current_year=2020)

    Cluster.objects.refresh_current_figures()

    assert figures(cluster) == (2024, 174, 158, None, 3, False)
    assert figures(empty) == (None,) * 6


def test_a_stale_copy_saved_later_keeps_the_new_figures():
    cluster = make_cluster()
    stale = Cluster.objects.get(pk=cluster.pk)
    make_snapshot(cluster, year=2024, members=30)
    stale.name_en = "Renamed"
    stale.save()
    assert figures(cluster)[:2] == (2024, 30)


def admin_change(client, cluster: Cluster, edit) -> None:
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    data = form_values(client.get(url).content.decode())
    edit(data)
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]


def test_admin_snapshot_inline_updates_the_current_figures(client, publisher):
    cluster = make_cluster()
    make_snapshot(cluster, year=2019, members=40)
    client.force_login(publisher)

    def add_2024(data):
        index = int(data["snapshots-TOTAL_FORMS"][0])
        data["snapshots-TOTAL_FORMS"] = [str(index + 1)]
        data[f"snapshots-{index}-year"] = ["2024"]
        data[f"snapshots-{index}-members"] = ["55"]
        data[f"snapshots-{index}-enterprises"] = ["44"]

    admin_change(client, cluster, add_2024)
    assert figures(cluster)[:3] == (2024, 55, 44)

    def delete_2024(data):
        data["snapshots-1-DELETE"] = ["on"]

    admin_change(client, cluster, delete_2024)
    assert figures(cluster)[:3] == (2019, 40, 8)


def test_admin_list_shows_and_sorts_by_current_members(client, publisher):
    make_snapshot(make_cluster(name_pl="Mały"), year=2024, members=7, enterprises=5)
    make_snapshot(make_cluster(name_pl="Duży"), year=2024, members=170)
    client.force_login(publisher)
    column = ClusterAdmin.list_display.index("current_members") + 1
    page = client.get(
        reverse("admin:clusters_cluster_changelist"), {"o": f"-{column}"}
    ).content.decode()
    assert page.index("Duży") < page.index("Mały")
    assert ">170<" in page
