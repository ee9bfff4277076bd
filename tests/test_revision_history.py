"""A record's revisions in the admin: the list, the comparison of two revisions, and
a revert that makes a draft (inline rows included) without touching what visitors
see, for staff allowed to change the record only."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone, translation

from clusters.models import Cluster, ClusterItem
from cms import revisions
from cms.models import Revision
from cms.revision_views import state_of
from tests.admin_forms import form_values
from tests.factories import (
    make_cluster,
    make_highland,
    make_item,
    make_page,
    make_snapshot,
    make_statement,
    make_team_member,
)

pytestmark = pytest.mark.django_db

POLISH = {"HTTP_ACCEPT_LANGUAGE": "pl"}


def admin_url(obj, view: str, *args) -> str:
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args]
    )


def revert_url(cluster, revision) -> str:
    return admin_url(cluster, "revisions_revert", revision.pk)


@pytest.fixture
def history():
    """A cluster published twice: first with goals A and B, then with B deleted, C
    added, other texts and figures, and a parent cluster since deleted."""
    parent = make_cluster(name_pl="Klaster macierzysty")
    cluster = make_cluster(
        characteristics_pl="Klaster zrzesza firmy z branży spożywczej w regionie.",
        status=Cluster.Status.ACTIVE,
        parent=parent,
        highlands=[make_highland(name_pl="Wyżyna Stara")],
    )
    kept = make_item(cluster, text_pl="Cel zachowany", text_en="Kept goal")
    deleted = make_item(cluster, text_pl="Cel usunięty później")
    snapshot = make_snapshot(cluster, year=2024, members=10)
    revisions.ensure_live_revision(cluster)
    first = revisions.latest(Cluster, cluster.pk)

    deleted.delete()
    make_item(cluster, text_pl="Cel dodany później")
    snapshot.members = 12
    snapshot.save()
    cluster.refresh_from_db()
    cluster.characteristics_pl = "Klaster zrzesza firmy z branży chemicznej w regionie."
    cluster.status = Cluster.Status.INACTIVE
    cluster.verified_on = datetime.date(2026, 3, 5)
    cluster.parent = None
    cluster.highlands.add(make_highland(name_pl="Wyżyna Nowa"))
    cluster.version += 1
    cluster.save()
    parent_pk = parent.pk
    parent.delete()
    second = revisions.record_revision(cluster, published=True)
    return {
        "cluster": cluster,
        "first": first,
        "second": second,
        "kept": kept,
        "deleted_pk": deleted.pk,
        "parent_pk": parent_pk,
    }


@pytest.fixture
def viewer(db) -> User:
    user = User.objects.create_user(
        "viewer", password="unused-Password-1", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="view_cluster"))
    return user


def item_texts(content: dict) -> set[str]:
    return {row["fields"]["text_pl"] for row in content["children"]["items"]}


def test_revert_makes_a_draft_with_the_old_inline_rows(client, editor, history):
    cluster, first = history["cluster"], history["first"]
    client.force_login(editor)
    response = client.post(revert_url(cluster, first), **POLISH)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == admin_url(cluster, "change")
    draft = revisions.draft_of(Cluster, cluster.pk)
    assert draft is not None and draft.created_by == editor
    assert draft.comment.startswith("Przywrócono wersję z ")
    assert item_texts(draft.content) == {"Cel zachowany", "Cel usunięty później"}
    assert {
        row["fields"]["members"] for row in draft.content["children"]["snapshots"]
    } == {10}
    assert draft.content["fields"]["status"] == Cluster.Status.ACTIVE
    # The form opens on the draft: the deleted goal is back, the added one gone.
    form = form_values(client.get(admin_url(cluster, "change")).content.decode())
    texts = {
        value
        for name, values in form.items()
        if name.endswith("-text_pl")
        for value in values
    }
    assert "Cel usunięty później" in texts
    assert "Cel dodany później" not in texts


def test_revert_leaves_the_live_tables_and_the_public_page(client, editor, history):
    cluster = history["cluster"]
    client.force_login(editor)
    client.post(revert_url(cluster, history["first"]))
    cluster.refresh_from_db()
    assert cluster.status == Cluster.Status.INACTIVE
    assert set(cluster.items.values_list("text_pl", flat=True)) == {
        "Cel zachowany",
        "Cel dodany później",
    }
    assert not ClusterItem.objects.filter(pk=history["deleted_pk"]).exists()
    assert revisions.live_of(Cluster, cluster.pk) == history["second"]
    public = client.get(cluster.get_absolute_url()).content.decode()
    assert "branży chemicznej" in public
    assert "branży spożywczej" not in public


def test_a_form_opened_after_the_revert_saves_the_draft(client, editor, history):
    cluster = history["cluster"]
    client.force_login(editor)
    client.post(revert_url(cluster, history["first"]))
    values = form_values(client.get(admin_url(cluster, "change")).content.decode())
    values["characteristics_en"] = ["Reverted, then edited."]
    response = client.post(admin_url(cluster, "change"), values)
    assert response.status_code == HTTPStatus.FOUND
    draft = revisions.draft_of(Cluster, cluster.pk)
    assert (
        draft.content["fields"]["characteristics_en"] == "<p>Reverted, then edited.</p>"
    )
    assert "Cel usunięty później" in item_texts(draft.content)


def test_a_form_opened_before_the_revert_is_refused(client, editor, history):
    cluster = history["cluster"]
    client.force_login(editor)
    stale = form_values(client.get(admin_url(cluster, "change")).content.decode())
    client.post(revert_url(cluster, history["first"]))
    reverted = revisions.draft_of(Cluster, cluster.pk)
    stale["characteristics_en"] = ["Typed before the revert."]
    refused = client.post(admin_url(cluster, "change"), stale, **POLISH)
    assert "Twoje zmiany nie zostały zapisane" in refused.content.decode()
    assert revisions.latest(Cluster, cluster.pk) == reverted


def test_revert_to_the_latest_content_makes_no_draft(client, editor, history):
    client.force_login(editor)
    before = Revision.objects.count()
    client.post(revert_url(history["cluster"], history["second"]))
    assert Revision.objects.count() == before


def test_a_view_only_user_cannot_revert(client, viewer, history):
    cluster = history["cluster"]
    client.force_login(viewer)
    page = client.get(admin_url(cluster, "revisions"), **POLISH)
    assert page.status_code == HTTPStatus.OK
    assert "Utwórz szkic z tej wersji" not in page.content.decode()
    before = Revision.objects.count()
    response = client.post(revert_url(cluster, history["first"]))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Revision.objects.count() == before


def test_simple_historys_revert_writes_nothing(client, publisher, history):
    cluster = history["cluster"]
    record = cluster.history.earliest("history_date")
    client.force_login(publisher)
    url = admin_url(cluster, "simple_history", record.pk)
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page  # simple-history's "Revert"
    values = form_values(page)
    before = Revision.objects.count()
    response = client.post(url, values, **POLISH)
    assert response["Location"] == admin_url(cluster, "revisions")
    cluster.refresh_from_db()
    assert cluster.status == Cluster.Status.INACTIVE
    assert cluster.parent is None
    assert Revision.objects.count() == before


def test_compare_lists_changed_fields_as_staff_read_them(admin_client, history):
    cluster, first, second = history["cluster"], history["first"], history["second"]
    page = admin_client.get(
        admin_url(cluster, "revisions_compare"),
        {"a": first.pk, "b": second.pk},
        **POLISH,
    ).content.decode()
    assert "Charakterystyka [pl]" in page
    assert "<del>spożywczej</del> <ins>chemicznej</ins>" in page
    assert "Nazwa [pl]" not in page  # unchanged
    assert "aktywny</td>" in page and "nieaktywny</td>" in page
    assert "5 marca 2026" in page
    assert f"(usunięty rekord nr {history['parent_pk']})" in page
    assert "<td>Wyżyna Stara</td>" in page
    assert "<td>Wyżyna Stara, Wyżyna Nowa</td>" in page
    # The inline rows, under their model's name.
    assert "Pozycje listy" in page
    assert "Cel dodany później" in page.split("Dodane")[1].split("Usunięte")[0]
    assert "Cel usunięty później" in page.split("Usunięte")[1]
    assert "Stany członkostwa" in page
    assert "Członkowie</th>" in page
    assert "<td>10</td>" in page and "<td>12</td>" in page


def test_compare_of_equal_contents_says_nothing_changed(admin_client, history):
    cluster, second = history["cluster"], history["second"]
    page = admin_client.get(
        admin_url(cluster, "revisions_compare"),
        {"a": second.pk, "b": second.pk},
        **POLISH,
    ).content.decode()
    assert "Te dwie wersje niczym się nie różnią." in page


def test_compare_refuses_a_revision_of_another_record(admin_client, history):
    other = make_cluster()
    revisions.ensure_live_revision(other)
    response = admin_client.get(
        admin_url(history["cluster"], "revisions_compare"),
        {"a": history["first"].pk, "b": revisions.latest(Cluster, other.pk).pk},
    )
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_revisions_page_in_polish(client, editor, history):
    cluster = history["cluster"]
    client.force_login(editor)
    client.post(revert_url(cluster, history["first"]))
    page = client.get(admin_url(cluster, "revisions"), **POLISH).content.decode()
    assert "Wersje rekordu" in page
    assert "<caption>Zapisane wersje, od najnowszej</caption>" in page
    assert '<th scope="col">Stan</th>' in page
    for state in ("szkic", "obecnie opublikowana", "opublikowana wcześniej"):
        assert f"<td>{state}</td>" in page
    assert page.count("Utwórz szkic z tej wersji") == 2  # all but the latest
    assert "Starsza historia zmian" in page
    # The draft is compared with the live version first.
    draft, live = revisions.draft_of(Cluster, cluster.pk), history["second"]
    assert f'name="a" value="{live.pk}" id="compare-a-{live.pk}" checked' in page
    assert f'name="b" value="{draft.pk}" id="compare-b-{draft.pk}" checked' in page


def test_change_form_links_to_the_revisions(client, editor, history):
    cluster = history["cluster"]
    client.force_login(editor)
    page = client.get(admin_url(cluster, "change"), **POLISH).content.decode()
    assert f'<a href="{admin_url(cluster, "revisions")}">Wersje</a>' in page


def test_states_of_drafts_in_review(history):
    cluster, live = history["cluster"], history["second"]
    earlier = revisions.create(cluster, history["first"].content, published=False)
    draft = revisions.create(cluster, history["first"].content, published=False)
    draft.submitted_at = earlier.submitted_at = timezone.now()
    with translation.override("pl"):
        assert state_of(draft, live, draft) == "czeka na akceptację"
        assert state_of(earlier, live, draft) == "wcześniejszy szkic, nieopublikowany"
        draft.returned_at = timezone.now()
        assert state_of(draft, live, draft) == "odesłana do poprawy"


def a_team():
    return make_team_member(name="Anna Kowalska").team


REVISIONED = {
    "cluster": (make_cluster, "name_pl"),
    "Highland": (make_highland, "name_pl"),
    "page": (make_page, "title_pl"),
    "team": (a_team, "name_pl"),
    "unit": (lambda: a_team().unit, "name_pl"),
    "statement": (make_statement, "entity_pl"),
}


@pytest.mark.parametrize(("factory", "field"), REVISIONED.values(), ids=REVISIONED)
def test_every_revisioned_admin_compares_and_reverts(admin_client, factory, field):
    obj = factory()
    revisions.ensure_live_revision(obj)
    old = revisions.latest(type(obj), obj.pk)
    setattr(obj, field, "Nowa nazwa")
    obj.save()
    revisions.record_revision(obj, published=True)

    listed = admin_client.get(admin_url(obj, "revisions"), **POLISH)
    compared = admin_client.get(admin_url(obj, "revisions_compare"), **POLISH)
    reverted = admin_client.post(admin_url(obj, "revisions_revert", old.pk))

    assert listed.status_code == HTTPStatus.OK
    assert "Nowa nazwa" in compared.content.decode()
    assert reverted.status_code == HTTPStatus.FOUND
    draft = revisions.draft_of(type(obj), obj.pk)
    assert draft.content["fields"][field] == old.content["fields"][field]
