from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import override_settings

from clusters.management.commands.backup_content import backed_up_models


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
        _named, kept, history = backed_up_models()
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
        # Nothing else is derived: search text and current figures are in the dump,
        # and the signals of the load mark cached pages stale.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", str(path), verbosity=options["verbosity"])
