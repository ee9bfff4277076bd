from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q
from django.views.generic import DetailView, ListView

from cms.ordering import name_as_shown
from cms.translation_marks import translation_note
from cms.views import TranslatedSlugMixin
from ecosystems.models import Highland
from ecosystems.structured_data import highland_entities

# A Highland's clusters shown on its page and card; the directory lists them all.
SHOWN_CLUSTERS = 20


def with_clusters(highlands: Iterable[Highland]) -> list[Highland]:
    """The Highlands, each with the number of its published clusters (`cluster_count`)
    and the first SHOWN_CLUSTERS of them by name (`shown_clusters`); the directory,
    filtered by the Highland, lists them all.

    One query counts; one per Highland (there are five) reads its first clusters from
    the index of the names' order: a window over every cluster of every Highland
    would sort thousands of rows to keep a hundred.
    """
    highlands = list(highlands)
    # Through the relation: the Highlands know their clusters, not the clusters app.
    published = Highland.clusters.rel.related_model.objects.published()
    links = Highland.clusters.through.objects
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
            list(first.filter(in_highland(links, highland.pk))[:SHOWN_CLUSTERS])
            if highland.cluster_count
            else []
        )
    return highlands


def in_highland(links, pk: int) -> Q:
    """Clusters of the Highland, as a subquery: no row is repeated, nothing joined."""
    return Q(pk__in=links.filter(highland_id=pk).values("cluster_id"))


def published_highlands() -> list[Highland]:
    return with_clusters(Highland.objects.published().select_related("image"))


class HighlandListView(ListView):
    template_name = "ecosystems/highland_list.html"
    context_object_name = "highland_list"

    def get_queryset(self):
        return published_highlands()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        highlands = context["highland_list"]
        context["translation_note"] = translation_note(
            highlands, *(highland.shown_clusters for highland in highlands)
        )
        return context


class HighlandDetailView(TranslatedSlugMixin, DetailView):
    template_name = "ecosystems/highland_detail.html"

    def get_queryset(self):
        return (
            Highland.objects.published()
            .select_related("image")
            .prefetch_related(
                Prefetch("cooperates_with", queryset=Highland.objects.published())
            )
        )

    def get_object(self, queryset=None):
        (highland,) = with_clusters([super().get_object(queryset)])
        return highland

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = highland_entities(self.object)
        context["translation_note"] = translation_note(
            self.object,
            self.object.shown_clusters,
            self.object.cooperates_with.all(),
        )
        return context
