import json
import secrets
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_save
from django.test.utils import override_settings
from django.utils import translation

from cms import revisions
from cms.content_apps import content_apps
from cms.identity import SiteIdentity, identity_from_file
from cms.publishing import publishable_models

# The superuser `make run` creates on the embedded database.
LOCAL_SUPERUSER = "admin"


class Command(BaseCommand):
    help = (
        "Prepare a new instance: set the site's identity, load the starter content "
        "into an empty database and, on the embedded SQLite default only, create a "
        "local superuser."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--local-superuser",
            action="store_true",
            help=(
                "On the embedded database, create a superuser with a random password "
                "printed once, if none exists; then say what to open: the site in "
                "both languages, the admin and its user (`make run`)."
            ),
        )
        parser.add_argument(
            "--identity",
            metavar="FILE",
            help=(
                "The site's names, accent colour and open data licence, from a JSON "
                "file with the fields of fixtures/identity.json; replaces those set "
                "before (the logo stays). Without it, an instance that has none gets "
                "the one DJANGO_SITE_IDENTITY_FILE names (by default "
                "fixtures/identity.json, Lublin's)."
            ),
        )
        parser.add_argument(
            "--empty",
            action="store_true",
            help="Load no starter content: another city's staff add their own.",
        )

    def handle(
        self,
        *args,
        local_superuser: bool = False,
        identity: str | None = None,
        empty: bool = False,
        **options,
    ) -> None:
        # Checked before anything is written: a wrong file changes nothing.
        new_identity = self.identity_to_set(identity)
        if empty:
            self.stdout.write("--empty: no starter content loaded.")
        elif has_content():
            self.stdout.write("Content present: starter fixtures not loaded.")
        else:
            paths = [
                Path(settings.FIXTURE_DIRS[0], f"{config.label}.json")
                for config in content_apps()
            ]
            try:
                # One transaction: a fixture that fails to load leaves the database
                # unchanged.
                with transaction.atomic():
                    # Without the partial entries simple-history would make of the
                    # many-to-many rows; each record gets one entry afterwards.
                    with override_settings(SIMPLE_HISTORY_ENABLED=False):
                        call_command("loaddata", *map(str, paths), verbosity=1)
                    for config in content_apps():
                        config.content_loaded()
                    record_initial_history()
                    for model in revisions.revisioned_models():
                        revisions.ensure_live_revisions(model)
            except Exception as error:
                raise CommandError(
                    f"{describe_failure(paths, error)}\n"
                    "Starter content not loaded; the database is unchanged."
                ) from error
        if new_identity is not None:
            new_identity.save()
            self.stdout.write(
                f"Site identity set: {new_identity.site_name_pl} / "
                f"{new_identity.site_name_en}."
            )
        if local_superuser:
            self.stdout.write(self.next_steps(self.create_local_superuser()))

    def identity_to_set(self, path: str | None) -> SiteIdentity | None:
        """The identity of the file named, or the starter one for an instance that
        has none; None when there is nothing to change."""
        current = SiteIdentity.objects.first()
        if path is None and current is not None:
            return None
        path = path or settings.SITE_IDENTITY_FILE
        with translation.override("en"):
            try:
                identity = identity_from_file(path)
            except ValidationError as error:
                problems = "; ".join(error.messages)
                raise CommandError(
                    f"{path}: {problems}\nThe site's identity was not changed; "
                    "nothing was loaded."
                ) from error
        if current is not None:
            identity.logo_id = current.logo_id
        return identity

    def create_local_superuser(self) -> str | None:
        """The new superuser's password; None if one exists or cannot be made."""
        if connection.vendor != "sqlite":
            self.stdout.write("Not the embedded database: no local superuser created.")
            return None
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return None
        password = secrets.token_urlsafe(16)
        User.objects.create_superuser(LOCAL_SUPERUSER, password=password)
        return password

    def next_steps(self, password: str | None) -> str:
        site = settings.SITE_URL
        if password:
            account = self.style.WARNING(
                f"  User: {LOCAL_SUPERUSER}  Password: {password}\n"
                "  (shown only once; the first sign-in sets up an authenticator app, "
                "the second factor)"
            )
        elif get_user_model().objects.filter(username=LOCAL_SUPERUSER).exists():
            account = (
                f"  User: {LOCAL_SUPERUSER}  (a new password: make admin-password)"
            )
        else:
            account = "  No user admin: ./manage.py createsuperuser makes one."
        return (
            "\nThe site:\n"
            f"  {site}/pl/  (Polish)\n"
            f"  {site}/en/  (English)\n"
            f"The admin: {site}/{settings.ADMIN_PATH}\n"
            f"{account}"
        )


