"""The directory's filters: search, facets with result counts, sorting.

`ClusterFilter(data).qs` is ready for a list page: published clusters only (each with
its current figures, stored on the cluster), Highlands and coordinators prefetched,
ordered. Every choice's label carries the number of results it would give with the
other filters applied; they, and the number of results, come from two queries.
"""

import django_filters
from django import forms
from django.db import connections
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusters.models import (
    CURRENT_FIGURES,
    EARLIEST_YEAR,
    LATEST_YEAR,
    SECTION_MARK,
    Cluster,
    Coordinator,
    SearchSynonym,
)
from cms.ordering import language_pair, name_as_shown
from cms.pieces import cached_piece, cached_pieces
from cms.search import (
    HoldsWords,
    Query,
    QueryWord,
    close_words,
    indexed_fields,
    vocabulary,
)
from cms.translated import translated_text
from ecosystems.models import Highland

MAX_QUERY_LENGTH = 200
# More words than anyone types; bounds the size of the SQL a query can build.
MAX_QUERY_WORDS = 10
# Where a search found a cluster, in the order the results page names them: the
# sections of its stored search text (Cluster.build_search_text) and its Highland.
FOUND_IN = {
    "names": pgettext_lazy("found in the", "name"),
    "texts": pgettext_lazy("found in the", "description"),
    "goal": pgettext_lazy("found in the", "goals"),
    "activity": pgettext_lazy("found in the", "ways of achieving the goals"),
    "keyactivity": pgettext_lazy("found in the", "key activities"),
    "benefit": pgettext_lazy("found in the", "benefits for members"),
    "service": pgettext_lazy("found in the", "services"),
    "product": pgettext_lazy("found in the", "products"),
    "projects": pgettext_lazy("found in the", "projects"),
    "coordinators": pgettext_lazy("found in the", "coordinators"),
    "members": pgettext_lazy("found in the", "member organisations"),
    "highlands": pgettext_lazy("found in the", "Highland"),
}

SIZE_BANDS = {
    "1-19": Q(current_members__gte=1, current_members__lte=19),
    "20-49": Q(current_members__gte=20, current_members__lte=49),
    "50-99": Q(current_members__gte=50, current_members__lte=99),
    "100+": Q(current_members__gte=100),
}
SIZE_CHOICES = [
    ("1-19", _("1–19 members")),
    ("20-49", _("20–49 members")),
    ("50-99", _("50–99 members")),
    ("100+", _("100 members or more")),
]

# Three answers, not two: a cluster whose number of universities is not reported
# may well have some, so it is never counted as having none; one whose sources name
# universities has some, whatever its figures say.
HAS_UNIVERSITIES = {
    "yes": Q(current_universities__gt=0) | Q(universities_in_sources=True),
    "no": Q(current_universities=0, universities_in_sources=False),
    "unknown": Q(current_universities__isnull=True, universities_in_sources=False),
}
HAS_UNIVERSITIES_CHOICES = [
    ("yes", _("yes")),
    ("no", _("no")),
    ("unknown", _("not reported")),
]

SORT_CHOICES = [
    ("name", _("name, A to Z")),
    ("-name", _("name, Z to A")),
    ("year", _("year established, oldest first")),
    ("-year", _("year established, newest first")),
    ("size", _("members, fewest first")),
    ("-size", _("members, most first")),
]

YEAR_BANDS = [
    (None, 1999, _("before 2000")),
    (2000, 2009, _("2000–2009")),
    (2010, 2019, _("2010–2019")),
    (2020, None, _("2020 or later")),
]

FACET_LABEL = _("%(label)s (%(count)s)")
# What a list page shows of a cluster; its long texts are left in the database.
LISTED_FIELDS = (
    "key",
    "name_pl",
    "name_en",
    "slug_pl",
    "slug_en",
    "summary_pl",
    "summary_en",
    "year_established",
    "status",
    "parent",
    # A cluster of clusters counts clusters as its members: its card says so.
    "member_clusters",
    *CURRENT_FIGURES,
    # Which texts are translations: for the page's translation note.
    "translated_from",
)
# A segment's row names its parent cluster, when visitors may see it.
PARENT_FIELDS = (
    "name_pl",
    "name_en",
    "slug_pl",
    "slug_en",
    "is_published",
    "publish_from",
    "publish_until",
    "translated_from",
)
# The filters a facet's counts leave out: by default the facet's own.
FACET_FILTERS = {"year": ("year_from", "year_to")}


