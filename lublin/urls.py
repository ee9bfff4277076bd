from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from lublin.views import healthz

admin.site.site_header = admin.site.site_title = "Klastry Lublin"
# The 503 page also when a middleware, not a view, lost the database.
handler500 = "lublin.outage.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(settings.ADMIN_PATH, admin.site.urls),
    # Language-neutral: /api/v1/…, /sitemap.xml, /robots.txt.
    path("", include("clusters.open_data_urls")),
]

# /pl/… and /en/…, paths translated through the catalogue; "/" is redirected to the
# visitor's language by LocaleMiddleware (Polish by default), without a cookie.
urlpatterns += i18n_patterns(
    path("", include("ecosystems.urls")),
    path("", include("clusters.urls")),
    path("", include("contacts.urls")),
)
