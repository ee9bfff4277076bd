from django.utils.translation import gettext_lazy as _

from cms import content_apps


class ClustersConfig(content_apps.ContentAppConfig):
    name = "clusters"
    verbose_name = _("Clusters")

    def content_loaded(self):
        from clusters.models import Cluster

        # The fixtures carry each cluster's current figures and search text; a raw
        # load skips save(), so they are derived again from the rows just loaded (a
        # backup from an older version may hold another form of the search text).
        Cluster.objects.refresh_current_figures()
        Cluster.objects.all().refresh_search_text()

    def ready(self):
        from clusters.models import CURRENT_FIGURES
        from cms import history, revisions

        history.register_models(
            "Coordinator",
            "Organisation",
            "MembershipSnapshot",
            "ClusterItem",
            "Project",
            "Membership",
            "Page",
            "Report",
            app_label=self.label,
        )
        history.register_models(
            "Cluster",
            app_label=self.label,
            m2m_fields=["coordinators", "highlands"],
            # Derived from other rows, and recomputed on every save.
            excluded_fields=[
                "search_name",
                "search_name_forms",
                "search_description",
                "search_text",
                *CURRENT_FIGURES,
            ],
        )
        revisions.register(
            "Cluster",
            app_label=self.label,
            children=("snapshots", "items", "projects", "membership_set"),
        )
        revisions.register("Page", app_label=self.label)
