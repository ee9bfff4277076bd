"""The overview table in a browser: every published cluster on one page, sorted by
a column's heading, in both languages, at 1,280 and 390 px."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from clusters.models import Cluster
from tests.e2e.pages import LANGUAGES, WIDTH_IDS, WIDTHS, public_url

pytestmark = pytest.mark.browser

MEMBERS = {"pl": "Członkowie", "en": "Members"}


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_table_lists_every_published_cluster_and_sorts_by_members(
    new_context, language, width
):
    published = Cluster.objects.published()
    largest = published.exclude(current_members=None).order_by("-current_members")[0]
    with translation.override(language):
        largest_url = largest.get_absolute_url()
    page = new_context(language=language, width=width).new_page()
    page.goto(public_url("overview", language))
    rows = page.locator("#overview-table tbody tr")
    expect(rows).to_have_count(published.count())

    heading = page.get_by_role("columnheader", name=MEMBERS[language])
    heading.get_by_role("link").click()
    expect(heading).to_have_attribute("aria-sort", "ascending")
    heading.get_by_role("link").click()
    expect(heading).to_have_attribute("aria-sort", "descending")
    expect(rows.first.locator("th a")).to_have_attribute("href", largest_url)
