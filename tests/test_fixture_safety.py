"""Safe fixtures: a bad starter fixture stops `setup_instance` (and `make run`) with a
message naming the file and the record, and leaves the database unchanged.

The starter fixtures are copied and one record broken in the copy: these tests check
the fixtures' loading, the one place tests lean on them.
"""

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from clusters.models import Cluster, Organisation
from tests.factories import make_organisation
from tests.processes import make_run_env, start_make_run

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)
STARTER = ["ecosystems", "clusters", "contacts"]


def every_row():
    """All rows of the content apps' tables, history and many-to-many included."""
    rows = {}
    with connection.cursor() as cursor:
        for app_label in STARTER:
            for model in apps.get_app_config(app_label).get_models():
                tables = [model._meta.db_table] + [
                    field.remote_field.through._meta.db_table
                    for field in model._meta.local_many_to_many
                ]
                for table in tables:
                    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                    rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


@pytest.fixture
def fixture_dir(tmp_path, settings):
    directory = tmp_path / "fixtures"
    directory.mkdir()
    for name in STARTER:
        shutil.copy(BASE_DIR / "fixtures" / f"{name}.json", directory)
    settings.FIXTURE_DIRS = [directory]
    return directory


def add_record(path: Path, record: dict) -> None:
    records = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps([*records, record], ensure_ascii=False), "utf-8")


SNAPSHOT = "clusters.membershipsnapshot"
BAD_RECORDS = {
    "unknown-field": (
        "clusters",
        {
            "model": "clusters.organisation",
            "fields": {"name": "Nowa sp. z o.o.", "colour": "red"},
        },
        'clusters.organisation ["Nowa sp. z o.o."]: '
        "Organisation has no field named 'colour'",
    ),
    "broken-reference": (
        "clusters",
        {
            "model": SNAPSHOT,
            "fields": {"cluster": ["no-such-cluster"], "year": 2024, "members": 5},
        },
        f'{SNAPSHOT} ["no-such-cluster", 2024]: '
        'cluster refers to ["no-such-cluster"], which does not exist',
    ),
    "count-above-total": (
        "clusters",
        {
            "model": SNAPSHOT,
            "fields": {
                "cluster": ["wschodni-klaster-ict"],
                "year": 2020,
                "members": 5,
                "enterprises": 6,
            },
        },
        f'{SNAPSHOT} ["wschodni-klaster-ict", 2020]: '
        "A part of the members cannot be larger than the number of members.",
    ),
    "duplicate-slug": (
        "ecosystems",
        {
            "model": "ecosystems.highland",
            "fields": {
                "key": "another-it-highland",
                "name_pl": "Inna Wyżyna IT",
                "slug_pl": "lubelska-wyzyna-it",
                "slug_en": "another-it-highland",
                "updated_at": "2026-01-01T12:00:00Z",
            },
        },
        'ecosystems.highland ["another-it-highland"]: '
        "Another record already uses this address.",
    ),
}


@pytest.mark.parametrize("case", BAD_RECORDS)
def test_bad_record_stops_setup_naming_file_and_record_database_unchanged(
    fixture_dir, case
):
    name, record, expected = BAD_RECORDS[case]
    path = fixture_dir / f"{name}.json"
    add_record(path, record)
    # The starter content updates this organisation (found by its name) on the way.
    make_organisation(name="Politechnika Lubelska", kind="other")
    before = every_row()

    with pytest.raises(CommandError) as error:
        call_command("setup_instance", verbosity=0)

    message = str(error.value)
    assert f"{path}: {expected}" in message
    assert "pk=None" not in message
    assert "the database is unchanged" in message
    assert every_row() == before
    assert Organisation.objects.get(name="Politechnika Lubelska").kind == "other"


def test_invalid_json_stops_setup_naming_the_file(fixture_dir):
    path = fixture_dir / "contacts.json"
    path.write_text(path.read_text("utf-8")[:-20], "utf-8")
    before = every_row()

    with pytest.raises(CommandError) as error:
        call_command("setup_instance", verbosity=0)

    assert str(error.value).startswith(f"{path}: ")
    assert ": line " in str(error.value)
    assert every_row() == before
    assert not Cluster.objects.exists()


def test_starter_content_is_recorded_in_the_history_as_created(fixture_dir):
    call_command("setup_instance", verbosity=0)

    for cluster in Cluster.objects.prefetch_related("coordinators"):
        [created] = cluster.history.all()
        assert created.history_type == "+"
        assert {row.coordinator_id for row in created.coordinators.all()} == {
            coordinator.pk for coordinator in cluster.coordinators.all()
        }
    for model in (Organisation, apps.get_model("contacts", "TeamMember")):
        assert model.history.count() == model.objects.count() > 0


def test_make_run_stops_before_serving_when_the_fixtures_fail(fixture_dir, tmp_path):
    add_record(fixture_dir / "clusters.json", BAD_RECORDS["count-above-total"][1])
    (tmp_path / "bad_fixture_settings.py").write_text(
        f"from tests.settings import *  # noqa\nFIXTURE_DIRS = [{str(fixture_dir)!r}]\n"
    )
    env = make_run_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="bad_fixture_settings",
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(BASE_DIR)]),
    )
    make = start_make_run(
        env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output, _ = make.communicate(timeout=300)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGTERM)
            make.wait()

    assert make.returncode != 0, output
    assert "CommandError: " in output
    assert f'{SNAPSHOT} ["wschodni-klaster-ict", 2020]' in output
    assert "Listening at" not in output
