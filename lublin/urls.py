from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.urls import urlpatterns as two_factor_urls

from cms import recovery
from cms.media import serve_media
from cms.site_identity import current_identity, theme_css
from lublin.open_data import OpenDataView
from lublin.sitemaps import sitemap_index, sitemap_section
from lublin.views import HomeView, healthz, robots_txt

# The site's name as staff edit it (cms/identity.py), read each time a page is drawn.
admin.site.site_header = admin.site.site_title = lazy(
    lambda: current_identity().site_name, str
)()
# A lost second factor is reset with `manage.py two_factor_disable` (docs/deployment.md);
# django-otp's own device pages would show users' secret keys to every superuser.
admin.site.unregister([StaticDevice, TOTPDevice])
# The 503 page also when a middleware, not a view, lost the database.
handler500 = "lublin.outage.server_error"
# In the admin, a 403 page of the admin's own (lublin/views.py).
handler403 = "lublin.views.permission_denied"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The admin's JavaScript catalogue (`admin:jsi18n`, same address), with the long
    # texts' editor's too: its dialogs in Polish.
    path(
        f"{settings.ADMIN_PATH}jsi18n/",
        admin.site.admin_view(
            JavaScriptCatalog.as_view(
                packages=["django.contrib.admin", "django_prose_editor"]
            ),
            cacheable=True,
        ),
    ),
    # Staff sign in on django-two-factor-auth's pages, which also set up the second
    # factor (lublin/second_factor.py); the admin's own login page, which would take
    # a password alone, sends there.
    path(
        f"{settings.ADMIN_PATH}login/",
        RedirectView.as_view(pattern_name="two_factor:login", query_string=True),
    ),
    path(settings.ADMIN_PATH, include(two_factor_urls)),
    # Deleted records, to restore or purge: a page of the machinery, for every app.
    path(settings.ADMIN_PATH, include(recovery.urls(admin.site))),
    path(settings.ADMIN_PATH, admin.site.urls),
    # Language-neutral: /api/v1/…, /sitemap.xml, /robots.txt.
    path("", include("lublin.open_data_urls")),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap_section"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("theme.css", theme_css, name="theme_css"),
    # Renditions and documents on the local disk (answers 404 with an S3 store).
    path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", serve_media, name="media"),
]

# /pl/… and /en/…, paths translated through the catalogue; "/" is redirected to the
# visitor's language by LocaleMiddleware (Polish by default), without a cookie.
urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("", include("ecosystems.urls")),
    path("", include("clusters.urls")),
    path("", include("contacts.urls")),
    path(_("open-data/"), OpenDataView.as_view(), name="open_data_page"),
)
