from collections.abc import Iterable

from django.db.models import Count, Max, Min, Prefetch, Q, Sum
from django.views.generic import DetailView, ListView, TemplateView

from clusters.filters import in_highland, name_as_shown
from clusters.models import Cluster, Page
from clusters.views import TranslatedSlugMixin
from ecosystems.models import Highland
from ecosystems.structured_data import highland_entities

INTRODUCTION_KEY = "lublin-economic-highlands"
# A Highland's clusters shown on its page and card; the directory lists them all.
SHOWN_CLUSTERS = 20


def key_figures() -> dict:
    """Published top-level clusters, and members and enterprises summed over each
    cluster's current snapshot, with the years those snapshots are for.

    Segments are left out, as their members are counted in their parent cluster; so
    are a cluster of clusters' figures, as its members are clusters ("5 klastrów"),
    not organisations. One query, whatever the number of clusters.
    """
    reported = Q(current_members__isnull=False, member_clusters__isnull=True)
    figures = (
        Cluster.objects.published()
        .filter(parent__isnull=True)
        .aggregate(
            clusters=Count("pk"),
            members=Sum("current_members", filter=reported),
            enterprises=Sum("current_enterprises", filter=reported),
            reporting=Count("pk", filter=reported),
            of_clusters=Count("pk", filter=Q(member_clusters__isnull=False)),
            first_year=Min("current_year", filter=reported),
            latest_year=Max("current_year", filter=reported),
        )
    )
    return figures | {
        "members": figures["members"] or 0,
        "enterprises": figures["enterprises"] or 0,
        "mixed_years": figures["first_year"] != figures["latest_year"],
    }


def with_clusters(highlands: Iterable[Highland]) -> list[Highland]:
    """The Highlands, each with the number of its published clusters (`cluster_count`)
    and the first SHOWN_CLUSTERS of them by name (`shown_clusters`); the directory,
    filtered by the Highland, lists them all.

    One query counts; one per Highland (there are five) reads its first clusters from
    the index of the names' order: a window over every cluster of every Highland
    would sort thousands of rows to keep a hundred.
    """
    highlands = list(highlands)
    published = Cluster.objects.published()
    counts = dict(
        published.filter(highlands__in=highlands)
        .order_by()
        .values_list("highlands")
        .annotate(Count("pk"))
    )
    first = published.order_by(name_as_shown(), "key")
    for highland in highlands:
        highland.cluster_count = counts.get(highland.pk, 0)
        highland.shown_clusters = (
            list(first.filter(in_highland(highland.pk))[:SHOWN_CLUSTERS])
            if highland.cluster_count
            else []
        )
    return highlands


def published_highlands() -> list[Highland]:
    return with_clusters(Highland.objects.published())


class HomeView(TemplateView):
    template_name = "ecosystems/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["introduction"] = (
            Page.objects.published().filter(key=INTRODUCTION_KEY).first()
        )
        context["highlands"] = Highland.objects.published()
        context["figures"] = key_figures()
        return context


class HighlandListView(ListView):
    template_name = "ecosystems/highland_list.html"
    context_object_name = "highland_list"

    def get_queryset(self):
        return published_highlands()


class HighlandDetailView(TranslatedSlugMixin, DetailView):
    template_name = "ecosystems/highland_detail.html"

    def get_queryset(self):
        return Highland.objects.published().prefetch_related(
            Prefetch("cooperates_with", queryset=Highland.objects.published())
        )

    def get_object(self, queryset=None):
        (highland,) = with_clusters([super().get_object(queryset)])
        return highland

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = highland_entities(self.object)
        return context
