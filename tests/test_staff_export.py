"""The admin cluster list exports what it shows, filtered, to CSV and XLSX."""

import csv
import io
import re
from datetime import datetime
from http import HTTPStatus

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import form_values
from tests.factories import (
    make_cluster,
    make_coordinator,
    make_highland,
    make_snapshot,
)

pytestmark = pytest.mark.django_db

EXPORT_URL = "/admin/clusters/cluster/export/"
HEADERS = [
    "key",
    "name (Polish)",
    "name (English)",
    "year established",
    "status",
    "published",
    "figures for the year",
    "members",
    "enterprises",
    "business environment institutions",
    "universities",
    "Highlands",
    "coordinators",
]


@pytest.fixture
def staff(client, editor):
    """An editor's browser, in English."""
    client.force_login(editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def clusters():
    it = make_highland(name_en="IT Highland")
    medical = make_highland(name_en="Medical Highland")
    active = make_cluster(
        key="lublin-ict",
        name_pl="Lubelski Klaster ICT",
        name_en="Lublin ICT Cluster",
        year_established=2008,
        highlands=[it, medical],
        coordinators=[make_coordinator(name_en="Lublin Science Park")],
    )
    make_snapshot(active, year=2019, members=40, enterprises=30)
    make_snapshot(
        active,
        year=2024,
        members=52,
        enterprises=44,
        business_environment_institutions=5,
        universities=3,
    )
    inactive = make_cluster(
        key="eco-energy",
        name_pl="Klaster Eko-Energia",
        name_en="Eco-Energy Cluster",
        year_established=2007,
        status="inactive",
        is_published=False,
    )
    make_snapshot(inactive, year=2015, members=12, enterprises=9)
    make_cluster(key="no-figures", name_en="Cluster Without Figures")
    return active, inactive


def export(client, query: str = "", kind: str = "csv", unticked=()):
    """Open the export page from the list's link, choose a format, submit."""
    url = EXPORT_URL + query
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    data = form_values(page.content.decode())
    data["format"] = ["1" if kind == "csv" else "0"]  # XLSX is offered first
    for name in unticked:
        data.pop(f"clusterexportresource_{name}")
    return client.post(url, data)


def csv_rows(response) -> list[list[str]]:
    """As Excel in Polish reads it: UTF-8 marked by a byte order mark, semicolons."""
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_export_has_the_columns_and_each_clusters_current_figures(staff, clusters):
    response = export(staff)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv"
    assert "attachment;" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == HEADERS
    by_key = {row[0]: row for row in rows[1:]}
    assert by_key["lublin-ict"] == [
        "lublin-ict",
        "Lubelski Klaster ICT",
        "Lublin ICT Cluster",
        "2008",
        "active",
        "yes",
        "2024",
        "52",
        "44",
        "5",
        "3",
        "IT Highland; Medical Highland",
        "Lublin Science Park",
    ]
    assert by_key["eco-energy"][3:11] == [
        "2007",
        "inactive",
        "no",
        "2015",
        "12",
        "9",
        "",
        "",
    ]
    assert by_key["no-figures"][6:11] == ["", "", "", "", ""]


def test_export_honours_the_list_filter(staff, clusters):
    rows = csv_rows(export(staff, "?status__exact=inactive"))
    assert [row[0] for row in rows[1:]] == ["eco-energy"]
    rows = csv_rows(export(staff, "?status__exact=active&is_published__exact=1"))
    assert sorted(row[0] for row in rows[1:]) == ["lublin-ict", "no-figures"]


def test_export_honours_the_list_search(staff, clusters):
    rows = csv_rows(export(staff, "?q=Energ"))
    assert [row[0] for row in rows[1:]] == ["eco-energy"]


def test_the_list_links_to_the_export_with_its_filters(staff, clusters):
    page = staff.get(
        reverse("admin:clusters_cluster_changelist"), {"status__exact": "inactive"}
    )
    assert f'href="{EXPORT_URL}?status__exact=inactive"' in page.content.decode()


def test_export_to_xlsx_keeps_numbers_as_numbers(staff, clusters):
    response = export(staff, "?status__exact=active", kind="xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert list(rows[0]) == HEADERS
    ict = next(row for row in rows if row[0] == "lublin-ict")
    assert ict[3] == 2008 and ict[6:11] == (2024, 52, 44, 5, 3)
    assert ict[11] == "IT Highland; Medical Highland"


def test_export_of_chosen_columns_only(staff, clusters):
    rows = csv_rows(
        export(staff, "?status__exact=inactive", unticked=["highlands", "coordinators"])
    )
    assert rows[0] == HEADERS[:-2]


def test_headers_follow_the_staff_language(client, editor, clusters):
    client.force_login(editor)
    rows = csv_rows(export(client, "?status__exact=inactive"))
    assert rows[0][:4] == [
        "klucz",
        "nazwa (polski)",
        "nazwa (angielski)",
        "rok utworzenia",
    ]
    assert rows[1][4:6] == ["nieaktywny", "nie"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_quoted(staff, start):
    formula = f'{start}HYPERLINK("http://x")'
    make_cluster(
        key="odd",
        name_pl=formula,
        name_en=f"{start}1+1",
        highlands=[make_highland(name_en=f"{start}Highland")],
        coordinators=[make_coordinator(name_en=f"{start}Coordinator")],
    )
    row = csv_rows(export(staff))[1]
    assert row[1:3] == ["'" + formula, f"'{start}1+1"]
    assert row[11:] == [f"'{start}Highland", f"'{start}Coordinator"]


@pytest.mark.parametrize("user", ["editor", "publisher"])
def test_editors_and_publishers_may_export(client, request, clusters, user):
    client.force_login(request.getfixturevalue(user))
    rows = csv_rows(export(client))
    assert len(rows) == 4


def test_export_takes_the_same_number_of_queries_for_more_clusters(staff, clusters):
    page = staff.get(EXPORT_URL)
    data = form_values(page.content.decode()) | {"format": ["1"]}

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff.post(EXPORT_URL, data).status_code == HTTPStatus.OK
        return len(captured)

    few = queries()
    for n in range(10):
        cluster = make_cluster(highlands=[make_highland()])
        make_snapshot(cluster, year=2020 + n)
    assert queries() == few


def test_export_page_carries_no_inline_code(staff, clusters):
    html = staff.get(EXPORT_URL + "?status__exact=inactive").content.decode()
    assert 'class="select-toggle"' in html
    assert "/static/admin-extra/export.js" in html
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert not re.search(r"<script(?![^>]*\ssrc=)", html)
    assert " style=" not in html and "<style" not in html


def test_cluster_list_with_the_export_carries_no_inline_code(staff, clusters):
    html = staff.get(reverse("admin:clusters_cluster_changelist")).content.decode()
    assert 'class="export_link"' in html
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert not re.search(r"<script(?![^>]*\ssrc=)", html)
    assert " style=" not in html and "<style" not in html


def test_export_file_and_sheet_are_named_after_the_clusters_in_polish(
    client, editor, clusters
):
    client.force_login(editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
    response = export(client, kind="xlsx")
    today = timezone.localdate().isoformat()
    assert f'filename="klastry-{today}.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Klastry"]


def test_a_scheduled_cluster_is_not_exported_as_published(staff):
    moment = timezone.make_aware(datetime(2030, 1, 2, 9, 30))
    make_cluster(key="soon", is_published=True, publish_from=moment)
    rows = {row[0]: row for row in csv_rows(export(staff))[1:]}
    assert rows["soon"][5] == "scheduled from 2030-01-02 09:30"
