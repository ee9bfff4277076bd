"""Addresses too long to be honest are refused before any work is done.

Django bounds request bodies itself (`DATA_UPLOAD_MAX_MEMORY_SIZE` and
`DATA_UPLOAD_MAX_NUMBER_FIELDS`, answered 400) but not the address: a megabyte of
query string would be parsed, hashed for the page cache and handed to the filters.
nginx and gunicorn refuse such request lines too; this holds wherever the site runs.
"""

from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext


class AddressLengthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = len(request.path_info) + len(request.META.get("QUERY_STRING", ""))
        if length <= settings.MAX_ADDRESS_LENGTH:
            return self.get_response(request)
        # The prefix alone is enough to find the language, and cheap.
        language = translation.get_language_from_path(request.path_info[:8])
        with translation.override(language or settings.LANGUAGE_CODE):
            message = gettext("This address is too long.")
        return HttpResponse(
            message,
            status=HTTPStatus.REQUEST_URI_TOO_LONG,
            content_type="text/plain; charset=utf-8",
        )