def in_highland(pk: int) -> Q:
    """Clusters of the Highland, as a subquery: no row is repeated, nothing joined."""
    links = Cluster.highlands.through.objects.filter(highland_id=pk)
    return Q(pk__in=links.values("cluster_id"))


def synonym_groups() -> list[list[str]]:
    """The synonyms staff list, read once per version of the content: a change to
    them is a change of content (cms/signals.py), so the next search uses it."""
    return cached_piece(
        "search-synonyms",
        "all",
        lambda: [synonym.phrases() for synonym in SearchSynonym.objects.all()],
    )


def highland_texts(highlands: list[Highland]) -> dict[int, str]:
    """The Highlands' names and texts as the search stores texts, by pk: there are
    five, so they are read at search time, once per version of the content."""
    by_pk = {highland.pk: highland for highland in highlands}
    return cached_pieces(
        "search-highland-text",
        by_pk,
        lambda missing: {
            pk: indexed_fields(by_pk[pk], "name", "summary", "body") for pk in missing
        },
    )


class Search:
    """The words of a directory search, and how they match (cms/search.py `Query`):
    words, not parts of words, in any of their forms, with the synonyms staff list.

    Exact first: every word (or a synonym of it) is in the cluster's stored text or
    its Highland's name or texts. When that finds nothing, a word also matches a name's word
    like it, a typo away ("biotechnologiczy" finds "Biotechnologiczny"): by trigram
    word similarity on PostgreSQL (pg_trgm, answered from the names' trigram index),
    by the same measure over the names' words elsewhere. Names only: word similarity
    against every cluster's long text would take seconds at ten thousand clusters,
    since the index narrows it down too little.
    """

    def __init__(self, text: str, queryset: QuerySet, highlands: list[Highland]):
        self.text = text
        self.query = Query.parse(text, synonym_groups(), MAX_QUERY_WORDS)
        # Something typed, but no word in it ("%"): nothing can match.
        self.nothing = bool(text.strip()) and not self.query
        self.vendor = connections[queryset.db].vendor
        # Per unit, the Highlands whose name or texts hold it: their clusters match.
        texts = highland_texts(highlands)
        self.highland_units = [
            {pk for pk, text in texts.items() if self.query.unit_in(unit, text)}
            for unit in self.query.units
        ]
        self.similar = {}
        self.fuzzy = bool(self.query) and not self.exact(queryset).exists()
        if self.fuzzy and self.vendor != "postgresql":
            known = vocabulary(queryset.values_list("search_name", flat=True))
            self.similar = {
                word.text: close_words(word.text, known) for word in self.query.typed
            }

    def filter(self, queryset: QuerySet) -> QuerySet:
        if self.nothing:
            return queryset.none()
        if not self.query:
            return queryset
        return self.similar_to(queryset) if self.fuzzy else self.exact(queryset)

    def exact(self, queryset: QuerySet) -> QuerySet:
        """Keep clusters with every word (or a synonym of it), ranked (`rank`)."""
        for unit, highlands in zip(self.query.units, self.highland_units, strict=True):
            condition = HoldsWords("search_text", [unit])
            if highlands:
                # One subquery, a union: OR-ed with the Highland's clusters, the
                # text's condition would be checked row by row, not from its index.
                condition = Q(
                    pk__in=Cluster.objects.filter(condition)
                    .order_by()
                    .values("pk")
                    .union(
                        Cluster.highlands.through.objects.filter(
                            highland_id__in=highlands
                        )
                        .order_by()
                        .values("cluster_id")
                    )
                )
            queryset = queryset.filter(condition)
        return queryset.annotate(search_rank=self.rank())

    def rank(self):
        """Lower first. Per word: in the names 0, in the description 2, elsewhere 4;
        one more in the names or the description when only a synonym of it is there,
        not the word as typed. Names and descriptions are short: reading them for
        every result is cheap, reading every result's whole text would not be."""
        query = self.query
        return sum(
            (
                Case(
                    *(
                        When(
                            HoldsWords(field, [alternatives]),
                            then=Value(score),
                        )
                        for score, (field, alternatives) in enumerate(
                            (field, alternatives)
                            for field in ("search_name_forms", "search_description")
                            for alternatives in (unit[:1], unit)
                        )
                    ),
                    default=Value(4),
                    output_field=IntegerField(),
                )
                for unit in query.units
            ),
            start=Value(0, output_field=IntegerField()),
        )

    def like_in_names(self, word: QueryWord) -> Q:
        """A name holds a word like `word` (or `word` itself); never for a short
        word or an acronym, which only match whole."""
        if word.whole:
            return Q(pk__in=[])
        if self.vendor == "postgresql":
            return Q(search_name__trigram_word_similar=word.text)
        return Q(
            *(
                Q(search_name__startswith=close) | Q(search_name__contains=f" {close}")
                for close in [word.text, *self.similar.get(word.text, [])]
            ),
            _connector=Q.OR,
        )

    def similar_to(self, queryset: QuerySet) -> QuerySet:
        """Keep clusters with every typed word in their text or one like it in their
        names; ranked by the words like one in their names (0) or not (2)."""
        for word in self.query.typed:
            queryset = queryset.filter(
                Q(HoldsWords("search_text", [((word,),)])) | self.like_in_names(word)
            )
        return queryset.annotate(
            search_rank=sum(
                (
                    Case(
                        When(self.like_in_names(word), then=Value(0)),
                        default=Value(2),
                        output_field=IntegerField(),
                    )
                    for word in self.query.typed
                ),
                start=Value(0, output_field=IntegerField()),
            )
        )

    def found_in(self, cluster: Cluster) -> list[str]:
        """Where the cluster matched, as keys of FOUND_IN, in its order."""
        sections = {}
        for line in (cluster.search_text or "").split("\n"):
            key, _colon, forms = line.partition(":")
            sections[key.removeprefix(SECTION_MARK)] = forms
        found = {
            key
            for key, forms in sections.items()
            if any(self.query.unit_in(unit, forms) for unit in self.query.units)
        }
        if any(
            highland.pk in pks
            for highland in getattr(cluster, "shown_highlands", [])
            for pks in self.highland_units
        ):
            found.add("highlands")
        return [key for key in FOUND_IN if key in found]


