"""Backup and restore: `make backup` / `make restore`, SQLite → PostgreSQL → SQLite.

The round trip runs the make targets in subprocesses, each with its own DATABASE_URL:
a temporary SQLite file, and a PostgreSQL database created for the test and dropped
after it. PostgreSQL is required in CI (CI=true) and skipped, saying so, elsewhere.
"""

import csv
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import stat
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from clusters.models import Cluster
from cms.documents import Document
from cms.management.commands.backup_content import backed_up_models
from tests import sample_files
from tests.factories import (
    make_cluster,
    make_document,
    make_page,
    make_report,
    make_snapshot,
)

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path) -> Path:
    """A media folder of the test's own: a backup holds every file in it."""
    settings.MEDIA_ROOT = tmp_path / "own-media"
    return settings.MEDIA_ROOT


POPULATE = """
import os

import django
from django.conf import settings

settings.MEDIA_ROOT = os.environ["DJANGO_MEDIA_ROOT"]
django.setup()

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType

from django.test.utils import override_settings

from cms import revisions
from cms.management.commands.setup_instance import record_initial_history
from clusters.models import Membership
from tests import factories as f

editor = User.objects.create_user(
    "redaktorka", password="Hasło-do-testów-1", first_name="Żaneta", is_staff=True
)
editor.groups.add(Group.objects.get(name="editors"))
translators = Group.objects.create(name="tłumacze")
translators.permissions.add(Permission.objects.get(codename="change_page"))
editor.groups.add(translators)

it, medical = f.make_highland(), f.make_highland()
it.cooperates_with.add(medical)
# As the starter content: one history entry each, which a restore must not add to.
with override_settings(SIMPLE_HISTORY_ENABLED=False):
    for _ in range(6):
        f.make_cluster(
            highlands=[it, medical],
            coordinators=[f.make_coordinator(), f.make_coordinator()],
        )
record_initial_history()
cluster = f.make_cluster(
    highlands=[it],
    coordinators=[f.make_coordinator(name_pl="Fundacja Żółć", name_en="")],
    characteristics_pl="Zażółć gęślą jaźń.",
    characteristics_en="Both languages.",
    publish_from="2026-03-29T01:30:00.123456+00:00",
)
f.make_cluster(parent=cluster, name_en="")
f.make_snapshot(cluster, year=2024, members=10, enterprises=8)
f.make_item(cluster)
f.make_project(cluster)
Membership.objects.create(cluster=cluster, organisation=f.make_organisation())
cluster.name_en = "Renamed by the editor"
cluster._history_user = editor
cluster.save()
cluster.refresh_from_db()  # publish_from was given as text
revisions.ensure_live_revision(cluster)
draft = revisions.snapshot(cluster)
draft["fields"]["characteristics_pl"] = "Szkic, jeszcze nieopublikowany."
revisions.create(cluster, draft, editor, published=False, comment="Do akceptacji")
gone = f.make_cluster(coordinators=[f.make_coordinator()])
f.make_snapshot(gone, year=2020)
gone.delete()  # its history stays, pointing at rows that no longer exist
f.make_page(), f.make_report(), f.make_team_member(), f.make_statement()
# Media: documents a report and a page link, and the images' files.
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from tests import sample_files

report = f.make_report(document=f.make_document(sample_files.pdf(padding=200_000)))
f.make_page().documents.add(
    f.make_document(sample_files.ooxml("docx"), name="Sprawozdanie łódź.docx")
)
default_storage.save("images/2026/logo.png", ContentFile(sample_files.image("PNG")))
default_storage.save("renditions/ab/logo-320.webp", ContentFile(sample_files.image("WEBP")))
LogEntry.objects.create(
    user=editor,
    content_type=ContentType.objects.get_for_model(cluster),
    object_id=str(cluster.pk),
    object_repr=str(cluster),
    action_flag=CHANGE,
    change_message="[]",
)
"""

