"""A portable dump of the content, its history, the staff accounts and the uploaded
media (docs/operations.md, "Backups").

The backup is one ZIP archive: `content.json`, the records (a JSON list, as
`loaddata` reads it), and `media/<name>` for every file of the default storage under
`images/`, `documents/` and `renditions/` (the renditions too, so that pages show
their images right after a restore, whatever made them). Older backups were the JSON
file alone; `restore_content` still loads those.

Left out, each for a reason: content types and permissions (every migrated database
creates its own, with ids of its own; the dump names them by natural key), sessions
(signed-in staff simply sign in again), and django-axes' login attempts and lockouts
(short-lived security state tied to client addresses).
"""

import datetime
import io
import json
import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from cms.content_apps import content_apps, shared_content_models
from cms.documents import DOCUMENTS_FOLDER
from cms.media import RENDITIONS_FOLDER
from cms.models import Revision

CONTENT_NAME = "content.json"
MEDIA_PREFIX = "media/"
MEDIA_FOLDERS = ("images", DOCUMENTS_FOLDER, RENDITIONS_FOLDER)


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


def stored_files(storage: Storage, folder: str) -> list[str]:
    """The names of every file under `folder` of the storage, sub-folders included."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" for name in files]
    for directory in directories:
        names += stored_files(storage, f"{folder}/{directory}")
    return sorted(names)


def media_files(storage: Storage = default_storage) -> list[str]:
    return [name for folder in MEDIA_FOLDERS for name in stored_files(storage, folder)]


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
        "Write all content (both languages), its edit history, staff accounts, groups, "
        "the admin log and the uploaded media to a ZIP archive that `restore_content` "
        "loads into an empty database of either kind and an empty media store."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to write, named *.zip.")

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        if path.suffix != ".zip":
            raise CommandError(f"{path}: the backup file's name must end in .zip.")
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
        # Media after the records: a file uploaded meanwhile is there too, unused.
        files = media_files()
        # Written whole or not at all; readable by its owner only (password hashes).
        with tempfile.NamedTemporaryFile(
            "wb", dir=path.parent, suffix=".tmp", delete=False
        ) as out:
            try:
                write_archive(out, records, files)
            except BaseException:
                os.unlink(out.name)
                raise
        os.replace(out.name, path)
        self.stdout.write(
            f"{len(records)} records and {len(files)} media files written to {path}."
        )


def write_archive(out, records: list[dict], files: list[str]) -> None:
    def member(name: str) -> zipfile.ZipInfo:
        # Dated when the backup was made (a ZipInfo's default is 1980).
        info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    with zipfile.ZipFile(out, "w") as archive:
        with archive.open(member(CONTENT_NAME), "w", force_zip64=True) as stored:
            with io.TextIOWrapper(stored, encoding="utf-8") as text:
                json.dump(records, text, cls=FullPrecisionEncoder, ensure_ascii=False)
        for name in files:
            with (
                default_storage.open(name, "rb") as source,
                archive.open(
                    member(MEDIA_PREFIX + name), "w", force_zip64=True
                ) as stored,
            ):
                shutil.copyfileobj(source, stored)
