"""Staff pages that span all content: translations left to do, and the dashboard's
recent changes and records waiting for publication.

Admin views (`admin_site.admin_view`): signed-in staff only, never cached. The stock
AdminSite is kept; a content app's ModelAdmin hangs the pages off its URLs.
"""

import heapq
from dataclasses import dataclass, field
from itertools import groupby, islice
from urllib.parse import urlencode

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, ForeignKey, Model, Q, prefetch_related_objects
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from simple_history.utils import NotHistoricalModelError, get_history_manager_for_model

from cms import translation_status
from cms.content_apps import content_apps
from cms.models import Revision
from cms.preview import admin_url, language_name
from cms.publishing import publishable_models
from cms.revision_admin import user_name
from cms.translation_review import review_counts

LANGUAGE_CODES = translation_status.LANGUAGE_CODES
RECENT_CHANGES = 15
WAITING_LISTED = 10


# Translations left to do


@dataclass
class MissingRow:
    label: str
    url: str
    status: str
    # Per language, in LANGUAGES order: {"code": ..., "fields": [{"name", "url"}]}.
    missing: list[dict] = field(default_factory=list)


def registered_parent(model: type[Model], registry) -> ForeignKey | None:
    """The foreign key to the record whose admin form edits `model` as an inline."""
    for candidate in model._meta.get_fields():
        if isinstance(candidate, ForeignKey) and candidate.related_model in registry:
            return candidate
    return None


def field_link(base_url: str, language: str, name: str, inline=None) -> str:
    """A change form address whose fragment picks the language tab and the field
    (static/admin-extra/translation-links.js reads it)."""
    params = {"translate": language, "field": name}
    if inline:
        params |= {"inline": inline[0], "pk": inline[1]}
    return f"{base_url}#{urlencode(params)}"


def translations_left(request, admin_site) -> list[dict]:
    """Every record with a text missing in a language, grouped by model, with links
    to its fields; a query a model."""
    registry = admin_site._registry
    sections = []
    for model in translation_status.translated_models():
        parent = None if model in registry else registered_parent(model, registry)
        owner = model if parent is None else parent.related_model
        model_admin = registry.get(owner)
        if model_admin is None or not model_admin.has_view_or_change_permission(
            request
        ):
            continue
        missing = translation_status.missing_in(model, LANGUAGE_CODES[0])
        for code in LANGUAGE_CODES[1:]:
            missing |= translation_status.missing_in(model, code)
        records = model._default_manager.filter(missing)
        if parent is not None:
            records = records.select_related(parent.name)
        rows = []
        for record in records:
            if parent is None:
                url = admin_url(record, "change", record.pk)
                label = str(record)
                inline = None
            else:
                owner_record = getattr(record, parent.name)
                url = admin_url(owner_record, "change", owner_record.pk)
                label = f"{owner_record} – {record}"
                inline = (parent.remote_field.get_accessor_name(), record.pk)
            row = MissingRow(
                label=label,
                url=url,
                status=" · ".join(
                    f"{code} {translation_status.completeness(record, code)}%"
                    for code in LANGUAGE_CODES
                ),
            )
            for code in LANGUAGE_CODES:
                fields = [
                    {
                        "name": model._meta.get_field(name).verbose_name,
                        "url": field_link(url, code, name, inline),
                    }
                    for name in translation_status.missing_fields(record, code)
                ]
                row.missing.append({"code": code, "fields": fields})
            rows.append(row)
        if rows:
            sections.append(
                {
                    "model": model._meta.verbose_name_plural,
                    "edited_in": None if parent is None else owner._meta.verbose_name,
                    "rows": rows,
                    "counts": {
                        code: sum(
                            1
                            for row in rows
                            for column in row.missing
                            if column["code"] == code and column["fields"]
                        )
                        for code in LANGUAGE_CODES
                    },
                }
            )
    return sections


