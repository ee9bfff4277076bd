from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Clusters")

    def ready(self):
        from clusters import history, signals  # noqa: F401 (connects the receiver)
        from clusters.models import CURRENT_FIGURES

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
            excluded_fields=["search_name", "search_text", *CURRENT_FIGURES],
        )
