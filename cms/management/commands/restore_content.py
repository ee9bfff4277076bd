import json
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import override_settings

from cms.content_apps import content_apps
from cms.management.commands.backup_content import backed_up_models


class Command(BaseCommand):
    help = (
        "Load a file written by `backup_content` into an empty, migrated database "
        "(SQLite or PostgreSQL), in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup written by backup_content (*.json).")

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        if path.suffix != ".json" or not path.is_file():
            raise CommandError(f"{path}: no such backup file (*.json).")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(
                "The database is not fully migrated: run `manage.py migrate` first."
            )
        named, kept, history = backed_up_models()
        check_backup(
            path, {model._meta.label_lower for model in named + kept + history}
        )
        present = [
            f"{model._meta.label_lower} ({count})"
            for model in kept + history
            if (count := model._base_manager.count())
        ]
        if present:
            raise CommandError(
                "The database is not empty, nothing was restored. Restore only into "
                f"a new, migrated database. Found: {', '.join(present)}."
            )
        # loaddata: one transaction, constraints checked at the end, PostgreSQL's
        # sequences moved past the restored ids. The history is restored as it was,
        # so simple-history must not add entries for the many-to-many rows loaded.
        # What the content apps derive is derived again, as after the starter
        # content (a dump from an older version may hold another form of it), and
        # the signals of the load mark cached pages stale. A record that does not
        # fit (a wrong value, a missing related record) stops the load, rolled back.
        try:
            with transaction.atomic():
                with override_settings(SIMPLE_HISTORY_ENABLED=False):
                    call_command("loaddata", str(path), verbosity=options["verbosity"])
                for config in content_apps():
                    config.content_loaded()
        except (DeserializationError, DatabaseError) as error:
            raise CommandError(
                f"{path}: a record does not fit the database, nothing was restored. "
                f"{error}"
            ) from error


def check_backup(path: Path, models: set[str]) -> None:
    """Refuse, naming the problem, a file that is not a backup as backup_content
    writes it: a JSON list of records of the backed-up models."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CommandError(
            f"{path}: not a backup, the file is not UTF-8 text; nothing was restored."
        ) from None
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        if text.lstrip().startswith("[") and not text.rstrip().endswith("]"):
            raise CommandError(
                f"{path}: the backup is truncated (it ends before its last record); "
                "nothing was restored. Use a complete copy."
            ) from None
        raise CommandError(
            f"{path}: not a backup, the file is not JSON ({error}); "
            "nothing was restored."
        ) from None
    if not isinstance(records, list) or not records:
        raise CommandError(
            f"{path}: not a backup, which is a non-empty JSON list of records; "
            "nothing was restored."
        )
    for number, record in enumerate(records, start=1):
        if not (
            isinstance(record, dict)
            and isinstance(record.get("model"), str)
            and isinstance(record.get("fields"), dict)
        ):
            raise CommandError(
                f"{path}: record {number} is not a record of a backup (an object "
                'with "model" and "fields"); nothing was restored.'
            )
        if record["model"].lower() not in models:
            raise CommandError(
                f"{path}: record {number} is of a model a backup does not hold, "
                f"“{record['model']}”; nothing was restored."
            )
