from django.contrib import admin
from modeltranslation.admin import TranslationTabularInline

from cms.admin import MissingTranslationFilter, RevisionedAdmin
from contacts.models import AccessibilityStatement, Team, TeamMember, Unit


@admin.register(Unit)
class UnitAdmin(RevisionedAdmin):
    list_display = ["__str__", "translation_status"]
    search_fields = ["key", "name"]


# Team members are edited in their team's form only: a change to one is part of the
# team's draft, published with it.
class TeamMemberInline(TranslationTabularInline):
    model = TeamMember
    extra = 0


@admin.register(Team)
class TeamAdmin(RevisionedAdmin):
    list_display = ["__str__", "unit", "translation_status"]
    list_filter = [MissingTranslationFilter]
    search_fields = ["key", "name"]
    inlines = [TeamMemberInline]


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(RevisionedAdmin):
    list_display = [
        "__str__",
        "status",
        "prepared_on",
        "reviewed_on",
        "translation_status",
    ]
