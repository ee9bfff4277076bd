from http import HTTPStatus

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from clusters.models import INTRODUCTION_KEY, Cluster, Page
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
        context["highlands"] = Highland.objects.published()
        context["figures"] = Cluster.objects.published().key_figures()
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
