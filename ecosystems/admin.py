from django.contrib import admin

from cms.admin import MissingTranslationFilter, PublishableAdmin
from cms.library_admin import image_preview
from ecosystems.models import Highland


@admin.register(Highland)
class HighlandAdmin(PublishableAdmin):
    list_display = ["__str__", "order", "is_published", "translation_status"]
    list_filter = ["is_published", MissingTranslationFilter]
    search_fields = ["key", "name"]
    autocomplete_fields = ["cooperates_with", "image"]
    readonly_fields = ["picture_preview"]
    picture_preview = image_preview("image")
    prepopulated_fields = {"slug": ["name"]}
