"""A record's revisions in the admin: the list, a comparison of any two, and a new
draft made from an old one, for every admin of a revisioned model.

Restoring an old version ("revert") never writes the tables visitors read: it stores
the old revision's content as the record's newest draft, which is published like any
other draft. simple-history's revert form would write the tables, so for these
admins its POST sends staff here instead, writing nothing; its history page stays,
read-only: it holds the edits made before revisions were kept.
"""

import copy
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms import revision_diff, revisions
from cms.models import Revision
from cms.preview import admin_url
from cms.revision_admin import local_time, user_name


def state_of(revision: Revision, live: Revision | None, draft: Revision | None) -> str:
    """A revision's place in the record's life, in words."""
    if revision.published_at is not None:
        return _("live now") if revision == live else _("published earlier")
    if revision.returned_at is not None and (
        revision.submitted_at is None or revision.returned_at >= revision.submitted_at
    ):
        return _("sent back")
    if revision != draft:
        return _("earlier draft, never published")
    if revision.submitted_at is not None:
        return _("waiting for review")
    return _("draft")


@dataclass(frozen=True)
class Described:
    """A revision as the revisions pages show it."""

    revision: Revision
    saved: str
    author: str
    state: str


def described(revision: Revision, live, draft) -> Described:
    return Described(
        revision=revision,
        saved=local_time(revision.created_at),
        author=user_name(revision.created_by),
        state=state_of(revision, live, draft),
    )


def default_pair(newest_first: list[Revision], live, draft) -> tuple[int, int]:
    """What to compare first: the draft with the live version, else the latest
    revision with the one before."""
    if draft is not None and live is not None:
        return live.pk, draft.pk
    older = newest_first[1] if len(newest_first) > 1 else newest_first[0]
    return older.pk, newest_first[0].pk


def draft_from(revision: Revision, obj, user, kept=()) -> Revision | None:
    """A new draft of `obj` holding `revision`'s content, inline rows included, but
    the `kept` fields (those the user may not edit, as an editor the publication
    state) as they are in the latest revision; None when that is the latest
    content already."""
    latest = revisions.latest(type(obj), obj.pk)
    content = copy.deepcopy(revision.content)
    for name in kept:
        if name in content["fields"]:
            content["fields"][name] = latest.content["fields"].get(name)
    if revisions.compared(content) == revisions.compared(latest.content):
        return None
    return revisions.create(
        obj,
        revisions.moved_past_latest(obj, content),
        user,
        published=False,
        comment=_("Restored the version of %(saved)s")
        % {"saved": local_time(revision.created_at)},
    )


class RevisionHistoryAdminMixin:
    """For an admin with RevisionAdminMixin: the pages of a record's revisions."""

    revisions_template = "admin/cms/revisions.html"
    revision_compare_template = "admin/cms/revision_compare.html"

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}_revisions"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name=prefix,
            ),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.revision_compare_view),
                name=f"{prefix}_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/revert/",
                view(self.revision_revert_view),
                name=f"{prefix}_revert",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "revisions_url": admin_url(self.model, "revisions", object_id),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def revert_disabled(self, request, obj=None):
        # simple-history's history pages only show old edits here; reverts are drafts.
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            messages.warning(
                request,
                _(
                    "Older versions are restored here: restoring one makes a draft, "
                    "which is published like any other draft."
                ),
            )
            return HttpResponseRedirect(admin_url(self.model, "revisions", object_id))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _revisioned_record(self, request, object_id, *, changing=False):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        allowed = (
            self.has_change_permission(request, obj)
            if changing
            else self.has_view_or_change_permission(request, obj)
        )
        if not allowed:
            raise PermissionDenied
        if self.has_change_permission(request, obj):
            # A record made without the admin has no revision until now.
            revisions.ensure_live_revision(obj)
        return obj

    def _page_context(self, request, obj, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "object": obj,
            "app_label": self.opts.app_label,
            "change_url": admin_url(self.model, "change", quote(obj.pk)),
            "revisions_url": admin_url(self.model, "revisions", quote(obj.pk)),
        }

    def revisions_view(self, request, object_id):
        obj = self._revisioned_record(request, object_id)
        newest_first = list(
            revisions.revisions_of(obj).select_related("created_by").defer("content")
        )
        live = revisions.live_of(self.model, obj.pk)
        draft = revisions.draft_of(self.model, obj.pk)
        compare_a, compare_b = default_pair(newest_first, live, draft)
        may_revert = self.has_change_permission(request, obj)
        context = {
            **self._page_context(
                request, obj, _("Revisions of “%(record)s”") % {"record": obj}
            ),
            "rows": [
                {
                    **vars(described(revision, live, draft)),
                    # Reverting to the latest revision would change nothing.
                    "revert_url": admin_url(
                        self.model, "revisions_revert", quote(obj.pk), revision.pk
                    )
                    if may_revert and index > 0
                    else "",
                }
                for index, revision in enumerate(newest_first)
            ],
            "compare_a": compare_a,
            "compare_b": compare_b,
            "compare_url": admin_url(self.model, "revisions_compare", quote(obj.pk)),
            "history_url": admin_url(self.model, "history", quote(obj.pk)),
        }
        return TemplateResponse(request, self.revisions_template, context)

    def revision_compare_view(self, request, object_id):
        obj = self._revisioned_record(request, object_id)
        of_record = revisions.revisions_of(obj).select_related("created_by")
        live = revisions.live_of(self.model, obj.pk)
        draft = revisions.draft_of(self.model, obj.pk)
        try:
            pair = int(request.GET["a"]), int(request.GET["b"])
        except KeyError:
            pair = default_pair(list(of_record.defer("content")[:2]), live, draft)
        except ValueError:
            raise Http404 from None
        chosen = of_record.in_bulk(pair)
        if set(chosen) != set(pair):
            raise Http404
        old, new = (chosen[pk] for pk in pair)
        context = {
            **self._page_context(
                request, obj, _("Comparing revisions of “%(record)s”") % {"record": obj}
            ),
            "old": described(old, live, draft),
            "new": described(new, live, draft),
            "comparison": revision_diff.compare(self.model, old.content, new.content),
        }
        return TemplateResponse(request, self.revision_compare_template, context)

    @method_decorator(require_POST)
    def revision_revert_view(self, request, object_id, revision_id):
        obj = self._revisioned_record(request, object_id, changing=True)
        revision = revisions.revisions_of(obj).filter(pk=revision_id).first()
        if revision is None:
            raise Http404
        saved = local_time(revision.created_at)
        kept = self.get_readonly_fields(request, obj)
        if draft_from(revision, obj, request.user, kept) is None:
            messages.info(
                request,
                _(
                    "The version of %(saved)s does not differ from the latest one: "
                    "no draft was made."
                )
                % {"saved": saved},
            )
        else:
            messages.success(
                request,
                _(
                    "A draft was made from the version of %(saved)s. Visitors see the "
                    "published version until the draft is published."
                )
                % {"saved": saved},
            )
        return HttpResponseRedirect(admin_url(self.model, "change", quote(obj.pk)))
