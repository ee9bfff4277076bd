"""Staff pages in the admin: translations left to do, content quality and the
dashboard on the admin index (the preview: cms/preview.py).

All are admin views (`admin_site.admin_view`): signed-in staff only, never cached.
The stock AdminSite is kept; the pages hang off ModelAdmin URLs (`get_urls`) and the
dashboard is an inclusion tag in `admin/index.html`.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Count, ForeignKey, Model, Q
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from simple_history.utils import NotHistoricalModelError, get_history_manager_for_model

from clusters import quality
from clusters.models import Cluster, Page
from cms import translation_status
from cms.preview import admin_url, language_name
from contacts.models import TeamMember
from ecosystems.models import Highland

LANGUAGE_CODES = translation_status.LANGUAGE_CODES
CONTENT_APPS = ("clusters", "ecosystems", "contacts")
RECENT_CHANGES = 15
WAITING_LISTED = 10
STALE_LISTED = 10


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
    for model in quality.translated_models():
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
    template_name = "admin/clusters/translations.html"
    title = _("Translations left to do")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = translations_left(self.request, self.admin_site)
        context["sections"] = sections
        context["languages"] = [
            {
                "code": code,
                "name": language_name(code),
                "count": sum(section["counts"][code] for section in sections),
            }
            for code in LANGUAGE_CODES
        ]
        return context


# Content quality


class QualityView(AdminPageMixin, TemplateView):
    """The content-quality report; websites are only checked on the button."""

    template_name = "admin/clusters/quality.html"
    title = _("Content quality")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("clusters.view_cluster"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        websites = [
            {
                "url": result.url,
                "records": [
                    {"name": str(record), "url": admin_url(record, "change", record.pk)}
                    for record in result.records
                ],
            }
            for result in quality.website_problems()
        ]
        return self.render_to_response(
            self.get_context_data(websites=websites, websites_checked=True)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stale"] = list(quality.stale_clusters())
        context["stale_months"] = quality.STALE_AFTER_MONTHS
        context["counts"] = quality.count_problems()
        context["translations"] = [
            row for row in quality.missing_translation_counts() if row.total
        ]
        context["website_count"] = len(quality.website_owners())
        context["limits"] = {
            "site": quality.SITE_TIMEOUT,
            "total": quality.TOTAL_TIMEOUT,
            "redirects": quality.MAX_REDIRECTS,
        }
        return context


def report_urls(admin_site) -> list:
    """The staff report pages, under the cluster admin's address."""
    return [
        path(
            "translations/",
            admin_site.admin_view(TranslationsView.as_view(admin_site=admin_site)),
            name="clusters_translations",
        ),
        path(
            "quality/",
            admin_site.admin_view(QualityView.as_view(admin_site=admin_site)),
            name="clusters_quality",
        ),
    ]


# The dashboard on the admin index


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
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            try:
                get_history_manager_for_model(model)
            except NotHistoricalModelError:
                continue
            models.append(model)
    return models


def describe(record, registry) -> dict:
    """Who changed what, when, with a link to the record's history or its parent."""
    model = record.instance_type
    kinds = {"+": _("added"), "~": _("changed"), "-": _("deleted")}
    object_id = getattr(record, model._meta.pk.attname)
    try:
        name = str(record.instance)
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
    user = record.history_user
    return {
        "when": record.history_date,
        "who": (user.get_full_name() or user.get_username()) if user else "",
        "kind": kinds.get(record.history_type, record.history_type),
        "model": model._meta.verbose_name,
        "name": name,
        "url": url,
    }


def recent_changes(registry, limit: int = RECENT_CHANGES) -> list[dict]:
    """The latest changes across the content's history tables: a query a model."""
    records = []
    for model in history_models():
        history = get_history_manager_for_model(model)
        records += history.select_related("history_user").order_by("-history_date")[
            :limit
        ]
    records.sort(key=lambda record: record.history_date, reverse=True)
    return [describe(record, registry) for record in records[:limit]]


def waiting(now) -> dict[str, list]:
    """Drafts, newest edit first, and records scheduled to appear, soonest first."""
    drafts, scheduled = [], []
    for model in (Cluster, Highland, Page):
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
    }


def dashboard(request, admin_site) -> dict:
    """What the clusters team checks first; a bounded number of queries."""
    now = timezone.now()
    stale = quality.stale_clusters()
    missing = quality.missing_translation_counts()
    return {
        "clusters": publication_counts(Cluster, now),
        "highlands": publication_counts(Highland, now),
        "pages": publication_counts(Page, now),
        "team_members": TeamMember.objects.count(),
        "recent": recent_changes(admin_site._registry),
        "waiting": waiting(now),
        "stale_count": stale.count(),
        "stale": [
            {
                "name": str(cluster),
                "url": admin_url(cluster, "change", cluster.pk),
                "verified_on": cluster.verified_on,
            }
            for cluster in stale[:STALE_LISTED]
        ],
        "stale_months": quality.STALE_AFTER_MONTHS,
        "missing": [
            {
                "code": code,
                "name": language_name(code),
                "count": sum(row.counts[code] for row in missing),
            }
            for code in LANGUAGE_CODES
        ],
        "links": {
            "translations": reverse("admin:clusters_translations"),
            "quality": reverse("admin:clusters_quality"),
            "drafts": reverse("admin:clusters_cluster_changelist")
            + "?is_published__exact=0",
        },
    }
