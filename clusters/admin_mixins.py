"""Admin behaviour shared by every translated, published content model."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from clusters import translation_status
from clusters.admin_locking import OptimisticLockingMixin


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("en", _("missing English")), ("pl", _("missing Polish"))]

    def queryset(self, request, queryset):
        if self.value() in translation_status.LANGUAGE_CODES:
            return queryset.filter(
                translation_status.missing_in(queryset.model, self.value())
            )
        return queryset


class ContentAdmin(SimpleHistoryAdmin, TabbedTranslationAdmin):
    """Tabs per language, edit history with revert, and the translation status."""

    list_per_page = 50

    @admin.display(description=_("translated"))
    def translation_status(self, obj):
        return " · ".join(
            f"{code} {translation_status.completeness(obj, code)}%"
            for code in translation_status.LANGUAGE_CODES
        )


PUBLICATION_FIELDS = ("is_published", "publish_from", "publish_until")


class PublishableAdmin(OptimisticLockingMixin, ContentAdmin):
    """Only users with the model's publish permission may publish or schedule.

    A save based on an older copy of the record is refused (clusters/admin_locking.py).
    """

    def has_publish_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not self.has_publish_permission(request):
            return (*readonly, *PUBLICATION_FIELDS)
        return readonly
