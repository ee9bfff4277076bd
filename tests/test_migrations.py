"""A database made before the records staff edit got their `version` and the code
moved into the cms app keeps every row and its history when migrated forward."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("clusters", "0005_cluster_current_figures"),
    ("contacts", "0001_initial"),
    ("ecosystems", "0002_publication_schedule_and_version"),
]
NOW = [
    ("clusters", "0006_version_on_every_edited_record"),
    ("contacts", "0002_version_on_every_edited_record"),
]


def migrate(targets):
    """Migrates to `targets`; returns the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def populate(old) -> dict[str, int]:
    """A record of each kind the version was added to, each with its history."""
    Coordinator = old.get_model("clusters", "Coordinator")
    Unit = old.get_model("contacts", "Unit")
    Team = old.get_model("contacts", "Team")
    TeamMember = old.get_model("contacts", "TeamMember")
    coordinator = Coordinator.objects.create(key="koordynator", name_pl="Koordynator")
    unit = Unit.objects.create(key="referat", name_pl="Referat")
    team = Team.objects.create(key="zespol", unit=unit, name_pl="Zespół ds. Klastrów")
    member = TeamMember.objects.create(team=team, name="Jan Kowalski", phone="81 1")
    for record in (coordinator, unit, team, member):
        name = f"Historical{type(record).__name__}"
        history = old.get_model(record._meta.app_label, name)
        kept = {field.attname for field in history._meta.concrete_fields}
        values = {
            field.attname: getattr(record, field.attname)
            for field in record._meta.concrete_fields
            if field.attname in kept
        }
        history.objects.create(
            **values, history_date="2026-01-01T12:00:00Z", history_type="+"
        )
    return {"koordynator": coordinator.pk, "zespol": team.pk, "Jan Kowalski": member.pk}


def test_migrating_a_populated_database_forward_keeps_every_row_and_its_history():
    populated = populate(migrate(BEFORE))

    new = migrate(NOW)

    Coordinator = new.get_model("clusters", "Coordinator")
    Team = new.get_model("contacts", "Team")
    TeamMember = new.get_model("contacts", "TeamMember")
    coordinator = Coordinator.objects.get(key="koordynator")
    team = Team.objects.get(key="zespol")
    member = TeamMember.objects.get(name="Jan Kowalski")
    assert (coordinator.pk, team.pk, member.pk) == tuple(populated.values())
    assert (coordinator.name_pl, team.name_pl, member.phone) == (
        "Koordynator",
        "Zespół ds. Klastrów",
        "81 1",
    )
    assert {coordinator.version, team.version, member.version} == {1}
    for model in ("HistoricalCoordinator", "HistoricalTeam", "HistoricalTeamMember"):
        app = "clusters" if model == "HistoricalCoordinator" else "contacts"
        (entry,) = new.get_model(app, model).objects.all()
        assert entry.version == 1
