"""Admin behaviour shared by every translated, published content model."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import Script
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as mt_settings
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from cms import (
    accounts_admin,  # noqa: F401 (staff accounts' admin, registered)
    translation_status,
)
from cms.deletion_summary import DeletionSummaryMixin
from cms.documents import ACCEPTED_LABELS, DOCUMENT_TYPES, Document
from cms.history import WordDiffContextHelper
from cms.local_time import LocalSplitDateTimeField
from cms.locking import OptimisticLockingMixin
from cms.presence import PresenceAdminMixin
from cms.preview import PreviewAdminMixin
from cms.review import ReviewAdminMixin
from cms.revision_admin import RevisionAdminMixin
from cms.revision_views import RevisionHistoryAdminMixin
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

    def get_prepopulated_fields(self, request, obj=None):
        """A new record's key is suggested from its Polish name or title, as the
        slug is; staff may change it before the first save."""
        fields = dict(super().get_prepopulated_fields(request, obj))
        names = {field.name for field in self.opts.get_fields()}
        source = next((name for name in ("name", "title") if name in names), None)
        if obj is None and "key" in names and source and "key" not in fields:
            fields["key"] = [f"{source}_{settings.LANGUAGE_CODE}"]
        return fields

    def get_historical_record_context_helper(self, request, historical_record):
        return WordDiffContextHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history only hides the revert button from view-only staff; a revert
        # is a save, so it needs the change permission like any other.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    class Media:
        # Underlined breadcrumb links: the admin tells them from text by colour alone.
        css = {"all": ["admin-extra/a11y.css"]}
        js = [
            # Opens a form at a field in a language, from the "Translations" page.
            "admin-extra/translation-links.js",
            # Names what select2 and django-modeltranslation build in the browser;
            # it extends jQuery UI's tabs before django-modeltranslation uses them.
            "admin/js/jquery.init.js",
            mt_settings.JQUERY_UI_URL,
            Script(
                "admin-extra/a11y.js",
                **{"data-language-switch-label": _("Language of all fields")},
            ),
            # Asks before leaving a change form with changes not saved.
            "admin-extra/unsaved-changes.js",
            # New inline rows open in the language chosen for all fields.
            "admin-extra/new-rows-language.js",
        ]

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


class LabelledTabularInlineMixin:
    """Names every field of a tabular inline's rows: the rows have no labels, and
    the column headings above them name no field."""

    formset = LabelledInlineFormSet

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            formfield.widget.attrs.setdefault(
                "aria-label", capfirst(db_field.verbose_name)
            )
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
    PresenceAdminMixin,
    RevisionHistoryAdminMixin,
    ReviewAdminMixin,
    RevisionAdminMixin,
    ContentAdmin,
):
    """Edits are drafts until someone with the model's publish permission publishes
    them (cms/revision_admin.py), after review if its author asks (cms/review.py);
    old versions are compared and restored as drafts (cms/revision_views.py);
    whoever opens a record sees who else has it open (cms/presence.py)."""


class PublishableAdmin(PreviewAdminMixin, RevisionedAdmin):
    """Only users with the model's publish permission may publish, unpublish or
    schedule: the fields are read-only for everyone else, and their saves (drafts)
    keep the state stored; a revert keeps it too (cms/revision_views.py)."""

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not self.has_publish_permission(request):
            return (*readonly, *PUBLICATION_FIELDS)
        return readonly

    def save_model(self, request, obj, form, change):
        if not self.has_publish_permission(request):
            keep_publication_state(obj)
        super().save_model(request, obj, form, change)


def remove_files_on_commit(files) -> None:
    """Removes stored files once the records that held them are gone for good."""
    names = [(file.storage, file.name) for file in files if file]
    transaction.on_commit(
        lambda: [storage.delete(name) for storage, name in names], robust=True
    )


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """The documents library: a file's type and size are read from it at upload
    (cms/documents.py); where each is used is listed, and one in use by a report
    cannot be deleted."""

    list_display = ["title", "language", "type_label", "size_shown", "where_used"]
    list_filter = ["language"]
    search_fields = ["title", "file"]
    fields = ["title", "language", "file", "type_label", "size_shown", "where_used"]
    readonly_fields = ["type_label", "size_shown", "where_used"]
    list_per_page = 50

    @staticmethod
    def usage_relations():
        # Found, not named: the machinery imports no content app.
        return [
            relation
            for relation in Document._meta.related_objects
            if not relation.related_model._meta.model_name.startswith("historical")
        ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                *(relation.get_accessor_name() for relation in self.usage_relations())
            )
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "file":
            kwargs["help_text"] = _(
                "%(types)s, at most %(limit)s. The type is checked by the file's "
                "content, and the name's extension must agree with it."
            ) % {
                "types": ACCEPTED_LABELS,
                "limit": filesizeformat(settings.DOCUMENT_MAX_SIZE),
            }
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "file":
            formfield.widget.attrs["accept"] = ",".join(
                f".{extension}" for extension in DOCUMENT_TYPES
            )
        return formfield

    @admin.display(description=_("type"), ordering="mime_type")
    def type_label(self, obj):
        return obj.label

    @admin.display(description=_("size"), ordering="size")
    def size_shown(self, obj):
        return filesizeformat(obj.size) if obj.size is not None else ""

    @admin.display(description=_("where used"))
    def where_used(self, obj):
        if obj.pk is None:
            return ""
        uses = []
        for relation in self.usage_relations():
            model = relation.related_model
            for record in getattr(obj, relation.get_accessor_name()).all():
                try:
                    url = reverse(
                        f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                        args=[record.pk],
                    )
                except NoReverseMatch:
                    url = ""
                uses.append((capfirst(model._meta.verbose_name), url, record))
        if not uses:
            return _("not used")
        return format_html_join(mark_safe("<br>"), '{}: <a href="{}">{}</a>', uses)

    def save_model(self, request, obj, form, change):
        # A new file replaces the old one at a new address: the old one goes.
        if change and "file" in form.changed_data:
            remove_files_on_commit([form.initial["file"]])
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        remove_files_on_commit([obj.file])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        remove_files_on_commit([document.file for document in queryset])
        super().delete_queryset(request, queryset)
