"""Inline rows put in order by dragging, or by their arrows (adminsortable2): the
order number is hidden, the arrows are named in Polish, a new row goes last; and
two rows that swap their numbers are saved, kept as a draft, published and restored,
although a number is unique within its record (a cluster's list items of one kind,
its projects) and the database checks that as each row is written."""

import re
from http import HTTPStatus

import pytest

from clusters.models import Cluster
from cms import revisions
from cms.preview import admin_url
from tests.admin_forms import change_url, open_form
from tests.factories import make_cluster, make_item, make_project, make_team_member

pytestmark = pytest.mark.django_db

IN_ORDER = (["Pierwszy cel", "Drugi cel"], ["Pierwszy projekt", "Drugi projekt"])
SWAPPED = (["Drugi cel", "Pierwszy cel"], ["Drugi projekt", "Pierwszy projekt"])


@pytest.fixture
def cluster():
    cluster = make_cluster()
    make_item(cluster, text_pl="Pierwszy cel", order=1)
    make_item(cluster, text_pl="Drugi cel", order=2)
    make_project(cluster, title_pl="Pierwszy projekt", order=1)
    make_project(cluster, title_pl="Drugi projekt", order=2)
    return cluster


def rows_in_order(cluster) -> tuple[list[str], list[str]]:
    """The list items' and the projects' texts, in their stored order."""
    return (
        list(cluster.items.order_by("order").values_list("text_pl", flat=True)),
        list(cluster.projects.order_by("order").values_list("title_pl", flat=True)),
    )


def swap_the_first_two_rows(data) -> None:
    """What dragging the second list item and the second project up posts."""
    for relation in ("items", "projects"):
        first, second = f"{relation}-0-order", f"{relation}-1-order"
        data[first], data[second] = data[second], data[first]


def save(client, obj, edit=lambda data: None) -> None:
    data = open_form(client, obj)
    edit(data)
    response = client.post(change_url(obj), data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]


@pytest.mark.parametrize("kind", ["cluster", "team"])
def test_rows_are_ordered_by_dragging_or_by_arrows_named_in_polish(
    client, editor, cluster, kind
):
    record = cluster if kind == "cluster" else make_team_member().team
    client.force_login(editor)
    page = client.get(change_url(record), headers={"accept-language": "pl"})
    html = page.content.decode()

    relations = ["items", "projects"] if kind == "cluster" else ["members"]
    for relation in relations:
        assert (
            f'<fieldset class="module sortable" aria-labelledby="{relation}-heading">'
            in html
        )
        assert re.search(rf'<input type="hidden" name="{relation}-0-order"', html)
    assert 'aria-label="Przenieś na początek"' in html
    assert 'aria-label="Przenieś na koniec"' in html


def test_list_items_are_shown_by_kind(client, editor):
    cluster = make_cluster()
    for kind, order in [("goal", 1), ("activity", 2), ("goal", 3), ("activity", 4)]:
        make_item(cluster, kind=kind, order=order, text_pl=f"{kind} {order}")
    client.force_login(editor)

    values = open_form(client, cluster)

    shown = [values[f"items-{index}-text_pl"][0] for index in range(4)]
    assert shown == ["activity 2", "activity 4", "goal 1", "goal 3"]


def test_a_new_row_goes_last(client, publisher, cluster):
    def add_a_goal(data):
        data["items-TOTAL_FORMS"] = ["3"]
        data |= {
            "items-2-kind": ["goal"],
            "items-2-text_pl": ["Nowy cel"],
            "items-2-order": [""],  # a new row is not numbered in the browser
        }

    client.force_login(publisher)
    save(client, cluster, add_a_goal)

    assert rows_in_order(cluster)[0] == [*IN_ORDER[0], "Nowy cel"]


def test_a_publisher_swaps_two_rows(client, publisher, cluster):
    client.force_login(publisher)
    save(client, cluster, swap_the_first_two_rows)

    assert rows_in_order(cluster) == SWAPPED


def test_an_editors_draft_swapping_two_rows_is_opened_and_published(
    client, editor, publisher, cluster
):
    client.force_login(editor)
    save(client, cluster, swap_the_first_two_rows)
    assert rows_in_order(cluster) == IN_ORDER  # a draft: the tables as they were
    # The form opens on the draft, written into the tables for the request.
    assert open_form(client, cluster)["items-0-text_pl"] == ["Drugi cel"]

    client.force_login(publisher)
    save(client, cluster)  # publishes the draft

    assert rows_in_order(cluster) == SWAPPED
    assert revisions.draft_of(Cluster, cluster.pk) is None


def test_restoring_a_version_with_the_rows_in_another_order(client, publisher, cluster):
    client.force_login(publisher)
    save(client, cluster, swap_the_first_two_rows)
    first = revisions.revisions_of(cluster).last()

    response = client.post(admin_url(cluster, "revisions_revert", cluster.pk, first.pk))
    assert response.status_code == HTTPStatus.FOUND
    save(client, cluster)  # publishes the restored version

    assert rows_in_order(cluster) == IN_ORDER
