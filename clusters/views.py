import functools
import hashlib
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from clusters import growth
from clusters.filters import ClusterFilter
from clusters.models import (
    Cluster,
    ClusterItem,
    Coordinator,
    Organisation,
    Page,
    Report,
)
from clusters.structured_data import cluster_entities
from clusters.wording import directory_entries
from cms.pieces import cached_pieces
from cms.translated import translated_list
from cms.translation_marks import (
    note_for,
    translated_from_language,
    translation_note,
)
from cms.views import TranslatedSlugMixin
from ecosystems.models import Highland

# Headings for the lists of a cluster page, in the order they are shown.
ITEM_HEADINGS = {
    ClusterItem.Kind.GOAL: _("Goals"),
    ClusterItem.Kind.ACTIVITY: _("How the goals are achieved"),
    ClusterItem.Kind.KEY_ACTIVITY: _("Key activities"),
    ClusterItem.Kind.BENEFIT: _("Benefits for members"),
    ClusterItem.Kind.SERVICE: _("Services"),
    ClusterItem.Kind.PRODUCT: _("Products"),
}
ORGANISATION_HEADINGS = {
    Organisation.Kind.ENTERPRISE: _("Enterprises"),
    Organisation.Kind.BUSINESS_SUPPORT: _("Business environment institutions"),
    Organisation.Kind.UNIVERSITY: _("Universities"),
    Organisation.Kind.OTHER: _("Other members"),
}
# A directory result; rendered alone, so that it can be kept (result_rows).
RESULT_ROW_TEMPLATE = "clusters/includes/result_row.html"
# Small enough that its 16px labels stay legible when scaled down to a phone.
CHART_WIDTH = 480
CHART_HEIGHT = 240
CHART_MARGIN = {"top": 24, "right": 12, "bottom": 36, "left": 48}


@dataclass(frozen=True)
class ResultRow:
    """A directory result as shown: its HTML, and the language its texts were
    translated from ("" for none) for the page's translation note."""

    html: str
    translated_from: str


def result_rows(filterset: ClusterFilter, keys: list[int]) -> list[ResultRow]:
    """The results of `keys` in that order, each rendered once per content version,
    language and search (cms/pieces.py): a new filter combination renders only the
    rows no page has shown yet."""

    def render(missing: list[int]) -> dict[int, ResultRow]:
        return {
            cluster.pk: ResultRow(
                render_to_string(RESULT_ROW_TEMPLATE, {"cluster": cluster}),
                translated_from_language(
                    cluster,
                    cluster.shown_parent,
                    cluster.shown_highlands,
                    cluster.shown_coordinators,
                ),
            )
            for cluster in filterset.rows(missing)
        }

    search = filterset.active_search
    variant = get_language()
    if search:  # the row marks what the search found
        variant += ":" + hashlib.md5(search.text.encode()).hexdigest()
    rows = cached_pieces("directory-row", keys, render, variant)
    return [rows[key] for key in keys if key in rows]


class KeysFirstPaginator(Paginator):
    """Finds a page's primary keys first, then reads only that page's rows.

    An offset walked over whole rows reads every row before the page (thousands on
    a late page); the keys alone come from an index of the sort order. `rows(keys)`
    returns the page's records in the keys' order.
    """

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet):
            object_list = self.rows(list(object_list.values_list("pk", flat=True)))
        return super()._get_page(object_list, number, paginator)


