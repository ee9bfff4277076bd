"""Language-neutral addresses of the open-data export."""

from django.urls import path

from clusters import open_data_views as open_data

app_name = "open_data"

urlpatterns = [
    path("api/v1/clusters.json", open_data.clusters_json, name="clusters_json"),
    path("api/v1/clusters.csv", open_data.clusters_csv, name="clusters_csv"),
    path("api/v1/highlands.json", open_data.highlands_json, name="highlands_json"),
]
