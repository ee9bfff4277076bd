from modeltranslation.translator import TranslationOptions, register

from clusters.models import (
    Cluster,
    ClusterItem,
    Coordinator,
    MembershipSnapshot,
    Page,
    Project,
    Report,
)


@register(Coordinator)
class CoordinatorTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Cluster)
class ClusterTranslationOptions(TranslationOptions):
    fields = (
        "name",
        "other_names",
        "slug",
        "summary",
        "characteristics",
        "membership_conditions",
    )


@register(MembershipSnapshot)
class MembershipSnapshotTranslationOptions(TranslationOptions):
    fields = ("source",)


@register(ClusterItem)
class ClusterItemTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(Project)
class ProjectTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = ("title", "slug", "summary", "body")


@register(Report)
class ReportTranslationOptions(TranslationOptions):
    fields = ("title", "source")
