"""Open data: the published directory as JSON and CSV, under a stable contract.

docs/open-data.md documents every field and column; docs/open-data.schema.json and
docs/open-data-highlands.schema.json are the contract the tests hold the exports to.
The fields below are what the exports write, in their order: the records are built
from them, and the open data page (lublin/open_data.py) lists them, so the page cannot
name a field the files lack or miss one they carry.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusters.filters import ClusterFilter
from clusters.models import CONTACT_FIELDS, Cluster, MembershipSnapshot
from cms import phones
from cms.site_identity import current_identity
from ecosystems.models import Highland

LANGUAGE_CODES = ("pl", "en")
FIGURES = (
    "members",
    "enterprises",
    "business_environment_institutions",
    "universities",
)
LIST_SEPARATOR = "; "
# Clusters in a page of an export (`?page=N`) and in each step of writing a full dump.
PAGE_SIZE = 1000
# As the JSON writes them, rather than Python's "True" and "False".
CSV_BOOLEANS = {True: "true", False: "false"}
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Field:
    """A field (JSON) or column (CSV) of an export, as the open data page explains it."""

    name: str
    type: str
    meaning: str
    is_nullable: bool = False


TEXT = pgettext_lazy("data type", "text")
NUMBER = pgettext_lazy("data type", "whole number")
BOOLEAN = pgettext_lazy("data type", "true or false")
LIST = pgettext_lazy("data type", "list")
PER_LANGUAGE = pgettext_lazy("data type", "text per language (pl, en)")
TIME = pgettext_lazy("data type", "date and time (ISO 8601)")
FIGURE_MEANINGS = {
    "members": _("current number of members"),
    "enterprises": _("current number of member enterprises"),
    "business_environment_institutions": _(
        "current number of member business environment institutions"
    ),
    "universities": _("current number of member universities"),
}
STATUS_MEANING = _(
    "whether the cluster still operates: active, inactive or unconfirmed (no source "
    "since its latest figures says)"
)
UPDATED_MEANING = _(
    "when an edit by staff was last published; empty for content as loaded from its "
    "source and not edited since"
)
# A cluster's own e-mail and phone (its website is among the first fields).
CONTACT_DETAILS = (
    Field("email", TEXT, _("its own e-mail address"), True),
    Field("phone", TEXT, _("its own phone number, international (E.164)"), True),
)
CLUSTER_FIELDS = (
    Field("key", TEXT, _("stable identifier; use it to join records and follow them")),
    Field("slug", PER_LANGUAGE, _("the address segment of its page"), True),
    Field("name", PER_LANGUAGE, _("its name; at least one language is set"), True),
    Field("year_established", NUMBER, _("year the cluster was established"), True),
    Field("status", TEXT, STATUS_MEANING),
    *(Field(figure, NUMBER, FIGURE_MEANINGS[figure], True) for figure in FIGURES),
    Field("as_of", NUMBER, _("the year of the current figures"), True),
    Field(
        "as_of_is_earliest",
        BOOLEAN,
        _(
            "true when the figures' source gives no date and as_of is only the "
            "earliest year they can be from"
        ),
        True,
    ),
    Field(
        "coordinators",
        LIST,
        _(
            "who coordinates it: name (per language), kind (organisation, person), "
            "website, email and phone"
        ),
    ),
    Field(
        "highlands",
        LIST,
        _("the Lublin Economic Highlands it belongs to: key, slug, name"),
    ),
    Field("parent", TEXT, _("the key of the cluster it is a segment of"), True),
    Field("website", TEXT, _("its own website"), True),
    *CONTACT_DETAILS,
    Field("url", PER_LANGUAGE, _("addresses of its page on this site")),
    Field(
        "history",
        LIST,
        _(
            "every membership snapshot, oldest first: year, year_is_earliest, the "
            "four figures and their source"
        ),
    ),
    Field("updated", TIME, UPDATED_MEANING, True),
)
CSV_FIELDS = (
    Field("key", TEXT, _("stable identifier; use it to join records and follow them")),
    Field("slug_pl", TEXT, _("the address segment of its Polish page")),
    Field("slug_en", TEXT, _("the address segment of its English page"), True),
    Field("name_pl", TEXT, _("name in Polish"), True),
    Field("name_en", TEXT, _("name in English"), True),
    Field("year_established", NUMBER, _("year the cluster was established"), True),
    Field("status", TEXT, STATUS_MEANING),
    *(Field(figure, NUMBER, FIGURE_MEANINGS[figure], True) for figure in FIGURES),
    Field("as_of", NUMBER, _("the year of the current figures"), True),
    Field(
        "coordinators_pl", TEXT, _("coordinators' names in Polish, joined with ;"), True
    ),
    Field(
        "coordinators_en",
        TEXT,
        _("coordinators' names in English, in the same order"),
        True,
    ),
    Field("highlands", TEXT, _("keys of its Highlands, joined with ;"), True),
    Field("parent", TEXT, _("the key of the cluster it is a segment of"), True),
    Field("website", TEXT, _("its own website"), True),
    Field("url_pl", TEXT, _("address of its Polish page on this site")),
    Field("url_en", TEXT, _("address of its English page on this site")),
    Field("updated", TIME, UPDATED_MEANING, True),
    # Added after version 1's first columns: appended, so no column moves.
    Field(
        "as_of_is_earliest",
        BOOLEAN,
        _("true when as_of is only the earliest year of undated figures"),
        True,
    ),
    *CONTACT_DETAILS,
)
CSV_COLUMNS = [field.name for field in CSV_FIELDS]
HIGHLAND_FIELDS = (
    Field("key", TEXT, _("stable identifier; use it to join records and follow them")),
    Field("slug", PER_LANGUAGE, _("the address segment of its page"), True),
    Field("name", PER_LANGUAGE, _("its name"), True),
    Field("summary", PER_LANGUAGE, _("its short description"), True),
    Field("order", NUMBER, _("its place in the site's lists of Highlands")),
    Field("clusters", LIST, _("keys of its published clusters")),
    Field(
        "cooperates_with",
        LIST,
        _("keys of the published Highlands it cooperates with"),
    ),
    Field("url", PER_LANGUAGE, _("addresses of its page on this site")),
    Field("updated", TIME, UPDATED_MEANING, True),
)


def record_of(fields, values: dict) -> dict:
    """The record an export writes: the fields' values, in the fields' order."""
    return {field.name: values[field.name] for field in fields}


class ExportClusterFilter(ClusterFilter):
    """The directory's filters, without the facet counts an export has no use for."""

    count_facets = False


