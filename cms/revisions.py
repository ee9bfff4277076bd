"""Revisions of whole records, Wagtail's model on Django's own parts.

A revision (`cms.models.Revision`) stores a record as one unit: its editable fields
in every language (the per-language columns django-modeltranslation adds; never the
bare column, which only mirrors the active language), its many-to-many relations and
the rows it owns (a cluster's snapshots, list items, projects and members), each row
whole. The live tables hold what visitors see. A revision saved after the last
published one is the record's draft: it lives only in its revision until a publisher
publishes it, when `restore` writes it to the tables.

Staff edit a draft in the ordinary admin form: `sandbox()` writes the draft into the
tables inside a transaction that is always rolled back, the admin renders or saves
the form there, the saved state is read back with `snapshot()`, and nothing of it
outlives the transaction. Drafts therefore never reach visitors, exports, the sitemap
or the page cache, which all read the committed tables.
"""

import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import connections, router, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import Truncator
from modeltranslation.translator import NotRegistered, translator

from cms.models import Revision
from cms.publishing import SOURCE_DATE_FIELDS, mark_edited
from cms.reordering import has_order, move_out_of_the_way
from cms.translation_marks import MARK_FIELDS

VERSION = "version"
# Not edited in forms, yet part of the record a revision restores.
KEPT_UNEDITABLE = {VERSION, *MARK_FIELDS, *SOURCE_DATE_FIELDS}


@dataclass(frozen=True)
class Registration:
    children: tuple[str, ...]


_registry: dict[type[Model], Registration] = {}


def register(model_name: str, app_label: str, children: tuple[str, ...] = ()) -> None:
    """Keep revisions of a model's records; `children` names the reverse relations
    to the rows each record owns (edited inline, saved and restored with it)."""
    _registry[apps.get_model(app_label, model_name)] = Registration(tuple(children))


def is_revisioned(model) -> bool:
    return model in _registry


def revisioned_models() -> list[type[Model]]:
    return list(_registry)


def owned_models(model) -> dict[str, type[Model]]:
    """{relation: model} of the rows each record of `model` owns."""
    return {
        name: getattr(model, name).rel.related_model
        for name in _registry[model].children
    }


def stored_fields(model) -> list[str]:
    """The fields a revision keeps: what staff edit (in each language), the version
    and what marks the texts (translations, source dates); derived fields are
    computed again when a revision is restored."""
    try:
        bare = set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        bare = set()
    return [
        field.name
        for field in model._meta.concrete_fields
        if (field.editable or field.name in KEPT_UNEDITABLE)
        and not field.primary_key
        and field.name not in bare
    ]


def _many_to_many(model) -> list:
    """Many-to-many relations kept by their ids; one with rows of its own (`through`)
    is kept as those rows, when the record owns them."""
    return [
        field
        for field in model._meta.many_to_many
        if field.remote_field.through._meta.auto_created
    ]


def _row(obj: Model) -> dict:
    """One row as JSON keeps it: dates as text, many-to-many ids sorted."""
    model = type(obj)
    fields = stored_fields(model) + [field.name for field in _many_to_many(model)]
    (data,) = json.loads(serializers.serialize("json", [obj], fields=fields))
    return {
        "pk": obj.pk,
        "fields": {
            name: sorted(value) if isinstance(value, list) else value
            for name, value in data["fields"].items()
        },
    }


def snapshot(obj: Model) -> dict:
    """The record as stored now, whole: a revision's `content`."""
    registration = _registry[type(obj)]
    content = _row(obj)
    content["children"] = {
        name: [_row(child) for child in getattr(obj, name).order_by("pk").iterator()]
        for name in registration.children
    }
    return content


def compared_row(row: dict) -> dict:
    """A stored row as compared for changes: without the version, which every save
    moves on, and with an empty text alike whether stored as "" or as NULL (the
    admin saves "" where a language column was NULL)."""
    return {
        name: "" if value is None else value
        for name, value in row["fields"].items()
        if name != VERSION
    }


def compared(content: dict) -> dict:
    """`content` as compared for changes (see compared_row)."""
    return {
        "fields": compared_row(content),
        "children": {
            name: [{"pk": row["pk"], "fields": compared_row(row)} for row in rows]
            for name, rows in content["children"].items()
        },
    }


