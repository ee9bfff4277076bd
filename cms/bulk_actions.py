"""Changes staff make to many records at once from a list, as revisions like any
other edit (cms/review.py `bulk_change`): a publisher's are live at once, anyone
else's are drafts on top of the records' own drafts, waiting for a publisher."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cms import review
from cms.locking import VERSION


def change_in_bulk(modeladmin, request, queryset, comment: str, **values) -> int:
    """Gives the selected records `values`; how many needed it. The version moves on,
    so a form opened before is refused rather than saved over the change."""
    model = modeladmin.model
    publishing = modeladmin.has_publish_permission(request)
    selected = list(queryset.values_list("pk", flat=True))
    with review.bulk_change(
        model, request.user, publishing=publishing, comment=comment
    ) as touched:
        # Read inside: for a draft, the records as their drafts have them.
        for obj in model._base_manager.filter(pk__in=selected):
            if all(getattr(obj, name) == value for name, value in values.items()):
                continue
            for name, value in values.items():
                setattr(obj, name, value)
            setattr(obj, VERSION, getattr(obj, VERSION) + 1)
            obj.save()
            touched.add(obj.pk)
    return len(touched)


def report(modeladmin, request, count: int, done: str, drafted: str) -> None:
    """Tells how many records changed, and whether visitors see it yet."""
    if not count:
        modeladmin.message_user(
            request, _("The selected records needed no change."), messages.INFO
        )
        return
    template = done if modeladmin.has_publish_permission(request) else drafted
    modeladmin.message_user(request, template % {"count": count}, messages.SUCCESS)


class PublicationActionsMixin:
    """Publish or unpublish the selected records, for whoever may publish them."""

    @admin.action(
        description=gettext_lazy("Publish the selected records (visitors see them)"),
        permissions=["publish"],
    )
    def publish_selected(self, request, queryset):
        count = change_in_bulk(
            self, request, queryset, _("Published from the list"), is_published=True
        )
        message = ngettext(
            "Published %(count)s record.", "Published %(count)s records.", count
        )
        report(self, request, count, message, message)

    @admin.action(
        description=gettext_lazy(
            "Unpublish the selected records (hidden from visitors)"
        ),
        permissions=["publish"],
    )
    def unpublish_selected(self, request, queryset):
        count = change_in_bulk(
            self, request, queryset, _("Unpublished from the list"), is_published=False
        )
        message = ngettext(
            "Unpublished %(count)s record: visitors no longer see it.",
            "Unpublished %(count)s records: visitors no longer see them.",
            count,
        )
        report(self, request, count, message, message)
