"""Open data: the published directory as JSON and CSV, under a stable contract.

docs/open-data.md documents every field and column; docs/open-data.schema.json and
docs/open-data-highlands.schema.json are the contract the tests hold the exports to.
"""

import csv
from http import HTTPStatus

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from clusters.filters import ClusterFilter
from clusters.models import Cluster, MembershipSnapshot
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


def timestamp(value) -> str:
    return timezone.localtime(value).isoformat()


def cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Link"] = f'<{licence()["url"]}>; rel="license"'
    return response


def export_clusters(data) -> tuple[list[Cluster] | None, dict | None]:
    """Published clusters matching the directory's filters, ordered by key.

    Returns the clusters, or None and the form errors when a parameter is invalid.
    """
    filterset = ExportClusterFilter(data or None)
    if filterset.is_bound and not filterset.is_valid():
        return None, filterset.errors.get_json_data()
    clusters = (
        filterset.qs.select_related("parent")
        .prefetch_related(
            Prefetch("snapshots", queryset=MembershipSnapshot.objects.order_by("year"))
        )
        .order_by("key")
    )
    return list(clusters), None


def cluster_record(cluster: Cluster) -> dict:
    history = list(cluster.snapshots.all())
    current = history[-1] if history else None
    parent = cluster.parent
    return {
        "key": cluster.key,
        "slug": per_language(cluster, "slug"),
        "name": per_language(cluster, "name"),
        "year_established": cluster.year_established,
        "status": cluster.status,
        **{figure: getattr(current, figure, None) for figure in FIGURES},
        "as_of": current.year if current else None,
        "coordinators": [
            {"name": per_language(coordinator, "name"), "kind": coordinator.kind}
            for coordinator in cluster.coordinators.all()
        ],
        "highlands": [
            {
                "key": highland.key,
                "slug": per_language(highland, "slug"),
                "name": per_language(highland, "name"),
            }
            for highland in cluster.highlands.all()
        ],
        "parent": parent.key if parent and parent.is_published else None,
        "website": cluster.website or None,
        "url": absolute_urls(cluster),
        "history": [
            {
                "year": snapshot.year,
                **{figure: getattr(snapshot, figure) for figure in FIGURES},
                "source": per_language(snapshot, "source"),
            }
            for snapshot in history
        ],
        "updated": timestamp(cluster.updated_at),
    }


def bad_request(errors: dict) -> JsonResponse:
    return cors(JsonResponse({"errors": errors}, status=HTTPStatus.BAD_REQUEST))


@require_safe
def clusters_json(request):
    clusters, errors = export_clusters(request.GET)
    if errors:
        return bad_request(errors)
    records = [cluster_record(cluster) for cluster in clusters]
    return cors(
        JsonResponse(
            {"count": len(records), "licence": licence(), "clusters": records},
            json_dumps_params={"ensure_ascii": False},
        )
    )


@require_safe
def clusters_csv(request):
    clusters, errors = export_clusters(request.GET)
    if errors:
        return bad_request(errors)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="clusters.csv"'
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    response.write("\ufeff")
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for cluster in clusters:
        writer.writerow(csv_row(cluster_record(cluster)))
    return cors(response)


def csv_row(record: dict) -> dict:
    def joined(values) -> str:
        return LIST_SEPARATOR.join(value or "" for value in values)

    row = {
        "key": record["key"],
        "year_established": record["year_established"],
        "status": record["status"],
        **{figure: record[figure] for figure in FIGURES},
        "as_of": record["as_of"],
        "highlands": joined(highland["key"] for highland in record["highlands"]),
        "parent": record["parent"],
        "website": record["website"],
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
            "updated": timestamp(highland.updated_at),
        }
        for highland in highlands.order_by("key")
    ]
    return cors(
        JsonResponse(
            {"count": len(records), "licence": licence(), "highlands": records},
            json_dumps_params={"ensure_ascii": False},
        )
    )


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        "Allow: /",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