CREATE_AFTER_RESTORE = """
import django

django.setup()

from tests.factories import make_cluster, make_snapshot

make_snapshot(make_cluster(key="after-restore"), year=2025)
"""


def canonical_content() -> str:
    """Every row a backup keeps, comparable across databases: columns as stored
    (both languages; bare translated columns too), the ids a backup keeps, content
    types, permissions and groups by natural key, many-to-many rows without ids."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group, Permission, User
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import QuerySet

    from cms.management.commands.backup_content import backed_up_models

    by_natural_key = {ContentType, Permission, Group}
    _named, kept, history = backed_up_models()
    models = [Group, User, LogEntry, *kept, *history]
    models += [
        field.remote_field.through
        for model in models
        for field in model._meta.local_many_to_many
    ]
    tables = {}
    for model in models:
        fields = model._meta.concrete_fields
        rows = []
        # A plain QuerySet: modeltranslation does not rewrite its columns.
        for values in QuerySet(model).values_list(*(f.attname for f in fields)):
            row = {}
            for field, value in zip(fields, values, strict=True):
                if field.primary_key and (
                    model in by_natural_key or model._meta.auto_created
                ):
                    continue
                if field.is_relation and field.related_model in by_natural_key:
                    value = field.related_model.objects.get(pk=value).natural_key()
                row[field.attname] = value
            # Keys sorted: PostgreSQL's jsonb keeps a revision's keys in an order of
            # its own.
            rows.append(
                json.dumps(row, default=str, ensure_ascii=False, sort_keys=True)
            )
        tables[model._meta.db_table] = sorted(rows)
    return json.dumps(tables, indent=1, ensure_ascii=False)


def media_root(database_url: str, tmp_path: Path) -> Path:
    """Each database's media folder of its own, as each site has."""
    return tmp_path / "media" / hashlib.sha256(database_url.encode()).hexdigest()[:12]


def media_of(root: Path) -> dict[str, str]:
    """{name: sha256} of every file under a media folder."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def run(command: list[str], database_url: str, tmp_path: Path, **kwargs) -> str:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    } | {
        "DATABASE_URL": database_url,
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
        "DJANGO_MEDIA_ROOT": str(media_root(database_url, tmp_path)),
        "PYTHONPATH": str(BASE_DIR),
    }
    done = subprocess.run(
        command,
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        **kwargs,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def python(script: str, database_url: str, tmp_path: Path) -> str:
    env_script = "import os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'tests.settings'\n"
    return run([sys.executable, "-c", env_script + script], database_url, tmp_path)


def make(target: str, file: Path, database_url: str, tmp_path: Path) -> str:
    # `-o install`: this test runs in the installed environment already.
    return run(
        ["make", "--no-print-directory", "-o", "install", target, f"FILE={file}"],
        database_url,
        tmp_path,
    )


def content_of(database_url: str, tmp_path: Path) -> str:
    return python(
        "import django\ndjango.setup()\n"
        "from tests.test_backup import canonical_content\n"
        "print(canonical_content())\n",
        database_url,
        tmp_path,
    )


@pytest.fixture
def postgres_url():
    """A new PostgreSQL database on the server the tests use (or the local one)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(url)
    try:
        server = psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as error:
        message = f"PostgreSQL does not answer at {parts.hostname}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    name = f"backup_roundtrip_{secrets.token_hex(4)}"
    server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


