"""While the database is unreachable, visitors get a clear 503 page, never a traceback.

A database that hangs is unreachable too: a request waits on PostgreSQL only a few
seconds (lublin/postgresql), so workers are not held until gunicorn kills them.

Public pages already in the page cache are still served: `PublicPageCacheMiddleware`
answers before anything touches the database. Whatever else needs the database gets
templates/503.html in the visitor's language, with `Retry-After`. Nothing has to be
restarted afterwards: persistent connections are health-checked (`conn_health_checks`)
and Django connects again on the first request after the database is back.
"""

import logging
import sys
import threading
from http import HTTPStatus

from django.core.signals import request_finished, request_started
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

# What a lost or refused connection raises (a locked SQLite file too); other database
# errors are faults in the code and stay 500s.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)
_request = threading.local()


def serving_request() -> bool:
    """Whether this thread is answering a web request (a management command never is)."""
    return getattr(_request, "serving", False)


# Both receivers are connected when the middleware loads, before the first request.
@receiver(request_started)
def _start_serving(**kwargs):
    _request.serving = True


@receiver(request_finished)
def _stop_serving(**kwargs):
    _request.serving = False


def unavailable(request, exception: Exception) -> HttpResponse:
    """The 503 page, never cached, with one log line instead of a traceback."""
    logger.warning(
        "database unavailable: %s %s: %s",
        request.method,
        request.path,
        " ".join(str(exception).split()),
    )
    content = loader.render_to_string("503.html", request=request)
    response = HttpResponse(content, status=HTTPStatus.SERVICE_UNAVAILABLE)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseOutageMiddleware:
    """Answers 503 when a view, or the template it renders, cannot reach the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE_ERRORS):
            return unavailable(request, exception)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """`handler500`: the 503 page also when a middleware lost the database."""
    exception = sys.exception()
    if isinstance(exception, UNAVAILABLE_ERRORS):
        return unavailable(request, exception)
    try:
        # Imported here: the database backend (lublin/postgresql) imports this module
        # before any model can be defined.
        from cms.site_identity import known_identity

        # The site's names as last read: nothing here asks the database.
        content = loader.render_to_string(template_name, {"identity": known_identity()})
    except Exception:  # the page of last resort: Django's own plain one
        return defaults.server_error(request, template_name)
    return HttpResponseServerError(content)
