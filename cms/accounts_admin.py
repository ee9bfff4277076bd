"""Staff accounts and groups in the admin, their permissions named in the staff's
language.

Django stores a permission's name in English when it creates it ("Can add cluster")
and lists it that way in every language, with the edit history's own permissions
("Can add historical klaster") among them. Here each is named by its model and
action, translated ("Klastry: dodawanie"); the history's are left out (the history
is written by the content's own saves, never by hand), as are the system's own.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cms.admin_assets import StaffFormMedia
from cms.content_apps import content_app_labels
from cms.deletion_summary import DeletionSummaryMixin

ACTIONS = {
    "add": _("adding"),
    "change": _("changing"),
    "delete": _("deleting"),
    "view": _("viewing"),
    "publish": _("publishing"),
}


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    subject = (
        capfirst(model._meta.verbose_name_plural)
        if model is not None
        else permission.content_type.model
    )
    verb, _sep, model_name = permission.codename.partition("_")
    if verb in ACTIONS and model_name == permission.content_type.model:
        return f"{subject}: {ACTIONS[verb]}"
    # Any other permission of a model's own, as its catalogue names it.
    return f"{subject}: {gettext(permission.name)}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


def assignable_permissions():
    """The content's and the staff accounts' permissions: the rest (sessions, login
    throttling, second-factor devices) are the system's, kept for superusers."""
    return (
        Permission.objects.filter(
            content_type__app_label__in=content_app_labels() | {"cms", "auth"}
        )
        .exclude(content_type__model__startswith="historical")
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


class TranslatedPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in {"permissions", "user_permissions"}:
            kwargs["queryset"] = assignable_permissions()
            kwargs["form_class"] = PermissionsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class StaffGroupAdmin(DeletionSummaryMixin, TranslatedPermissionsMixin, GroupAdmin):
    Media = StaffFormMedia


class StaffUserAdmin(DeletionSummaryMixin, TranslatedPermissionsMixin, UserAdmin):
    # Kept by the sign-in itself, not typed by staff.
    readonly_fields = ["last_login", "date_joined"]
    Media = StaffFormMedia


admin.site.unregister(Group)
admin.site.register(Group, StaffGroupAdmin)
admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
