"""The exports' addresses: clusters as JSON and CSV, whole or a page at a time, and the
Highlands. What the records hold is clusters/open_data.py's; the full dumps are served
from files (clusters/open_data_dump.py)."""

from http import HTTPStatus

from django.core.paginator import EmptyPage, InvalidPage, Page
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from clusters.open_data import (
    ExportClusterFilter,
    cluster_records,
    cors,
    csv_text,
    highland_records,
    licence,
    page_records,
    pages_of,
)
from clusters.open_data_dump import dump_response
from cms.structured_data import absolute

PAGE = "page"
# Addresses with these alone are cached (cms/caching.py).
QUERY_PARAMETERS = frozenset(ExportClusterFilter.base_filters) | {PAGE}


class Refused(Exception):
    """A parameter the export cannot take, answered with the reasons."""

    def __init__(self, errors: dict, status: HTTPStatus = HTTPStatus.BAD_REQUEST):
        super().__init__(errors)
        self.errors = errors
        self.status = status


def requested_clusters(data) -> tuple[list[dict], Page | None]:
    """The records the parameters ask for: the clusters the filters select, all of
    them, or with `page` the page of PAGE_SIZE clusters by key it names."""
    filterset = ExportClusterFilter(data or None)
    if filterset.is_bound and not filterset.is_valid():
        raise Refused(filterset.errors.get_json_data())
    if not data.get(PAGE):
        return cluster_records(filterset.qs, filterset.highlands), None
    pages = pages_of(filterset.qs)
    try:
        page = pages.page(data[PAGE])
    except InvalidPage as error:
        status = (
            HTTPStatus.NOT_FOUND
            if isinstance(error, EmptyPage)
            else HTTPStatus.BAD_REQUEST
        )
        errors = {PAGE: [{"message": str(error), "code": "invalid"}]}
        raise Refused(errors, status) from error
    return page_records(page, filterset.highlands), page


def page_url(request, number: int) -> str:
    """The absolute address of page `number` of the same export and filters."""
    query = request.GET.copy()
    query[PAGE] = str(number)
    return f"{absolute(request.path)}?{query.urlencode()}"


def neighbours(request, page: Page) -> dict[str, str | None]:
    return {
        "previous": page_url(request, page.previous_page_number())
        if page.has_previous()
        else None,
        "next": page_url(request, page.next_page_number()) if page.has_next() else None,
    }


def refusal_response(refusal: Refused) -> JsonResponse:
    return cors(JsonResponse({"errors": refusal.errors}, status=refusal.status))


@require_safe
def clusters_json(request):
    if not request.GET:  # the full dump, from its file
        return dump_response(request, "json")
    try:
        records, page = requested_clusters(request.GET)
    except Refused as refusal:
        return refusal_response(refusal)
    document = {"count": len(records), "licence": licence()}
    if page is not None:
        document |= {
            "total": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            **neighbours(request, page),
        }
    return cors(
        JsonResponse(
            {**document, "clusters": records},
            json_dumps_params={"ensure_ascii": False},
        )
    )


@require_safe
def clusters_csv(request):
    if not request.GET:
        return dump_response(request, "csv")
    try:
        records, page = requested_clusters(request.GET)
    except Refused as refusal:
        return refusal_response(refusal)
    response = cors(
        HttpResponse(
            csv_text(records, header=True), content_type="text/csv; charset=utf-8"
        )
    )
    response["Content-Disposition"] = 'attachment; filename="clusters.csv"'
    if page is not None:
        # RFC 8288's relations, beside the licence: rel="prev" and rel="next".
        relations = {"prev": "previous", "next": "next"}
        links = neighbours(request, page)
        response["Link"] = ", ".join(
            [response["Link"]]
            + [
                f'<{links[name]}>; rel="{relation}"'
                for relation, name in relations.items()
                if links[name]
            ]
        )
    return response


clusters_json.query_parameters = QUERY_PARAMETERS
clusters_csv.query_parameters = QUERY_PARAMETERS


@require_safe
def highlands_json(request):
    records = highland_records()
    return cors(
        JsonResponse(
            {"count": len(records), "licence": licence(), "highlands": records},
            json_dumps_params={"ensure_ascii": False},
        )
    )
