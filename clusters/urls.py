from django.urls import path
from django.utils.translation import gettext_lazy as _

from clusters import views

app_name = "clusters"

urlpatterns = [
    path(_("clusters/"), views.ClusterListView.as_view(), name="list"),
    # Before the clusters' own addresses, which would take it for a slug.
    path(
        _("clusters/all-in-one-table/"),
        views.ClusterOverviewView.as_view(),
        name="overview",
    ),
    path(_("clusters/2019-and-today/"), views.GrowthView.as_view(), name="growth"),
    path(_("clusters/<slug:slug>/"), views.ClusterDetailView.as_view(), name="detail"),
    path(
        _("coordinators/<slug:key>/"),
        views.CoordinatorDetailView.as_view(),
        name="coordinator",
    ),
    path(_("about-clusters/"), views.AboutClustersView.as_view(), name="about"),
]
