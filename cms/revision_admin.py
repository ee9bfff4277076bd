"""Drafts in the admin: the change form of a revisioned record (cms/revisions.py).

Opening a record shows its latest draft. Saving makes one revision, or none when
nothing changed. Whoever holds the model's publish permission publishes with
"Save" (or keeps a draft with "Save as draft"); everyone else's save is a draft:
the form is saved in `revisions.sandbox()`, the result stored as a revision, and the
tables visitors read are left as they were.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.db import router, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cms import revisions
from cms.publishing import Publishable, publish_permission

SAVE_DRAFT = "_save_draft"
COMMENT = "_revision_comment"


@dataclass
class Edit:
    """What one change-form request did, kept on the request."""

    publishing: bool
    draft: object = None  # the draft the form was opened on
    base: object = None  # the latest revision then: the draft, or the live one
    saved: object = None  # the record as saved, draft values included
    content: dict | None = None
    changed: bool = False
    # The admin's log entry and message of a draft: kept for when it is stored.
    deferred: list = field(default_factory=list)

    def flush(self) -> None:
        for method, args, *kwargs in self.deferred:
            method(*args, **(kwargs[0] if kwargs else {}))
        self.deferred.clear()

    @property
    def publishes(self) -> bool:
        """Saved, and something to publish: a change, or the draft as it was."""
        return self.content is not None and (self.changed or self.draft is not None)


def user_name(user) -> str:
    if user is None:  # loaded from fixtures, or the account is gone
        return _("an unknown user")
    return user.get_full_name() or user.get_username()


def local_time(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class RevisionAdminMixin:
    """For the admin of a model registered with `cms.revisions.register`."""

    change_form_template = "admin/cms/revision_change_form.html"
    # Both say where a deleted record can be restored from (cms/recovery.py).
    delete_confirmation_template = "admin/cms/revision_delete_confirmation.html"
    delete_selected_confirmation_template = (
        "admin/cms/revision_delete_selected_confirmation.html"
    )

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm(publish_permission(self.model))

    def has_delete_permission(self, request, obj=None):
        # A deletion is public at once: it is a publisher's decision.
        return super().has_delete_permission(
            request, obj
        ) and self.has_publish_permission(request)

    def get_deleted_objects(self, objs, request):
        # The rows a record owns go with it and stay in its revision: whether their
        # own admin lets staff delete them one by one (figures: no) does not matter.
        deleted, counts, lacking, protected = super().get_deleted_objects(objs, request)
        owned = {
            str(model._meta.verbose_name)
            for model in revisions.owned_models(self.model).values()
        }
        return deleted, counts, {n for n in lacking if str(n) not in owned}, protected

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None:
            return self._add_view(request, form_url, extra_context)
        pk = unquote(object_id)
        obj = self.model._base_manager.filter(pk=pk).first()
        if obj is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        if self.has_change_permission(request, obj):
            # A record made without the admin (a test, the shell) has no revision
            # until now; only someone who may change it writes one.
            revisions.ensure_live_revision(obj)
        edit = Edit(
            publishing=request.method == "POST"
            and self.has_publish_permission(request)
            and not self.keeps_draft(request)
        )
        request.cms_edit = edit
        using = router.db_for_write(self.model)
        # Only a publisher's save may reach the tables, and only when it publishes.
        with (
            transaction.atomic(using=using)
            if edit.publishing
            else revisions.sandbox(self.model)
        ):
            edit.base = revisions.latest(self.model, pk)
            draft = edit.draft = revisions.draft_of(self.model, pk)
            if draft is not None:
                revisions.restore(self.model, draft.content, audit=False)
            context = {
                **(extra_context or {}),
                **self.revision_context(request, pk, draft),
            }
            response = super().changeform_view(request, object_id, form_url, context)
            if hasattr(response, "render"):
                # Rendered here, while the draft is in the tables.
                response.render()
            if edit.publishing and not edit.publishes:
                transaction.set_rollback(True, using=using)
        if edit.content is not None and not edit.publishing and edit.changed:
            if not self._keep_draft(request, edit) and not hasattr(request, "cms_race"):
                # Someone stored a newer draft while this one was being saved: the
                # form is handled again, and refused as based on an older copy.
                request.cms_race = True
                return self.changeform_view(request, object_id, form_url, extra_context)
        edit.flush()
        return response

    def keeps_draft(self, request) -> bool:
        """Whether a publisher's POST asks to keep a draft rather than publish."""
        return SAVE_DRAFT in request.POST

    def _add_view(self, request, form_url, extra_context):
        # A new record is stored at once (a new publishable record unpublished, unless
        # its author may publish): a revision needs a record to belong to.
        edit = Edit(publishing=self.has_publish_permission(request))
        request.cms_edit = edit
        response = super().changeform_view(request, None, form_url, extra_context)
        if edit.content is not None and not edit.publishing:
            self._keep_draft(request, edit)
        edit.flush()
        return response

    def has_add_permission(self, request):
        # A new record of a model without a publication state is public at once.
        return super().has_add_permission(request) and (
            issubclass(self.model, Publishable) or self.has_publish_permission(request)
        )

    def _keep_draft(self, request, edit: Edit) -> bool:
        """Stores the draft, unless a newer revision than the one the form was
        handled on appeared meanwhile."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            latest = (
                revisions.revisions_of(edit.saved)
                .select_for_update()
                .only("pk")
                .first()
            )
            if edit.base is not None and getattr(latest, "pk", None) != edit.base.pk:
                return False
            revisions.create(
                edit.saved,
                edit.content,
                request.user,
                published=False,
                comment=request.POST.get(COMMENT, "").strip(),
            )
        return True

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        edit = getattr(request, "cms_edit", None)
        if edit is None:
            return
        obj = edit.saved = form.instance
        edit.content = revisions.snapshot(obj)
        edit.changed = revisions.differs_from_latest(obj, edit.content)
        if edit.publishing and edit.changed:
            revisions.create(
                obj,
                edit.content,
                request.user,
                published=True,
                comment=request.POST.get(COMMENT, "").strip(),
            )
        elif edit.publishing and edit.draft is not None:
            # The draft as it stands, now in the tables: it is what was published.
            revisions.mark_published(edit.draft, request.user)

    def log_change(self, request, obj, message):
        edit = getattr(request, "cms_edit", None)
        if edit is not None and not edit.publishing:
            # The admin logs inside the rolled-back transaction: logged once the
            # draft is kept.
            edit.deferred.append((super().log_change, (request, obj, message)))
            return None
        return super().log_change(request, obj, message)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        edit = getattr(request, "cms_edit", None)
        if edit is not None and edit.content is not None and level == messages.SUCCESS:
            if edit.publishing and not edit.changed and edit.draft is not None:
                message = _("The draft was published: visitors see it now.")
            elif not (edit.publishes if edit.publishing else edit.changed):
                message = _("Nothing was changed, so nothing was saved.")
                level = messages.INFO
            elif not edit.publishing:
                message = _(
                    "Draft saved: visitors still see the published version. "
                    "Preview it, then submit it for review."
                )
        if edit is not None and not edit.publishing:
            # Said once the draft is stored, not if a newer one refuses it.
            edit.deferred.append(
                (super().message_user, (request, message, level, *args), kwargs)
            )
            return None
        return super().message_user(request, message, level, *args, **kwargs)

    def response_change(self, request, obj):
        if self.keeps_draft(request):
            # A publisher's draft stays open, as after "Save and continue editing".
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"
        return super().response_change(request, obj)

    def revision_context(self, request, pk, draft) -> dict:
        live = revisions.live_of(self.model, pk)
        return {
            "draft": draft,
            "draft_author": draft and user_name(draft.created_by),
            "draft_saved": draft and local_time(draft.created_at),
            "live_since": live and local_time(live.published_at),
            "may_publish": self.has_publish_permission(request),
            "save_draft_name": SAVE_DRAFT,
            "comment_name": COMMENT,
        }

    def delete_model(self, request, obj):
        # The revision kept lets a publisher restore the record.
        revisions.record_deletion(obj, request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            revisions.record_deletion(obj, request.user)
        super().delete_queryset(request, queryset)