def test_round_trip_sqlite_postgresql_sqlite_keeps_every_row_and_file(
    tmp_path, postgres_url
):
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    run([sys.executable, "manage.py", "migrate", "-v0"], source, tmp_path)
    python(POPULATE, source, tmp_path)
    original = content_of(source, tmp_path)
    tables = json.loads(original)
    assert any("Zażółć gęślą jaźń." in row for row in tables["clusters_cluster"])
    assert any(
        '"history_type": "-"' in row for row in tables["clusters_historicalcluster"]
    )
    assert tables["clusters_historicalcluster_coordinators"]

    media = media_of(media_root(source, tmp_path))
    assert {name.split("/")[0] for name in media} == {
        "images",
        "documents",
        "renditions",
    }

    make("backup", tmp_path / "from-sqlite.zip", source, tmp_path)
    make("restore", tmp_path / "from-sqlite.zip", postgres_url, tmp_path)
    assert content_of(postgres_url, tmp_path) == original
    assert media_of(media_root(postgres_url, tmp_path)) == media

    make("backup", tmp_path / "from-postgresql.zip", postgres_url, tmp_path)
    # The sequences moved past the restored ids: new records can be added.
    python(CREATE_AFTER_RESTORE, postgres_url, tmp_path)
    make("restore", tmp_path / "from-postgresql.zip", target, tmp_path)
    assert content_of(target, tmp_path) == original
    assert media_of(media_root(target, tmp_path)) == media


def test_restore_refuses_a_database_with_content(tmp_path):
    backup = tmp_path / "backup.zip"
    call_command("backup_content", str(backup), verbosity=0)
    make_cluster(key="already-here")
    before = list(Cluster.objects.values_list("key", "version"))

    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore_content", str(backup), verbosity=0)

    assert list(Cluster.objects.values_list("key", "version")) == before


def test_a_backup_brings_the_media_back_byte_identical(tmp_path, own_media):
    document = make_document(sample_files.pdf(padding=100_000))
    make_report(title_pl="Klastry w Polsce", document=document)
    make_page().documents.add(
        make_document(sample_files.ooxml("docx"), name="Sprawozdanie łódź.docx")
    )
    default_storage.save("images/2026/logo.png", ContentFile(sample_files.image("PNG")))
    default_storage.save(
        "renditions/ab/logo-320.webp", ContentFile(sample_files.image("WEBP"))
    )
    default_storage.save("elsewhere/not-media.txt", ContentFile(b"not backed up"))
    media = media_of(own_media)
    backup = tmp_path / "backup.zip"

    call_command("backup_content", str(backup), verbosity=0)
    empty_everything(own_media)
    call_command("restore_content", str(backup), verbosity=0)

    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    del media["elsewhere/not-media.txt"]
    assert media_of(own_media) == media
    assert len(media) == 4
    restored = Document.objects.get(pk=document.pk)
    assert restored.file.name == document.file.name
    assert restored.reports.get().title_pl == "Klastry w Polsce"


def empty_everything(media: Path) -> None:
    """The database's restorable rows and the media folder, emptied."""
    _named, kept, history = backed_up_models()
    for model in [*reversed(kept), *history]:
        model._base_manager.all().delete()
    shutil.rmtree(media)
    assert restorable_rows() == 0


@pytest.fixture
def good_backup(tmp_path, own_media) -> Path:
    """A backup of a report with its document, everything then emptied again."""
    make_report(document=make_document())
    default_storage.save("images/logo.png", ContentFile(sample_files.image("PNG")))
    backup = tmp_path / "good.zip"
    call_command("backup_content", str(backup), verbosity=0)
    empty_everything(own_media)
    return backup


def rewritten(backup: Path, change) -> bytes:
    """The backup's members, passed through `change(name, data)`, in a new archive
    (a member changed to None is left out)."""
    out = io.BytesIO()
    with zipfile.ZipFile(backup) as original, zipfile.ZipFile(out, "w") as archive:
        for name in original.namelist():
            changed = change(name, original.read(name))
            if changed is not None:
                archive.writestr(*changed)
    return out.getvalue()


