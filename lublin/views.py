from http import HTTPStatus

from django.conf import settings
from django.contrib import admin
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from clusters.models import INTRODUCTION_KEY, Cluster, Page
from clusters.wording import directory_entries
from cms.translation_marks import translation_note
from ecosystems.models import Highland
from lublin.outage import RETRY_AFTER_SECONDS


class HomeView(TemplateView):
    """The Highlands, the clusters' key figures and the introduction about them."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["introduction"] = (
            Page.objects.published().filter(key=INTRODUCTION_KEY).first()
        )
        context["highlands"] = Highland.objects.published().select_related("image")
        figures = Cluster.objects.published().key_figures()
        context["figures"] = figures
        context["directory_entries"] = directory_entries(
            figures["clusters"], figures["segments"]
        )
        context["translation_note"] = translation_note(
            [context["introduction"]], context["highlands"]
        )
        return context


@require_safe
@never_cache
def healthz(request):
    """Liveness for load balancers: 200 when the database answers, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        response = JsonResponse(
            {"status": "unavailable"}, status=HTTPStatus.SERVICE_UNAVAILABLE
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok"})


@require_safe
def robots_txt(request):
    # The admin is not named: robots.txt is public, and a disallowed address would
    # reveal where DJANGO_ADMIN_PATH moved it. Its pages keep themselves out of
    # search results with Django's own `<meta name="robots" content="NONE,NOARCHIVE">`.
    lines = [
        "User-agent: *",
        "Allow: /",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def permission_denied(request, exception=None):
    """`handler403`: in the admin, a page of the admin saying what happened and
    where to go; elsewhere Django's own."""
    if not request.path.startswith(f"/{settings.ADMIN_PATH}"):
        return defaults.permission_denied(request, exception)
    context = admin.site.each_context(request) | {"title": _("Not allowed")}
    return TemplateResponse(
        request, "admin/403.html", context, status=HTTPStatus.FORBIDDEN
    )