class AdminPageMixin:
    """The admin's own context (site header, sidebar, user links) for a staff page."""

    admin_site = None
    title = ""

    def get_context_data(self, **kwargs):
        return {
            **self.admin_site.each_context(self.request),
            "title": self.title,
            **super().get_context_data(**kwargs),
        }


class TranslationsView(AdminPageMixin, TemplateView):
    template_name = "admin/cms/translations.html"
    title = _("Translations left to do")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = translations_left(self.request, self.admin_site)
        context["sections"] = sections
        context["reviews"] = review_counts(self.request, self.admin_site)
        context["languages"] = [
            {
                "code": code,
                "name": language_name(code),
                "count": sum(section["counts"][code] for section in sections),
            }
            for code in LANGUAGE_CODES
        ]
        return context


# The dashboard


def publication_counts(model: type[Model], now) -> dict[str, int]:
    """Visible now, drafts, scheduled to appear and ended: one query."""
    return model._default_manager.aggregate(
        total=Count("pk"),
        published=Count(
            "pk", filter=Q(pk__in=model._default_manager.published(at=now).values("pk"))
        ),
        drafts=Count("pk", filter=Q(is_published=False)),
        scheduled=Count("pk", filter=Q(is_published=True, publish_from__gt=now)),
        ended=Count("pk", filter=Q(is_published=True, publish_until__lte=now)),
    )


def history_models() -> list[type[Model]]:
    models = []
    for config in content_apps():
        for model in config.get_models():
            try:
                get_history_manager_for_model(model)
            except NotHistoricalModelError:
                continue
            models.append(model)
    return models


def describe(run, registry, instance) -> dict:
    """Who changed what, when, with a link to the record's history or its parent;
    a bulk change's rows with a link to their list. A single change is named after
    `instance` (`named_instances`)."""
    record = run[0]
    model = record.instance_type
    kinds = {"+": _("added"), "~": _("changed"), "-": _("deleted")}
    object_id = getattr(record, model._meta.pk.attname)
    user = record.history_user
    change = {
        "when": record.history_date,
        "who": (user.get_full_name() or user.get_username()) if user else "",
        "kind": kinds.get(record.history_type, record.history_type),
        "model": model._meta.verbose_name,
    }
    if len(run) > 1:
        ids = {str(getattr(row, model._meta.pk.attname)) for row in run}
        return change | {
            "kind": record.history_change_reason,
            "count": len(ids),
            "url": list_of(model, ids, registry),
        }
    try:
        name = str(instance)
    except ObjectDoesNotExist:  # a related row named in __str__ is gone
        name = f"#{object_id}"
    url = ""
    if model in registry:
        url = admin_url(model, "history", object_id)
    elif (parent := registered_parent(model, registry)) is not None:
        parent_pk = getattr(record, parent.attname)
        try:
            url = admin_url(parent.related_model, "history", parent_pk)
        except NoReverseMatch:
            url = ""
    return change | {"name": name, "url": url}


def list_of(model, ids: list[str], registry) -> str:
    """The admin list of `model` showing exactly the records `ids`, or ""."""
    if model not in registry:
        return ""
    lookup = f"{model._meta.pk.name}__in"
    # Shortest first: whole-number ids in numeric order.
    listed = ",".join(sorted(set(ids), key=lambda pk: (len(pk), pk)))
    return f"{admin_url(model, 'changelist')}?{urlencode({lookup: listed})}"


def together(records, key):
    """`records` (newest first) in runs that belong together: adjacent ones with the
    same `key`, a record whose key is empty alone. A bulk change (an import) saves
    many rows with one comment; the dashboard lists it once."""
    for _key, run in groupby(records, key=lambda record: key(record) or record):
        yield list(run)


def batch_key(record):
    """A history record's bulk change: its model, author and reason, if it has one."""
    reason = record.history_change_reason
    return reason and (record.instance_type, record.history_user_id, reason)