def with_a_damaged_file(backup: Path) -> bytes:
    """A byte of a stored file's data changed, its checksum left as it was."""
    data = bytearray(backup.read_bytes())
    with zipfile.ZipFile(backup) as archive:
        member = next(i for i in archive.infolist() if i.filename.startswith("media/"))
    # The data follows the local header: 30 bytes, the name and the extra field.
    offset = member.header_offset
    name_length, extra_length = struct.unpack("<HH", data[offset + 26 : offset + 30])
    data[offset + 30 + name_length + extra_length + member.compress_size // 2] ^= 0xFF
    return bytes(data)


BROKEN_ARCHIVES = {
    "truncated": (
        lambda backup: backup.read_bytes()[: backup.stat().st_size // 2],
        "not a whole ZIP archive",
    ),
    "a damaged file": (with_a_damaged_file, "the backup is damaged"),
    "no records": (
        lambda backup: rewritten(
            backup, lambda n, d: None if n == "content.json" else (n, d)
        ),
        "the archive holds no content.json",
    ),
    "records not JSON": (
        lambda backup: rewritten(
            backup, lambda n, d: (n, b"Klastry" if n == "content.json" else d)
        ),
        "the file is not JSON",
    ),
    "a name outside the media folders": (
        lambda backup: rewritten(
            backup,
            lambda n, d: (
                ("media/images/../../lublin/settings.py", d)
                if n.startswith("media/images/")
                else (n, d)
            ),
        ),
        "which is not a file a backup holds",
    ),
}


@pytest.mark.parametrize("case", BROKEN_ARCHIVES)
def test_a_broken_archive_is_refused_and_restores_nothing(
    tmp_path, good_backup, own_media, case
):
    corrupt, message = BROKEN_ARCHIVES[case]
    backup = tmp_path / "broken.zip"
    backup.write_bytes(corrupt(good_backup))

    with pytest.raises(CommandError, match=re.escape(message)) as refused:
        call_command("restore_content", str(backup), verbosity=0)

    assert "nothing was restored" in str(refused.value)
    assert restorable_rows() == 0
    assert media_of(own_media) == {}


def test_restore_refuses_a_media_folder_holding_the_backups_files(good_backup):
    default_storage.save("images/logo.png", ContentFile(b"another logo"))

    with pytest.raises(CommandError, match="The media store already holds files"):
        call_command("restore_content", str(good_backup), verbosity=0)

    assert restorable_rows() == 0
    with default_storage.open("images/logo.png") as kept:
        assert kept.read() == b"another logo"


def test_a_failed_load_removes_the_media_files_it_wrote(
    tmp_path, good_backup, own_media
):
    def with_a_report_of_no_document(name, data):
        if name != "content.json":
            return name, data
        records = json.loads(data)
        report = next(r for r in records if r["model"] == "clusters.report")
        report["fields"]["document"] = 999
        return name, json.dumps(records)

    backup = tmp_path / "unfit.zip"
    backup.write_bytes(rewritten(good_backup, with_a_report_of_no_document))

    with pytest.raises(CommandError, match="a record does not fit the database"):
        call_command("restore_content", str(backup), verbosity=0)

    assert restorable_rows() == 0
    assert media_of(own_media) == {}


# A corrupt backup: refused with the problem named, nothing written.


def restorable_rows() -> int:
    """Rows in the tables a restore writes (groups come with the migrations)."""
    _named, kept, history = backed_up_models()
    return sum(model._base_manager.count() for model in kept + history)


@pytest.fixture
def backup_records(tmp_path) -> list[dict]:
    """The records of a backup of one cluster with figures, the database then
    emptied again for the restore."""
    make_snapshot(make_cluster(key="from-backup"), year=2024)
    backup = tmp_path / "good.zip"
    call_command("backup_content", str(backup), verbosity=0)
    _named, kept, history = backed_up_models()
    for model in [*reversed(kept), *history]:
        model._base_manager.all().delete()
    assert restorable_rows() == 0
    with zipfile.ZipFile(backup) as archive:
        return json.loads(archive.read("content.json"))


def record_of(records: list[dict], model: str) -> dict:
    return next(record for record in records if record["model"] == model)


def with_year_established(records, value):
    record_of(records, "clusters.cluster")["fields"]["year_established"] = value
    return records


def with_snapshot_of_a_missing_cluster(records):
    record_of(records, "clusters.membershipsnapshot")["fields"]["cluster"] = 999
    return records


def with_model(records, model):
    record_of(records, "clusters.cluster")["model"] = model
    return records


CORRUPTIONS = {
    "not JSON": (lambda records: b"Klastry Lublina", "the file is not JSON"),
    "not UTF-8": (lambda records: "[Zażółć]".encode("cp1250"), "not UTF-8 text"),
    "truncated": (
        lambda records: json.dumps(records).encode()[:-40],
        "the backup is truncated",
    ),
    "an object, not a list": (
        lambda records: json.dumps(records[0]).encode(),
        "a non-empty JSON list of records",
    ),
    "empty": (lambda records: b"[]", "a non-empty JSON list of records"),
    "not a record": (
        lambda records: json.dumps([*records, ["clusters.cluster", 1]]).encode(),
        "record {count} is not a record of a backup",
    ),
    "unknown model": (
        lambda records: json.dumps(with_model(records, "clusters.klaster")).encode(),
        "is of a model a backup does not hold, “clusters.klaster”",
    ),
    "model a backup does not hold": (
        lambda records: json.dumps(with_model(records, "sessions.session")).encode(),
        "is of a model a backup does not hold, “sessions.session”",
    ),
    "a value that does not fit": (
        lambda records: json.dumps(with_year_established(records, "dawno")).encode(),
        "a record does not fit the database",
    ),
    "a missing related record": (
        lambda records: json.dumps(
            with_snapshot_of_a_missing_cluster(records)
        ).encode(),
        "a record does not fit the database",
    ),
}


@pytest.mark.parametrize("case", CORRUPTIONS)
def test_a_corrupt_backup_is_refused_naming_the_problem(tmp_path, backup_records, case):
    corrupt, message = CORRUPTIONS[case]
    backup = tmp_path / "corrupt.json"
    backup.write_bytes(corrupt(backup_records))
    message = message.format(count=len(backup_records) + 1)

    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("restore_content", str(backup), verbosity=0)

    assert restorable_rows() == 0


# A backup made before the code moved into the cms app (tests/data/before-cms/).

BEFORE_CMS = Path(__file__).resolve().parent / "data" / "before-cms"


def then_and_now(now: str, then: str, *, is_csv: bool) -> tuple:
    """An export as it was then and today's with only what it had then: fields and
    columns added since (e.g. `as_of_is_earliest`) are left out, and `updated`,
    which now says when staff last published an edit (none since that backup was
    loaded, so empty) rather than when the row was last written; all else compared."""
    if is_csv:
        columns = [c for c in next(csv.reader(io.StringIO(then))) if c != "updated"]
        old, new = (
            [
                {column: row[column] for column in columns}
                for row in csv.DictReader(io.StringIO(text))
            ]
            for text in (then, now)
        )
        return old, new

    def kept(new, old):
        if isinstance(new, dict) and isinstance(old, dict):
            return {
                key: kept(new[key], old[key])
                for key in old
                if key in new and key != "updated"
            }
        if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
            return [kept(n, o) for n, o in zip(new, old, strict=True)]
        return new

    old = json.loads(then)
    return kept(old, old), kept(json.loads(now), old)


def test_a_backup_made_before_the_cms_app_restores_with_identical_exports():
    call_command("restore_content", str(BEFORE_CMS / "backup.json"), verbosity=0)

    exports = json.loads((BEFORE_CMS / "exports.json").read_text("utf-8"))
    visitor = Client(HTTP_HOST="127.0.0.1")
    for path, body in exports.items():
        now = visitor.get(path).getvalue().decode()
        old, new = then_and_now(now, body, is_csv=path.endswith(".csv"))
        assert new == old, path
    backed_up = json.loads((BEFORE_CMS / "backup.json").read_text("utf-8"))
    history = [r for r in backed_up if r["model"] == "clusters.historicalcluster"]
    restored = Cluster.objects.get(key="klaster-ict").history.all()
    assert len(restored) == len(history) > 1
    assert restored[0].name_en == "ICT Cluster of Eastern Poland"
