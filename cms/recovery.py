"""Deleted records: a publisher restores one whole, or purges its revisions.

Deleting a record with revisions keeps them, the latest marked with who deleted it
and when (`revisions.record_deletion`). A record is deleted when it has revisions
and no row. Restoring writes its last published revision (else its latest) back,
owned rows and relations included, and makes it the live revision; a record whose
key or address is now someone else's, or that refers to a record that is gone, is
refused with the reason, and its revisions are kept. Publishers only: a restore is
public at once, as a deletion was.

Admin views (`admin_site.admin_view`): signed-in staff only, never cached.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models import CharField, Exists, Model, OuterRef
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms import revisions
from cms.models import Revision
from cms.preview import admin_url
from cms.revision_admin import local_time, user_name


@dataclass
class DeletedRecord:
    model: type[Model]
    object_id: str
    name: str
    deleted_at: datetime | None
    deleted_by: str

    @property
    def type_name(self) -> str:
        return self.model._meta.verbose_name

    @property
    def content_type_id(self) -> int:
        return ContentType.objects.get_for_model(self.model).pk


class CannotRestore(Exception):
    """Why a deleted record cannot be written back: each reason a sentence."""

    def __init__(self, reasons: list[str]):
        super().__init__(reasons)
        self.reasons = reasons


def gone(model) -> Exists:
    """Revisions whose record has no row, as a filter on revisions of `model`."""
    rows = model._base_manager.annotate(id_text=Cast("pk", CharField())).filter(
        id_text=OuterRef("object_id")
    )
    return ~Exists(rows)


def deleted_records(models) -> list[DeletedRecord]:
    """Every deleted record of `models`, the latest deleted first: named as its
    latest revision names it, with the deletion marked on any of its revisions."""
    records = []
    for model in models:
        found: dict[str, DeletedRecord] = {}
        kept = (
            Revision.objects.filter(
                gone(model), content_type=ContentType.objects.get_for_model(model)
            )
            .select_related("deleted_by")
            .defer("content")
        )
        for revision in kept:  # newest first
            record = found.setdefault(
                revision.object_id,
                DeletedRecord(
                    model, revision.object_id, revision.object_repr, None, ""
                ),
            )
            if revision.deleted_at and not record.deleted_at:
                record.deleted_at = revision.deleted_at
                record.deleted_by = user_name(revision.deleted_by)
        records += found.values()
    return sorted(
        records,
        key=lambda record: record.deleted_at.timestamp() if record.deleted_at else 0,
        reverse=True,
    )


def to_restore(model, object_id: str) -> Revision:
    """A deleted record's last published revision, else its latest."""
    kept = Revision.objects.of(model, object_id).filter(gone(model))
    revision = kept.filter(published_at__isnull=False).first() or kept.first()
    if revision is None:
        raise Http404
    return revision


def named(model, pk) -> str:
    """A record as its latest revision names it, or by its id."""
    revision = revisions.latest(model, pk) if revisions.is_revisioned(model) else None
    return revision.object_repr if revision else f"#{pk}"


def missing_references(model, content: dict) -> list[str]:
    """The records the revision's rows refer to that no longer exist (the record's
    own rows refer to the record, written first)."""
    owned = revisions.owned_models(model)
    rows = [(model, content)] + [
        (owned[name], row)
        for name, children in content["children"].items()
        for row in children
    ]
    reasons = []
    for row_model, row in rows:
        for field in row_model._meta.concrete_fields:
            target = field.related_model
            value = row["fields"].get(field.name)
            if not field.many_to_one or value is None:
                continue
            if (target, value) == (model, content["pk"]):
                continue
            if not target._base_manager.filter(pk=value).exists():
                reasons.append(
                    _("The %(field)s it refers to, %(name)s, no longer exists.")
                    % {"field": field.verbose_name, "name": named(target, value)}
                )
    return reasons


def conflicts(model, content: dict) -> list[str]:
    """What another record took since: its key, its address in a language..."""
    record = revisions.record_of(model, content)
    reasons = []
    for check in (record.validate_unique, record.validate_constraints):
        try:
            check()
        except ValidationError as error:
            reasons += error.messages
    return reasons


def lost_links(model, restored: dict, content: dict) -> list[str]:
    """The many-to-many links of `content` that `restored` lacks: to records gone."""
    lost = []
    for name, ids in content["fields"].items():
        if isinstance(ids, list):
            field = model._meta.get_field(name)
            lost += [
                f"{field.verbose_name}: {named(field.related_model, pk)}"
                for pk in ids
                if pk not in restored["fields"][name]
            ]
    return lost


