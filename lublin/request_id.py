"""Each request's id, in its `X-Request-ID` response header and in every log line
written while it is handled, so that a visitor's error report (or the header a
browser shows) leads to the log lines of that request.

The id comes from the proxy in front when there is one (DJANGO_TRUSTED_PROXY_COUNT
above 0, e.g. nginx's `$request_id`) and it is well formed; otherwise the site makes
one. First in MIDDLEWARE, outside the page cache: a page served from the cache gets
this request's id, never the one of the request that stored it.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.utils.log import log_response

HEADER = "X-Request-ID"
# Letters, digits and - . _ only, so an id cannot forge or break a log line.
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,64}")
NO_REQUEST = "-"
# gunicorn's name for the response header in an access line's arguments.
ACCESS_LOG_ATOM = "{x-request-id}o"

current_request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = self.from_proxy(request) or uuid.uuid4().hex
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
            if response.status_code >= 400:
                # Django logs such a response after the last middleware has returned
                # it, where the id is gone; logged here, its line names the request.
                log_response(
                    "%s: %s",
                    response.reason_phrase,
                    request.path,
                    response=response,
                    request=request,
                )
        finally:
            current_request_id.reset(token)
        response[HEADER] = request_id
        return response

    @staticmethod
    def from_proxy(request) -> str | None:
        if not settings.TRUSTED_PROXY_COUNT:
            return None
        given = request.headers.get(HEADER, "")
        return given if WELL_FORMED.fullmatch(given) else None


class RequestIdFilter(logging.Filter):
    """Gives each record the id of the request being handled ("-" outside one).

    gunicorn writes its access line once the response is sent, when the id is gone:
    that line takes it from the response's header, which gunicorn passes along.
    """

    def filter(self, record):
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            record.request_id = record.args[ACCESS_LOG_ATOM]
        else:
            record.request_id = current_request_id.get()
        return True