def deserialized(model, row: dict):
    (item,) = serializers.deserialize(
        "python",
        [{"model": model._meta.label_lower, "pk": row["pk"], "fields": row["fields"]}],
        ignorenonexistent=True,
        handle_forward_references=False,
    )
    return item


def _save_row(model, row: dict, audit: bool, base: dict | None = None) -> Model:
    """Writes one stored row with an ordinary save (the model's own logic runs),
    then its many-to-many relations (see `_related_ids`)."""
    item = deserialized(model, row)
    obj = item.object
    obj._state.adding = not model._base_manager.filter(pk=obj.pk).exists()
    if not audit:
        obj.skip_history_when_saving = True
    obj.save()
    for name, ids in (item.m2m_data or {}).items():
        relation = getattr(obj, name)
        wanted = _related_ids(relation, ids, base and base.get(name))
        related = model._meta.get_field(name).related_model
        relation.set(related._base_manager.filter(pk__in=wanted))
    return obj


def _related_ids(relation, ids: list, base: list | None) -> set:
    """The relation as the revision wants it, without undoing what others changed
    since the live revision `base` (a Highland linked from another one's form): the
    revision's own additions and removals, applied to the current links."""
    if base is None:
        return set(ids)
    wanted, before = set(ids), set(base)
    current = set(relation.values_list("pk", flat=True))
    return (current | (wanted - before)) - (before - wanted)


def restore(model, content: dict, *, audit: bool = True) -> Model:
    """Writes a revision to the tables: the record, its relations, and exactly the
    rows it owned then (rows added since are deleted, rows deleted since come back
    with their ids; a row whose id another record's row holds comes back as a new
    row). `audit=False` leaves simple-history's log alone, for a draft written into
    a sandbox."""
    live = live_of(model, content["pk"])
    exists = model._base_manager.filter(pk=content["pk"]).exists()
    base = live.content["fields"] if live and exists else None
    obj = _save_row(model, content, audit, base)
    for name, rows in content["children"].items():
        relation = getattr(obj, name)
        kept = {row["pk"] for row in rows}
        relation.exclude(pk__in=kept).delete()
        if kept and has_order(relation.model):
            # Kept rows may have traded places since (cms/reordering.py).
            move_out_of_the_way(relation.filter(pk__in=kept))
        taken = set(
            relation.model._base_manager.filter(pk__in=kept)
            .exclude(**{relation.field.attname: obj.pk})
            .values_list("pk", flat=True)
        )
        for row in rows:
            _save_row(
                relation.model, row | {"pk": None} if row["pk"] in taken else row, audit
            )
    # The record's save derived its copies of other rows (a cluster's current figures
    # and search text) before those rows were written: derived again now.
    if hasattr(obj, "refresh_derived"):
        obj.refresh_derived()
    return obj


def reserve_ids(model, content: dict) -> None:
    """Keeps the ids of rows first written in a sandbox from being given to other
    rows: SQLite rolls its id counters back with the sandbox (PostgreSQL's sequences
    never go back), and a draft's new row would then share its id with the next row
    anyone adds."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "sqlite":
        return
    highest = {model._meta.db_table: content["pk"]}
    for name, rows in content["children"].items():
        table = getattr(model, name).rel.related_model._meta.db_table
        for row in rows:
            highest[table] = max(highest.get(table, 0), row["pk"])
    with connection.cursor() as cursor:
        for table, pk in highest.items():
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s AND seq < %s",
                [pk, table, pk],
            )
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) SELECT %s, %s WHERE NOT "
                "EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %s)",
                [table, pk, table],
            )


def record_of(model, content: dict) -> Model:
    """The record a revision holds, unsaved (its many-to-many relations left out)."""
    return deserialized(model, content).object


def revisions_of(obj_or_model, pk=None):
    model = obj_or_model if pk is not None else type(obj_or_model)
    return Revision.objects.of(model, obj_or_model.pk if pk is None else pk)


def latest(model, pk) -> Revision | None:
    return Revision.objects.of(model, pk).first()


def draft_of(model, pk) -> Revision | None:
    """The record's draft: its latest revision, when that is not published."""
    revision = latest(model, pk)
    return revision if revision and revision.published_at is None else None


def live_of(model, pk) -> Revision | None:
    return Revision.objects.of(model, pk).filter(published_at__isnull=False).first()


def differs_from_latest(obj: Model, content: dict) -> bool:
    previous = latest(type(obj), obj.pk)
    if previous is None:
        return True
    return compared(with_defaults(type(obj), previous.content)) != compared(content)


