"""Language-neutral addresses: the open-data export, the sitemap and robots.txt."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from clusters import open_data
from clusters.sitemaps import SITEMAPS

app_name = "open_data"

urlpatterns = [
    path("api/v1/clusters.json", open_data.clusters_json, name="clusters_json"),
    path("api/v1/clusters.csv", open_data.clusters_csv, name="clusters_csv"),
    path("api/v1/highlands.json", open_data.highlands_json, name="highlands_json"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", open_data.robots_txt, name="robots_txt"),
]
