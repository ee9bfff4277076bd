"""Admin behaviour shared by every translated, published content model."""

from django.contrib import admin
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied
from django.forms import Script
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as mt_settings
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from cms import translation_status
from cms.history import WordDiffContextHelper
from cms.images import Image, ImageForm
from cms.locking import OptimisticLockingMixin
from cms.presence import PresenceAdminMixin
from cms.preview import PreviewAdminMixin
from cms.renditions import picture
from cms.review import ReviewAdminMixin
from cms.revision_admin import RevisionAdminMixin
from cms.revision_views import RevisionHistoryAdminMixin
from cms.staff_pages import registered_parent
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
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        overrides = self.formfield_overrides.get(type(db_field), {})
        if overrides.get("widget") is widgets.AdminSplitDateTime:
            kwargs.setdefault(
                "widget", LabelledSplitDateTime(capfirst(db_field.verbose_name))
            )
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


# The image library


def picture_html(image, preset: str = "thumbnail") -> str:
    """The image as the public pages show it: renditions only, never the original."""
    return render_to_string(
        "includes/picture.html", {"picture": picture(image, preset), "loading": "lazy"}
    )


def image_preview(field_name: str):
    """A read-only field showing the image a record's form has chosen (once saved):
    `logo_preview = image_preview("logo")`, then named in `readonly_fields`."""

    @admin.display(description=_("chosen image"))
    def preview(self, obj):
        image = getattr(obj, field_name, None) if obj is not None else None
        return picture_html(image) if image else "—"

    return preview


@admin.register(Image)
class ImageAdmin(TabbedTranslationAdmin):
    form = ImageForm
    list_display = ["thumbnail", "title", "details", "is_decorative", "created_at"]
    list_display_links = ["title"]
    list_filter = ["is_decorative"]
    search_fields = ["title", "alt_text_pl", "alt_text_en", "credit"]
    readonly_fields = ["thumbnail", "details", "used_by"]
    fieldsets = [
        (None, {"fields": ["title", "file", "thumbnail", "details"]}),
        (_("For visitors"), {"fields": ["alt_text", "is_decorative", "credit"]}),
        (_("Where it is used"), {"fields": ["used_by"]}),
    ]
    Media = ContentAdmin.Media

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        # A new image has nothing to show yet, and no record uses it.
        editable = [
            (
                name,
                {
                    **options,
                    "fields": [
                        field
                        for field in options["fields"]
                        if field not in self.readonly_fields
                    ],
                },
            )
            for name, options in fieldsets
        ]
        return [(name, options) for name, options in editable if options["fields"]]

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        return picture_html(obj) if obj.pk else "—"

    @admin.display(description=_("size"))
    def details(self, obj):
        if not obj.pk:
            return "—"
        return _("%(width)s × %(height)s pixels, %(size)s") % {
            "width": obj.width,
            "height": obj.height,
            "size": filesizeformat(obj.file_size),
        }

    @admin.display(description=_("used by"))
    def used_by(self, obj):
        uses = [self.use_link(record) for record in records_using(obj)]
        if not uses:
            return _("Not used yet.")
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", uses))

    def use_link(self, record) -> tuple:
        """The record as "kind: name", linked to the form that edits it (for a row
        edited inline, its parent's)."""
        label = f"{capfirst(record._meta.verbose_name)}: {record}"
        edited = record
        if type(record) not in self.admin_site._registry:
            parent = registered_parent(type(record), self.admin_site._registry)
            edited = getattr(record, parent.name) if parent else None
        try:
            url = reverse(
                f"admin:{edited._meta.app_label}_{edited._meta.model_name}_change",
                args=[edited.pk],
            )
        except (AttributeError, NoReverseMatch):
            return (label,)
        return (format_html('<a href="{}">{}</a>', url, label),)


def records_using(image) -> list:
    """Every record whose field refers to the image (their foreign keys protect it)."""
    return [
        record
        for relation in Image._meta.related_objects
        for record in relation.related_model._base_manager.filter(
            **{relation.field.name: image}
        )
    ]