def licence() -> dict:
    """The open data's licence and attribution, as staff set them (cms/identity.py)."""
    return current_identity().licence


def per_language(record, field: str) -> dict:
    """The stored value in each language: no fallback, None where empty."""
    return {code: getattr(record, f"{field}_{code}") or None for code in LANGUAGE_CODES}


def absolute_urls(record) -> dict:
    urls = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            urls[code] = settings.SITE_URL + record.get_absolute_url()
    return urls


def timestamp(value) -> str | None:
    """A staff edit's time; None for content as loaded from its source."""
    return timezone.localtime(value).isoformat() if value else None


def cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Link"] = f'<{licence()["url"]}>; rel="license"'
    return response


def pages_of(clusters: QuerySet) -> Paginator:
    """`clusters` in the exports' order, by key, in pages of PAGE_SIZE."""
    return Paginator(clusters.order_by("key").values_list("pk", flat=True), PAGE_SIZE)


def page_records(page: Page, highlands: list[Highland]) -> list[dict]:
    """The records of a page of `pages_of`: the same queries for any page."""
    return cluster_records(Cluster.objects.filter(pk__in=list(page)), highlands)


def url_template(name: str, code: str) -> tuple[str, str]:
    """The absolute address of `name` in language `code`, before and after the slug."""
    marker = "slug-marker"
    with translation.override(code):
        url = settings.SITE_URL + reverse(name, kwargs={"slug": marker})
    before, after = url.split(marker)
    return before, after


def cluster_records(clusters: QuerySet, highlands: list[Highland]) -> list[dict]:
    """The export's records of `clusters`, `highlands` being the published ones.

    Plain values, one query per table, whatever the number of clusters: at ten
    thousand, model instances and a reverse() per address would cost seconds.
    """
    clusters = clusters.prefetch_related(None).order_by("key")
    selected = clusters.order_by().values("pk")
    history = defaultdict(list)
    for snapshot in (
        MembershipSnapshot.objects.filter(cluster__in=selected)
        .order_by("cluster_id", "year")
        .values(
            "cluster_id",
            "year",
            "year_is_earliest",
            *FIGURES,
            "source_pl",
            "source_en",
        )
    ):
        history[snapshot["cluster_id"]].append(
            {
                "year": snapshot["year"],
                "year_is_earliest": snapshot["year_is_earliest"],
                **{figure: snapshot[figure] for figure in FIGURES},
                "source": per_language_value(snapshot, "source"),
            }
        )
    coordinators = defaultdict(list)
    for link in (
        Cluster.coordinators.through.objects.filter(cluster__in=selected)
        .order_by("cluster_id", "coordinator__key")
        .values(
            "cluster_id",
            "coordinator__name_pl",
            "coordinator__name_en",
            "coordinator__kind",
            *(f"coordinator__{field}" for field in CONTACT_FIELDS),
        )
    ):
        coordinators[link["cluster_id"]].append(
            {
                "name": per_language_value(link, "coordinator__name"),
                "kind": link["coordinator__kind"],
                **contacts(link, "coordinator__"),
            }
        )
    shown = {
        highland.pk: {
            "key": highland.key,
            "slug": per_language(highland, "slug"),
            "name": per_language(highland, "name"),
        }
        for highland in highlands
    }
    order = {pk: index for index, pk in enumerate(shown)}
    highland_ids = defaultdict(list)
    for cluster_id, highland_id in Cluster.highlands.through.objects.filter(
        cluster__in=selected, highland__in=list(shown)
    ).values_list("cluster_id", "highland_id"):
        highland_ids[cluster_id].append(highland_id)
    rows = list(
        clusters.values(
            "pk",
            "key",
            "slug_pl",
            "slug_en",
            "name_pl",
            "name_en",
            "year_established",
            "status",
            "parent_id",
            *CONTACT_FIELDS,
            "edited_at",
        )
    )
    parents = {row["parent_id"] for row in rows} - {None}
    published_parents = dict(
        Cluster.objects.published().filter(pk__in=parents).values_list("pk", "key")
        if parents
        else ()
    )
    urls = {code: url_template("clusters:detail", code) for code in LANGUAGE_CODES}
    records = []
    for row in rows:
        snapshots = history.get(row["pk"], [])
        current = snapshots[-1] if snapshots else {}
        records.append(
            record_of(
                CLUSTER_FIELDS,
                {
                    "key": row["key"],
                    "slug": per_language_value(row, "slug"),
                    "name": per_language_value(row, "name"),
                    "year_established": row["year_established"],
                    "status": row["status"],
                    **{figure: current.get(figure) for figure in FIGURES},
                    "as_of": current.get("year"),
                    "as_of_is_earliest": current.get("year_is_earliest"),
                    "coordinators": coordinators.get(row["pk"], []),
                    "highlands": [
                        shown[pk]
                        for pk in sorted(highland_ids.get(row["pk"], []), key=order.get)
                    ],
                    "parent": published_parents.get(row["parent_id"]),
                    **contacts(row),
                    "url": {
                        code: before + shown_slug(row, code) + after
                        for code, (before, after) in urls.items()
                    },
                    "history": snapshots,
                    "updated": timestamp(row["edited_at"]),
                },
            )
        )
    return records


