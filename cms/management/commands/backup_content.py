"""A portable dump of the content, its history and the staff accounts (README, "Backups").

Left out, each for a reason: content types and permissions (every migrated database
creates its own, with ids of its own; the dump names them by natural key), sessions
(signed-in staff simply sign in again), and django-axes' login attempts and lockouts
(short-lived security state tied to client addresses).
"""

import datetime
import json
import os
import tempfile
from pathlib import Path

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from cms.content_apps import content_apps, shared_content_models
from cms.models import Revision


def backed_up_models() -> tuple[list, list, list]:
    """The models in a dump: found by name, kept with their ids (revisions, drafts
    included, among them), history."""
    records, history = shared_content_models(), []
    for config in content_apps():
        for model in config.get_models():
            is_history = model._meta.model_name.startswith("historical")
            (history if is_history else records).append(model)
    records = serializers.sort_dependencies([(None, records)], allow_cycles=True)
    history.sort(key=lambda model: model._meta.label)
    return [Group], [User, *records, LogEntry, Revision], history


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Times to the microsecond; Django's encoder keeps milliseconds only."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def serialize(models: list, **options) -> list[dict]:
    return [
        record
        for model in models
        for record in serializers.serialize(
            "python", model._base_manager.order_by("pk"), **options
        )
    ]


class Command(BaseCommand):
    help = (
        "Write all content (both languages), its edit history, staff accounts, groups "
        "and the admin log to a JSON file that `restore_content` loads into an empty "
        "database of either kind."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to write, named *.json.")

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        if path.suffix != ".json":
            raise CommandError(f"{path}: the backup file's name must end in .json.")
        named, kept, history = backed_up_models()
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                # One consistent snapshot of every table, while staff keep working.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"
                    )
            records = [
                # The groups migrations create exist in the target: found by name.
                *serialize(
                    named, use_natural_foreign_keys=True, use_natural_primary_keys=True
                ),
                # Ids kept, as the history and the admin log refer to them; content
                # types, permissions and groups named by their natural keys.
                *serialize(kept, use_natural_foreign_keys=True),
                # Plain ids: history may refer to records deleted since, which have
                # no natural key any more.
                *serialize(history),
            ]
        # Written whole or not at all; readable by its owner only (password hashes).
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8"
        ) as out:
            try:
                json.dump(records, out, cls=FullPrecisionEncoder, ensure_ascii=False)
            except BaseException:
                os.unlink(out.name)
                raise
        os.replace(out.name, path)
        self.stdout.write(f"{len(records)} records written to {path}.")
