"""The sitemap: every published page in both languages, with hreflang alternates.

/sitemap.xml is an index of the sections' sitemaps (/sitemap-<section>.xml, pages
after the first at ?p=N), so that no file lists more than the 50,000 addresses search
engines read from one. Addresses, the index's included, are built from SITE_URL, not
from the request's Host header, so that the sitemap names the canonical site whichever
host name it was fetched through (and the page cache may keep one copy for all).
"""

import dataclasses
import math
from functools import cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import index, sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse

from clusters.models import Cluster, Coordinator, Page
from contacts.models import AccessibilityStatement
from ecosystems.models import Highland

# URL names of the pages that are not records.
STATIC_PAGES = [
    "home",
    "clusters:list",
    "clusters:overview",
    "clusters:growth",
    "ecosystems:list",
    "contacts:team",
    "open_data_page",
]
# The introduction about clusters is a Page record: listed when it is published.
ABOUT_PAGE = ("clusters:about", "about-clusters")
# The accessibility statement: listed once published.
STATEMENT_PAGE = "contacts:accessibility"


class LanguagePairs:
    """The (item, language) pairs Django's i18n sitemap pages through, read a page
    at a time: Django's own list would load every record for every page."""

    def __init__(self, items, languages: list[str]):
        self.items = items
        self.languages = languages

    @cached_property
    def length(self) -> int:
        items = self.items
        count = len(items) if isinstance(items, list) else items.count()
        return count * len(self.languages)

    def __len__(self):
        return self.length

    def __getitem__(self, pages: slice):
        start, stop, _step = pages.indices(len(self))
        per_item = len(self.languages)
        first = start // per_item
        records = self.items[first : math.ceil(stop / per_item)]
        pairs = [(record, code) for record in records for code in self.languages]
        skipped = start - first * per_item
        return pairs[skipped : skipped + stop - start]


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    # Pages are counted in <url> entries, one per item and language (Django pages
    # the pairs), and search engines read at most 50,000 from one file.
    limit = 50_000

    @property
    def paginator(self):
        languages = [code for code, _name in settings.LANGUAGES]
        return Paginator(LanguagePairs(self.items(), languages), self.limit)

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        root = f"{settings.SITE_URL}/"
        for url in urls:
            alternates = {item["lang_code"]: item for item in url["alternates"]}
            x_default = alternates.get("x-default")
            # Django drops the default language's prefix for x-default, which suits
            # prefix-less default languages only; here only "/" chooses a language.
            if x_default and x_default["location"] != root:
                x_default["location"] = alternates[settings.LANGUAGE_CODE]["location"]
        return urls


class StaticPageSitemap(BilingualSitemap):
    def items(self):
        url_name, page_key = ABOUT_PAGE
        pages = list(STATIC_PAGES)
        if AccessibilityStatement.objects.published().exists():
            pages.append(STATEMENT_PAGE)
        if Page.objects.published().filter(key=page_key).exists():
            pages.append(url_name)
        return pages

    def location(self, item):
        return reverse(item)


class EditedRecordSitemap(BilingualSitemap):
    """Records that keep when they were last edited: each one's time, and the
    section's latest in one query."""

    def lastmod(self, item):
        return item.edited_at

    def get_latest_lastmod(self):
        return self.items().aggregate(Max("edited_at"))["edited_at__max"]


class ClusterSitemap(EditedRecordSitemap):
    def items(self):
        return Cluster.objects.published().order_by("key")


class HighlandSitemap(EditedRecordSitemap):
    def items(self):
        return Highland.objects.published().order_by("key")


class CoordinatorSitemap(BilingualSitemap):
    def items(self):
        return Coordinator.objects.public().order_by("key")


SITEMAPS = {
    "pages": StaticPageSitemap,
    "clusters": ClusterSitemap,
    "coordinators": CoordinatorSitemap,
    "highlands": HighlandSitemap,
}


def on_site(url: str) -> str:
    """`url` moved onto SITE_URL: the same path and query."""
    parts = urlsplit(url)
    return settings.SITE_URL + parts.path + (f"?{parts.query}" if parts.query else "")


def sitemap_index(request):
    """Django's index of the sections' pages, on SITE_URL (Django uses the Host)."""
    response = index(request, SITEMAPS, sitemap_url_name="sitemap_section")
    response.context_data["sitemaps"] = [
        dataclasses.replace(item, location=on_site(item.location))
        for item in response.context_data["sitemaps"]
    ]
    return response


def sitemap_section(request, section: str):
    return sitemap(request, SITEMAPS, section=section)


# The page cache keeps the section's pages (cms/caching.py).
sitemap_section.query_parameters = frozenset({"p"})