def contacts(values: dict, prefix: str = "") -> dict:
    """A record's CONTACT_FIELDS from a row of values(), None where empty; the phone
    in E.164 ("+48814662507"), as schema.org and every tel: link give it."""
    found = {field: values[prefix + field] or None for field in CONTACT_FIELDS}
    found["phone"] = phones.e164(found["phone"]) or None
    return found


def per_language_value(values: dict, field: str) -> dict:
    """`per_language` for a row of values()."""
    return {code: values[f"{field}_{code}"] or None for code in LANGUAGE_CODES}


def shown_slug(values: dict, code: str) -> str:
    """The slug a page in `code` is addressed by: its own, else the fallback's."""
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES["default"]
    for language in (code, *fallbacks):
        if values[f"slug_{language}"]:
            return values[f"slug_{language}"]
    return ""


def csv_text(records: list[dict], *, header: bool) -> str:
    """CSV lines of `records`, after the byte-order mark and the header if asked."""
    output = io.StringIO()
    if header:
        # The byte-order mark makes spreadsheet programs read the file as UTF-8.
        output.write("\ufeff")
    writer = csv.DictWriter(output, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    if header:
        writer.writeheader()
    writer.writerows(csv_row(record) for record in records)
    return output.getvalue()


def csv_row(record: dict) -> dict:
    def joined(values) -> str:
        return LIST_SEPARATOR.join(value or "" for value in values)

    row = {
        "key": record["key"],
        "year_established": record["year_established"],
        "status": record["status"],
        **{figure: record[figure] for figure in FIGURES},
        "as_of": record["as_of"],
        "as_of_is_earliest": CSV_BOOLEANS.get(record["as_of_is_earliest"]),
        "highlands": joined(highland["key"] for highland in record["highlands"]),
        "parent": record["parent"],
        **{field: record[field] for field in CONTACT_FIELDS},
        "updated": record["updated"],
    }
    for code in LANGUAGE_CODES:
        row[f"slug_{code}"] = record["slug"][code]
        row[f"name_{code}"] = record["name"][code]
        row[f"url_{code}"] = record["url"][code]
        row[f"coordinators_{code}"] = joined(
            coordinator["name"][code] for coordinator in record["coordinators"]
        )
    return {
        column: "" if value is None else spreadsheet_text(value)
        for column, value in row.items()
    }


def spreadsheet_text(value):
    """A cell that spreadsheets show and never run: text that would start a formula
    (CSV injection) gets a leading apostrophe; numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def highland_records() -> list[dict]:
    """The published Highlands as the export writes them, ordered by key."""
    highlands = Highland.objects.published().prefetch_related(
        Prefetch(
            "clusters",
            queryset=Cluster.objects.published().only("pk", "key").order_by("key"),
        ),
        Prefetch(
            "cooperates_with",
            queryset=Highland.objects.published().only("pk", "key").order_by("key"),
        ),
    )
    return [
        record_of(
            HIGHLAND_FIELDS,
            {
                "key": highland.key,
                "slug": per_language(highland, "slug"),
                "name": per_language(highland, "name"),
                "summary": per_language(highland, "summary"),
                "order": highland.order,
                "clusters": [cluster.key for cluster in highland.clusters.all()],
                "cooperates_with": [
                    other.key for other in highland.cooperates_with.all()
                ],
                "url": absolute_urls(highland),
                "updated": timestamp(highland.edited_at),
            },
        )
        for highland in highlands.order_by("key")
    ]
