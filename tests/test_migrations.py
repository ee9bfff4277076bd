"""A database made before the records staff edit got their `version` and the code
moved into the cms app keeps every row and its history when migrated forward; one
made before revisions gets a first revision of every record from its history."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clusters.models import Cluster, Membership
from cms import revisions
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_item,
    make_organisation,
    make_page,
    make_project,
    make_snapshot,
    make_statement,
    make_team_member,
)

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


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    """Each test leaves the database migrated to the latest schema, as the next test
    expects: a column added after NOW would otherwise be missing there."""
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


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
    member = TeamMember.objects.create(
        team=team, name="Jan Kowalski", phone="81 466 25 07"
    )
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
        "81 466 25 07",
    )
    assert {coordinator.version, team.version, member.version} == {1}
    for model in ("HistoricalCoordinator", "HistoricalTeam", "HistoricalTeamMember"):
        app = "clusters" if model == "HistoricalCoordinator" else "contacts"
        (entry,) = new.get_model(app, model).objects.all()
        assert entry.version == 1


def test_every_revisioned_record_gets_a_first_live_revision_of_what_it_is(
    django_user_model,
):
    """The history before revisions is kept; the first revision is what snapshot()
    would store, so the first save after the migration shows no phantom change."""
    author = django_user_model.objects.create_user("autorka")
    cluster = make_cluster(
        coordinators=[make_coordinator()], highlands=[make_highland()]
    )
    make_snapshot(cluster, members=12)
    make_item(cluster)
    make_project(cluster)
    Membership.objects.create(cluster=cluster, organisation=make_organisation())
    member = make_team_member()
    records = [
        Cluster.objects.get(pk=cluster.pk),
        make_page(),
        cluster.highlands.get(),
        member.team.unit,
        member.team,
        # Without formatted texts, which the way back turns into plain text (the
        # revisions keep that) and the way forward into HTML again.
        make_statement(
            is_published=False,
            **{
                f"{name}_{code}": ""
                for name in (
                    "non_accessible_content",
                    "procedure",
                    "architecture",
                    "mobile_apps",
                )
                for code in ("pl", "en")
            },
        ),
    ]
    latest = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)
    for record in records:
        entries = record.history.order_by("history_id")
        entries.update(history_date=latest - timedelta(days=1))
        entries.filter(pk=entries.last().pk).update(
            history_date=latest, history_user=author
        )
    # Back to before revisions, then forward. The records are made first, with the
    # models as they are now: the image library's fields, which refer to a later
    # cms migration, are taken out on the way back and come back empty.
    migrate([("cms", "0001_initial")])

    # Every app's latest state: a later migration of an app may depend on cms
    # (a page's downloads, clusters 0012).
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    for record in records:
        (revision,) = revisions.revisions_of(record)
        # Fields added by later migrations (translation marks, source dates) are
        # not in a revision the cms migration wrote: they count as their defaults.
        assert revisions.with_defaults(type(record), revision.content) == (
            revisions.snapshot(record)
        ), type(record)
        assert (revision.created_at, revision.created_by) == (latest, author)
        assert revision.published_at == latest
        assert not revisions.differs_from_latest(record, revisions.snapshot(record))


BEFORE_PHONE_NUMBERS = [("contacts", "0006_rich_text")]
PHONE_NUMBERS = [("contacts", "0008_unit_contact_details_and_phone_numbers")]


def team_members(old, *phones: str) -> None:
    Unit = old.get_model("contacts", "Unit")
    Team = old.get_model("contacts", "Team")
    TeamMember = old.get_model("contacts", "TeamMember")
    unit = Unit.objects.create(key="referat", name_pl="Referat")
    team = Team.objects.create(key="zespol", unit=unit, name_pl="Zespół ds. Klastrów")
    for n, phone in enumerate(phones):
        TeamMember.objects.create(team=team, name=f"Osoba {n}", phone=phone, order=n)


def stored_phones() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute('SELECT phone FROM contacts_teammember ORDER BY "order"')
        return [row[0] for row in cursor.fetchall()]


def test_phones_typed_as_shown_are_stored_in_e164():
    team_members(
        migrate(BEFORE_PHONE_NUMBERS),
        "81 466 25 07",
        "+48 81 466 2525",
        "814662505",
        "",
    )

    migrate(PHONE_NUMBERS)

    assert stored_phones() == ["+48814662507", "+48814662525", "+48814662505", ""]


def test_a_phone_that_cannot_be_read_stops_the_migration_naming_its_record():
    team_members(migrate(BEFORE_PHONE_NUMBERS), "81 466 25 07", "81 1")

    with pytest.raises(
        ValueError, match=r"'Osoba 1' \(id \d+, team 'zespol'\).*'81 1'"
    ):
        migrate(PHONE_NUMBERS)

    # Nothing changed, nothing lost: the readable phone is not converted either.
    assert stored_phones() == ["81 466 25 07", "81 1"]
    # Corrected, it migrates.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE contacts_teammember SET phone = '81 466 25 05' WHERE phone = '81 1'"
        )
    migrate(PHONE_NUMBERS)
    assert stored_phones() == ["+48814662507", "+48814662505"]


def test_statements_stay_public_only_when_complete():
    old = migrate(PHONE_NUMBERS)
    Unit = old.get_model("contacts", "Unit")
    Team = old.get_model("contacts", "Team")
    Statement = old.get_model("contacts", "AccessibilityStatement")
    unit = Unit.objects.create(key="referat", email="referat@lublin.eu")
    team = Team.objects.create(key="zespol", unit=unit)
    complete = {
        "status": "compliant",
        "prepared_on": "2025-05-01",
        "contact_team": team,
        "procedure_pl": "<p>Wniosek.</p>",
        "architecture_pl": "<p>Winda.</p>",
        "mobile_apps_pl": "<p>Brak.</p>",
    }
    Statement.objects.create(key="gotowa", **complete)
    Statement.objects.create(key="szkic", **complete | {"architecture_pl": ""})

    new = migrate([("contacts", "0010_statement_complete_when_published")])

    published = new.get_model("contacts", "AccessibilityStatement").objects.filter(
        is_published=True
    )
    assert list(published.values_list("key", flat=True)) == ["gotowa"]
