"""Images, documents and links, end to end: an editor uploads a logo and a report's
PDF and links a cluster's text, a publisher publishes, and a visitor on a phone gets
a rendition (never the original), the document with its type and size, and a link
that works; axe finds nothing on those pages."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from PIL import Image as PillowImage
from playwright.sync_api import Page, expect

from clusters.models import Cluster, Report
from cms.documents import Document
from cms.images import Image
from tests import sample_files
from tests.e2e.pages import describe, wcag_violations
from tests.e2e.test_journeys import cluster_url, log_in

pytestmark = pytest.mark.browser

ORIGINAL_WIDTH = 2400
LINK_TARGET = "/pl/wyzyny/"  # a page of the site itself: it must answer in the test


def logo_file() -> dict:
    buffer = BytesIO()
    PillowImage.new("RGB", (ORIGINAL_WIDTH, ORIGINAL_WIDTH), (20, 90, 160)).save(
        buffer, "JPEG"
    )
    return {"name": "logo.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def choose_in_autocomplete(page: Page, field: str, text: str) -> None:
    """Picks `text` in the admin's search-as-you-type box of `field` (select2)."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_editor_adds_a_logo_a_report_pdf_and_a_link_that_visitors_get(
    new_context, editable_site
):
    cluster = Cluster.objects.get(key="wschodni-klaster-ict")
    report = Report.objects.order_by("order").first()
    pdf = sample_files.pdf()
    editor = new_context().new_page()
    log_in(editor, editable_site.users["editor"])

    # A logo for the library, described in both languages.
    editor.goto(reverse("admin:cms_image_add"))
    editor.locator("#id_title").fill("Logo Wschodniego Klastra ICT")
    editor.locator("#id_file").set_input_files(logo_file())
    editor.locator("#id_alt_text_pl").fill("Logo Wschodniego Klastra ICT")
    editor.locator("li[aria-controls='tab_id_alt_text_en']").click()
    editor.locator("#id_alt_text_en").fill("Eastern ICT Cluster logo")
    editor.locator("input[name='_save']").click()
    expect(editor.locator(".messagelist .success")).to_be_visible()

    # The report's PDF for the documents library, then chosen in the report.
    editor.goto(reverse("admin:cms_document_add"))
    editor.locator("#id_title").fill("Raport o klastrach 2019")
    editor.locator("#id_language").select_option("pl")
    editor.locator("#id_file").set_input_files(
        {
            "name": "raport.pdf",
            "mimeType": "application/pdf",
            "buffer": pdf,
        }
    )
    editor.locator("input[name='_save']").click()
    expect(editor.locator(".messagelist .success")).to_be_visible()
    editor.goto(reverse("admin:clusters_report_change", args=[report.pk]))
    choose_in_autocomplete(editor, "document", "Raport o klastrach 2019")
    editor.locator("input[name='_save']").click()
    expect(editor.locator(".messagelist .success")).to_be_visible()

    # The logo chosen for the cluster, and a link made with the text's toolbar.
    editor.goto(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    choose_in_autocomplete(editor, "logo", "Logo Wschodniego Klastra ICT")
    text = editor.locator(".prose-editor:has(#id_characteristics_pl)")
    text.locator(".ProseMirror[contenteditable=true]").click()
    editor.keyboard.press("Control+End")
    editor.keyboard.press("Enter")
    editor.keyboard.type("Zobacz Wyżyny")
    editor.keyboard.press("Control+Shift+ArrowLeft")
    text.locator("[data-name=link]").click()
    dialog = editor.locator("dialog[open]")
    dialog.locator("input").first.fill(LINK_TARGET)
    dialog.locator("button", has_text=re.compile("Wstaw|Aktualizuj|OK")).first.click()
    editor.locator("input[name='_continue']").click()
    expect(editor.locator(".messagelist")).to_contain_text("Zapisano szkic")

    # A publisher publishes the draft.
    publisher = new_context().new_page()
    log_in(publisher, editable_site.users["publisher"])
    publisher.goto(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    publisher.get_by_role("button", name="Zapisz i opublikuj", exact=True).click()
    expect(publisher.locator(".messagelist .success")).to_be_visible()
    cluster.refresh_from_db()
    logo = Image.objects.get(title="Logo Wschodniego Klastra ICT")
    assert cluster.logo == logo

    # A visitor on a phone with a 3x screen.
    visitor_context = new_context(width="phone")
    visitor = visitor_context.new_page()
    images = []
    visitor.on(
        "response",
        lambda response: (
            images.append(response.url)
            if response.request.resource_type == "image"
            else None
        ),
    )
    visitor.goto(cluster_url(cluster, "pl"), wait_until="networkidle")
    shown = visitor.locator(f"img[alt='{logo.alt_text_pl}']")
    expect(shown).to_be_visible()
    width = shown.evaluate("img => img.naturalWidth")
    assert 0 < width < ORIGINAL_WIDTH / 2, width
    assert any("/media/renditions/" in url for url in images), images
    assert not any(logo.file.url in url for url in images), images

    link = visitor.locator(f".prose a[href='{LINK_TARGET}']")
    expect(link).to_have_text("Wyżyny")
    link.click()
    expect(visitor).to_have_url(re.compile(re.escape(LINK_TARGET) + "$"))
    assert not wcag_violations(visitor), describe(wcag_violations(visitor), visitor.url)

    with translation.override("pl"):
        about = reverse("clusters:about")
    visitor.goto(about)
    document = Document.objects.get(title="Raport o klastrach 2019")
    document_link = visitor.locator(f"a[href='{document.file.url}']")
    expect(document_link).to_have_text(report.title_pl)
    expect(document_link.locator("xpath=..")).to_contain_text(
        re.compile(r"\(PDF, \d+(,\d)?\s(bajtów|KB)\)")
    )
    download = visitor.request.get(document_link.get_attribute("href"))
    assert download.ok and download.headers["content-type"] == "application/pdf"
    assert download.body() == pdf  # byte for byte
    violations = wcag_violations(visitor)
    assert not violations, describe(violations, visitor.url)

    visitor.goto(cluster_url(cluster, "pl"))
    violations = wcag_violations(visitor)
    assert not violations, describe(violations, visitor.url)
