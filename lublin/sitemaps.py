"""The sitemap: every published page in both languages, with hreflang alternates.

Addresses are built from SITE_URL, not from the request's Host header, so that the
sitemap names the canonical site whichever host name it was fetched through.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
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


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

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


class ClusterSitemap(BilingualSitemap):
    def items(self):
        return Cluster.objects.published().order_by("key")

    def lastmod(self, item):
        return item.edited_at


class HighlandSitemap(BilingualSitemap):
    def items(self):
        return Highland.objects.published().order_by("key")

    def lastmod(self, item):
        return item.edited_at


class CoordinatorSitemap(BilingualSitemap):
    def items(self):
        return Coordinator.objects.public().order_by("key")


SITEMAPS = {
    "pages": StaticPageSitemap,
    "clusters": ClusterSitemap,
    "coordinators": CoordinatorSitemap,
    "highlands": HighlandSitemap,
}
