"""Whole-response caching of the public site, invalidated exactly by a content version.

Every cached response is stored with the *content version* it was rendered from: a
token kept in the same shared cache (Redis, or the embedded disk cache that all
gunicorn workers on a host share), and served only while that token is current.
`cms.signals` replaces the token on any save, delete or many-to-many change of
content, fixture loads included, so every worker misses from its next request on and
renders the new content, which replaces the old entry. Scheduled publishing changes
content without a save, so the next publish/unpublish time is kept beside the
version: once it passes the version is replaced too, and no entry (nor a shared
cache's copy) lives past it.

Only what every visitor sees alike is cached: GET and HEAD requests for the public
pages (`/pl/…`, `/en/…`) and the language-neutral exports, from requests without a
session cookie, answered 200 without cookies and without `private`/`no-store`. The
admin, `/healthz` and every request of a signed-in user pass through untouched.

Only canonical addresses are stored, so that no one can fill the cache with copies of
a page (every entry costs every later write of the embedded cache): the parameters a
page's view declares (`query_parameters`), each given once and not empty, in any order
(the key sorts them). An address with anything else (tracking tags, junk, repeats) is
rendered as usual and not stored; a page with invalid values says `no-store` itself.
"""

import hashlib
import math
import secrets
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date, parse_http_date_safe, urlencode
from django.utils.translation import get_language_from_request

from cms.metrics import PAGE_CACHE
from cms.models import Revision
from cms.publishing import publishable_models
from cms.revisions import in_sandbox

# Shared caches (nginx, a CDN) may serve a public response this long without asking;
# an edit therefore shows everywhere within a minute. Browsers always revalidate.
SHARED_MAX_AGE = 60
# Entries of a superseded version are never read again; this only bounds their stay.
ENTRY_TIMEOUT = 24 * 60 * 60
NEUTRAL_PATHS = ("/api/", "/sitemap.xml", "/sitemap-", "/robots.txt")
UNCACHEABLE_DIRECTIVES = {"private", "no-cache", "no-store"}


def database_name() -> str:
    # Part of every key: the tests' database, the benchmark's and the site's may share
    # one Redis or one cache folder without ever reading each other's pages.
    return str(connections["default"].settings_dict["NAME"])


def _version_key() -> str:
    return f"content-version:{database_name()}"


def _boundary_key() -> str:
    return f"content-boundary:{database_name()}"


def _new_version() -> str:
    # A fresh, never-repeated token rather than a counter: two concurrent bumps cannot
    # collapse into one, and a lost key (culled, flushed) never revives old entries.
    return f"{time.time_ns()}-{secrets.token_hex(4)}"


def content_version() -> str:
    """The current content version; created on first use."""
    version = cache.get(_version_key())
    if version is None:
        cache.add(_version_key(), _new_version(), timeout=None)
        version = cache.get(_version_key())
    # Still none only if the cache failed to answer: a token no entry has, a miss.
    return version or _new_version()


def bump_content_version() -> None:
    """Mark all content as changed, now and again when the transaction commits.

    The second bump matters: between the first one and the commit, another process may
    render the page from the not yet committed (old) rows under the new version.
    Call this from any write that sends no model signals (`QuerySet.update()`,
    `bulk_create()`, raw SQL). A draft written into a sandbox (cms/revisions.py) is
    rolled back: nothing changed.
    """
    if in_sandbox():
        return
    cache.set(_version_key(), _new_version(), timeout=None)
    transaction.on_commit(
        lambda: cache.set(_version_key(), _new_version(), timeout=None), robust=True
    )


def version_time(version: str) -> float:
    """When the version was made: the pages' Last-Modified."""
    return int(version.split("-", 1)[0]) / 1e9


def next_boundary(at: datetime) -> datetime | None:
    """The nearest publish/unpublish time after `at` of a published record, or the
    time a scheduled draft goes live (cms/review.py), if any.

    Scheduled publishing changes what visitors see without a save: no cached copy may
    outlive this moment. One query over every publishable model and the revisions.
    """
    times = [
        model.objects.filter(is_published=True, **{f"{field}__gt": at})
        .order_by()
        .values_list(field, flat=True)
        for model in publishable_models()
        for field in ("publish_from", "publish_until")
    ]
    times.append(
        Revision.objects.scheduled()
        .filter(go_live_at__gt=at)
        .order_by()
        .values_list("go_live_at", flat=True)
    )
    first, *rest = times
    return next(iter(first.union(*rest).order_by("publish_from")[:1]), None)


def seconds_until(boundary: float | None, now: datetime) -> float | None:
    """Seconds from `now` to a boundary given as a timestamp; None for no boundary."""
    return None if boundary is None else boundary - now.timestamp()


def entry_timeout(seconds_left: float | None = None) -> int:
    """How long a new entry may live: never past the next schedule boundary."""
    if seconds_left is None:
        return ENTRY_TIMEOUT
    return max(1, min(ENTRY_TIMEOUT, math.ceil(seconds_left)))


def shared_max_age(seconds_left: float | None) -> int:
    if seconds_left is None:
        return SHARED_MAX_AGE
    return max(0, min(SHARED_MAX_AGE, math.floor(seconds_left)))


def state_keys() -> list[str]:
    """The keys `schedule_state` reads: fetch them with a page's entry in one trip."""
    return [_version_key(), _boundary_key()]


def schedule_state(now: datetime, stored: dict) -> tuple[str, float | None, bool]:
    """The content version, the next boundary's timestamp, and whether it is known,
    from the values of `state_keys()` as read (`stored`).

    The boundary is kept beside the version it was computed for. Once it has passed,
    the version is replaced: every page is rendered afresh although nothing was saved.
    """
    version = stored.get(_version_key()) or content_version()
    boundary_version, boundary = stored.get(_boundary_key(), (None, None))
    if boundary_version != version:
        return version, None, False
    if boundary is not None and now.timestamp() >= boundary:
        version = _new_version()
        cache.set(_version_key(), version, timeout=None)
        return version, None, False
    return version, boundary, True


def remember_boundary(version: str, now: datetime) -> float | None:
    """Compute the next boundary for `version` and keep it beside the version."""
    boundary = next_boundary(now)
    timestamp = None if boundary is None else boundary.timestamp()
    cache.set(_boundary_key(), (version, timestamp), timeout=None)
    return timestamp


def read_entries(keys: list[str], now: datetime) -> tuple[tuple, dict]:
    """In one cache trip: the content's state (`schedule_state`), and of the entries
    kept under `keys` (`keep_entries`) those still fresh, as {key: (value, boundary)}.

    An entry is fresh while the content version it was made from is current and the
    schedule boundary it was made before has not passed.
    """
    stored = cache.get_many([*state_keys(), *keys])
    state = schedule_state(now, stored)
    fresh = {}
    for key in keys:
        if (entry := stored.get(key)) is None:
            continue
        version, boundary, value = entry
        if version == state[0] and (boundary is None or now.timestamp() < boundary):
            fresh[key] = (value, boundary)
    return state, fresh


def settled_boundary(state: tuple, now: datetime) -> float | None:
    """The state's next boundary; computed and kept beside its version if unknown."""
    version, boundary, known = state
    return boundary if known else remember_boundary(version, now)


def keep_entries(values: dict, version: str, boundary: float | None, now) -> None:
    """Keep {key: value} for `version`, never past `boundary`: one cache trip, each
    key's earlier entry replaced."""
    cache.set_many(
        {key: (version, boundary, value) for key, value in values.items()},
        entry_timeout(seconds_until(boundary, now)),
    )


def is_public_path(path: str) -> bool:
    if path.startswith("/" + settings.ADMIN_PATH):
        return False
    prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)
    return path.startswith(prefixes + NEUTRAL_PATHS)


def is_cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and is_public_path(request.path)
    )


def is_cacheable_response(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    directives = {
        directive.split("=", 1)[0].strip().lower()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if directives & UNCACHEABLE_DIRECTIVES:
        return False
    return "*" not in response.get("Vary", "")


def in_transaction() -> bool:
    # A response rendered inside an open transaction may show rows that are rolled
    # back later (tests do that); outside tests, GET views never run in one here.
    return any(
        connection.in_atomic_block
        for connection in connections.all(initialized_only=True)
    )


def is_canonical(request) -> bool:
    """Only parameters the page's view declares, each once and not empty."""
    match = request.resolver_match
    view = getattr(match.func, "view_class", match.func) if match else None
    known = getattr(view, "query_parameters", frozenset())
    return all(
        name in known and len(values) == 1 and values[0]
        for name, values in request.GET.lists()
    )


def page_key(request) -> str:
    # Not the version: an address has one entry, which says the version it was
    # rendered from, so the entry is read in the same round trip as the version and
    # a new version overwrites it instead of adding one. Not the host: behind a proxy
    # every app server is reached under its own address, and pages build absolute
    # links from SITE_URL, never from the request. The parameters in name order: two
    # orders of one search share an entry.
    language = get_language_from_request(request, check_path=True)
    address = f"{request.path}?{urlencode(sorted(request.GET.lists()), doseq=True)}"
    digest = hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()
    return f"page:{database_name()}:{language}:{digest}"


def make_public(response, version: str, s_maxage: int = SHARED_MAX_AGE) -> None:
    """Validators and shared-cache lifetime for a cacheable response."""
    if not response.has_header("ETag"):
        digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        response["ETag"] = f'"{digest}"'
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(version_time(version))
    patch_cache_control(response, public=True, max_age=0, s_maxage=s_maxage)


class PublicPageCacheMiddleware:
    """Serves public pages and exports from the cache, keyed by the content version.

    Placed before the session, locale and authentication middleware, so a hit costs
    one cache read (the version, its boundary and the page's entry together; one
    round trip to Redis) and no SQL.
    """

    def __init__(self, get_response):
        if not settings.PAGE_CACHE:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        request.get_host()  # a bad Host header still gets its 400, cached page or not
        now = timezone.now()
        key = page_key(request)
        state, fresh = read_entries([key], now)
        PAGE_CACHE.labels("hit" if key in fresh else "miss").inc()
        if key in fresh:
            (status, headers, content), boundary = fresh[key]
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            if boundary is not None:
                seconds_left = seconds_until(boundary, now)
                patch_cache_control(response, s_maxage=shared_max_age(seconds_left))
            return self.conditional(request, response)
        response = self.get_response(request)
        if not (is_cacheable_response(response) and is_canonical(request)):
            return response
        storable = not in_transaction()
        # Inside a transaction (tests) nothing is stored and the rows may be rolled
        # back: no boundary is computed from them.
        version = state[0]
        boundary = settled_boundary(state, now) if storable else state[1]
        seconds_left = seconds_until(boundary, now)
        make_public(response, version, s_maxage=shared_max_age(seconds_left))
        if request.method == "GET" and storable:
            page = (response.status_code, list(response.items()), response.content)
            keep_entries({key: page}, version, boundary, now)
        return self.conditional(request, response)

    @staticmethod
    def conditional(request, response):
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )
