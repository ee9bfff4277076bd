"""Language-neutral addresses of the open data: the exports, their index and the
DCAT-AP catalogue describing them."""

from django.urls import path

from clusters.open_data_urls import urlpatterns as export_patterns
from lublin import open_data

app_name = "open_data"

urlpatterns = [
    path("api/v1/", open_data.api_index, name="index"),
    *export_patterns,
    *(
        path(
            f"api/v1/catalog.{name.removeprefix('catalog_')}",
            open_data.catalogue,
            {"syntax": syntax},
            name=name,
        )
        for syntax, (name, _media_type) in open_data.CATALOGUE_SYNTAXES.items()
    ),
]