def recent_changes(registry, limit: int = RECENT_CHANGES) -> list[dict]:
    """The latest changes across the content's history tables, a bulk change once:
    a query a model, read until `limit` changes are found."""
    streams = [
        get_history_manager_for_model(model)
        .select_related("history_user")
        .order_by("-history_date")
        .iterator(chunk_size=100)
        for model in history_models()
    ]
    records = heapq.merge(
        *streams, key=lambda record: record.history_date, reverse=True
    )
    runs = list(islice(together(records, batch_key), limit))
    named = named_instances(run[0] for run in runs if len(run) == 1)
    return [describe(run, registry, named.get(run[0].pk)) for run in runs]


def named_instances(records) -> dict:
    """The instances the history `records` saved, by history id, ready to be named
    without a query each: built from the rows alone (simple-history's `instance`
    reads the bare columns of translated fields back, a query a record, though each
    language's column is in the row), and the records they belong to (a required
    foreign key, as a snapshot's cluster) fetched once per model and relation."""
    instances, by_model = {}, {}
    for record in records:
        model = record.instance_type
        instance = model(
            **{
                field.attname: getattr(record, field.attname)
                for field in record.tracked_fields
            }
        )
        instances[record.pk] = instance
        by_model.setdefault(model, []).append(instance)
    for model, saved in by_model.items():
        parents = [
            field.name
            for field in model._meta.concrete_fields
            if field.many_to_one and not field.null
        ]
        prefetch_related_objects(saved, *parents)
    return instances


def waiting(now, user, registry) -> dict[str, list]:
    """Drafts, newest edit first, and records scheduled to appear, soonest first."""
    drafts, scheduled = [], []
    for model in publishable_models():
        drafts += model.objects.filter(is_published=False).order_by("-updated_at")[
            :WAITING_LISTED
        ]
        scheduled += model.objects.filter(
            is_published=True, publish_from__gt=now
        ).order_by("publish_from")[:WAITING_LISTED]
    drafts.sort(key=lambda record: record.updated_at, reverse=True)
    scheduled.sort(key=lambda record: record.publish_from)

    def row(record) -> dict:
        return {
            "name": str(record),
            "model": record._meta.verbose_name,
            "url": admin_url(record, "change", record.pk),
            "preview_url": admin_url(record, "preview", record.pk, LANGUAGE_CODES[0]),
            "updated_at": record.updated_at,
            "publish_from": record.publish_from,
        }

    return {
        "drafts": [row(record) for record in drafts[:WAITING_LISTED]],
        "scheduled": [row(record) for record in scheduled[:WAITING_LISTED]],
        "changes": unpublished_changes(user, registry),
    }


def draft_batch_key(draft):
    """A draft's bulk change: its model, author and comment, if it has one."""
    return draft.comment and (draft.content_type_id, draft.created_by_id, draft.comment)


def unpublished_changes(user, registry) -> list[dict]:
    """Each record's draft that is not published yet, newest first, of the models
    `user` may view, the drafts of a bulk change (an import) as one: one query."""
    drafts = (
        Revision.objects.drafts()
        .current()
        .select_related("content_type", "created_by")
        .order_by("-created_at")
        .iterator()
    )
    visible = (
        draft
        for draft in drafts
        if user.has_perm(
            f"{draft.content_type.app_label}.view_{draft.content_type.model}"
        )
    )
    return [
        waiting_change(run, registry)
        for run in islice(together(visible, draft_batch_key), WAITING_LISTED)
    ]


def waiting_change(run, registry) -> dict:
    draft = run[0]
    model = draft.content_type.model_class()
    change = {
        "model": model._meta.verbose_name,
        "saved_at": draft.created_at,
        "saved_by": user_name(draft.created_by),
        "submitted": any(row.submitted_at is not None for row in run),
    }
    if len(run) > 1:
        return change | {
            "name": draft.comment,
            "count": len(run),
            "url": list_of(model, [row.object_id for row in run], registry),
        }
    return change | {
        "name": draft.object_repr,
        "url": admin_url(model, "change", draft.object_id),
        "preview_url": admin_url(model, "preview", draft.object_id, LANGUAGE_CODES[0]),
    }
