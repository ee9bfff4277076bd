"""Optimistic locking in the admin: a save based on an older copy is refused.

The change form carries, in a hidden `version` field, the version of the record it
was rendered from. Validation refuses the form when the record has moved on since,
says who changed what meanwhile (from the history), and shows the form again with
the editor's input. Validation alone would miss a save landing between the check and
the write, so the write itself claims the version with a conditional UPDATE inside
the admin's transaction; whoever loses that race has everything rolled back and the
form handled once more, when validation refuses it with the same message. Every
admin save goes through `save_model`, inline rows included, so a change to inline
rows alone moves the parent's version on too.
"""

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import F, Model
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from simple_history.models import to_historic

from cms import revisions
from cms.history import shown
from cms.revision_diff import compare

VERSION = "version"


class EditConflict(Exception):
    """Another save claimed the version this save was based on."""


def stored_version(obj: Model) -> int | None:
    return (
        type(obj)
        ._base_manager.filter(pk=obj.pk)
        .values_list(VERSION, flat=True)
        .first()
    )


def versioned(form_class: type[forms.ModelForm], inline_models) -> type:
    """The admin's form, plus the hidden version and the conflict check."""

    class VersionedForm(form_class):
        version = forms.IntegerField(
            label=form_class._meta.model._meta.get_field(VERSION).verbose_name,
            widget=forms.HiddenInput,
            min_value=1,
        )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # A revert form starts from a historical copy: the edit replaces the
            # current version.
            historical = to_historic(self.instance) is not None
            self.initial[VERSION] = (
                stored_version(self.instance) if historical else self.instance.version
            )

        def clean(self):
            cleaned_data = super().clean()
            seen = cleaned_data.get(VERSION)
            current = stored_version(self.instance)
            if seen is not None and current is not None and current != seen:
                raise ValidationError(
                    conflict_messages(self.instance, seen, inline_models),
                    code="edit_conflict",
                )
            return cleaned_data

    VersionedForm.__name__ = form_class.__name__
    return VersionedForm


def conflict_messages(obj: Model, seen: int, inline_models=()) -> list[str]:
    """Who saved the record after version `seen`, and what changed meanwhile."""
    if revisions.is_revisioned(type(obj)):
        user, when, changes = revision_changes(obj, seen)
    else:
        user, when, changes = history_changes(obj, seen, inline_models)
    messages = [
        _(
            "%(user)s saved this record at %(time)s, after you opened it. Your "
            "changes have not been saved: they are still in the form below. Open "
            "the record again in a new tab and copy them into the current version."
        )
        % {
            "user": (user.get_full_name() or user.get_username())
            if user
            else _("Someone"),
            "time": formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")
            if when
            else "—",
        }
    ]
    changes = [change for change in changes if change]
    if changes:
        messages += [_("Changed meanwhile:"), *changes]
    return messages


def revision_changes(obj: Model, seen: int):
    """From the record's revisions, drafts included: who saved the latest, and the
    fields and owned rows that differ from the revision the form was opened on."""
    latest = revisions.latest(type(obj), obj.pk)
    start = revisions.revisions_of(obj).filter(content__fields__version=seen).first()
    if latest is None:
        return None, None, []
    changes = []
    if start is not None:
        comparison = compare(type(obj), start.content, latest.content)
        changes += [
            change_line(change.label, change.old, change.new)
            for change in comparison.fields
        ]
        changes += [rows_line(rows) for rows in comparison.rows]
    return latest.created_by, latest.created_at, changes


def rows_line(rows) -> str:
    """The owned rows of one kind added, changed or deleted, in one line."""
    described = [
        *((label, _("added")) for label in rows.added),
        *((change.label, _("changed")) for change in rows.changed),
        *((label, _("deleted")) for label in rows.removed),
    ]
    return _("%(rows)s: %(changes)s") % {
        "rows": rows.label,
        "changes": "; ".join(
            _("%(row)s (%(action)s)") % {"row": label, "action": action}
            for label, action in described
        ),
    }


def history_changes(obj: Model, seen: int, inline_models):
    """From simple-history: who saved the record last, and what changed since."""
    records = obj.history.all()
    latest = records.first()
    start = records.filter(version__lte=seen).first()
    first_after = records.filter(version__gt=seen).last()
    changes = []
    if start and latest and start != latest:
        delta = latest.diff_against(start, foreign_keys_are_objs=True)
        order = [field.name for field in obj._meta.get_fields()]
        for change in sorted(delta.changes, key=lambda c: order.index(c.field)):
            changes.append(field_change(obj._meta.get_field(change.field), change))
    if first_after:
        changes += [
            inline_change(model, obj, first_after.history_date)
            for model in inline_models
        ]
    if latest is None:
        return None, None, changes
    return latest.history_user, latest.history_date, changes


def field_change(field, change) -> str:
    return change_line(
        capfirst(field.verbose_name), shown(field, change.old), shown(field, change.new)
    )


def change_line(label: str, old: str, new: str) -> str:
    if old == new:  # empty in both, as None and as ""
        return ""
    return _("%(field)s: “%(old)s” → “%(new)s”") % {
        "field": label,
        "old": old or "—",
        "new": new or "—",
    }


def inline_change(model, parent: Model, since) -> str:
    """The inline rows of `parent` added, changed or deleted since `since`."""
    fk = next(
        (
            field
            for field in model._meta.fields
            if field.many_to_one and field.related_model is type(parent)
        ),
        None,
    )
    if fk is None or not hasattr(model, "history"):
        return ""
    rows = model.history.filter(
        **{fk.attname: parent.pk}, history_date__gte=since
    ).order_by("history_date", "history_id")
    actions = {"+": _("added"), "~": _("changed"), "-": _("deleted")}
    described = dict.fromkeys(
        _("%(row)s (%(action)s)")
        % {
            "row": Truncator(str(row.instance)).chars(60),
            "action": actions[row.history_type],
        }
        for row in rows
    )
    if not described:
        return ""
    return _("%(rows)s: %(changes)s") % {
        "rows": capfirst(model._meta.verbose_name_plural),
        "changes": "; ".join(described),
    }


class OptimisticLockingMixin:
    """For a ModelAdmin whose model has a `version` field and simple-history."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or VERSION in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION]}), *rest]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            return super().get_form(request, obj, **kwargs)
        # `fields=None` (all fields) is how the admin asks for the default fieldsets.
        if "fields" in kwargs:
            fields = kwargs.pop("fields")
        else:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            # The model's field is not editable; the form declares its own.
            fields = [name for name in fields if name != VERSION]
        form = super().get_form(request, obj, fields=fields, **kwargs)
        return versioned(form, [inline.model for inline in self.inlines])

    def save_model(self, request, obj, form, change):
        seen = form.cleaned_data.get(VERSION) if change else None
        if seen is not None:
            claimed = (
                type(obj)
                ._base_manager.filter(pk=obj.pk, version=seen)
                .update(version=F(VERSION) + 1)
            )
            if not claimed:
                raise EditConflict
            obj.version = seen + 1
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        view = super().changeform_view
        return self._refused_on_conflict(
            view, request, object_id, form_url, extra_context
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        view = super().history_form_view
        return self._refused_on_conflict(
            view, request, object_id, version_id, extra_context
        )

    def _refused_on_conflict(self, view, *args):
        # simple-history's revert view has no transaction of its own; the change view
        # does, and this one only nests in it.
        using = router.db_for_write(self.model)
        try:
            with transaction.atomic(using=using):
                return view(*args)
        except EditConflict:
            # Everything is rolled back; this time validation sees the newer version.
            with transaction.atomic(using=using):
                return view(*args)