def with_defaults(model, content: dict) -> dict:
    """`content` with the fields added to the models since it was stored, at their
    defaults: a revision older than a field is not a change of it."""

    def filler(model):
        defaults = {
            name: model._meta.get_field(name).get_default()
            for name in stored_fields(model)
        } | {field.name: [] for field in _many_to_many(model)}

        def filled(row: dict) -> dict:
            if defaults.keys() <= row["fields"].keys():
                return row
            return {**row, "fields": {**defaults, **row["fields"]}}

        return filled

    owned = owned_models(model)
    children = {}
    for name, rows in content["children"].items():
        filled = filler(owned[name])
        children[name] = [filled(row) for row in rows]
    return {**filler(model)(content), "children": children}


def create(
    obj: Model, content: dict, user=None, *, published: bool, comment: str = ""
) -> Revision:
    """A revision of `obj` holding `content`; published: written to the tables."""
    now = timezone.now()
    reserve_ids(type(obj), content)
    if published and user is not None:
        # A person's edit, live at once (not the first revision of loaded content).
        mark_edited(type(obj), obj.pk)
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=Truncator(str(obj)).chars(300),
        content=content,
        created_at=now,
        created_by=user,
        comment=comment,
        published_at=now if published else None,
        published_by=user if published else None,
    )


def moved_past_latest(obj: Model, content: dict) -> dict:
    """`content` with a version past the latest revision's, for a draft made
    outside the record's form (a revert, an import): a form opened before it is then
    refused as based on an older copy (cms/locking.py), instead of publishing it
    unseen; one opened after it saves as usual."""
    previous = latest(type(obj), obj.pk)
    if previous is not None and VERSION in content["fields"]:
        content["fields"][VERSION] = previous.content["fields"][VERSION] + 1
    return content


def mark_published(revision: Revision, user=None) -> None:
    """Records that `revision`, just written to the tables, is what visitors see."""
    revision.published_at = timezone.now()
    revision.published_by = user
    revision.go_live_at = None
    revision.save(update_fields=["published_at", "published_by", "go_live_at"])
    mark_edited(revision.model, revision.object_id)


def record_deletion(obj: Model, user) -> None:
    """Keeps `obj`'s latest revision, marked with who deleted it and when: before its
    row is deleted, so that it can be restored (cms/recovery.py)."""
    ensure_live_revision(obj)
    Revision.objects.filter(pk=latest(type(obj), obj.pk).pk).update(
        deleted_at=timezone.now(), deleted_by=user
    )


def record_revision(obj: Model, user=None, *, published: bool, comment: str = ""):
    """A new revision of `obj` as stored now, unless nothing changed since the
    latest; returns it, or None."""
    content = snapshot(obj)
    if not differs_from_latest(obj, content):
        return None
    return create(obj, content, user, published=published, comment=comment)


def ensure_live_revision(obj: Model) -> None:
    """A record loaded or imported without the admin gets its first revision, the
    state visitors see, before anything is compared with it."""
    if not revisions_of(obj).exists():
        revision = record_revision(obj, published=True)
        if revision is not None:
            Revision.objects.filter(pk=revision.pk).update(
                created_at=getattr(obj, "updated_at", None) or revision.created_at
            )


def ensure_live_revisions(model) -> None:
    """`ensure_live_revision` for every record of `model` without a revision: a
    query, and one more for each such record."""
    known = Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(model)
    ).values_list("object_id", flat=True)
    ids = {model._meta.pk.to_python(object_id) for object_id in known.distinct()}
    for obj in model._base_manager.exclude(pk__in=ids):
        ensure_live_revision(obj)


# Set while a sandbox is open: its writes change nothing anyone else will see, so
# they must not make the cached public pages stale either (cms/caching.py).
_in_sandbox: ContextVar[bool] = ContextVar("in_revision_sandbox", default=False)


def in_sandbox() -> bool:
    return _in_sandbox.get()


@contextmanager
def sandbox(model):
    """A transaction that is always rolled back: what is written inside is seen by
    the code inside, and by no one else, ever."""
    using = router.db_for_write(model)
    token = _in_sandbox.set(True)
    try:
        with transaction.atomic(using=using):
            try:
                yield
            finally:
                transaction.set_rollback(True, using=using)
    finally:
        _in_sandbox.reset(token)
