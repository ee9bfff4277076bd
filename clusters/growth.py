"""How the clusters grew: the lublin.eu table of 2019, as it was published, beside
each cluster's latest figures, as a table and a chart drawn on the server."""

from dataclasses import dataclass

from clusters.models import Cluster, MembershipSnapshot
from cms.ordering import name_as_shown

# The year of the lublin.eu table "Klastry funkcjonujące w Lublinie w 2019 roku".
TABLE_YEAR = 2019


@dataclass
class Growth:
    cluster: Cluster
    then: MembershipSnapshot
    now: MembershipSnapshot | None  # a later snapshot, if any

    @property
    def change(self) -> int | None:
        """Members now less members then; None without later figures."""
        if self.now is None or None in (self.now.members, self.then.members):
            return None
        return self.now.members - self.then.members


def growth_rows() -> list[Growth]:
    """Each published cluster of the 2019 table, in the directory's name order, with
    its latest later snapshot: two queries."""
    clusters = Cluster.objects.published().filter(
        snapshots__year=TABLE_YEAR, snapshots__year_is_earliest=False
    )
    snapshots = {}
    for snapshot in MembershipSnapshot.objects.filter(cluster__in=clusters).order_by(
        "cluster_id", "year", "year_is_earliest"
    ):
        snapshots.setdefault(snapshot.cluster_id, []).append(snapshot)
    rows = []
    for cluster in clusters.distinct().order_by(name_as_shown(), "key"):
        history = snapshots[cluster.pk]
        then = next(
            s for s in history if s.year == TABLE_YEAR and not s.year_is_earliest
        )
        later = [s for s in history if s.year > TABLE_YEAR or s.year_is_earliest]
        rows.append(Growth(cluster, then, later[-1] if later else None))
    return rows


def growth_chart(rows: list[Growth]) -> list[dict]:
    """For each cluster with later figures, its members then and now, and each as a
    share of the largest number shown (the bars' lengths, in % of their room)."""
    compared = [row for row in rows if row.change is not None]
    # At least 1: clusters of no members then and now get empty bars, not an error.
    top = max((max(row.then.members, row.now.members) for row in compared), default=0)
    top = top or 1
    return [
        {
            "name": str(row.cluster),
            "then": row.then.members,
            "now": row.now.members,
            "now_year": row.now.year_label,
            "then_length": round(100 * row.then.members / top, 1),
            "now_length": round(100 * row.now.members / top, 1),
        }
        for row in compared
    ]
