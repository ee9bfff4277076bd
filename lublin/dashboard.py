"""The clusters team's dashboard on the admin index: figures of every content app,
recent changes, what waits for publication, stale clusters, missing translations."""

from django.urls import reverse
from django.utils import timezone

from clusters import quality
from clusters.models import Cluster, Page
from cms import recovery, translation_status
from cms.preview import admin_url, language_name
from cms.review import waiting_for_review
from cms.staff_pages import LANGUAGE_CODES, publication_counts, recent_changes, waiting
from cms.translation_review import review_counts
from contacts.models import TeamMember
from ecosystems.models import Highland

STALE_LISTED = 10


def dashboard(request, admin_site) -> dict:
    """What the clusters team checks first; a bounded number of queries."""
    now = timezone.now()
    stale = quality.stale_clusters()
    missing = translation_status.missing_translation_counts()
    return {
        "clusters": publication_counts(Cluster, now),
        "highlands": publication_counts(Highland, now),
        "pages": publication_counts(Page, now),
        "team_members": TeamMember.objects.count(),
        "recent": recent_changes(admin_site._registry),
        "waiting": waiting(now, request.user, admin_site._registry),
        "review": waiting_for_review(request, admin_site._registry),
        "stale_count": stale.count(),
        "stale": [
            {
                "name": str(cluster),
                "url": admin_url(cluster, "change", cluster.pk),
                "verified_on": cluster.verified_on,
            }
            for cluster in stale[:STALE_LISTED]
        ],
        "stale_months": quality.STALE_AFTER_MONTHS,
        "missing": [
            {
                "code": code,
                "name": language_name(code),
                "count": sum(row.counts[code] for row in missing),
            }
            for code in LANGUAGE_CODES
        ],
        "to_review": sum(row.count for row in review_counts(request, admin_site)),
        "links": {
            "translations": reverse("admin:clusters_translations"),
            "quality": reverse("admin:clusters_quality"),
            "drafts": reverse("admin:clusters_cluster_changelist")
            + "?is_published__exact=0",
            "deleted": reverse("cms_deleted_records")
            if recovery.publishable_models(request, admin_site)
            else None,
            "figures_import": reverse("admin:clusters_membershipsnapshot_import")
            if request.user.has_perm("clusters.add_membershipsnapshot")
            else None,
        },
    }
