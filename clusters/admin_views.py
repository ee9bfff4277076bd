"""The clusters team's staff pages: content quality and the dashboard on the admin
index, with the pages that span all content (cms/staff_pages.py, cms/preview.py).

All are admin views (`admin_site.admin_view`): signed-in staff only, never cached.
The stock AdminSite is kept; the pages hang off ModelAdmin URLs (`get_urls`) and the
dashboard is an inclusion tag in `admin/index.html`.
"""

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from clusters import quality
from cms import translation_status, websites
from cms.preview import admin_url
from cms.staff_pages import (
    AdminPageMixin,
    TranslationsView,
)

# Content quality


class QualityView(AdminPageMixin, TemplateView):
    """The content-quality report; websites are only checked on the button."""

    template_name = "admin/clusters/quality.html"
    title = _("Content quality")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("clusters.view_cluster"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        websites = [
            {
                "url": result.url,
                "records": [
                    {"name": str(record), "url": admin_url(record, "change", record.pk)}
                    for record in result.records
                ],
            }
            for result in quality.website_problems()
        ]
        return self.render_to_response(
            self.get_context_data(websites=websites, websites_checked=True)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stale"] = list(quality.stale_clusters())
        context["stale_months"] = quality.STALE_AFTER_MONTHS
        context["unreachable"] = list(quality.unreachable_clusters())
        context["counts"] = quality.count_problems()
        context["translations"] = [
            row for row in translation_status.missing_translation_counts() if row.total
        ]
        context["website_count"] = len(quality.website_owners())
        context["limits"] = {
            "site": websites.SITE_TIMEOUT,
            "total": websites.TOTAL_TIMEOUT,
            "redirects": websites.MAX_REDIRECTS,
        }
        return context


def report_urls(admin_site) -> list:
    """The staff report pages, under the cluster admin's address."""
    return [
        path(
            "translations/",
            admin_site.admin_view(TranslationsView.as_view(admin_site=admin_site)),
            name="clusters_translations",
        ),
        path(
            "quality/",
            admin_site.admin_view(QualityView.as_view(admin_site=admin_site)),
            name="clusters_quality",
        ),
    ]