class ClusterListView(FilterView):
    """The directory: search, facets, sorting and pages, all in one plain GET form."""

    filterset_class = ClusterFilter
    paginate_by = 20
    paginator_class = KeysFirstPaginator
    template_name = "clusters/cluster_filter.html"
    # Addresses with these alone are cached (cms/caching.py).
    query_parameters = frozenset([*ClusterFilter.base_filters, "page"])

    def get(self, request, *args, **kwargs):
        # Empty fields of a submitted form would make every shared address long and
        # different; send the visitor to the same search without them.
        kept = QueryDict(mutable=True)
        for key, values in request.GET.lists():
            non_empty = [value for value in values if value.strip()]
            if non_empty:
                kept.setlist(key, non_empty)
        if list(kept.lists()) != list(request.GET.lists()):
            query = kept.urlencode()
            return redirect(request.path + (f"?{query}" if query else ""))
        return super().get(request, *args, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.has_canonical_values(context["page_obj"]):
            # Shown, with the correction asked for, but not worth a cache entry.
            patch_cache_control(response, no_store=True)
        return response

    def has_canonical_values(self, page) -> bool:
        """Valid filters, and a page number only for a page past the first."""
        number = self.request.GET.get(self.page_kwarg)
        valid_page = number is None or (page.number > 1 and number == str(page.number))
        return valid_page and not self.filterset.form.errors

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(
            queryset,
            per_page,
            rows=functools.partial(result_rows, self.filterset),
            **kwargs,
        )

    def paginate_queryset(self, queryset, page_size):
        # A page number that is not a number, or past the end, shows the nearest
        # page rather than an error: shared links outlive the records they listed.
        paginator = self.get_paginator(queryset, page_size)
        if queryset is self.filterset.qs:
            self.filterset.form  # noqa: B018 (counts the facets and the results)
            if self.filterset.result_count is not None:
                paginator.count = self.filterset.result_count
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        without_page = self.request.GET.copy()
        without_page.pop(self.page_kwarg, None)
        query = without_page.urlencode()
        context["keep_query_string"] = True
        context["export_query"] = query
        context["is_filtered"] = bool(query)
        context["year_bands"] = self.year_band_links(without_page)
        context["growth_year"] = growth.TABLE_YEAR
        context["results_heading"] = self.results_heading(context["paginator"].count)
        page = context.get("page_obj")
        context["page_links"] = (
            page_links(page, self.request.path, query) if page else None
        )
        context["translation_note"] = note_for(
            next(
                (
                    row.translated_from
                    for row in context["object_list"]
                    if row.translated_from
                ),
                translated_from_language(self.filterset.highlands),
            )
        )
        return context

    def results_heading(self, results: int) -> str:
        """The results in words, segments apart: "22 klastry i 2 segmenty", as the
        home page counts the directory."""
        segments = self.filterset.segment_count or 0
        return directory_entries(results - segments, segments)

    def year_band_links(self, params: QueryDict) -> list[dict]:
        """The filter's year bands as links that set the years, with their counts."""
        self.filterset.form  # noqa: B018 (counts the facets, year bands included)
        links = []
        for band in self.filterset.year_bands:
            query = params.copy()
            for name in ("year_from", "year_to"):
                query.pop(name, None)
                if band[name] is not None:
                    query[name] = str(band[name])
            links.append(
                band
                | {
                    "href": f"{self.request.path}?{query.urlencode()}",
                    "is_current": all(
                        params.get(name, "") == str(band[name] or "")
                        for name in ("year_from", "year_to")
                    ),
                }
            )
        return links


class ClusterOverviewView(TemplateView):
    """Every published cluster in one table on one page, sorted by a column (the
    lublin.eu table, with today's figures): the directory's own order and rows."""

    template_name = "clusters/cluster_overview.html"
    # Addresses with these alone are cached (cms/caching.py).
    query_parameters = frozenset(["sort"])
    # The sortable columns: the directory's sort value, ascending first.
    COLUMNS = {"name": _("Name"), "year": _("Year established"), "size": _("Members")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = ClusterFilter({"sort": self.request.GET.get("sort") or "name"})
        filterset.count_facets = False
        sort = filterset.valid_values().get("sort", "name")
        keys = list(filterset.qs.values_list("pk", flat=True))
        context["clusters"] = filterset.rows(keys)
        context["columns"] = [
            self.column(name, label, sort) for name, label in self.COLUMNS.items()
        ]
        return context

    def column(self, name: str, label, sort: str) -> dict:
        """A column heading: its link sorts by it, ascending, or descending when it
        is sorted ascending already; `aria_sort` says how it is sorted now."""
        ascending, descending = sort == name, sort == f"-{name}"
        next_sort = f"-{name}" if ascending else name
        return {
            "label": label,
            "href": f"?sort={next_sort}",
            "aria_sort": "ascending"
            if ascending
            else "descending"
            if descending
            else "",
        }


class GrowthView(TemplateView):
    """The clusters of the lublin.eu table of 2019, its figures as published beside
    each cluster's latest ones (clusters/growth.py)."""

    template_name = "clusters/growth.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = growth.growth_rows()
        context |= {
            "rows": rows,
            "chart": growth.growth_chart(rows),
            "table_year": growth.TABLE_YEAR,
        }
        return context


def page_links(page, path: str, query: str) -> dict:
    """Links to nearby pages that keep the search, with gaps as `None` numbers."""

    def href(number: int) -> str:
        parts = [query] if query else []
        if number > 1:
            parts.append(f"page={number}")
        return path + ("?" + "&".join(parts) if parts else "")

    links = []
    for number in page.paginator.get_elided_page_range(
        page.number, on_each_side=2, on_ends=1
    ):
        if number == page.paginator.ELLIPSIS:
            links.append({"number": None, "href": ""})
        else:
            links.append(
                {
                    "number": number,
                    "href": href(number),
                    "is_current": number == page.number,
                }
            )
    return {
        "pages": links,
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
    }


class ClusterDetailView(TranslatedSlugMixin, DetailView):
    template_name = "clusters/cluster_detail.html"

    def get_queryset(self):
        return (
            Cluster.objects.published()
            .select_related("parent", "logo")
            .prefetch_related(
                Prefetch("coordinators", Coordinator.objects.select_related("logo")),
                Prefetch("highlands", queryset=Highland.objects.published()),
                Prefetch("segments", queryset=Cluster.objects.published()),
                "snapshots",
                "items",
                "projects",
                "member_organisations",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cluster = self.object
        snapshots = sorted(cluster.snapshots.all(), key=lambda s: s.year)
        items = list(cluster.items.all())
        context["snapshots"] = snapshots
        context["current"] = snapshots[-1] if snapshots else None
        context["chart"] = membership_chart(snapshots)
        context["item_groups"] = [
            {"kind": kind, "heading": heading, "items": group}
            for kind, heading in ITEM_HEADINGS.items()
            if (
                group := translated_list(
                    sorted(
                        (item for item in items if item.kind == kind),
                        key=lambda item: item.order,
                    ),
                    "text",
                )
            )
        ]
        organisations = list(cluster.member_organisations.all())
        context["organisation_groups"] = [
            {
                "heading": heading,
                "organisations": [o for o in organisations if o.kind == kind],
            }
            for kind, heading in ORGANISATION_HEADINGS.items()
            if any(o.kind == kind for o in organisations)
        ]
        context["is_reachable"] = cluster.has_contact_route or any(
            coordinator.has_contact_route for coordinator in cluster.coordinators.all()
        )
        parent = cluster.parent
        context["parent"] = parent if parent and parent.is_public() else None
        context["structured_data"] = cluster_entities(
            cluster, parent=context["parent"], current=context["current"]
        )
        context["translation_note"] = translation_note(
            cluster,
            cluster.coordinators.all(),
            cluster.highlands.all(),
            cluster.segments.all(),
            [context["parent"]],
            snapshots,
            items,
            cluster.projects.all(),
        )
        return context


class CoordinatorDetailView(DetailView):
    """A coordinator, how to reach it and the published clusters it coordinates;
    found by its key, which is the same in every language."""

    template_name = "clusters/coordinator_detail.html"
    slug_field = "key"
    slug_url_kwarg = "key"

    def get_queryset(self):
        return (
            Coordinator.objects.public()
            .select_related("logo")
            .prefetch_related(
                Prefetch(
                    "clusters",
                    Cluster.objects.published().order_by("name", "key"),
                    to_attr="shown_clusters",
                )
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["translation_note"] = translation_note(
            self.object, self.object.shown_clusters
        )
        return context


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that is at least `value`."""
    if value <= 1:
        return 1
    magnitude = 1
    while magnitude * 10 < value:
        magnitude *= 10
    steps = (1, 2, 5, 10) if magnitude == 1 else (1, 2, 2.5, 5, 10)
    return next(int(step * magnitude) for step in steps if step * magnitude >= value)


def membership_chart(snapshots) -> dict | None:
    """Bar geometry for the members-by-year chart, drawn in SVG on the server.

    Each year has a bar for all members with its enterprises drawn inside it from
    the baseline; the template adds the title, description and axis labels.
    """
    points = [s for s in snapshots if s.members is not None]
    if len(points) < 2:
        return None
    top = nice_ceiling(max(s.members for s in points))
    plot_left = CHART_MARGIN["left"]
    plot_top = CHART_MARGIN["top"]
    plot_width = CHART_WIDTH - CHART_MARGIN["left"] - CHART_MARGIN["right"]
    plot_height = CHART_HEIGHT - CHART_MARGIN["top"] - CHART_MARGIN["bottom"]
    baseline = plot_top + plot_height
    band = plot_width / len(points)
    bar_width = min(band * 0.6, 96)

    def height(value: int) -> float:
        return round(plot_height * value / top, 1)

    bars = []
    for index, snapshot in enumerate(points):
        x = round(plot_left + band * index + (band - bar_width) / 2, 1)
        bar = {
            "year": snapshot.year_label,
            "members": snapshot.members,
            "enterprises": snapshot.enterprises,
            "x": x,
            "width": round(bar_width, 1),
            "centre": round(x + bar_width / 2, 1),
            "y": round(baseline - height(snapshot.members), 1),
            "height": height(snapshot.members),
            "label_y": round(baseline - height(snapshot.members) - 6, 1),
        }
        if snapshot.enterprises is not None:
            bar["enterprises_y"] = round(baseline - height(snapshot.enterprises), 1)
            bar["enterprises_height"] = height(snapshot.enterprises)
        bars.append(bar)
    ticks = [
        {"value": round(top * i / 4), "y": round(baseline - plot_height * i / 4, 1)}
        for i in range(5)
        if (top * i) % 4 == 0
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": plot_left,
        "right": plot_left + plot_width,
        "baseline": baseline,
        "year_y": baseline + 22,
        "bars": bars,
        "ticks": ticks,
        "has_enterprises": any(s.enterprises is not None for s in points),
    }


class AboutClustersView(DetailView):
    """The city's introduction about clusters and the "Materiały o klastrach"."""

    template_name = "clusters/page_detail.html"
    page_key = "about-clusters"

    def get_object(self, queryset=None):
        page = Page.objects.published().filter(key=self.page_key).first()
        if page is None:
            raise Http404(gettext("No such page."))
        return page

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reports"] = Report.objects.select_related("document")
        # The warning about moved addresses, only where a report links elsewhere.
        context["has_external_reports"] = any(
            report.url and not report.document for report in context["reports"]
        )
        context["translation_note"] = translation_note(self.object, context["reports"])
        return context
