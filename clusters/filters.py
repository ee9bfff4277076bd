"""The directory's filters: search, facets with result counts, sorting.

`ClusterFilter(data).qs` is ready for a list page: published clusters only, the current
membership figures annotated (`current_year`, `current_members`, `current_enterprises`,
`current_business_environment_institutions`, `current_universities`), Highlands and
coordinators prefetched, ordered. Every choice's label carries the number of results
it would give with the other filters applied, counted in one query per facet.
"""

from functools import cache

import django_filters
from django import forms
from django.db import connections
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Collate, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clusters.models import EARLIEST_YEAR, LATEST_YEAR, Cluster, MembershipSnapshot
from clusters.search import normalise
from clusters.templatetags.public import translated_text
from ecosystems.models import Highland

MAX_QUERY_LENGTH = 200
# More words than anyone types; bounds the size of the SQL a query can build.
MAX_QUERY_WORDS = 10
# What may come just before a word in a name: "Eco-Energy", "Klaster „Lubelski”".
WORD_STARTS = (" ", "-", "(", "„", '"', "/")

CURRENT_FIGURES = {
    "current_year": "year",
    "current_members": "members",
    "current_enterprises": "enterprises",
    "current_business_environment_institutions": "business_environment_institutions",
    "current_universities": "universities",
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

HAS_UNIVERSITIES = {
    "yes": Q(current_universities__gt=0),
    "no": Q(current_universities=0) | Q(current_universities__isnull=True),
}
YES_NO_CHOICES = [("yes", _("yes")), ("no", _("no"))]

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

# Collations for sorting names as people expect, where the database has them.
ICU_COLLATIONS = {"pl": "pl-x-icu", "en": "und-x-icu"}


def with_current_figures(queryset: QuerySet) -> QuerySet:
    """Annotate each cluster with its latest membership snapshot's figures."""
    latest = MembershipSnapshot.objects.filter(cluster=OuterRef("pk")).order_by("-year")
    return queryset.annotate(
        **{
            name: Subquery(latest.values(field)[:1])
            for name, field in CURRENT_FIGURES.items()
        }
    )


def language_pair() -> tuple[str, str]:
    """The active language and the other one, as modeltranslation suffixes."""
    language = (get_language() or "pl")[:2]
    if language not in ("pl", "en"):
        language = "pl"
    return language, "en" if language == "pl" else "pl"


@cache
def _has_collation(alias: str, collation: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [collation])
        return cursor.fetchone() is not None


def name_as_shown(alias: str = "default"):
    """The name in the active language, else the other one's: what the page shows."""
    language, other = language_pair()
    expression = Coalesce(
        NullIf(f"name_{language}", Value("")),
        NullIf(f"name_{other}", Value("")),
        Value(""),
    )
    collation = ICU_COLLATIONS[language]
    if connections[alias].vendor == "postgresql" and _has_collation(alias, collation):
        expression = Collate(expression, collation)
    return expression


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Keep clusters matching every word, ranked by where the words match.

    `search_rank` is 0 when every word starts a word of a name (or other name), 1 when
    every word is inside the names, 2 when some word is only in the other text.
    """
    words = normalise(text).split()[:MAX_QUERY_WORDS]
    if not words:
        return queryset
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    at_word_start = Q(
        *(
            Q(
                Q(search_name__startswith=word),
                *(Q(search_name__contains=start + word) for start in WORD_STARTS),
                _connector=Q.OR,
            )
            for word in words
        )
    )
    in_names = Q(*(Q(search_name__contains=word) for word in words))
    return queryset.annotate(
        search_rank=Case(
            When(at_word_start, then=Value(0)),
            When(in_names, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


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
        help_text=_("Name, other names, characteristics or coordinator."),
    )
    highland = HighlandFilter(
        label=_("Highland"), method="filter_highland", empty_label=_("any")
    )
    year_from = YearFilter(
        label=_("Established from (year)"),
        field_name="year_established",
        lookup_expr="gte",
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
    )
    year_to = YearFilter(
        label=_("Established until (year)"),
        field_name="year_established",
        lookup_expr="lte",
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
    )
    size = django_filters.ChoiceFilter(
        label=_("Size"),
        choices=SIZE_CHOICES,
        method="filter_size",
        empty_label=_("any"),
    )
    has_universities = django_filters.ChoiceFilter(
        label=_("With universities"),
        choices=YES_NO_CHOICES,
        method="filter_has_universities",
        empty_label=_("any"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Cluster.Status.choices, empty_label=_("any")
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
        queryset = with_current_figures(queryset.published())
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
        # Filled in with the form: {facet: {choice: count}}, and the year bands.
        self.facet_counts = {}
        self.year_bands = []

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
            self._list_qs = self.order(super().qs).prefetch_related(
                Prefetch("highlands", queryset=Highland.objects.published()),
                "coordinators",
            )
        return self._list_qs

    # Filter methods.

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_highland(self, queryset, name, value):
        return queryset.filter(highlands=self.highland_pks[value])

    def filter_size(self, queryset, name, value):
        return queryset.filter(SIZE_BANDS[value])

    def filter_has_universities(self, queryset, name, value):
        return queryset.filter(HAS_UNIVERSITIES[value])

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

    def filtered_without(self, *excluded: str) -> QuerySet:
        """The results with every valid filter applied except `excluded`."""
        queryset = self.queryset.all()
        for name, value in self.valid_values().items():
            if name not in excluded and name != "sort":
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facet_conditions(self) -> dict[str, dict[str, Q]]:
        return {
            "highland": {
                slug: Q(highlands=pk) for slug, pk in self.highland_pks.items()
            },
            "size": SIZE_BANDS,
            "has_universities": HAS_UNIVERSITIES,
            "status": {value: Q(status=value) for value in Cluster.Status.values},
        }

    def add_facet_counts(self, form) -> None:
        for name, conditions in self.facet_conditions().items():
            counts = self.count(self.filtered_without(name), conditions)
            self.facet_counts[name] = counts
            field = form.fields[name]
            field.choices = [
                (value, FACET_LABEL % {"label": label, "count": counts.get(value, 0)})
                for value, label in self.filters[name].extra["choices"]
            ]
        conditions = {}
        for index, (start, end, _label) in enumerate(YEAR_BANDS):
            condition = Q()
            if start is not None:
                condition &= Q(year_established__gte=start)
            if end is not None:
                condition &= Q(year_established__lte=end)
            conditions[str(index)] = condition
        counts = self.count(self.filtered_without("year_from", "year_to"), conditions)
        self.year_bands = [
            {
                "year_from": start,
                "year_to": end,
                "label": label,
                "count": counts[str(index)],
            }
            for index, (start, end, label) in enumerate(YEAR_BANDS)
        ]

    @staticmethod
    def count(queryset: QuerySet, conditions: dict[str, Q]) -> dict[str, int]:
        """How many of `queryset` meet each condition, in one query."""
        if not conditions:
            return {}
        keys = {f"facet_{index}": value for index, value in enumerate(conditions)}
        totals = queryset.order_by().aggregate(
            **{
                alias: Count("pk", filter=conditions[value], distinct=True)
                for alias, value in keys.items()
            }
        )
        return {value: totals[alias] for alias, value in keys.items()}
