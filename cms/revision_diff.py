"""What changed between two revisions of a record, as staff read it.

Each changed field is named by its label, which for a translated field names the
language too ("Nazwa [pl]", django-modeltranslation's verbose name); values read as
`cms.history.shown` gives them, with related records named from the ids a revision
stores, and texts as the words removed and added (`cms.history.word_diff`), a
formatted text's words without its markup. The rows
the record owns are matched by id: added, removed, or changed field by field.
"""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.exceptions import ValidationError as InvalidValue
from django.core.serializers.base import DeserializationError
from django.db import models
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from cms import revisions
from cms.history import shown, word_diff
from cms.rich_text import plain_text

ROW_LABEL_LENGTH = 80


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str
    # For a text: its words removed and added (HTML), shown instead of both values.
    diff: str = ""


@dataclass(frozen=True)
class RowChange:
    label: str
    fields: list[FieldChange]


@dataclass(frozen=True)
class RowChanges:
    """The changes to the rows of one inline model."""

    label: str
    added: list[str]
    removed: list[str]
    changed: list[RowChange]


@dataclass(frozen=True)
class Comparison:
    fields: list[FieldChange]
    rows: list[RowChanges]

    def __bool__(self) -> bool:
        return bool(self.fields or self.rows)


def compare(model, old: dict, new: dict) -> Comparison:
    """The changes from revision content `old` to `new` (`Revision.content`)."""
    # Normalised as for deciding whether a save changed anything: the same rules
    # make "nothing changed" here and "no revision" on save.
    old_compared, new_compared = revisions.compared(old), revisions.compared(new)
    rows = []
    for name in dict.fromkeys([*old["children"], *new["children"]]):
        child = getattr(model, name).rel.related_model
        changes = _row_changes(
            child,
            _by_pk(old["children"].get(name, [])),
            _by_pk(new["children"].get(name, [])),
            _by_pk(old_compared["children"].get(name, [])),
            _by_pk(new_compared["children"].get(name, [])),
        )
        if changes.added or changes.removed or changes.changed:
            rows.append(changes)
    return Comparison(
        fields=_field_changes(
            model,
            old["fields"],
            new["fields"],
            old_compared["fields"],
            new_compared["fields"],
        ),
        rows=rows,
    )


def _by_pk(rows: list[dict]) -> dict:
    return {row["pk"]: row for row in rows}


def _field_changes(model, old, new, old_compared, new_compared) -> list[FieldChange]:
    """The fields whose compared values differ, in the model's order, with their
    stored values as staff read them."""
    changes = []
    for name in _in_model_order(model, [*old_compared, *new_compared]):
        if old_compared.get(name) == new_compared.get(name):
            continue
        field = model._meta.get_field(name)
        old_value, new_value = old.get(name), new.get(name)
        label = capfirst(field.verbose_name)
        if _is_text(field):
            old_text, new_text = (
                plain_text(old_value or ""),
                plain_text(new_value or ""),
            )
            diff = word_diff(old_value or "", new_value or "")
            changes.append(FieldChange(label, old_text, new_text, diff))
        else:
            changes.append(
                FieldChange(
                    label, displayed(field, old_value), displayed(field, new_value)
                )
            )
    return changes


def _in_model_order(model, names: list[str]) -> list[str]:
    # A field a revision kept but the model has since lost cannot be restored either.
    present = set()
    for name in names:
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        present.add(name)
    return [field.name for field in model._meta.get_fields() if field.name in present]


def _is_text(field) -> bool:
    return isinstance(field, models.CharField | models.TextField) and not field.choices


def displayed(field, value) -> str:
    """A stored value (as JSON keeps it) as staff read it."""
    if value is None or value == "" or value == []:
        return shown(field, None)
    if field.many_to_many:
        return ", ".join(related_names(field, value))
    if field.is_relation:
        (name,) = related_names(field, [value])
        return shown(field, name)
    try:
        value = field.to_python(value)
    except InvalidValue:
        pass  # Kept under an older definition of the field: shown as stored.
    return shown(field, value)


def related_names(field, ids: list) -> list[str]:
    """The names of the records `ids` point to, or that a record is gone."""
    records = field.related_model._base_manager.in_bulk(ids)
    return [
        str(records[pk])
        if pk in records
        else _("(deleted record no. %(id)s)") % {"id": pk}
        for pk in ids
    ]


def _row_changes(model, old, new, old_compared, new_compared) -> RowChanges:
    return RowChanges(
        label=capfirst(model._meta.verbose_name_plural),
        added=[row_label(model, new[pk]) for pk in new if pk not in old],
        removed=[row_label(model, old[pk]) for pk in old if pk not in new],
        changed=[
            RowChange(row_label(model, new[pk]), fields)
            for pk in sorted(new.keys() & old.keys())
            if (
                fields := _field_changes(
                    model,
                    old[pk]["fields"],
                    new[pk]["fields"],
                    old_compared[pk]["fields"],
                    new_compared[pk]["fields"],
                )
            )
        ],
    )


def row_label(model, row: dict) -> str:
    """A stored row named as the admin names it, or by its id when it cannot be
    (its name is empty, or reads a related record that no longer exists)."""
    try:
        name = str(revisions.deserialized(model, row).object)
    except (ObjectDoesNotExist, DeserializationError):
        name = ""
    return Truncator(name).chars(ROW_LABEL_LENGTH) or _("%(model)s no. %(id)s") % {
        "model": capfirst(model._meta.verbose_name),
        "id": row["pk"],
    }
