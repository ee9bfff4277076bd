from django.db.models import Prefetch
from django.views.generic import DetailView, ListView, TemplateView

from clusters.models import Cluster, Page
from clusters.structured_data import highland_entities
from clusters.views import TranslatedSlugMixin
from ecosystems.models import Highland

INTRODUCTION_KEY = "lublin-economic-highlands"


def key_figures() -> dict:
    """Published top-level clusters, and members and enterprises summed over each
    cluster's current snapshot, with the years those snapshots are for.

    Segments are left out, as their members are counted in their parent cluster.
    """
    clusters = list(
        Cluster.objects.published()
        .filter(parent__isnull=True)
        .prefetch_related("snapshots")
    )
    current = [c.current_snapshot for c in clusters]
    with_members = [s for s in current if s is not None and s.members is not None]
    years = sorted({s.year for s in with_members})
    return {
        "clusters": len(clusters),
        "members": sum(s.members for s in with_members),
        "enterprises": sum(s.enterprises or 0 for s in with_members),
        "reporting": len(with_members),
        "first_year": years[0] if years else None,
        "latest_year": years[-1] if years else None,
        "mixed_years": len(years) > 1,
    }


def published_highlands():
    return Highland.objects.published().prefetch_related(
        Prefetch("clusters", queryset=Cluster.objects.published())
    )


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

    def get_queryset(self):
        return published_highlands()


class HighlandDetailView(TranslatedSlugMixin, DetailView):
    template_name = "ecosystems/highland_detail.html"

    def get_queryset(self):
        return Highland.objects.published().prefetch_related(
            Prefetch("cooperates_with", queryset=Highland.objects.published()),
            Prefetch(
                "clusters",
                queryset=Cluster.objects.published().prefetch_related("snapshots"),
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = highland_entities(self.object)
        return context
