"""Open data: the published directory as JSON and CSV, under a stable contract.

docs/open-data.md documents every field and column; docs/open-data.schema.json and
docs/open-data-highlands.schema.json are the contract the tests hold the exports to.
"""

import csv
from collections import defaultdict
from http import HTTPStatus

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from clusters.filters import ClusterFilter
from clusters.models import CONTACT_FIELDS, Cluster, MembershipSnapshot
from cms import phones
from ecosystems.models import Highland

DEFAULT_LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "Urząd Miasta Lublin (City of Lublin)",
}
LANGUAGE_CODES = ("pl", "en")
FIGURES = (
    "members",
    "enterprises",
    "business_environment_institutions",
    "universities",
)
LIST_SEPARATOR = "; "
# As the JSON writes them, rather than Python's "True" and "False".
CSV_BOOLEANS = {True: "true", False: "false"}
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = [
    "key",
    "slug_pl",
    "slug_en",
    "name_pl",
    "name_en",
    "year_established",
    "status",
    *FIGURES,
    "as_of",
    "coordinators_pl",
    "coordinators_en",
    "highlands",
    "parent",
    "website",
    "url_pl",
    "url_en",
    "updated",
    # Added after version 1's first columns: appended, so no column moves.
    "as_of_is_earliest",
    *(field for field in CONTACT_FIELDS if field != "website"),
]


class ExportClusterFilter(ClusterFilter):
    """The directory's filters, without the facet counts an export has no use for."""

    count_facets = False


def licence() -> dict:
    return getattr(settings, "OPEN_DATA_LICENCE", DEFAULT_LICENCE)


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


def export_clusters(data) -> tuple[list[dict] | None, dict | None]:
    """Published clusters matching the directory's filters, ordered by key, as records.

    Returns the records, or None and the form errors when a parameter is invalid.
    """
    filterset = ExportClusterFilter(data or None)
    if filterset.is_bound and not filterset.is_valid():
        return None, filterset.errors.get_json_data()
    return cluster_records(filterset.qs, filterset.highlands), None


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
            }
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


def bad_request(errors: dict) -> JsonResponse:
    return cors(JsonResponse({"errors": errors}, status=HTTPStatus.BAD_REQUEST))


@require_safe
def clusters_json(request):
    records, errors = export_clusters(request.GET)
    if errors:
        return bad_request(errors)
    return cors(
        JsonResponse(
            {"count": len(records), "licence": licence(), "clusters": records},
            json_dumps_params={"ensure_ascii": False},
        )
    )


@require_safe
def clusters_csv(request):
    records, errors = export_clusters(request.GET)
    if errors:
        return bad_request(errors)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="clusters.csv"'
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    response.write("\ufeff")
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow(csv_row(record))
    return cors(response)


# Addresses with these alone are cached (cms/caching.py).
clusters_json.query_parameters = frozenset(ExportClusterFilter.base_filters)
clusters_csv.query_parameters = clusters_json.query_parameters


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


@require_safe
def highlands_json(request):
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
    records = [
        {
            "key": highland.key,
            "slug": per_language(highland, "slug"),
            "name": per_language(highland, "name"),
            "summary": per_language(highland, "summary"),
            "order": highland.order,
            "clusters": [cluster.key for cluster in highland.clusters.all()],
            "cooperates_with": [other.key for other in highland.cooperates_with.all()],
            "url": absolute_urls(highland),
            "updated": timestamp(highland.edited_at),
        }
        for highland in highlands.order_by("key")
    ]
    return cors(
        JsonResponse(
            {"count": len(records), "licence": licence(), "highlands": records},
            json_dumps_params={"ensure_ascii": False},
        )
    )
