"""The shared libraries in the admin: images (alt text in both languages, where each
is used) and documents (type and size read from the file, where each is used)."""

from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from cms.admin_assets import StaffFormMedia
from cms.documents import ACCEPTED_LABELS, DOCUMENT_TYPES, Document
from cms.images import Image, ImageForm
from cms.renditions import picture, rendition_names
from cms.staff_pages import registered_parent

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
    Media = StaffFormMedia

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

    def save_model(self, request, obj, form, change):
        # A new file is a new original at a new address: the old one goes.
        if change and "file" in form.changed_data:
            remove_files_on_commit([form.initial["file"]], with_renditions=True)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        remove_files_on_commit([obj.file], with_renditions=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        images = [image.file for image in queryset]
        remove_files_on_commit(images, with_renditions=True)
        super().delete_queryset(request, queryset)

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


# The documents library


def remove_files_on_commit(files, *, with_renditions: bool = False) -> None:
    """Removes stored files, and an image's renditions, once the records that held
    them are gone for good: a deleted photo must not stay public at its address."""
    names = []
    for file in files:
        if file:
            names.append((file.storage, file.name))
            if with_renditions:
                names += [(file.storage, name) for name in rendition_names(file)]
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
