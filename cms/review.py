"""Review of drafts (cms/revisions.py): an editor submits a draft, publishers hear of
it by e-mail and on the dashboard, and a publisher publishes it (now, at a set time,
or in bulk from the list) or sends it back to its author with a comment.

A review state belongs to one revision: a later save makes a new draft that needs
its own submission and its own decision, so a publisher never publishes what they
did not see. Only holders of the model's publish permission change what visitors
see, and every route here checks it itself: a hidden button is not a permission.

A scheduled draft goes live without cron: `ScheduledPublishingMiddleware` keeps the
next due time in the cache and publishes what is due on the first request after it;
the page cache's next boundary (cms/caching.py) includes it, so no cached page
outlives it. `manage.py publish_scheduled` does the same for those who prefer cron.
"""

import copy
import logging
import smtplib
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import connections, router, transaction
from django.db.models import Min, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cms import revisions
from cms.caching import bump_content_version
from cms.local_time import local_moment
from cms.models import Revision
from cms.preview import admin_url
from cms.publishing import publish_permission
from cms.revision_admin import local_time, user_name

logger = logging.getLogger(__name__)

SUBMIT = "_submit_review"
SCHEDULE = "_schedule"
GO_LIVE_AT = "_go_live_at"
SEND_BACK = "_send_back"
RETURN_COMMENT = "_return_comment"
CONFIRMED = "_confirmed_draft"
WAITING_LISTED = 10
# The cached next due time is checked again at least this often, in case a schedule
# was set by a route that did not forget it (a restored backup, say).
DUE_CHECK_SECONDS = 5 * 60
NOTHING_DUE = "none"
REVIEW_STATE = [
    "submitted_at",
    "submitted_by",
    "returned_at",
    "returned_by",
    "return_comment",
    "go_live_at",
    "published_by",
]


