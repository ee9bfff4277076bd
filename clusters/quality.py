"""Content-quality checks of clusters, shared by the admin report and
`manage.py content_report`:

- clusters whose record staff have not confirmed for a year ("verified on");
- published clusters a visitor cannot reach: no website, e-mail or phone of their own
  or of a coordinator's;
- member counts that disagree with the cluster's own member list or with themselves;
- cluster and report websites that no longer answer (checked by cms/websites.py).

Texts missing in a language are counted for every model by cms/translation_status.py.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Cluster, MembershipSnapshot, Organisation, Report
from cms.websites import WebsiteResult, check_websites

STALE_AFTER_MONTHS = 12
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


# Contact routes


def unreachable_clusters():
    """Published clusters without any contact route, own or coordinator's: their
    page can only send visitors to the city's team."""
    return Cluster.objects.published().without_contact_route().order_by("key")


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
                        "year": snapshot.year_label,
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
                            "year": snapshot.year_label,
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
                % {
                    "parts": sum(parts),
                    "members": snapshot.members,
                    "year": snapshot.year_label,
                },
            )
        )
    return problems


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
