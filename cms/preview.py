"""Preview: staff see a draft or scheduled record exactly as visitors will, in either
language, with a banner saying so.

An admin view (`admin_site.admin_view`): signed-in staff only, never cached. The
record's public view renders it, found through the record's public address.
"""

import re

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.db.models.sql.where import WhereNode
from django.http import Http404
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import path, resolve, reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cms import revisions
from cms.publishing import Publishable
from cms.translation_status import LANGUAGE_CODES


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES)[code])


def admin_url(obj_or_model, view: str, *args) -> str:
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def unpublished(public_queryset, pk):
    """The public view's own queryset (its joins, annotations and prefetches) for
    one record, without the filters that hide drafts and scheduled records.

    Public detail querysets filter on publication only; the view's `get_object()`
    then finds the record by its slug, as it does for visitors.
    """
    queryset = public_queryset.all()
    queryset.query.where = WhereNode()
    return queryset.filter(pk=pk)


def publication_state(obj: Model) -> tuple[bool, str]:
    """Whether visitors see the record now, and a sentence saying so."""
    now = timezone.now()
    if not isinstance(obj, Publishable):
        return True, gettext("Published: visitors see this record.")

    def when(moment) -> str:
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT")

    if not obj.is_published:
        return False, gettext("Draft: visitors do not see this record.")
    if obj.publish_from and obj.publish_from > now:
        return False, gettext("Scheduled: visitors will see it from %(when)s.") % {
            "when": when(obj.publish_from)
        }
    if obj.publish_until and obj.publish_until <= now:
        return False, gettext("Ended: visitors stopped seeing it on %(when)s.") % {
            "when": when(obj.publish_until)
        }
    if obj.publish_until:
        return True, gettext("Published: visitors see it until %(when)s.") % {
            "when": when(obj.publish_until)
        }
    return True, gettext("Published: visitors see this record.")


def add_banner(response, banner: str) -> None:
    content = response.content.decode(response.charset)
    head = (
        f'<meta name="robots" content="noindex">'
        f'<link rel="stylesheet" href="{static("admin-extra/staff.css")}">'
    )
    content = content.replace("</head>", head + "</head>", 1)
    content = re.sub(
        r"<body[^>]*>", lambda match: match.group(0) + banner, content, count=1
    )
    response.content = content.encode(response.charset)


class PreviewAdminMixin:
    """Staff view a draft or scheduled record exactly as visitors will, in either
    language: `<admin>/<app>/<model>/<pk>/preview/<language>/`, with a banner."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/preview/<str:language>/",
                self.admin_site.admin_view(self.preview_view),
                name="{}_{}_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def view_on_site(self, obj: Model) -> str | None:
        """ "View on site" only for a record visitors can see: for a draft or a
        scheduled one it would lead to the public "not found" page; "Preview" is
        beside it."""
        if not hasattr(obj, "get_absolute_url"):
            return None
        # Records with no schedule of their own are shown as soon as saved.
        if hasattr(obj, "is_public") and not obj.is_public():
            return None
        return obj.get_absolute_url()

    def public_path(self, obj: Model) -> str:
        """Where visitors will find the record, in the active language."""
        return obj.get_absolute_url()

    def public_context(self, view, obj: Model) -> dict:
        """The public view's context for `obj`, found as for visitors, drafts too."""
        view.object = view.get_object(unpublished(view.get_queryset(), obj.pk))
        return view.get_context_data(object=view.object)

    def public_response(self, request, obj: Model):
        """The public view's response for `obj`, drafts included; in the active
        language."""
        match = resolve(self.public_path(obj))
        view = match.func.view_class(**match.func.view_initkwargs)
        view.setup(request, *match.args, **match.kwargs)
        # The page's navigation and language links read the public route.
        request.resolver_match = match
        return view.render_to_response(self.public_context(view, obj)).render()

    def preview_links(self, pk) -> list[dict]:
        return [
            {
                "code": code,
                "url": admin_url(self.model, "preview", pk, code),
                "label": gettext("Preview (%(language)s)")
                % {"language": language_name(code)},
            }
            for code in LANGUAGE_CODES
        ]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        # The visible code starts the accessible name (WCAG 2.5.3, label in name).
        return format_html_join(
            " · ",
            '<a href="{}">{}<span class="visually-hidden"> – {}</span></a>',
            (
                (link["url"], link["code"].upper(), link["label"])
                for link in self.preview_links(obj.pk)
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "preview_links": self.preview_links(unquote(object_id)),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_view(self, request, object_id, language):
        if language not in LANGUAGE_CODES:
            raise Http404
        if not self.has_view_permission(request):
            raise PermissionDenied
        pk = unquote(object_id)
        with revisions.sandbox(self.model):
            # The draft, written into the tables for as long as it takes to render.
            draft = revisions.draft_of(self.model, pk)
            if draft is not None:
                revisions.restore(self.model, draft.content, audit=False)
            obj = self.get_object(request, pk)
            if obj is None:
                raise Http404
            if not self.has_view_permission(request, obj):
                raise PermissionDenied
            return self._preview(request, obj, language, draft)

    def _preview(self, request, obj, language, draft):
        is_public, state = publication_state(obj)
        if draft is not None:
            state = gettext("Draft saved on %(saved)s: visitors do not see it yet.") % {
                "saved": date_format(
                    timezone.localtime(draft.created_at), "DATETIME_FORMAT"
                )
            }
            is_public = False
        other = [
            link for link in self.preview_links(obj.pk) if link["code"] != language
        ]
        banner = render_to_string(
            "admin/preview_banner.html",
            {
                "is_public": is_public,
                "state": state,
                "other_languages": other,
                "change_url": admin_url(obj, "change", obj.pk),
                "staff_language": translation.get_language(),
            },
        )
        with translation.override(language):
            response = self.public_response(request, obj)
        add_banner(response, banner)
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        return response


class PagePreviewAdminMixin(PreviewAdminMixin):
    """Preview for a record always public, shown on a page of its own (the team on
    the contact page, the accessibility statement): the page as its view renders
    it, from the draft written into the preview's sandbox."""

    def public_response(self, request, obj: Model):
        match = resolve(self.public_path(obj))
        request.resolver_match = match
        response = match.func(request, *match.args, **match.kwargs)
        return response.render() if hasattr(response, "render") else response
