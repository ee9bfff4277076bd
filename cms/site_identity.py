"""The site's identity (cms/identity.py) as pages read it: remembered by each process
for the current content version (cms/caching.py), which saving the record replaces,
so no page asks the database for it and every worker shows an edit from its next
page on."""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject

from cms.caching import content_version
from cms.identity import SiteIdentity, starter_identity
from cms.revisions import in_sandbox

# The identity last read, with the content version it was read at.
_remembered: tuple[str, SiteIdentity] | None = None


def current_identity() -> SiteIdentity:
    """The site's identity, read once per content version and process. If the
    database cannot be reached (the 503 page), the one last read, or the starter."""
    global _remembered
    version = content_version()
    remembered = _remembered
    if remembered is not None and remembered[0] == version:
        return remembered[1]
    try:
        identity = SiteIdentity.objects.select_related("logo").first()
    except (OperationalError, InterfaceError):  # lublin/outage.py's "unavailable"
        return known_identity()
    identity = identity or starter_identity()
    # A preview's sandbox is rolled back without a new content version: what it
    # reads is never remembered.
    if not in_sandbox():
        _remembered = (version, identity)
    return identity


def known_identity() -> SiteIdentity:
    """The identity without asking the database or the cache (the error pages)."""
    remembered = _remembered
    return remembered[1] if remembered is not None else starter_identity()


def identity(request) -> dict:
    """Context processor: `identity` in every template, read only when used."""
    return {"identity": SimpleLazyObject(current_identity)}


def theme_css(request) -> HttpResponse:
    """/theme.css: the accent colour's custom properties, after static/css/site.css.
    Pages link it with a hash of its text in the address (`?v=…`), so a browser may
    keep that copy for good; any other address is kept a minute."""
    identity = current_identity()
    response = HttpResponse(identity.theme, content_type="text/css; charset=utf-8")
    if request.GET.get("v") == identity.theme_version:
        patch_cache_control(
            response, public=True, max_age=365 * 24 * 3600, immutable=True
        )
    else:
        patch_cache_control(response, public=True, max_age=60)
    return response
