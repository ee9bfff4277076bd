from django.conf import settings
from django.contrib import admin
from django.urls import path

from lublin.views import healthz

admin.site.site_header = admin.site.site_title = "Klastry Lublin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(settings.ADMIN_PATH, admin.site.urls),
]