def restore_deleted(revision: Revision, user) -> tuple[Model, list[str]]:
    """Writes `revision` back as the record's live state, with a revision of its
    own; returns the record and the links to records gone that it lost."""
    model = revision.model
    reasons = missing_references(model, revision.content) + conflicts(
        model, revision.content
    )
    if reasons:
        raise CannotRestore(reasons)
    try:
        with transaction.atomic(using=router.db_for_write(model)):
            obj = revisions.restore(model, revision.content)
            restored = revisions.snapshot(obj)
            revisions.create(
                obj,
                restored,
                user,
                published=True,
                comment=_("Restored after it was deleted."),
            )
    except IntegrityError as error:
        # A rule the checks above do not know of (one on an owned row, say).
        raise CannotRestore(
            [_("It conflicts with a record saved since it was deleted.")]
        ) from error
    return obj, lost_links(model, restored, revision.content)


# The pages


def publishable_models(request, admin_site) -> list[type[Model]]:
    """The revisioned models the user may publish, so restore and purge."""
    return [
        model
        for model in revisions.revisioned_models()
        if model in admin_site._registry
        and admin_site._registry[model].has_publish_permission(request)
    ]


def deleted_model(request, admin_site, content_type_id: int) -> type[Model]:
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type and content_type.model_class()
    if model not in revisions.revisioned_models():
        raise Http404
    if model not in publishable_models(request, admin_site):
        raise PermissionDenied
    return model


def list_view(request, admin_site):
    models = publishable_models(request, admin_site)
    if not models:
        raise PermissionDenied
    context = {
        **admin_site.each_context(request),
        "title": _("Deleted records"),
        "records": [
            {
                "record": record,
                "deleted_at": record.deleted_at and local_time(record.deleted_at),
                "restore_url": reverse(
                    "cms_restore_deleted",
                    args=[record.content_type_id, record.object_id],
                ),
                "purge_url": reverse(
                    "cms_purge_deleted",
                    args=[record.content_type_id, record.object_id],
                ),
            }
            for record in deleted_records(models)
        ],
    }
    return TemplateResponse(request, "admin/cms/deleted_records.html", context)


@require_POST
def restore_view(request, admin_site, content_type_id: int, object_id: str):
    model = deleted_model(request, admin_site, content_type_id)
    revision = to_restore(model, object_id)
    try:
        obj, lost = restore_deleted(revision, request.user)
    except CannotRestore as refusal:
        messages.error(
            request,
            _("“%(name)s” was not restored, and it is kept here: %(reasons)s")
            % {"name": revision.object_repr, "reasons": " ".join(refusal.reasons)},
        )
        return redirect("cms_deleted_records")
    messages.success(
        request,
        format_html(
            _("“{}” was restored."),
            format_html('<a href="{}">{}</a>', admin_url(obj, "change", obj.pk), obj),
        ),
    )
    if lost:
        messages.warning(
            request,
            _("Links to records that no longer exist were left out: %(links)s.")
            % {"links": "; ".join(lost)},
        )
    return redirect("cms_deleted_records")


def purge_view(request, admin_site, content_type_id: int, object_id: str):
    """Asks first; the revisions purged are the only copy of the record."""
    model = deleted_model(request, admin_site, content_type_id)
    revision = to_restore(model, object_id)
    if request.method == "POST":
        Revision.objects.of(model, object_id).delete()
        messages.success(
            request,
            _("“%(name)s” and its versions were removed for good.")
            % {"name": revision.object_repr},
        )
        return redirect("cms_deleted_records")
    context = {
        **admin_site.each_context(request),
        "title": _("Remove “%(name)s” for good?") % {"name": revision.object_repr},
        "name": revision.object_repr,
        "type_name": model._meta.verbose_name,
        "count": Revision.objects.of(model, object_id).count(),
    }
    return TemplateResponse(request, "admin/cms/purge_deleted.html", context)


def urls(admin_site) -> list:
    """The pages, under the admin's address (lublin/urls.py)."""

    def view(function):
        def with_site(request, *args, **kwargs):
            return function(request, admin_site, *args, **kwargs)

        return admin_site.admin_view(with_site)

    return [
        path("deleted/", view(list_view), name="cms_deleted_records"),
        path(
            "deleted/<int:content_type_id>/<str:object_id>/restore/",
            view(restore_view),
            name="cms_restore_deleted",
        ),
        path(
            "deleted/<int:content_type_id>/<str:object_id>/purge/",
            view(purge_view),
            name="cms_purge_deleted",
        ),
    ]
