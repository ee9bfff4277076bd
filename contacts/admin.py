from adminsortable2.admin import SortableTabularInline
from django.contrib import admin
from django.urls import reverse
from modeltranslation.admin import TranslationTabularInline

from cms.admin import (
    LabelledTabularInlineMixin,
    MissingTranslationFilter,
    PublishableAdmin,
    RevisionedAdmin,
    SortableInlineMixin,
)
from cms.library_admin import image_preview
from cms.preview import PagePreviewAdminMixin
from contacts.models import AccessibilityStatement, Team, TeamMember, Unit


class ContactPageAdmin(PagePreviewAdminMixin, RevisionedAdmin):
    """The unit and the team are shown on the contact page."""

    def public_path(self, obj):
        return reverse("contacts:team")


@admin.register(Unit)
class UnitAdmin(ContactPageAdmin):
    list_display = ["__str__", "translation_status"]
    search_fields = ["key", "name"]


# Team members are edited in their team's form only: a change to one is part of the
# team's draft, published with it.
class TeamMemberInline(
    SortableInlineMixin, LabelledTabularInlineMixin, TranslationTabularInline
):
    model = TeamMember
    template = SortableTabularInline.template
    ordering = ["order", "name"]
    extra = 0
    autocomplete_fields = ["photo"]
    readonly_fields = ["photo_preview"]
    photo_preview = image_preview("photo")


@admin.register(Team)
class TeamAdmin(ContactPageAdmin):
    list_display = ["__str__", "unit", "translation_status"]
    list_filter = [MissingTranslationFilter]
    search_fields = ["key", "name"]
    inlines = [TeamMemberInline]


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(PublishableAdmin):
    """Published from its form only, where a statement with a required field empty
    is refused, naming the fields (the list's bulk "publish" would not say which)."""

    actions = ["publish_drafts", "unpublish_selected"]
    list_display = [
        "__str__",
        "is_published",
        "status",
        "published_on",
        "updated_on",
        "translation_status",
    ]
    readonly_fields = ["published_on", "updated_on"]

    def public_path(self, obj):
        return reverse("contacts:accessibility")
