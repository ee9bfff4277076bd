"""The site's identity in the admin: one form, no list. Publishers change it; a save
is public at once (cms/identity.py)."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from cms.admin_assets import StaffFormMedia
from cms.identity import SiteIdentity, starter_identity
from cms.library_admin import image_preview


@admin.register(SiteIdentity)
class SiteIdentityAdmin(TabbedTranslationAdmin):
    autocomplete_fields = ["logo"]
    readonly_fields = ["logo_preview"]
    fieldsets = [
        (_("Names"), {"fields": ["site_name", "city_name", "publisher_name"]}),
        (_("Appearance"), {"fields": ["logo", "logo_preview", "accent_colour"]}),
        (_("Open data"), {"fields": ["licence_name", "licence_url", "attribution"]}),
    ]
    Media = StaffFormMedia

    logo_preview = image_preview("logo")

    def has_add_permission(self, request):
        # The one record is changed, never added: until it is first saved, its
        # form shows the starter values (`get_object`).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None and object_id == "1":
            return starter_identity()
        return found

    def changelist_view(self, request, extra_context=None):
        """Straight to the form: there is nothing to list."""
        return HttpResponseRedirect(reverse("admin:cms_siteidentity_change", args=[1]))
