"""Every record with revisions gets a first, live revision of its state now, dated
and signed by its latest simple-history entry: the history kept before revisions
stays where it was, and a record's first save is compared with what it is.

The content is what `cms.revisions.snapshot()` stores, derived from the models as
they are at this migration: the editable concrete fields and the version, without
the bare modeltranslation columns (those with a column per language beside them),
many-to-many relations with an auto-created through as sorted ids, and the rows each
record owns, ordered by id. A record that already has a revision keeps its own.
"""

import json

from django.conf import settings
from django.core import serializers
from django.db import migrations
from django.utils import timezone
from django.utils.text import Truncator

# The models registered with cms.revisions, the rows each owns, and the field
# their __str__ names them by (else by their key).
REVISIONED = [
    ("clusters", "Cluster", ("snapshots", "items", "projects", "membership_set"), "name"),
    ("clusters", "Page", (), "title"),
    ("ecosystems", "Highland", (), "name"),
    ("contacts", "Unit", (), "name"),
    ("contacts", "Team", ("members",), "name"),
    ("contacts", "AccessibilityStatement", (), "site_name"),
]
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def stored_fields(model) -> list[str]:
    names = {field.name for field in model._meta.concrete_fields}

    def is_bare(name):
        return all(f"{name}_{code}" in names for code in LANGUAGE_CODES)

    return [
        field.name
        for field in model._meta.concrete_fields
        if (field.editable or field.name == "version")
        and not field.primary_key
        and not is_bare(field.name)
    ]


def row(obj) -> dict:
    model = type(obj)
    many_to_many = [
        field.name
        for field in model._meta.many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    (data,) = json.loads(
        serializers.serialize("json", [obj], fields=stored_fields(model) + many_to_many)
    )
    return {
        "pk": obj.pk,
        "fields": {
            name: sorted(value) if isinstance(value, list) else value
            for name, value in data["fields"].items()
        },
    }


def snapshot(obj, children) -> dict:
    content = row(obj)
    content["children"] = {
        name: [row(child) for child in getattr(obj, name).order_by("pk").iterator()]
        for name in children
    }
    return content


def name_of(obj, field: str) -> str:
    names = [getattr(obj, f"{field}_{code}") for code in LANGUAGE_CODES]
    return Truncator(next(filter(None, names), obj.key)).chars(300)


def first_revisions(apps, schema_editor):
    using = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("cms", "Revision")
    for app_label, model_name, children, name_field in REVISIONED:
        model = apps.get_model(app_label, model_name)
        history = apps.get_model(app_label, f"Historical{model_name}")
        content_type, _created = ContentType.objects.db_manager(using).get_or_create(
            app_label=app_label, model=model_name.lower()
        )
        revisioned = set(
            Revision.objects.using(using)
            .filter(content_type=content_type)
            .values_list("object_id", flat=True)
        )
        for obj in model._base_manager.using(using).order_by("pk").iterator():
            if str(obj.pk) in revisioned:
                continue
            entry = (
                history.objects.using(using)
                .filter(id=obj.pk)
                .order_by("-history_date", "-history_id")
                .first()
            )
            if entry is not None:
                when, user_id = entry.history_date, entry.history_user_id
            else:
                when, user_id = getattr(obj, "updated_at", None) or timezone.now(), None
            Revision.objects.using(using).create(
                content_type=content_type,
                object_id=str(obj.pk),
                object_repr=name_of(obj, name_field),
                content=snapshot(obj, children),
                created_at=when,
                created_by_id=user_id,
                published_at=when,
                published_by_id=user_id,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clusters", "0006_version_on_every_edited_record"),
        ("contacts", "0003_publish_permissions"),
        ("ecosystems", "0002_publication_schedule_and_version"),
    ]

    operations = [
        # Later revisions are kept when migrating back: nothing to undo.
        migrations.RunPython(first_revisions, migrations.RunPython.noop),
    ]
