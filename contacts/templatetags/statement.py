from django import template
from django.core.cache import cache
from django.urls import reverse

from cms.caching import content_version
from contacts.models import AccessibilityStatement

register = template.Library()

# A day at most: a new version of the content replaces the key anyway.
CACHED_FOR = 24 * 60 * 60


@register.simple_tag
def statement_path() -> str:
    """The accessibility statement's address while visitors can read it, else "":
    every page's footer and head link it only then. Whether it is public is read
    once per version of the content, not on every page."""
    key = f"statement-public:{content_version()}"
    public = cache.get(key)
    if public is None:
        public = AccessibilityStatement.objects.published().exists()
        cache.set(key, public, CACHED_FOR)
    return reverse("contacts:accessibility") if public else ""
