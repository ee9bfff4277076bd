"""No lost edits: a save based on an older copy of a record is refused in the admin."""

import os
import sqlite3
import subprocess
import sys
import threading
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from clusters.models import Cluster, Page
from cms import locking as admin_locking
from tests.admin_forms import change_url, form_values, open_form
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_item,
    make_organisation,
    make_page,
    make_report,
    make_snapshot,
    make_statement,
    make_team_member,
)
from tests.staff_sessions import StaffClient, with_second_factor

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

CONFLICT = "saved this record at"


def staff_client(username: str, language: str = "en") -> Client:
    user = with_second_factor(
        User.objects.create_superuser(username, password="unused-Password-1")
    )
    client = StaffClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def errors_of(response) -> str:
    assert response.status_code == HTTPStatus.OK, "the save was not refused"
    return response.content.decode()


@pytest.fixture
def anna():
    return staff_client("anna")


@pytest.fixture
def piotr():
    return staff_client("piotr")


def test_change_form_carries_the_version_it_was_rendered_from(anna):
    cluster = make_cluster()
    Cluster.objects.filter(pk=cluster.pk).update(version=7)

    assert open_form(anna, cluster)["version"] == ["7"]


def test_a_normal_save_works_and_moves_the_version_on(anna):
    cluster = make_cluster(name_en="Old name")
    data = open_form(anna, cluster)
    data["name_en"] = ["New name"]

    response = anna.post(change_url(cluster), data)

    assert response.status_code == HTTPStatus.FOUND
    cluster.refresh_from_db()
    assert (cluster.name_en, cluster.version) == ("New name", 2)
    assert cluster.history.first().version == 2


@pytest.mark.parametrize(
    ("factory", "field"),
    [(make_cluster, "name_en"), (make_highland, "name_en"), (make_page, "title_en")],
    ids=["cluster", "highland", "page"],
)
def test_second_save_from_the_same_version_is_refused_showing_the_first_change(
    anna, piotr, factory, field
):
    obj = factory(**{field: "Original"})
    model = type(obj)
    first, second = open_form(anna, obj), open_form(piotr, obj)
    first[field] = ["Changed by Anna"]
    second[field] = ["Changed by Piotr"]
    second["summary_pl" if model is not Cluster else "characteristics_pl"] = [
        "Piotr's long text, not to be lost."
    ]

    assert anna.post(change_url(obj), first).status_code == HTTPStatus.FOUND
    page = errors_of(piotr.post(change_url(obj), second))

    obj.refresh_from_db()
    assert getattr(obj, field) == "Changed by Anna"
    assert obj.version == 2
    assert obj.history.count() == 2
    assert "anna saved this record at" in page
    label = model._meta.get_field(field).verbose_name
    assert f"{str(label).capitalize()}: “Original” → “Changed by Anna”" in page
    # Piotr's input is shown again, to be copied; the form still carries his version.
    refused = form_values(page)
    assert refused[field] == ["Changed by Piotr"]
    assert "Piotr&#x27;s long text, not to be lost." in page
    assert refused["version"] == ["1"]


# Every other record staff edit, each a field that both saves change.
OTHER_EDITED_RECORDS = {
    "coordinator": (make_coordinator, "name_en"),
    "organisation": (make_organisation, "name"),
    "report": (make_report, "title_en"),
    "team": (lambda: make_team_member().team, "name_en"),
    "unit": (lambda: make_team_member().team.unit, "name_en"),
    "accessibility statement": (make_statement, "site_name_en"),
}


@pytest.mark.parametrize(
    ("factory", "field"), OTHER_EDITED_RECORDS.values(), ids=OTHER_EDITED_RECORDS
)
def test_every_edited_record_refuses_a_save_based_on_an_older_copy(
    anna, piotr, factory, field
):
    obj = factory()
    first, second = open_form(anna, obj), open_form(piotr, obj)
    first[field] = ["Changed by Anna"]
    second[field] = ["Changed by Piotr"]

    assert anna.post(change_url(obj), first).status_code == HTTPStatus.FOUND
    page = errors_of(piotr.post(change_url(obj), second))

    obj.refresh_from_db()
    assert (getattr(obj, field), obj.version) == ("Changed by Anna", 2)
    assert "anna saved this record at" in page
    assert form_values(page)[field] == ["Changed by Piotr"]


