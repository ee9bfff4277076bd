"""Admin behaviour shared by every translated, published content model."""

from adminsortable2.admin import (
    CustomInlineFormSetMixin,
    SortableAdminBase,
    SortableInlineAdminMixin,
)
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from cms import (
    accounts_admin,  # noqa: F401 (staff accounts' admin, registered)
    identity_admin,  # noqa: F401 (the site's identity, registered)
    library_admin,  # noqa: F401 (image and document libraries, registered)
    phones,
    translation_status,
)
from cms.admin_assets import StaffFormMedia
from cms.bulk_actions import PublicationActionsMixin
from cms.deletion_summary import DeletionSummaryMixin
from cms.history import WordDiffContextHelper
from cms.local_time import LocalSplitDateTimeField
from cms.locking import OptimisticLockingMixin
from cms.presence import PresenceAdminMixin
from cms.preview import PreviewAdminMixin
from cms.reordering import ORDER, move_out_of_the_way
from cms.review import ReviewAdminMixin
from cms.revision_admin import RevisionAdminMixin
from cms.revision_views import RevisionHistoryAdminMixin
from cms.rich_text_admin import EDITOR_POLICY, with_nonce
from cms.translation_review import TranslationReviewAdminMixin


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


class LabelledSplitDateTime(widgets.AdminSplitDateTime):
    """The admin's date and time boxes, each named after the field: the "Date:" and
    "Time:" before them are plain text, and the field's label names neither box."""

    def __init__(self, label, attrs=None):
        super().__init__(attrs)
        self.label = label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        date, time = context["widget"]["subwidgets"]
        date["attrs"]["aria-label"] = _("%(field)s: date") % {"field": self.label}
        time["attrs"]["aria-label"] = _("%(field)s: time") % {"field": self.label}
        return context


class ContentAdmin(
    DeletionSummaryMixin,
    TranslationReviewAdminMixin,
    OptimisticLockingMixin,
    SimpleHistoryAdmin,
    TabbedTranslationAdmin,
):
    """Tabs per language, edit history with revert, the translation status and its
    review (cms/translation_review.py), and no lost edits (a save based on an older
    copy is refused: cms/locking.py).
    """

    list_per_page = 50
    formfield_overrides = phones.ADMIN_FORMFIELD_OVERRIDES

    def get_prepopulated_fields(self, request, obj=None):
        """A new record's key is suggested from its Polish name or title, as the
        slug is; staff may change it before the first save."""
        fields = dict(super().get_prepopulated_fields(request, obj))
        names = {field.name for field in self.opts.get_fields()}
        source = next((name for name in ("name", "title") if name in names), None)
        if obj is None and "key" in names and source and "key" not in fields:
            fields["key"] = [f"{source}_{settings.LANGUAGE_CODE}"]
        return fields

    def render_change_form(self, request, context, *args, **kwargs):
        response = super().render_change_form(
            request, with_nonce(request, context), *args, **kwargs
        )
        response._csp_update = EDITOR_POLICY
        return response

    def render_history_view(self, request, template, context, **kwargs):
        # simple-history's form of an old version (revert) shows the editor too.
        if "media" in context:
            context = with_nonce(request, context)
        response = super().render_history_view(request, template, context, **kwargs)
        response._csp_update = EDITOR_POLICY
        return response

    def get_historical_record_context_helper(self, request, historical_record):
        return WordDiffContextHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history only hides the revert button from view-only staff; a revert
        # is a save, so it needs the change permission like any other.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    Media = StaffFormMedia

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        overrides = self.formfield_overrides.get(type(db_field), {})
        if overrides.get("widget") is widgets.AdminSplitDateTime:
            kwargs.setdefault(
                "widget", LabelledSplitDateTime(capfirst(db_field.verbose_name))
            )
            kwargs.setdefault("form_class", LocalSplitDateTimeField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

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


class LabelledInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            field = form.fields[DELETION_FIELD_NAME]
            field.widget.attrs.setdefault("aria-label", field.label)


class OrderedInlineFormSet(CustomInlineFormSetMixin, LabelledInlineFormSet):
    """adminsortable2's formset (the order number hidden, set by dragging; a new row
    put last) with the labelled delete boxes; rows that trade places are saved."""

    def save_existing_objects(self, commit=True):
        reordered = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk is not None and ORDER in form.changed_data
        ]
        if commit and reordered:
            # Written one by one next (cms/reordering.py).
            move_out_of_the_way(self.model._base_manager.filter(pk__in=reordered))
        return super().save_existing_objects(commit)


class SortableInlineMixin(SortableInlineAdminMixin):
    """Rows put in order by dragging them, or with their "move to first/last
    position" arrows, which the keyboard reaches too (static/admin-extra/a11y.js).
    adminsortable2 takes the order field from the inline's `ordering`, first; the
    inline's `template` is one of adminsortable2's (`SortableTabularInline.template`
    or `SortableStackedInline.template`)."""

    formset = OrderedInlineFormSet


class LabelledTabularInlineMixin:
    """Names every field of a tabular inline's rows: the rows have no labels, and
    the column headings above them name no field. A row's texts are a line or two
    (a list item, a source): two lines high, not the admin's ten."""

    formset = LabelledInlineFormSet
    formfield_overrides = phones.ADMIN_FORMFIELD_OVERRIDES

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            formfield.widget.attrs.setdefault(
                "aria-label", capfirst(db_field.verbose_name)
            )
            if isinstance(db_field, models.TextField):
                formfield.widget.attrs.update(rows=2, cols=30)
        return formfield


PUBLICATION_FIELDS = ("is_published", "publish_from", "publish_until")


def keep_publication_state(obj) -> None:
    """Gives `obj` the publication state stored for it (a new record's defaults)."""
    stored = (
        type(obj)._base_manager.filter(pk=obj.pk).values(*PUBLICATION_FIELDS).first()
    )
    if stored is None:
        stored = {
            name: obj._meta.get_field(name).get_default() for name in PUBLICATION_FIELDS
        }
    for name, value in stored.items():
        setattr(obj, name, value)


class RevisionedAdmin(
    SortableAdminBase,
    PresenceAdminMixin,
    RevisionHistoryAdminMixin,
    ReviewAdminMixin,
    RevisionAdminMixin,
    ContentAdmin,
):
    """Edits are drafts until someone with the model's publish permission publishes
    them (cms/revision_admin.py), after review if its author asks (cms/review.py);
    old versions are compared and restored as drafts (cms/revision_views.py);
    whoever opens a record sees who else has it open (cms/presence.py); the rows
    of its inlines may be put in order by dragging (SortableInlineMixin)."""


class PublishableAdmin(PublicationActionsMixin, PreviewAdminMixin, RevisionedAdmin):
    """Only users with the model's publish permission may publish, unpublish or
    schedule, in the form or for the records selected in the list: the fields are
    read-only for everyone else, and their saves (drafts) keep the state stored; a
    revert keeps it too (cms/revision_views.py)."""

    actions = ["publish_drafts", "publish_selected", "unpublish_selected"]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not self.has_publish_permission(request):
            return (*readonly, *PUBLICATION_FIELDS)
        return readonly

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request):
            keep_publication_state(obj)
        super().save_model(request, obj, form, change)
