from adminsortable2.admin import SortableStackedInline, SortableTabularInline
from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from clusters import admin_views
from clusters.admin_import import ClusterExportMixin
from clusters.models import (
    CONTACT_FIELDS,
    INTRODUCTION_KEY,
    Cluster,
    ClusterItem,
    Coordinator,
    Membership,
    MembershipSnapshot,
    Organisation,
    Page,
    Project,
    Report,
    SearchSynonym,
)
from cms import bulk_actions
from cms.admin import (
    ContentAdmin,
    LabelledTabularInlineMixin,
    MissingTranslationFilter,
    PublishableAdmin,
    SortableInlineMixin,
)
from cms.library_admin import image_preview
from cms.locking import OptimisticLockingMixin
from cms.search import normalise

# Shown at the end of the public page, under "How to join or ask"; only what the
# cluster or the coordinator has published: nothing is to be guessed.
CONTACT_FIELDSET = (
    _("How to join or ask"),
    {
        "fields": list(CONTACT_FIELDS),
        "description": _(
            "Shown on the public page when filled. Enter only contact details the "
            "cluster or coordinator has made public."
        ),
    },
)


class MembershipSnapshotInline(LabelledTabularInlineMixin, TranslationTabularInline):
    model = MembershipSnapshot
    extra = 0


class ClusterItemInline(
    SortableInlineMixin, LabelledTabularInlineMixin, TranslationTabularInline
):
    model = ClusterItem
    template = SortableTabularInline.template
    ordering = ["order"]
    extra = 0

    def get_ordering(self, request):
        # Shown by kind: the goals together, then the ways of achieving them...
        return ["kind", "order"]


class ProjectInline(SortableInlineMixin, TranslationStackedInline):
    model = Project
    template = SortableStackedInline.template
    ordering = ["order"]
    extra = 0


class MembershipInline(LabelledTabularInlineMixin, admin.TabularInline):
    model = Membership
    autocomplete_fields = ["organisation"]
    extra = 0


@admin.register(Cluster)
class ClusterAdmin(ClusterExportMixin, PublishableAdmin):
    list_display = [
        "__str__",
        "year_established",
        "current_members",
        "highland_names",
        "status",
        "is_published",
        "translation_status",
    ]
    list_filter = [
        "highlands",
        "year_established",
        "status",
        "is_published",
        MissingTranslationFilter,
    ]
    # Searched as the public directory searches (get_search_results).
    search_fields = ["key", "search_text"]
    autocomplete_fields = ["coordinators", "highlands", "parent", "logo"]
    readonly_fields = ["logo_preview"]
    prepopulated_fields = {"slug": ["name"]}
    actions = [*PublishableAdmin.actions, "mark_verified_today"]
    inlines = [
        MembershipSnapshotInline,
        ClusterItemInline,
        ProjectInline,
        MembershipInline,
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "key",
                    "name",
                    "other_names",
                    "slug",
                    "is_published",
                    "publish_from",
                    "publish_until",
                    "status",
                ]
            },
        ),
        (
            _("Facts"),
            {
                "fields": [
                    "year_established",
                    "coordinators",
                    "highlands",
                    "parent",
                    "member_clusters",
                    "universities_in_sources",
                    "logo",
                    "logo_preview",
                    "verified_on",
                ]
            },
        ),
        (
            _("Texts"),
            {"fields": ["summary", "characteristics", "membership_conditions"]},
        ),
        CONTACT_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("highlands")

    def get_search_results(self, request, queryset, search_term):
        """Every word in the key, or beginning a word of the stored search text
        (everything the directory searches, in both languages), whatever its case
        and Polish diacritics: `światłowodów`, `Swiatlowodow` and an English name
        alike."""
        for word in normalise(search_term).split():
            queryset = queryset.filter(
                Q(key__contains=word) | Q(search_text__contains=f" {word}")
            )
        return queryset, False

    logo_preview = image_preview("logo")

    @admin.action(
        description=_("Mark the selected clusters as verified today"),
        permissions=["change"],
    )
    def mark_verified_today(self, request, queryset):
        count = bulk_actions.change_in_bulk(
            self,
            request,
            queryset,
            gettext("Marked as verified from the list"),
            verified_on=timezone.localdate(),
        )
        bulk_actions.report(
            self,
            request,
            count,
            ngettext(
                "Marked %(count)s cluster as verified today.",
                "Marked %(count)s clusters as verified today.",
                count,
            ),
            ngettext(
                "Marked %(count)s cluster as verified today in its draft: visitors "
                "see the date once a publisher publishes it.",
                "Marked %(count)s clusters as verified today in their drafts: "
                "visitors see the date once a publisher publishes them.",
                count,
            ),
        )

    @admin.display(description=_("Highlands"))
    def highland_names(self, obj):
        return ", ".join(str(highland) for highland in obj.highlands.all())

    def get_urls(self):
        # The staff reports: translations left to do, content quality.
        return admin_views.report_urls(self.admin_site) + super().get_urls()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Coordinators are only saved now, and they are part of the search text;
        # snapshots too, and the latest one gives the current figures.
        saved = Cluster.objects.filter(pk=form.instance.pk)
        saved.refresh_search_text()
        saved.refresh_current_figures()


@admin.register(Coordinator)
class CoordinatorAdmin(ContentAdmin):
    list_display = ["__str__", "kind", "translation_status"]
    list_filter = ["kind", MissingTranslationFilter]
    search_fields = ["key", "name"]
    autocomplete_fields = ["logo"]
    readonly_fields = ["logo_preview"]
    fieldsets = [
        (
            None,
            {"fields": ["key", "name", "kind", "description", "logo", "logo_preview"]},
        ),
        CONTACT_FIELDSET,
    ]
    logo_preview = image_preview("logo")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.clusters.refresh_search_text()

    def delete_queryset(self, request, queryset):
        # Their names leave their clusters' search text with them.
        clusters = list(
            Cluster.objects.filter(coordinators__in=queryset).values_list(
                "pk", flat=True
            )
        )
        super().delete_queryset(request, queryset)
        Cluster.objects.filter(pk__in=clusters).refresh_search_text()

    def delete_model(self, request, obj):
        self.delete_queryset(request, Coordinator.objects.filter(pk=obj.pk))


@admin.register(Organisation)
class OrganisationAdmin(OptimisticLockingMixin, admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Member organisations' names are searched with their clusters.
        obj.clusters.refresh_search_text()


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Equivalent terms for the directory search, used from the next search on."""

    list_display = ["__str__"]
    search_fields = ["terms"]


@admin.register(Page)
class PageAdmin(PublishableAdmin):
    list_display = ["__str__", "is_published", "translation_status"]
    list_filter = ["is_published", MissingTranslationFilter]
    search_fields = ["key", "title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["documents"]

    def public_path(self, obj):
        if obj.key == INTRODUCTION_KEY:
            return reverse("home")
        return reverse("clusters:about")

    def public_context(self, view, obj):
        # Pages are found by their key, not by a slug: the draft is used as it is.
        if obj.key == INTRODUCTION_KEY:
            return view.get_context_data() | {"introduction": obj}
        view.object = obj
        return view.get_context_data(object=obj)


@admin.register(Report)
class ReportAdmin(ContentAdmin):
    list_display = [
        "__str__",
        "source",
        "year",
        "document",
        "order",
        "translation_status",
    ]
    list_filter = [MissingTranslationFilter]
    search_fields = ["key", "title", "source"]
    autocomplete_fields = ["document"]
    list_select_related = ["document"]