def has_content() -> bool:
    """Whether any record visitors could see exists: starter content never mixes in."""
    return any(model._base_manager.exists() for model in publishable_models())


def record_initial_history() -> None:
    """Give every loaded record its first history entry, "created", with its
    many-to-many relations: simple-history skips the raw saves of `loaddata`, and
    without that entry the starter text could not be reverted to, nor shown as the
    version an edit conflict started from."""
    for config in content_apps():
        for model in config.get_models():
            if hasattr(model._meta, "simple_history_manager_attribute"):
                for obj in model._base_manager.all():
                    post_save.send(model, instance=obj, created=True, raw=False)


def describe_failure(paths: list[Path], error: Exception) -> str:
    """Name the file and the record that failed to load.

    Django's messages name the file only (and a record as `pk=None` when it has a
    natural key): the files are loaded once more, record by record, in a transaction
    that is rolled back, until one fails.
    """
    # In English, as the rest of the command line; constraints' messages are
    # translated.
    try:
        with transaction.atomic(), translation.override("en"):
            found = first_failing_record(paths)
            transaction.set_rollback(True)
    except Exception:  # best effort: Django's own message still names the file
        found = None
    if found is None:
        return str(error)
    path, record, problem = found
    if record is None:
        return f"{path}: {problem}"
    return f"{path}: {record_label(record)}: {problem}"


def first_failing_record(paths: list[Path]) -> tuple[Path, dict | None, str] | None:
    deferred = []
    for path in paths:
        try:
            records = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            return path, None, str(error)
        for record in records:
            try:
                [obj] = serializers.deserialize(
                    "python", [record], handle_forward_references=True
                )
                with transaction.atomic():
                    obj.save()
            except Exception as error:
                return path, record, record_problem(record, error)
            if obj.deferred_fields:
                deferred.append((path, record, obj))
    for path, record, obj in deferred:
        try:
            with transaction.atomic():
                obj.save_deferred_fields()
        except Exception:
            return path, record, unresolved(obj.deferred_fields)
    return None


def record_problem(record: dict, error: Exception) -> str:
    if isinstance(error, DeserializationError):
        # The original error, without Django's "(model:pk=None) field_value…".
        error = error.__context__ or error
    missing = missing_references(record)
    if missing:
        # A required reference that does not resolve fails in many ways.
        return unresolved(missing)
    if isinstance(error, DatabaseError):
        [obj] = serializers.deserialize(
            "python", [record], handle_forward_references=True
        )
        try:
            obj.object.validate_unique()
            obj.object.validate_constraints()
        except ValidationError as invalid:
            # The constraint's own message, then the database's.
            return f"{' '.join(invalid.messages)} ({one_line(error)})"
    return one_line(error)


def one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def missing_references(record: dict) -> dict:
    try:
        fields = {
            field.name: field for field in apps.get_model(record["model"])._meta.fields
        }
    except (LookupError, ValueError):
        return {}
    missing = {}
    for name, value in record.get("fields", {}).items():
        field = fields.get(name)
        if field and field.many_to_one and not field.null and isinstance(value, list):
            try:
                field.related_model._default_manager.get_by_natural_key(*value)
            except ObjectDoesNotExist:
                missing[field] = value
    return missing


def unresolved(references: dict) -> str:
    return "; ".join(
        f"{field.name} refers to {json.dumps(value, ensure_ascii=False)}, "
        "which does not exist"
        for field, value in references.items()
    )


def record_label(record: dict) -> str:
    """The record's model and natural key (its unique fields, as the file writes
    them): `clusters.membershipsnapshot ["eastern-ict-cluster", 2024]`."""
    label = str(record.get("model"))
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    fields = record.get("fields", {})
    unique = [f.name for f in model._meta.fields if f.unique and not f.primary_key]
    names = unique[:1] or next(
        (c.fields for c in model._meta.total_unique_constraints), []
    )
    key = []
    for name in names:
        value = fields.get(name)
        key += value if isinstance(value, list) else [value]
    if not key and "pk" in record:
        return f"{model._meta.label_lower} pk={record['pk']}"
    return f"{model._meta.label_lower} {json.dumps(key, ensure_ascii=False)}"