def publishers(model):
    """Active users who may publish `model`'s records and have an e-mail address."""
    return (
        get_user_model()
        .objects.with_perm(
            publish_permission(model),
            is_active=True,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .exclude(email="")
    )


def _mail(subject: str, body: str, recipients: list[str]) -> bool:
    """Sends one message; a mail server that fails does not undo the decision."""
    if not recipients:
        return True
    try:
        send_mail(subject, body, None, recipients)
    except (smtplib.SMTPException, OSError):
        # How many, not who: an error line may go to an error tracker.
        logger.exception("Review e-mail not sent to %d recipient(s)", len(recipients))
        return False
    return True


def _record_url(request, revision: Revision) -> str:
    return request.build_absolute_uri(
        admin_url(revision.model, "change", revision.object_id)
    )


# The decisions


def submit(revision: Revision, user) -> None:
    revision.submitted_at = timezone.now()
    revision.submitted_by = user
    revision.returned_at = revision.returned_by = None
    revision.return_comment = ""
    revision.save(
        update_fields=[
            "submitted_at",
            "submitted_by",
            "returned_at",
            "returned_by",
            "return_comment",
        ]
    )


def send_back(revision: Revision, user, comment: str) -> None:
    revision.returned_at = timezone.now()
    revision.returned_by = user
    revision.return_comment = comment
    revision.submitted_at = revision.submitted_by = None
    revision.go_live_at = revision.published_by = None
    revision.save(
        update_fields=[
            "returned_at",
            "returned_by",
            "return_comment",
            "submitted_at",
            "submitted_by",
            "go_live_at",
            "published_by",
        ]
    )
    forget_next_due()


def schedule(revision: Revision, user, moment: datetime) -> None:
    """The draft goes live at `moment`, published by `user`, who decided it."""
    revision.go_live_at = moment
    revision.published_by = user
    revision.save(update_fields=["go_live_at", "published_by"])
    forget_next_due()
    # Cached pages keep the next publication time they were stored with: this one
    # must bound them too (cms/caching.py).
    bump_content_version()


def publish(revision: Revision, user) -> bool:
    """Writes the draft to the tables and marks it published; False when someone
    published it meanwhile."""
    model = revision.model
    with transaction.atomic(using=router.db_for_write(model)):
        locked = (
            Revision.objects.select_for_update()
            .filter(pk=revision.pk, published_at__isnull=True)
            .first()
        )
        if locked is None:
            return False
        revisions.restore(model, locked.content)
        revisions.mark_published(locked, user)
    return True


def publish_due(now: datetime | None = None) -> int:
    """Publishes every draft whose time has come; how many."""
    now = now or timezone.now()
    due = Revision.objects.scheduled().filter(go_live_at__lte=now)
    count = 0
    for revision in due.select_related("content_type", "published_by"):
        try:
            count += publish(revision, revision.published_by)
        except Exception:
            # Runs on visitors' requests: a draft that cannot be written (a slug
            # another record took meanwhile, say) must not fail every page. It stays
            # a draft, unscheduled, and the log says why.
            logger.exception("Scheduled draft %s not published", revision.pk)
            Revision.objects.filter(pk=revision.pk).update(go_live_at=None)
    forget_next_due()
    return count


# Publication without cron


def _due_key() -> str:
    return f"drafts-due:{connections['default'].settings_dict['NAME']}"


def forget_next_due() -> None:
    cache.delete(_due_key())
    # A schedule set inside a transaction counts once it is committed.
    transaction.on_commit(lambda: cache.delete(_due_key()), robust=True)


def next_due() -> float | None:
    """The timestamp of the next scheduled publication, kept in the cache."""
    stored = cache.get(_due_key())
    if stored is None:
        moment = Revision.objects.scheduled().aggregate(first=Min("go_live_at"))[
            "first"
        ]
        stored = NOTHING_DUE if moment is None else moment.timestamp()
        cache.set(_due_key(), stored, DUE_CHECK_SECONDS)
    return None if stored == NOTHING_DUE else stored


class ScheduledPublishingMiddleware:
    """Publishes due drafts before the request is answered: a cache read per
    request, and the database only once a schedule has come."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        due = next_due()
        if due is not None and timezone.now().timestamp() >= due:
            publish_due()
        return self.get_response(request)


# Changes outside the forms (imports)


@contextmanager
def bulk_change(model, user, *, publishing: bool, comment: str = ""):
    """A change of many records outside their forms, such as an import: one revision
    per record it touches, each with `comment` (the dashboard lists revisions saved
    together with one comment as one change). A publisher's change is live, each
    revision published; anyone else's is made on top of the records' drafts inside
    `revisions.sandbox` and kept as new drafts, the tables visitors read left as they
    were. The caller adds the primary keys of the records it touched to the set
    yielded."""
    revisions.ensure_live_revisions(model)
    touched = set()
    drafts = {
        draft.object_id: draft
        for draft in Revision.objects.drafts()
        .current()
        .filter(content_type=ContentType.objects.get_for_model(model))
    }
    if publishing:
        with transaction.atomic(using=router.db_for_write(model)):
            yield touched
            for obj in model._base_manager.filter(pk__in=touched):
                before = revisions.live_of(model, obj.pk)
                published = revisions.record_revision(
                    obj, user, published=True, comment=comment
                )
                draft = drafts.get(str(obj.pk))
                if published is not None and draft is not None:
                    # A record never published has no live rows to tell apart.
                    known = before.content if before else {"children": {}}
                    _carry_forward(obj, draft, known, published.content)
        return
    with revisions.sandbox(model):
        for draft in drafts.values():
            revisions.restore(model, draft.content, audit=False)
        yield touched
        changed = [
            (obj, revisions.snapshot(obj))
            for obj in model._base_manager.filter(pk__in=touched)
        ]
    for obj, content in changed:
        if revisions.differs_from_latest(obj, content):
            content = revisions.moved_past_latest(obj, content)
            revisions.create(obj, content, user, published=False, comment=comment)


def _carry_forward(obj, draft: Revision, before: dict, after: dict) -> None:
    """The record's draft again on top of a live change, with the fields the change
    set (a record unpublished from the list) and the rows it added (an import's new
    figures): else the change's revision would supersede the draft, and publishing
    the draft would then undo the change. Its review state goes with it."""
    content = copy.deepcopy(draft.content)
    if "fields" in before:  # else never published: nothing to tell apart
        for name, value in after["fields"].items():
            if name != revisions.VERSION and before["fields"].get(name) != value:
                content["fields"][name] = value
    for name, rows in after["children"].items():
        known = {row["pk"] for row in before["children"].get(name, [])}
        known |= {row["pk"] for row in content["children"].get(name, [])}
        content["children"].setdefault(name, []).extend(
            row for row in rows if row["pk"] not in known
        )
    carried = revisions.create(
        obj, content, draft.created_by, published=False, comment=draft.comment
    )
    for name in REVIEW_STATE:
        setattr(carried, name, getattr(draft, name))
    carried.save(update_fields=REVIEW_STATE)


# The dashboard


def _compare_url(model, object_id: str, live_id, draft_id) -> str:
    """The comparison of the draft with the live version."""
    url = admin_url(model, "revisions_compare", object_id)
    return f"{url}?{urlencode({'a': live_id, 'b': draft_id})}"


def waiting_for_review(request, registry) -> list[dict] | None:
    """Drafts submitted for review of the models this user may publish, longest
    waiting first; None for someone who publishes nothing. One query."""
    models = [
        model
        for model in revisions.revisioned_models()
        if model in registry and registry[model].has_publish_permission(request)
    ]
    if not models:
        return None
    live = Revision.objects.filter(
        content_type=OuterRef("content_type"),
        object_id=OuterRef("object_id"),
        published_at__isnull=False,
    ).order_by("-created_at", "-pk")
    drafts = (
        Revision.objects.waiting()
        .current()
        .filter(content_type__in=ContentType.objects.get_for_models(*models).values())
        .select_related("content_type", "submitted_by")
        .annotate(live_id=Subquery(live.values("pk")[:1]))
        .order_by("submitted_at")[:WAITING_LISTED]
    )
    language = settings.LANGUAGE_CODE
    rows = []
    for draft in drafts:
        model = draft.model
        rows.append(
            {
                "name": draft.object_repr,
                "model": model._meta.verbose_name,
                "who": user_name(draft.submitted_by),
                "when": draft.submitted_at,
                "url": admin_url(model, "change", draft.object_id),
                "preview_url": admin_url(model, "preview", draft.object_id, language),
                "compare_url": draft.live_id
                and _compare_url(model, draft.object_id, draft.live_id, draft.pk),
            }
        )
    return rows


# The admin


def _scheduled_time(value: str) -> datetime | None:
    """A future moment typed in a datetime-local box, in the site's time zone;
    a ValidationError when the clocks change at it (cms/local_time.py)."""
    moment = parse_datetime(value.strip()) if value else None
    if moment is None:
        return None
    moment = local_moment(moment)
    return moment if moment > timezone.now() else None


class ReviewAdminMixin:
    """Submit for review, schedule, send back and publish in bulk, for the admin of
    a revisioned model; before `cms.revision_admin.RevisionAdminMixin`."""

    actions = ["publish_drafts"]

    def keeps_draft(self, request) -> bool:
        # Submitting and scheduling save the form as a draft first, publisher or not.
        return super().keeps_draft(request) or any(
            name in request.POST for name in (SUBMIT, SCHEDULE)
        )

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        edit = getattr(request, "cms_edit", None)
        deciding = SUBMIT in request.POST or SCHEDULE in request.POST
        if deciding and edit is not None and edit.content is not None:
            if not edit.changed and level == messages.SUCCESS:
                return  # "nothing changed": the submission's own message says more
        super().message_user(request, message, level, *args, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None or request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        decides = SCHEDULE in request.POST or SEND_BACK in request.POST
        if decides and not self.has_publish_permission(request):
            raise PermissionDenied
        pk = unquote(object_id)
        if SEND_BACK in request.POST:
            return self._send_back(request, pk)
        response = super().changeform_view(request, object_id, form_url, extra_context)
        edit = getattr(request, "cms_edit", None)
        if edit is None or edit.content is None:  # the form was refused
            return response
        if SUBMIT in request.POST:
            self._submit(request, pk)
        elif SCHEDULE in request.POST:
            self._schedule(request, pk)
        return response

    def _submit(self, request, pk) -> None:
        draft = revisions.draft_of(self.model, pk)
        if draft is None:
            messages.warning(request, _("There is no draft to submit for review."))
            return
        submit(draft, request.user)
        with translation.override(settings.LANGUAGE_CODE):
            sent = _mail(
                _("For review: %(record)s") % {"record": draft.object_repr},
                _(
                    "%(who)s submitted a draft of “%(record)s” (%(model)s) for "
                    "review.\n\nPreview it, then publish it or send it back with a "
                    "comment:\n%(url)s"
                )
                % {
                    "who": user_name(request.user),
                    "record": draft.object_repr,
                    "model": self.opts.verbose_name,
                    "url": _record_url(request, draft),
                },
                [user.email for user in publishers(self.model)],
            )
        if sent:
            messages.success(
                request, _("Submitted for review: publishers were told by e-mail.")
            )
        else:
            messages.warning(
                request,
                _(
                    "Submitted for review, but the e-mail to publishers could not be "
                    "sent: they will see the draft on the dashboard."
                ),
            )

    def _schedule(self, request, pk) -> None:
        draft = revisions.draft_of(self.model, pk)
        try:
            moment = _scheduled_time(request.POST.get(GO_LIVE_AT, ""))
        except ValidationError as error:
            saved = _("The draft is saved but not scheduled.")
            messages.error(request, f"{saved} {error.messages[0]}")
            return
        if draft is None:
            messages.warning(request, _("There is no draft to schedule."))
        elif moment is None:
            messages.error(
                request,
                _(
                    "The draft is saved but not scheduled: give a date and time in "
                    "the future."
                ),
            )
        else:
            schedule(draft, request.user, moment)
            messages.success(
                request,
                _("The draft will be published on %(when)s.")
                % {"when": local_time(moment)},
            )

    def _send_back(self, request, pk):
        change_url = admin_url(self.model, "change", pk)
        obj = self.get_object(request, pk)
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        draft = revisions.draft_of(self.model, pk)
        comment = request.POST.get(RETURN_COMMENT, "").strip()
        if draft is None:
            messages.warning(request, _("There is no draft to send back."))
        elif not comment:
            messages.error(
                request,
                _("Say why the draft is sent back: its author reads it in the form."),
            )
        else:
            send_back(draft, request.user, comment)
            author = draft.submitted_by or draft.created_by
            self._tell_author(request, draft, author, comment)
            messages.success(request, _("The draft was sent back to its author."))
        return HttpResponseRedirect(change_url)

    def _tell_author(self, request, draft, author, comment) -> None:
        if author is None or not author.email:
            return
        with translation.override(settings.LANGUAGE_CODE):
            _mail(
                _("Sent back: %(record)s") % {"record": draft.object_repr},
                _(
                    "%(who)s sent back your draft of “%(record)s” with this "
                    "comment:\n\n%(comment)s\n\nThe draft is kept; change it and "
                    "submit it again:\n%(url)s"
                )
                % {
                    "who": user_name(request.user),
                    "record": draft.object_repr,
                    "comment": comment,
                    "url": _record_url(request, draft),
                },
                [author.email],
            )

    def revision_context(self, request, pk, draft) -> dict:
        context = super().revision_context(request, pk, draft)
        review = {}
        if draft is not None:
            if draft.submitted_at:
                review["submitted"] = {
                    "who": user_name(draft.submitted_by),
                    "when": local_time(draft.submitted_at),
                }
            if draft.returned_at:
                review["returned"] = {
                    "who": user_name(draft.returned_by),
                    "when": local_time(draft.returned_at),
                    "comment": draft.return_comment,
                }
            if draft.go_live_at:
                review["scheduled"] = {
                    "who": user_name(draft.published_by),
                    "when": local_time(draft.go_live_at),
                }
        may_publish = context["may_publish"]
        return {
            **context,
            "review": review,
            "submit_name": SUBMIT,
            "schedule_name": SCHEDULE,
            "go_live_at_name": GO_LIVE_AT,
            "send_back_name": SEND_BACK,
            "return_comment_name": RETURN_COMMENT,
            # The admin's save buttons publish for publishers: their labels say so.
            "save_label": _("Save and publish") if may_publish else "",
            "continue_label": _("Save, publish and continue editing"),
        }

    @admin.action(
        description=gettext_lazy("Publish the drafts of the selected records"),
        permissions=["publish"],
    )
    def publish_drafts(self, request, queryset):
        """Lists the drafts first, each with its comparison, then publishes exactly
        the drafts listed: one saved after the list was shown waits."""
        if not self.has_publish_permission(request):
            raise PermissionDenied
        drafts = [
            draft
            for pk in queryset.values_list("pk", flat=True)
            if (draft := revisions.draft_of(self.model, pk)) is not None
        ]
        if CONFIRMED not in request.POST:
            return self._confirm_publication(request, queryset, drafts)
        confirmed = set(request.POST.getlist(CONFIRMED))
        published = sum(
            publish(draft, request.user)
            for draft in drafts
            if str(draft.pk) in confirmed
        )
        self.message_user(
            request,
            ngettext(
                "Published %(count)s draft.", "Published %(count)s drafts.", published
            )
            % {"count": published},
            messages.SUCCESS if published else messages.INFO,
        )

    def _confirm_publication(self, request, queryset, drafts):
        rows = []
        for draft in drafts:
            live = revisions.live_of(self.model, draft.object_id)
            rows.append(
                {
                    "draft": draft,
                    "author": user_name(draft.created_by),
                    "saved": local_time(draft.created_at),
                    "compare_url": live
                    and _compare_url(self.model, draft.object_id, live.pk, draft.pk),
                }
            )
        return TemplateResponse(
            request,
            "admin/cms/publish_drafts_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Publish these drafts?"),
                "rows": rows,
                "selected": queryset.values_list("pk", flat=True),
                "confirmed_name": CONFIRMED,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )
