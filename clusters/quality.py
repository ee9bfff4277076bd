"""Content-quality checks, shared by the admin report and `manage.py content_report`.

- clusters whose record staff have not confirmed for a year ("verified on");
- member counts that disagree with the cluster's own member list or with themselves;
- texts present in one language and missing in the other;
- websites that no longer answer: checked only when asked, a few at a time, with a
  time limit per request and for the whole check.
"""

import calendar
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from http import HTTPStatus
from time import monotonic
from urllib.parse import urlsplit

from django.apps import apps
from django.db.models import Count, F, Model, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from modeltranslation.translator import translator

from clusters import translation_status
from clusters.models import Cluster, MembershipSnapshot, Organisation, Report

STALE_AFTER_MONTHS = 12
SITE_TIMEOUT = 5  # seconds per request (HEAD, then GET)
# Seconds for the whole check: under gunicorn's default 30 s worker timeout, since
# the admin's button runs the check within its request.
TOTAL_TIMEOUT = 20
CONCURRENCY = 4
USER_AGENT = "LublinClustersCMS-link-check/1.0 (+content quality report)"
# Organisation kinds counted against a snapshot's parts.
PART_KINDS = {
    "enterprises": Organisation.Kind.ENTERPRISE,
    "business_environment_institutions": Organisation.Kind.BUSINESS_SUPPORT,
    "universities": Organisation.Kind.UNIVERSITY,
}


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier; the month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# Verification


def stale_clusters(today: date | None = None, months: int = STALE_AFTER_MONTHS):
    """Clusters never verified, or last verified more than `months` ago."""
    today = today or timezone.localdate()
    limit = months_before(today, months)
    return Cluster.objects.filter(
        Q(verified_on__isnull=True) | Q(verified_on__lt=limit)
    ).order_by(F("verified_on").asc(nulls_first=True), "key")


# Counts


@dataclass
class CountProblem:
    cluster: Cluster
    year: int | None
    message: str


def count_problems() -> list[CountProblem]:
    """Counts of the latest snapshot that disagree with the member list, the parts
    that add up to more than the total, and segments against member clusters.

    Two queries, whatever the number of clusters.
    """
    listed = {
        f"listed_{part}": Count(
            "member_organisations",
            filter=Q(member_organisations__kind=kind),
            distinct=True,
        )
        for part, kind in PART_KINDS.items()
    }
    clusters = (
        Cluster.objects.annotate(
            listed=Count("member_organisations", distinct=True),
            segment_count=Count("segments", distinct=True),
            **listed,
        )
        .prefetch_related("snapshots")
        .order_by("key")
    )
    problems = []
    for cluster in clusters:
        current = cluster.current_snapshot
        if current is not None:
            problems += snapshot_problems(cluster, current)
        if (
            cluster.member_clusters is not None
            and cluster.segment_count
            and cluster.member_clusters != cluster.segment_count
        ):
            problems.append(
                CountProblem(
                    cluster,
                    None,
                    _("states %(stated)s member clusters and has %(segments)s segments")
                    % {
                        "stated": cluster.member_clusters,
                        "segments": cluster.segment_count,
                    },
                )
            )
    return problems


def snapshot_problems(cluster: Cluster, snapshot: MembershipSnapshot):
    problems = []
    year = snapshot.year
    if cluster.listed and snapshot.members is not None:
        if snapshot.members != cluster.listed:
            problems.append(
                CountProblem(
                    cluster,
                    year,
                    _(
                        "states %(members)s members (%(year)s) and lists "
                        "%(listed)s member organisations"
                    )
                    % {
                        "members": snapshot.members,
                        "year": year,
                        "listed": cluster.listed,
                    },
                )
            )
        for part in PART_KINDS:
            stated = getattr(snapshot, part)
            listed = getattr(cluster, f"listed_{part}")
            if stated is not None and stated != listed:
                problems.append(
                    CountProblem(
                        cluster,
                        year,
                        _("states %(stated)s %(part)s (%(year)s) and lists %(listed)s")
                        % {
                            "stated": stated,
                            "part": MembershipSnapshot._meta.get_field(
                                part
                            ).verbose_name,
                            "year": year,
                            "listed": listed,
                        },
                    )
                )
    parts = [getattr(snapshot, part) or 0 for part in MembershipSnapshot.PARTS]
    if snapshot.members is not None and sum(parts) > snapshot.members:
        problems.append(
            CountProblem(
                cluster,
                year,
                _(
                    "its parts add up to %(parts)s, more than its %(members)s "
                    "members (%(year)s)"
                )
                % {"parts": sum(parts), "members": snapshot.members, "year": year},
            )
        )
    return problems


# Translations


@dataclass
class MissingCount:
    model: type[Model]
    counts: dict[str, int]  # language code -> records missing a text in it

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def verbose_name_plural(self) -> str:
        return self.model._meta.verbose_name_plural


def translated_models() -> list[type[Model]]:
    """Every model with translated texts, in app and model order."""
    registered = set(translator.get_registered_models(abstract=False))
    return [model for model in apps.get_models() if model in registered]


def missing_translation_counts() -> list[MissingCount]:
    """Per model, how many records lack a text in each language: a query a model."""
    rows = []
    for model in translated_models():
        counts = model._default_manager.aggregate(
            **{
                code: Count("pk", filter=translation_status.missing_in(model, code))
                for code in translation_status.LANGUAGE_CODES
            }
        )
        rows.append(MissingCount(model, counts))
    return rows


# Websites


@dataclass
class WebsiteResult:
    url: str
    ok: bool
    detail: str
    records: list = field(default_factory=list)


class SafeRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows a few redirects, to http and https addresses only."""

    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(
                newurl, code, _("redirected to a non-web address"), headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(SafeRedirectHandler)


def check_website(url: str, timeout: float = SITE_TIMEOUT) -> WebsiteResult:
    """HEAD the address, then GET it when HEAD fails: some servers refuse HEAD."""
    if urlsplit(url).scheme not in ("http", "https"):
        return WebsiteResult(url, False, _("not a web address"))
    opener = _opener()
    detail = ""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(
            url, method=method, headers={"User-Agent": USER_AGENT}
        )
        try:
            with opener.open(request, timeout=timeout) as response:
                if method == "GET":
                    response.read(1024)
                return WebsiteResult(url, True, str(response.status))
        except urllib.error.HTTPError as error:
            detail = _("answers %(status)s") % {"status": error.code}
            if error.code in (HTTPStatus.NOT_FOUND, HTTPStatus.GONE):
                break  # GET would only say the same
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            detail = _("does not answer (%(reason)s)") % {"reason": reason}
            break  # the connection itself failed: GET would fail as well
    return WebsiteResult(url, False, detail)


def check_websites(
    urls,
    *,
    site_timeout: float = SITE_TIMEOUT,
    total_timeout: float = TOTAL_TIMEOUT,
    concurrency: int = CONCURRENCY,
) -> list[WebsiteResult]:
    """Check each address once, a few at a time; what the time limit cuts off is
    reported as not checked."""
    urls = list(dict.fromkeys(urls))
    if not urls:
        return []
    deadline = monotonic() + total_timeout
    language = translation.get_language()

    def check(url: str) -> WebsiteResult:
        # The active language is per thread: the workers report in the caller's.
        with translation.override(language):
            return check_website(url, site_timeout)

    executor = ThreadPoolExecutor(max_workers=concurrency)
    futures = {url: executor.submit(check, url) for url in urls}
    wait(futures.values(), timeout=max(0, deadline - monotonic()))
    executor.shutdown(wait=False, cancel_futures=True)
    results = []
    for url, future in futures.items():
        if future.done() and not future.cancelled():
            results.append(future.result())
        else:
            results.append(WebsiteResult(url, False, _("not checked: time limit")))
    return results


def website_owners() -> dict[str, list]:
    """Every website address in the content, with the records that give it."""
    owners: dict[str, list] = {}
    for cluster in Cluster.objects.exclude(website="").order_by("key"):
        owners.setdefault(cluster.website, []).append(cluster)
    for report in Report.objects.exclude(url="").order_by("order", "key"):
        owners.setdefault(report.url, []).append(report)
    return owners


def website_problems(owners: dict | None = None, **limits) -> list[WebsiteResult]:
    """The addresses that do not answer, with the records that give them."""
    owners = website_owners() if owners is None else owners
    problems = []
    for result in check_websites(owners, **limits):
        if not result.ok:
            result.records = owners[result.url]
            problems.append(result)
    return problems