def test_refusing_again_until_the_editor_starts_from_the_current_version(anna, piotr):
    cluster = make_cluster()
    first, second = open_form(anna, cluster), open_form(piotr, cluster)
    first["name_en"] = ["By Anna"]
    anna.post(change_url(cluster), first)
    second["name_en"] = ["By Piotr"]

    resubmitted = form_values(errors_of(piotr.post(change_url(cluster), second)))
    assert CONFLICT in errors_of(piotr.post(change_url(cluster), resubmitted))

    fresh = open_form(piotr, cluster)
    fresh["name_en"] = ["By Piotr"]
    assert piotr.post(change_url(cluster), fresh).status_code == HTTPStatus.FOUND
    cluster.refresh_from_db()
    assert (cluster.name_en, cluster.version) == ("By Piotr", 3)


def test_conflict_message_is_translated_into_polish():
    cluster = make_cluster(name_pl="Stara nazwa")
    anna, piotr = staff_client("anna", "pl"), staff_client("piotr", "pl")
    first, second = open_form(anna, cluster), open_form(piotr, cluster)
    first["name_pl"] = ["Nowa nazwa"]
    anna.post(change_url(cluster), first)

    page = errors_of(piotr.post(change_url(cluster), second))

    assert "anna zapisał(a) ten rekord" in page
    assert "Zmieniono w tym czasie:" in page
    assert "Nazwa [pl]: „Stara nazwa” → „Nowa nazwa”" in page


def test_inline_only_save_moves_the_parent_version_and_refuses_a_concurrent_one(
    anna, piotr
):
    cluster = make_cluster()
    snapshot = make_snapshot(cluster, year=2024, members=10, enterprises=8)
    item = make_item(cluster, text_pl="Stary cel", text_en="Old goal")
    first, second = open_form(anna, cluster), open_form(piotr, cluster)
    first["snapshots-0-members"] = ["12"]
    second["items-0-text_en"] = ["Piotr's goal"]

    assert anna.post(change_url(cluster), first).status_code == HTTPStatus.FOUND
    cluster.refresh_from_db()
    snapshot.refresh_from_db()
    assert (cluster.version, snapshot.members) == (2, 12)

    page = errors_of(piotr.post(change_url(cluster), second))

    item.refresh_from_db()
    assert item.text_en == "Old goal"
    cluster.refresh_from_db()
    assert cluster.version == 2
    assert f"Membership snapshots: {snapshot} (changed)" in page
    assert form_values(page)["items-0-text_en"] == ["Piotr's goal"]


def test_a_save_landing_between_validation_and_the_write_is_refused(
    anna, piotr, monkeypatch
):
    cluster = make_cluster(name_en="Original")
    first, second = open_form(anna, cluster), open_form(piotr, cluster)
    first["name_en"] = ["By Anna"]
    second["name_en"] = ["By Piotr"]
    assert anna.post(change_url(cluster), first).status_code == HTTPStatus.FOUND
    # Piotr's validation read the version before Anna's save was committed.
    real = admin_locking.stored_version
    stale = iter([1])
    monkeypatch.setattr(
        admin_locking, "stored_version", lambda obj: next(stale, None) or real(obj)
    )

    page = errors_of(piotr.post(change_url(cluster), second))

    assert next(stale, "used") == "used"
    cluster.refresh_from_db()
    assert (cluster.name_en, cluster.version) == ("By Anna", 2)
    assert cluster.history.count() == 2
    assert "Name [en]: “Original” → “By Anna”" in page


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent transactions"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_on_postgresql_only_one_wins(monkeypatch):
    """Piotr's save is validated, then Anna's commits before Piotr writes."""
    anna, piotr = staff_client("anna"), staff_client("piotr")
    cluster = make_cluster(name_en="Original")
    first, second = open_form(anna, cluster), open_form(piotr, cluster)
    first["name_en"] = ["By Anna"]
    second["name_en"] = ["By Piotr"]
    validated, anna_committed = threading.Event(), threading.Event()
    real = admin_locking.stored_version

    def check_then_wait(obj):
        version = real(obj)
        if threading.current_thread().name == "piotr" and not validated.is_set():
            validated.set()
            assert anna_committed.wait(30)
        return version

    monkeypatch.setattr(admin_locking, "stored_version", check_then_wait)
    responses = {}

    def piotr_saves():
        try:
            responses["piotr"] = piotr.post(change_url(cluster), second)
        finally:
            connection.close()

    thread = threading.Thread(target=piotr_saves, name="piotr")
    thread.start()
    assert validated.wait(30)
    assert anna.post(change_url(cluster), first).status_code == HTTPStatus.FOUND
    anna_committed.set()
    thread.join(60)

    assert CONFLICT in errors_of(responses["piotr"])
    cluster.refresh_from_db()
    assert (cluster.name_en, cluster.version) == ("By Anna", 2)


# simple-history's revert writes the tables for models without revisions (records
# with revisions are reverted to a draft: tests/test_revision_history.py).


def test_revert_from_the_history_still_works_and_moves_the_version_on(anna):
    report = make_report(title_en="First title")
    data = open_form(anna, report)
    data["title_en"] = ["Second title"]
    anna.post(change_url(report), data)
    original = report.history.earliest()
    url = reverse("admin:clusters_report_simple_history", args=[report.pk, original.pk])
    revert = form_values(anna.get(url).content.decode())
    assert revert["title_en"] == ["First title"]
    assert revert["version"] == ["2"]

    assert anna.post(url, revert).status_code == HTTPStatus.FOUND

    report.refresh_from_db()
    assert (report.title_en, report.version) == ("First title", 3)
    assert report.history.first().version == 3


def test_revert_based_on_an_older_version_is_refused(anna, piotr):
    report = make_report(title_en="First title")
    original = report.history.earliest()
    url = reverse("admin:clusters_report_simple_history", args=[report.pk, original.pk])
    revert = form_values(anna.get(url).content.decode())
    data = open_form(piotr, report)
    data["title_en"] = ["Piotr's title"]
    piotr.post(change_url(report), data)

    page = errors_of(anna.post(url, revert))

    assert "piotr saved this record at" in page
    report.refresh_from_db()
    assert (report.title_en, report.version) == ("Piotr's title", 2)


def test_adding_a_record_needs_no_version(anna):
    url = reverse("admin:clusters_page_add")
    data = form_values(anna.get(url).content.decode())
    assert "version" not in data
    data |= {"key": ["new-page"], "title_pl": ["Nowa"], "slug_pl": ["nowa"]}
    data |= {"slug_en": ["new"]}

    assert anna.post(url, data).status_code == HTTPStatus.FOUND
    assert Page.objects.get(key="new-page").version == 1


# Two processes, each reading then writing in one transaction, as an admin save reads
# the stored version and then claims it. SQLite's default (deferred) transactions both
# take a read lock and one of them fails at its write with "database is locked"; with
# IMMEDIATE transactions (lublin/settings.py) the second waits for the first.
READ_THEN_WRITE = """
import time, django
django.setup()
from django.db import connection, transaction
with transaction.atomic():
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM saves")
        time.sleep(1)
        cursor.execute("INSERT INTO saves VALUES (1)")
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own locking")
def test_concurrent_saves_on_sqlite_queue_instead_of_failing(tmp_path):
    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE saves (n INTEGER)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", READ_THEN_WRITE],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]

    errors = [writer.communicate(timeout=60)[1][-1000:] for writer in writers]

    assert [writer.returncode for writer in writers] == [0, 0], errors
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM saves").fetchone() == (2,)