def option_label(highland: Highland) -> str:
    """The Highland's name in the active language, else the other one's with a note.

    An `<option>` cannot hold an element with its own `lang`, so a name in the other
    language says which language it is in, in words.
    """
    name = translated_text(highland, "name")
    if not name:
        return highland.key
    return f"{name.text} {name.note}" if name.is_fallback else name.text


class HighlandChoiceField(django_filters.fields.ChoiceField):
    """A Highland chosen by its slug in either language.

    The value is the slug in the active language, so a link shared from the other
    language's page still selects the right option.
    """

    def __init__(self, *args, aliases=None, **kwargs):
        self.aliases = aliases or {}
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return self.aliases.get(value, value)

    def prepare_value(self, value):
        return self.aliases.get(value, value)


class HighlandFilter(django_filters.ChoiceFilter):
    field_class = HighlandChoiceField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ClusterFilterForm(forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        year_from, year_to = cleaned_data.get("year_from"), cleaned_data.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            self.add_error(
                "year_to", _("The last year cannot be earlier than the first year.")
            )
        return cleaned_data


class ClusterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            "Names, description, goals, services, products, projects, members, "
            "coordinators or Highland; words in any of their forms."
        ),
    )
    highland = HighlandFilter(
        label=_("Highland"),
        method="filter_highland",
        empty_label=pgettext_lazy("any Highland", "any"),
    )
    year_from = YearFilter(
        label=_("Established from (year)"),
        field_name="year_established",
        lookup_expr="gte",
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
    )
    year_to = YearFilter(
        label=_("Established up to (year)"),
        field_name="year_established",
        lookup_expr="lte",
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
    )
    size = django_filters.ChoiceFilter(
        label=_("Size"),
        choices=SIZE_CHOICES,
        method="filter_size",
        empty_label=pgettext_lazy("any size", "any"),
    )
    has_universities = django_filters.ChoiceFilter(
        label=_("With universities"),
        choices=HAS_UNIVERSITIES_CHOICES,
        method="filter_has_universities",
        empty_label=pgettext_lazy("with or without universities", "any"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Cluster.Status.choices,
        empty_label=pgettext_lazy("any status", "any"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        method="filter_nothing",
        empty_label=_("relevance, then name"),
    )

    # The export sets this off: it needs results, not counts.
    count_facets = True

    class Meta:
        model = Cluster
        fields = []
        form = ClusterFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = Cluster.objects.all()
        # published() checks the schedule too: a cluster appears when it is due.
        queryset = queryset.published()
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.highlands = list(Highland.objects.published())
        _language, other = language_pair()
        aliases = {}
        for highland in self.highlands:
            value = highland.slug
            for slug in (getattr(highland, f"slug_{other}"), value):
                if slug:
                    aliases[slug] = value
        self.highland_pks = {highland.slug: highland.pk for highland in self.highlands}
        self.filters["highland"].extra.update(
            choices=[
                (highland.slug, option_label(highland)) for highland in self.highlands
            ],
            aliases=aliases,
        )
        # Filled in with the form: {facet: {choice: count}}, the year bands, and the
        # number of results and of the segments among them (None until counted).
        self.facet_counts = {}
        self.year_bands = []
        self.result_count = None
        self.segment_count = None
        self._search = None

    @property
    def form(self):
        form = super().form
        if self.count_facets and not getattr(self, "_facets_counted", False):
            self._facets_counted = True
            self.add_facet_counts(form)
        return form

    @property
    def qs(self):
        if not hasattr(self, "_list_qs"):
            self._list_qs = self.order(super().qs)
        return self._list_qs

    @property
    def active_search(self) -> Search | None:
        """The search the results were filtered by, if it has words."""
        return self._search if self._search and self._search.query else None

    def rows(self, keys: list[int]) -> list[Cluster]:
        """The clusters of `keys` in that order, as a list page shows them: each with
        its published Highlands (`shown_highlands`) and its coordinators
        (`shown_coordinators`) and its parent if public (`shown_parent`). Three
        queries, whatever the number of keys. When searching, each also says where
        the search found it (`found_in`) and which words of its name it matched
        (`name_marks`)."""
        search = self.active_search
        searched = ("search_text",) if search else ()
        clusters = (
            Cluster.objects.filter(pk__in=keys)
            .select_related("parent")
            .only(
                *LISTED_FIELDS,
                *searched,
                *(f"parent__{name}" for name in PARENT_FIELDS),
            )
            .prefetch_related(
                Prefetch(
                    "coordinators",
                    queryset=Coordinator.objects.only(
                        "key", "name_pl", "name_en", "translated_from"
                    ),
                    to_attr="shown_coordinators",
                )
            )
        )
        by_key = {cluster.pk: cluster for cluster in clusters}
        # The Highlands are the filter's own published ones, in their order.
        highlands = {highland.pk: highland for highland in self.highlands}
        links = set(
            Cluster.highlands.through.objects.filter(
                cluster_id__in=keys, highland_id__in=highlands
            ).values_list("cluster_id", "highland_id")
        )
        for cluster in by_key.values():
            parent = cluster.parent
            cluster.shown_parent = parent if parent and parent.is_public() else None
            cluster.shown_highlands = [
                highland
                for pk, highland in highlands.items()
                if (cluster.pk, pk) in links
            ]
            if search:
                cluster.found_in = [FOUND_IN[key] for key in search.found_in(cluster)]
                name = translated_text(cluster, "name")
                if not name.is_fallback:  # a name in the other language keeps its note
                    cluster.name_marks = search.query.marks(name.text, name.lang)
        return [by_key[key] for key in keys if key in by_key]

    # Filter methods.

    def filter_search(self, queryset, name, value):
        # Decided once (one query) for the results and the counts alike.
        if self._search is None or self._search.text != value:
            self._search = Search(value, self.queryset, self.highlands)
        return self._search.filter(queryset)

    def filter_highland(self, queryset, name, value):
        return queryset.filter(self.condition(name, value))

    def filter_size(self, queryset, name, value):
        return queryset.filter(self.condition(name, value))

    def filter_has_universities(self, queryset, name, value):
        return queryset.filter(self.condition(name, value))

    def filter_nothing(self, queryset, name, value):
        return queryset

    # Ordering and facets.

    def valid_values(self) -> dict:
        """The cleaned values of the valid fields; invalid ones are left out."""
        form = super().form
        if not form.is_bound:
            return {}
        form.errors  # noqa: B018 (validates the form)
        return {
            name: value
            for name, value in form.cleaned_data.items()
            if value not in (None, "")
        }

    def order(self, queryset: QuerySet) -> QuerySet:
        values = self.valid_values()
        sort = values.get("sort")
        name = name_as_shown(queryset.db)
        by_name = [name.asc(), "key"]
        if sort == "-name":
            return queryset.order_by(name.desc(), "key")
        if sort in ("year", "-year"):
            year = F("year_established")
            year = (
                year.asc(nulls_last=True)
                if sort == "year"
                else year.desc(nulls_last=True)
            )
            return queryset.order_by(year, *by_name)
        if sort in ("size", "-size"):
            size = F("current_members")
            size = (
                size.asc(nulls_last=True)
                if sort == "size"
                else size.desc(nulls_last=True)
            )
            return queryset.order_by(size, *by_name)
        if not sort and values.get("q") and "search_rank" in queryset.query.annotations:
            return queryset.order_by("search_rank", *by_name)
        return queryset.order_by(*by_name)

    def condition(self, name: str, value) -> Q:
        """The filter `name` set to `value`, as a condition on a cluster."""
        if name == "highland":
            return in_highland(self.highland_pks[value])
        if name == "size":
            return SIZE_BANDS[value]
        if name == "has_universities":
            return HAS_UNIVERSITIES[value]
        declared = self.filters[name]
        return Q(**{f"{declared.field_name}__{declared.lookup_expr}": value})

    def facet_conditions(self) -> dict[str, dict[str, Q]]:
        """{facet: {choice: condition}} but the Highlands; "year" holds the bands."""
        years = {}
        for index, (start, end, _label) in enumerate(YEAR_BANDS):
            condition = Q()
            if start is not None:
                condition &= Q(year_established__gte=start)
            if end is not None:
                condition &= Q(year_established__lte=end)
            years[str(index)] = condition
        return {
            "size": SIZE_BANDS,
            "has_universities": HAS_UNIVERSITIES,
            "status": {value: Q(status=value) for value in Cluster.Status.values},
            "year": years,
        }

    def add_facet_counts(self, form) -> None:
        """Count each facet's choices with the other filters applied, in two queries.

        The search narrows everything. One pass over its results (with the Highland
        filter, which every other facet keeps) counts the other facets' choices, each
        count's own condition carrying the remaining filters, and the results besides;
        one grouped query counts the Highlands' choices. The counts are kept per
        content version and filters (cms/pieces.py): the other pages and orders of
        these results reuse them.
        """
        values = self.valid_values()
        counted = {name: value for name, value in values.items() if name != "sort"}
        totals = cached_piece(
            "directory-counts",
            urlencode(sorted(counted.items())),
            lambda: self.count_facets_now(values),
        )
        self.result_count = totals["results"]
        self.segment_count = totals["segments"]
        for alias, (facet, value) in self.facet_aliases().items():
            self.facet_counts.setdefault(facet, {})[value] = totals[alias]
        self.facet_counts["highland"] = totals["highland"]
        for name in ("highland", "size", "has_universities", "status"):
            counts = self.facet_counts[name]
            form.fields[name].choices = [
                (value, FACET_LABEL % {"label": label, "count": counts.get(value, 0)})
                for value, label in self.filters[name].extra["choices"]
            ]
        counts = self.facet_counts.pop("year")
        self.year_bands = [
            {
                "year_from": start,
                "year_to": end,
                "label": label,
                "count": counts[str(index)],
            }
            for index, (start, end, label) in enumerate(YEAR_BANDS)
        ]

    def facet_aliases(self) -> dict[str, tuple[str, str]]:
        """{aggregate's name: (facet, choice)}, in a fixed order."""
        return {
            f"facet_{index}": pair
            for index, pair in enumerate(
                (facet, value)
                for facet, conditions in self.facet_conditions().items()
                for value in conditions
            )
        }

    def count_facets_now(self, values: dict) -> dict:
        """The counts of `add_facet_counts`, from the database: {name: count}, and
        under "highland" {slug: count}."""
        applied = {
            name: self.condition(name, value)
            for name, value in values.items()
            if name not in ("q", "sort", "highland")
        }
        results = self.queryset.all()
        if "q" in values:
            results = self.filters["q"].filter(results, values["q"])
        narrowed = results
        if "highland" in values:
            narrowed = results.filter(self.condition("highland", values["highland"]))
        aggregates = {
            "results": Count("pk", filter=Q(*applied.values())),
            "segments": Count("pk", filter=Q(*applied.values(), parent__isnull=False)),
        }
        conditions = self.facet_conditions()
        for alias, (facet, value) in self.facet_aliases().items():
            own = FACET_FILTERS.get(facet, (facet,))
            others = Q(*(c for name, c in applied.items() if name not in own))
            aggregates[alias] = Count("pk", filter=others & conditions[facet][value])
        totals = narrowed.order_by().aggregate(**aggregates)
        by_highland = dict(
            results.filter(*applied.values(), highlands__in=self.highland_pks.values())
            .order_by()
            .values_list("highlands")
            .annotate(Count("pk"))
        )
        totals["highland"] = {
            slug: by_highland.get(pk, 0) for slug, pk in self.highland_pks.items()
        }
        return totals
