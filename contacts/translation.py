from modeltranslation.translator import TranslationOptions, register

from contacts.models import AccessibilityStatement, Team, TeamMember, Unit


@register(Unit)
class UnitTranslationOptions(TranslationOptions):
    fields = ("name", "address", "office_hours")


@register(Team)
class TeamTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(TeamMember)
class TeamMemberTranslationOptions(TranslationOptions):
    fields = ("position",)


@register(AccessibilityStatement)
class AccessibilityStatementTranslationOptions(TranslationOptions):
    fields = (
        "entity",
        "site_name",
        "non_accessible_content",
        "assessment_method",
        "procedure",
        "architecture",
        "mobile_apps",
    )
