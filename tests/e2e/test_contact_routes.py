"""How to join or ask (issue 20), in a real browser, both languages, a desktop's and
a phone's width: from a cluster page one step reaches a phone of the city's clusters
team (the tel: link is on the page, in sight and within the screen's width), and the
coordinator's page, one link away, lists the cluster."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from clusters.models import Cluster
from cms import phones
from contacts.models import TeamMember
from tests.e2e.pages import LANGUAGES, SHOWCASE_CLUSTER, WIDTH_IDS, WIDTHS, public_url

pytestmark = pytest.mark.browser

HEADINGS = {"pl": "Jak dołączyć lub zapytać", "en": "How to join or ask"}


def url_of(record, language: str) -> str:
    with translation.override(language):
        return record.get_absolute_url()


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_cluster_page_dials_the_city_team_and_leads_to_its_coordinator(
    new_context, language, width
):
    cluster = Cluster.objects.get(key=SHOWCASE_CLUSTER)
    coordinator = cluster.coordinators.get()
    team_phones = {
        phones.e164(member.phone): phones.shown(member.phone, language)
        for member in TeamMember.objects.exclude(phone="")
    }
    assert team_phones, "the starter content has the team's phones"
    page = new_context(language=language, width=width).new_page()
    page.goto(public_url("cluster", language))

    section = page.get_by_role("region", name=HEADINGS[language])
    dial = section.locator('a[href^="tel:"]').first
    dial.scroll_into_view_if_needed()
    expect(dial).to_be_visible()
    number = dial.get_attribute("href").removeprefix("tel:")
    assert number in team_phones
    expect(dial).to_have_text(team_phones[number])
    if language == "en":
        assert dial.inner_text().startswith("+48 ")
    # Within the screen: nothing to scroll sideways to reach it.
    box = dial.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= WIDTHS[width]

    with page.expect_navigation():
        section.locator(f'a[href="{url_of(coordinator, language)}"]').click()
    clusters = page.locator("#clusters-heading").locator("xpath=..")
    expect(
        clusters.get_by_role(
            "link", name=getattr(cluster, f"name_{language}"), exact=True
        )
    ).to_be_visible()
