import json
import posixpath
import tempfile
import zipfile
import zlib
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import override_settings

from cms.content_apps import content_apps
from cms.management.commands.backup_content import (
    CONTENT_NAME,
    MEDIA_FOLDERS,
    MEDIA_PREFIX,
    backed_up_models,
)


class Command(BaseCommand):
    help = (
        "Load a backup written by `backup_content` into an empty, migrated database "
        "(SQLite or PostgreSQL), in one transaction, and its media files into the "
        "media store."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="A backup written by backup_content: *.zip, or an older *.json "
            "(content without media).",
        )

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        if path.suffix not in (".zip", ".json") or not path.is_file():
            raise CommandError(f"{path}: no such backup file (*.zip, or *.json).")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(
                "The database is not fully migrated: run `manage.py migrate` first."
            )
        named, kept, history = backed_up_models()
        models = {model._meta.label_lower for model in named + kept + history}
        verbosity = options["verbosity"]
        if path.suffix == ".json":
            check_backup(path, path.read_bytes(), models)
            self.restore(path, path, kept + history, None, [], verbosity)
            return
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise CommandError(
                f"{path}: not a backup, or a truncated one: the file is not a whole "
                "ZIP archive; nothing was restored. Use a complete copy."
            ) from None
        with archive, tempfile.TemporaryDirectory() as folder:
            media = check_archive(path, archive, models)
            # loaddata reads a file: the records, as a JSON file of their own.
            records = Path(folder) / CONTENT_NAME
            records.write_bytes(archive.read(CONTENT_NAME))
            self.restore(path, records, kept + history, archive, media, verbosity)

    def restore(self, path, records, models, archive, media, verbosity) -> None:
        present = [
            f"{model._meta.label_lower} ({count})"
            for model in models
            if (count := model._base_manager.count())
        ]
        if present:
            raise CommandError(
                "The database is not empty, nothing was restored. Restore only into "
                f"a new, migrated database. Found: {', '.join(present)}."
            )
        taken = [name for name in media if default_storage.exists(name)]
        if taken:
            raise CommandError(
                "The media store already holds files of the backup, nothing was "
                "restored. Restore into an empty media folder (DJANGO_MEDIA_ROOT) or "
                f"bucket. Found: {', '.join(taken[:5])}"
                + (f" and {len(taken) - 5} more." if len(taken) > 5 else ".")
            )
        # loaddata: one transaction, constraints checked at the end, PostgreSQL's
        # sequences moved past the restored ids. The history is restored as it was,
        # so simple-history must not add entries for the many-to-many rows loaded.
        # What the content apps derive is derived again, as after the starter
        # content (a dump from an older version may hold another form of it), and
        # the signals of the load mark cached pages stale. A record that does not
        # fit (a wrong value, a missing related record) stops the load, rolled back.
        # The media files are written inside the transaction: a failure removes the
        # ones written and rolls the records back.
        written = []
        try:
            with transaction.atomic():
                with override_settings(SIMPLE_HISTORY_ENABLED=False):
                    call_command("loaddata", str(records), verbosity=verbosity)
                for config in content_apps():
                    config.content_loaded()
                for name in media:
                    with archive.open(MEDIA_PREFIX + name) as member:
                        saved = default_storage.save(name, member)
                    written.append(saved)
                    if saved != name:
                        raise CommandError(
                            f"{path}: the media store saved “{name}” as “{saved}”; "
                            "nothing was restored."
                        )
        except (DeserializationError, DatabaseError) as error:
            remove(written)
            raise CommandError(
                f"{path}: a record does not fit the database, nothing was restored. "
                f"{error}"
            ) from error
        except BaseException:
            remove(written)
            raise
        self.stdout.write(
            f"{path} restored, with {len(media)} media files."
            if archive
            else f"{path} restored."
        )


def remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def check_archive(path: Path, archive: zipfile.ZipFile, models: set[str]) -> list[str]:
    """Refuse, naming the problem, an archive that is not a whole backup; returns
    the names of its media files as the storage knows them."""
    names = archive.namelist()
    if CONTENT_NAME not in names:
        raise CommandError(
            f"{path}: not a backup, the archive holds no {CONTENT_NAME}; nothing was "
            "restored."
        )
    media = []
    for name in names:
        if name == CONTENT_NAME:
            continue
        stored = name.removeprefix(MEDIA_PREFIX)
        if not (
            name.startswith(MEDIA_PREFIX)
            and posixpath.normpath(stored) == stored
            and stored.split("/", 1)[0] in MEDIA_FOLDERS
            and "/" in stored
            and "\\" not in stored
        ):
            raise CommandError(
                f"{path}: the archive holds “{name}”, which is not a file a backup "
                "holds; nothing was restored."
            )
        media.append(stored)
    try:
        damaged = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        damaged = f"? ({error})"
    if damaged is not None:
        raise CommandError(
            f"{path}: the backup is damaged (“{damaged}” does not read back as it "
            "was written); nothing was restored. Use a complete copy."
        )
    check_backup(path, archive.read(CONTENT_NAME), models)
    return media


def check_backup(path: Path, content: bytes, models: set[str]) -> None:
    """Refuse, naming the problem, records that are not a backup's as backup_content
    writes them: a JSON list of records of the backed-up models."""
    try:
        text = content.decode("utf-8")
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
