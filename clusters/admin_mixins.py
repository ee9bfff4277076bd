"""Admin behaviour shared by every translated, published content model."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from clusters import translation_status
from clusters.admin_locking import OptimisticLockingMixin
from clusters.admin_views import PreviewAdminMixin


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

    class Media:
        # Opens a form at a field in a language, from the "Translations" page.
        js = ["admin-extra/translation-links.js"]

    @admin.display(description=_("translated"))
    def translation_status(self, obj):
        return " · ".join(
            f"{code} {translation_status.completeness(obj, code)}%"
            for code in translation_status.LANGUAGE_CODES
        )

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if "translation_status" not in columns:
            columns.append("translation_status")
        return columns

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if MissingTranslationFilter not in filters:
            filters.append(MissingTranslationFilter)
        return filters

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        # For the history list's "languages changed" column.
        translation_status.mark_languages_changed(historical_records)


PUBLICATION_FIELDS = ("is_published", "publish_from", "publish_until")


class PublishableAdmin(PreviewAdminMixin, OptimisticLockingMixin, ContentAdmin):
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
