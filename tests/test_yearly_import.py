"""The yearly figures import: preview, per-row refusals, all or nothing, template."""

import csv
import io
import os
import re
import tempfile
import time
import zipfile
from http import HTTPStatus

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from clusters.admin_import import upload_folder
from clusters.models import Cluster, MembershipSnapshot
from clusters.resources import REQUIRED_COLUMNS
from cms import revisions
from tests.admin_forms import form_values
from tests.factories import make_cluster, make_snapshot

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/clusters/membershipsnapshot/import/"
CONFIRM_URL = "/admin/clusters/membershipsnapshot/process_import/"
COLUMNS = [
    "cluster",
    "year",
    "members",
    "enterprises",
    "business_environment_institutions",
    "universities",
    "source_pl",
    "source_en",
]
FORMAT_INDEX = {"csv": "0", "xlsx": "1"}


@pytest.fixture(autouse=True)
def own_cache(settings, request):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture(autouse=True)
def own_temporary_folder(monkeypatch, tmp_path):
    """Uploads awaiting confirmation go to this test's folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@pytest.fixture
def staff(client, publisher):
    """A publisher's browser, in English: their import is live at once (an editor's
    makes drafts: tests/test_review.py)."""
    client.force_login(publisher)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def ict():
    cluster = make_cluster(key="lublin-ict", name_en="Lublin ICT Cluster")
    make_snapshot(cluster, year=2023, members=20, enterprises=15)
    return cluster


def csv_file(rows, columns=COLUMNS, delimiter=",") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    writer.writerows(rows)
    return SimpleUploadedFile("figures.csv", out.getvalue().encode())


def xlsx_file(rows, columns=COLUMNS) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("figures.xlsx", out.getvalue())


def upload(client, rows, kind="csv", **options):
    make_file = csv_file if kind == "csv" else xlsx_file
    return client.post(
        IMPORT_URL,
        {"format": FORMAT_INDEX[kind], "import_file": make_file(rows, **options)},
    )


def confirm(client, preview):
    return client.post(CONFIRM_URL, form_values(preview.content.decode()))


def text(response) -> str:
    return response.content.decode()


def assert_no_inline_code(html: str) -> None:
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert not re.search(r"<script(?![^>]*\ssrc=)", html)
    assert " style=" not in html and "<style" not in html


# The template file


def test_template_lists_active_clusters_with_the_next_year(staff, ict):
    make_cluster(key="lublin-med")
    make_cluster(key="closed", status="inactive")
    response = staff.get(
        reverse("admin:clusters_membershipsnapshot_template", args=["csv"])
    )
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv"
    assert 'filename="yearly-figures-2024.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text(response))))
    assert rows[0] == [
        "cluster key",
        "cluster name",
        "year",
        "members",
        "enterprises",
        "business environment institutions",
        "universities",
        "source (Polish)",
        "source (English)",
    ]
    assert [row[:3] for row in rows[1:]] == [
        ["lublin-ict", "Lublin ICT Cluster", "2024"],
        ["lublin-med", rows[2][1], "2024"],
    ]
    assert all(cell == "" for row in rows[1:] for cell in row[3:])


def test_template_as_xlsx_for_a_chosen_year_leaves_out_clusters_with_figures(
    staff, ict
):
    make_cluster(key="lublin-med")
    make_snapshot(make_cluster(key="has-2030"), year=2030)
    response = staff.get(
        reverse("admin:clusters_membershipsnapshot_template", args=["xlsx"]),
        {"year": "2030"},
    )
    assert response.status_code == HTTPStatus.OK
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("cluster key", "cluster name", "year")
    assert [(row[0], row[2]) for row in rows[1:]] == [
        ("lublin-ict", 2030),
        ("lublin-med", 2030),
    ]


def test_a_downloaded_template_filled_in_imports(staff, ict):
    template = staff.get(
        reverse("admin:clusters_membershipsnapshot_template", args=["xlsx"])
    )
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    book.active["D2"] = 31
    book.active["E2"] = 26
    out = io.BytesIO()
    book.save(out)
    preview = staff.post(
        IMPORT_URL,
        {"format": "1", "import_file": SimpleUploadedFile("t.xlsx", out.getvalue())},
    )
    assert "Confirm import" in text(preview)
    confirm(staff, preview)
    assert ict.snapshots.get(year=2024).members == 31


FORMULA_NAMES = [
    '=HYPERLINK("https://example.com/","Kliknij")',
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("name", FORMULA_NAMES)
def test_template_shows_a_name_that_starts_a_formula_as_text(staff, name):
    make_cluster(key="tricky", name_pl=name, name_en=name)
    url = reverse("admin:clusters_membershipsnapshot_template", args=["csv"])
    rows = list(csv.reader(io.StringIO(text(staff.get(url)), newline="")))
    assert rows[1][:2] == ["tricky", "'" + name]
    url = reverse("admin:clusters_membershipsnapshot_template", args=["xlsx"])
    sheet = openpyxl.load_workbook(io.BytesIO(staff.get(url).content)).active
    # Text, not a formula; XML reads a carriage return as a line feed.
    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].value == "'" + name.replace("\r", "\n")


def test_template_of_an_unknown_format_is_not_found(staff):
    response = staff.get("/admin/clusters/membershipsnapshot/template.json")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_import_page_offers_both_templates_for_the_next_year(staff, ict):
    page = text(staff.get(IMPORT_URL))
    assert 'formaction="/admin/clusters/membershipsnapshot/template.csv"' in page
    assert 'formaction="/admin/clusters/membershipsnapshot/template.xlsx"' in page
    assert 'name="year" id="id_template_year" value="2024"' in page


def test_template_stays_on_a_year_until_every_reporting_cluster_has_it(staff, ict):
    other = make_cluster(key="other-cluster", name="Inny klaster")
    make_snapshot(other, year=2023)
    # 2024 imported for one of the two clusters with figures: finish 2024 first.
    make_snapshot(ict, year=2024)
    page = text(staff.get(IMPORT_URL))
    assert 'name="year" id="id_template_year" value="2024"' in page
    make_snapshot(other, year=2024)
    page = text(staff.get(IMPORT_URL))
    assert 'name="year" id="id_template_year" value="2025"' in page


def test_import_page_states_the_limits_of_a_file(staff):
    page = text(staff.get(IMPORT_URL))
    assert "One import takes up to 1000 rows, in a file of up to 512.0\xa0KB." in page


# Preview and confirmation


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_preview_shows_the_rows_and_saves_nothing(staff, ict, kind):
    med = make_cluster(key="lublin-med")
    rows = [
        ["lublin-ict", 2024, 30, 25, 3, 2, "GUS", "Statistics Poland"],
        ["lublin-med", 2024, 12, 10, "", "", "", ""],
    ]
    preview = upload(staff, rows, kind)
    page = text(preview)
    assert preview.status_code == HTTPStatus.OK
    assert "Confirm import" in page
    assert "<td>lublin-ict</td>" in page and "<td>Lublin ICT Cluster</td>" in page
    assert '<td>30 <span class="previous-figure">(2023: 20)</span></td>' in page
    assert "<td>Statistics Poland</td>" in page
    assert "<td>lublin-med</td>" in page and "<td>12</td>" in page
    assert list(MembershipSnapshot.objects.values_list("cluster__key", "year")) == [
        ("lublin-ict", 2023)
    ]
    assert not med.snapshots.exists()
    assert MembershipSnapshot.history.count() == 1
    ict.refresh_from_db()
    assert (ict.current_year, ict.current_members) == (2023, 20)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_confirming_saves_dated_snapshots_and_the_chart_shows_the_year(
    staff, publisher, ict, kind
):
    preview = upload(staff, [["lublin-ict", 2024, 30, 25, 3, 2, "GUS", ""]], kind)
    response = confirm(staff, preview)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse(
        "admin:clusters_membershipsnapshot_changelist"
    )
    snapshot = ict.snapshots.get(year=2024)
    assert (snapshot.members, snapshot.enterprises, snapshot.universities) == (
        30,
        25,
        2,
    )
    assert snapshot.source_pl == "GUS"
    ict.refresh_from_db()
    assert (ict.current_year, ict.current_members) == (2024, 30)
    assert ict.snapshots.get(year=2023).members == 20
    assert snapshot.history.get().history_user == publisher
    with translation.override("en"):
        address = ict.get_absolute_url()
    page = text(staff.get(address))
    assert "Members in 2024" in page
    assert "2024: 30 members, of which 25 enterprises" in page
    assert re.search(r'<text class="chart-year"[^>]*>2024</text>', page)
    assert re.search(r'<text class="chart-value"[^>]*>30</text>', page)


def test_confirmation_reports_how_many_were_saved(staff, ict):
    make_cluster(key="lublin-med")
    preview = upload(
        staff,
        [["lublin-ict", 2024, 30, 25, 3, 2], ["lublin-med", 2024, 5, 5, 0, 0]],
        columns=COLUMNS[:6],
    )
    response = staff.get(confirm(staff, preview)["Location"])
    assert "Saved 2 new snapshots of figures." in text(response)


def test_one_upload_covers_many_clusters(staff):
    clusters = [make_cluster(key=f"cluster-{n}") for n in range(12)]
    rows = [[c.key, 2025, 10 + n, n, 0, 0, "", ""] for n, c in enumerate(clusters)]
    confirm(staff, upload(staff, rows))
    assert MembershipSnapshot.objects.filter(year=2025).count() == 12


def test_polish_excel_csv_with_semicolons_and_spaced_thousands_is_read(staff, ict):
    rows = [["lublin-ict", "2024", "1 234", "1 000", "", ""]]
    preview = upload(staff, rows, columns=COLUMNS[:6], delimiter=";")
    confirm(staff, preview)
    assert ict.snapshots.get(year=2024).members == 1234


POLISH_HEADERS = [
    "klucz klastra",
    "rok",
    "członkowie",
    "przedsiębiorstwa",
    "instytucje otoczenia biznesu",
    "uczelnie",
    "źródło (po polsku)",
]


def test_template_is_headed_in_polish_for_polish_staff(client, editor, ict):
    client.force_login(editor)
    response = client.get(
        reverse("admin:clusters_membershipsnapshot_template", args=["csv"]),
        headers={"accept-language": "pl"},
    )
    header = next(csv.reader(io.StringIO(text(response))))
    assert header[:2] == ["klucz klastra", "nazwa klastra"]
    assert header[2:7] == POLISH_HEADERS[1:6]


def test_a_windows_1250_csv_from_polish_excel_imports(staff, ict):
    """As Excel in Polish saves "CSV (rozdzielany średnikami)": Windows-1250,
    semicolons, CRLF, headers in Polish, and a thousands space in a count."""
    lines = [
        ";".join(POLISH_HEADERS),
        "lublin-ict;2024;1 030;25;2;1;Sprawozdanie zarządu, źródło: Urząd Miasta",
    ]
    data = ("\r\n".join(lines) + "\r\n").encode("cp1250")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    upload_file = SimpleUploadedFile("dane.csv", data, content_type="text/csv")
    preview = staff.post(
        IMPORT_URL,
        {"format": FORMAT_INDEX["csv"], "import_file": upload_file},
        headers={"accept-language": "pl"},
    )
    assert "Nic jeszcze nie zapisano" in text(preview)
    confirm(staff, preview)
    snapshot = MembershipSnapshot.objects.get(cluster=ict, year=2024)
    assert snapshot.members == 1030
    assert snapshot.source_pl == "Sprawozdanie zarządu, źródło: Urząd Miasta"


def test_technical_column_names_of_earlier_templates_still_import(staff, ict):
    confirm(
        staff, upload(staff, [["lublin-ict", 2024, 30, 25, 0, 0]], columns=COLUMNS[:6])
    )
    assert MembershipSnapshot.objects.filter(cluster=ict, year=2024).exists()


def test_blank_rows_are_left_out(staff, ict):
    rows = [["", "", "", "", "", ""], ["lublin-ict", 2024, 30, 25, "", ""]]
    confirm(staff, upload(staff, rows, "xlsx", columns=COLUMNS[:6]))
    assert ict.snapshots.count() == 2


def test_template_rows_left_without_figures_are_left_out(staff, ict):
    other = make_cluster(key="other")
    rows = [["lublin-ict", 2025, "", "", "", ""], ["other", 2025, 12, 10, "", ""]]
    confirm(staff, upload(staff, rows, columns=COLUMNS[:6]))
    assert not ict.snapshots.filter(year=2025).exists()
    assert other.snapshots.get(year=2025).members == 12


def test_whole_numbers_stored_as_decimals_in_xlsx_are_accepted(staff, ict):
    confirm(staff, upload(staff, [["lublin-ict", 2024.0, 30.0, 25, 1, 0]], "xlsx"))
    assert ict.snapshots.get(year=2024).members == 30


# Refusals: a message for the row, no confirmation, nothing saved


REFUSALS = {
    "unknown cluster": (
        ["no-such-cluster", 2024, 30, 25, 0, 0],
        "cluster",
        "No cluster has the key “no-such-cluster”.",
    ),
    "negative count": (
        ["lublin-ict", 2024, 30, -4, 0, 0],
        "enterprises",
        "A count cannot be negative (-4).",
    ),
    "part above the total": (
        ["lublin-ict", 2024, 30, 31, 0, 0],
        "enterprises",
        "enterprises (31) cannot be more than the members (30).",
    ),
    "existing year": (
        ["lublin-ict", 2023, 30, 25, 0, 0],
        "year",
        "Figures for 2023 already exist for lublin-ict; edit them in the cluster.",
    ),
    "year too early": (
        ["lublin-ict", 1899, 30, 25, 0, 0],
        "year",
        "The year must be between 1900 and 2100, not 1899.",
    ),
    "year too late": (
        ["lublin-ict", 2101, 30, 25, 0, 0],
        "year",
        "The year must be between 1900 and 2100, not 2101.",
    ),
    "not a number": (
        ["lublin-ict", 2024, "thirty", 25, 0, 0],
        "members",
        "“thirty” is not a whole number.",
    ),
    "a fraction": (
        ["lublin-ict", 2024, 30.5, 25, 0, 0],
        "members",
        "“30.5” is not a whole number.",
    ),
    "no year": (["lublin-ict", "", 30, 25, 0, 0], "year", "Give the year"),
    "no cluster": (["", 2024, 30, 25, 0, 0], "cluster", "Give the cluster’s key."),
}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("case", REFUSALS)
def test_a_bad_row_is_refused_with_its_message_and_nothing_is_saved(
    staff, ict, case, kind
):
    make_cluster(key="lublin-med")
    bad_row, column, message = REFUSALS[case]
    good_row = ["lublin-med", 2024, 12, 10, 0, 0]
    response = upload(staff, [good_row, bad_row], kind, columns=COLUMNS[:6])
    page = text(response)
    assert response.status_code == HTTPStatus.OK
    assert "Some rows cannot be imported" in page
    header = "cluster key" if column == "cluster" else column  # as the file heads it
    assert f"<tr><td>3</td><td>{header}</td><td>{message}" in page
    assert "Confirm import" not in page
    assert 'action="/admin/clusters/membershipsnapshot/process_import/"' not in page
    assert MembershipSnapshot.objects.count() == 1


def test_the_same_cluster_and_year_twice_in_one_file_is_refused(staff, ict):
    rows = [["lublin-ict", 2024, 30, 25, 0, 0], ["lublin-ict", 2024, 31, 25, 0, 0]]
    page = text(upload(staff, rows, columns=COLUMNS[:6]))
    assert (
        "<td>3</td><td>year</td>"
        "<td>The file gives figures for lublin-ict in 2024 more than once." in page
    )
    assert MembershipSnapshot.objects.count() == 1


def test_every_bad_row_is_listed_at_once(staff, ict):
    rows = [
        ["nope", 2024, 1, 1, 0, 0],
        ["lublin-ict", 2024, 30, 25, 0, 0],
        ["lublin-ict", 2023, -1, 1, 0, 0],
    ]
    page = text(upload(staff, rows, columns=COLUMNS[:6]))
    assert "<tr><td>2</td><td>cluster key</td>" in page
    assert "<tr><td>4</td><td>members</td>" in page
    assert "<tr><td>4</td><td>year</td>" in page
    assert "<tr><td>3</td>" not in page


def test_missing_and_unknown_columns_are_named(staff, ict):
    columns = ["cluster", "year", "membrs", "enterprises"]
    page = text(upload(staff, [["lublin-ict", 2024, 30, 25]], columns=columns))
    assert "The file cannot be imported" in page
    assert (
        "The file lacks these columns: members, "
        "business environment institutions, universities." in page
    )
    assert "The file has columns this import does not know: membrs." in page
    assert "Confirm import" not in page
    assert MembershipSnapshot.objects.count() == 1


def test_a_file_in_another_format_than_chosen_is_refused_plainly(staff, ict):
    response = staff.post(
        IMPORT_URL,
        {"format": "1", "import_file": csv_file([["lublin-ict", 2024, 1, 1, 0, 0]])},
    )
    page = text(response)
    assert "The file could not be read in the format chosen." in page
    # The columns the file should have are still listed, not an empty list.
    assert "<code>cluster key, year, members, enterprises," in page
    assert MembershipSnapshot.objects.count() == 1


def test_refusals_are_in_polish_for_polish_staff(client, editor, ict):
    client.force_login(editor)
    rows = [["nope", 2024, 30, 25, 0, 0], ["lublin-ict", 2023, 30, 25, 0, 0]]
    page = text(upload(client, rows, columns=COLUMNS[:6]))
    assert "Nie ma klastra o kluczu „nope”." in page
    assert "Dane za 2023 dla lublin-ict już istnieją; popraw je w klastrze." in page


# All or nothing, and only what was previewed


def test_a_refusal_found_at_confirmation_saves_none_of_the_rows(staff, ict):
    med = make_cluster(key="lublin-med")
    preview = upload(
        staff,
        [["lublin-ict", 2024, 30, 25, 0, 0], ["lublin-med", 2024, 12, 10, 0, 0]],
        columns=COLUMNS[:6],
    )
    assert "Confirm import" in text(preview)
    make_snapshot(med, year=2024)  # someone adds these figures meanwhile
    response = confirm(staff, preview)
    assert response["Location"] == IMPORT_URL
    assert not ict.snapshots.filter(year=2024).exists()
    assert med.snapshots.get(year=2024).members == 10
    assert "Nothing was imported" in text(staff.get(IMPORT_URL))


def test_only_the_file_this_user_previewed_can_be_confirmed(staff, ict):
    preview = upload(staff, [["lublin-ict", 2024, 30, 25, 0, 0]], columns=COLUMNS[:6])
    data = form_values(text(preview))
    data["import_file_name"] = ["/etc/passwd"]
    response = staff.post(CONFIRM_URL, data)
    assert response["Location"] == IMPORT_URL
    assert MembershipSnapshot.objects.count() == 1
    assert "it was not previewed here" in text(staff.get(IMPORT_URL))


def test_a_confirmed_file_cannot_be_confirmed_twice(staff, ict):
    preview = upload(staff, [["lublin-ict", 2024, 30, 25, 0, 0]], columns=COLUMNS[:6])
    confirm(staff, preview)
    assert confirm(staff, preview)["Location"] == IMPORT_URL
    assert ict.snapshots.count() == 2


# Who may import


def test_editors_import_too_as_drafts(client, editor, ict):
    client.force_login(editor)
    preview = upload(client, [["lublin-ict", 2024, 30, 25, 0, 0]], columns=COLUMNS[:6])
    confirm(client, preview)
    assert not ict.snapshots.filter(year=2024).exists()
    draft = revisions.draft_of(Cluster, ict.pk)
    assert [
        row["fields"]["year"] for row in draft.content["children"]["snapshots"]
    ] == [
        2023,
        2024,
    ]


def test_staff_without_the_permission_cannot_import(client, ict):
    user = User.objects.create_user("visitor", password="unused-Password-1")
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get(IMPORT_URL).status_code == HTTPStatus.FORBIDDEN
    response = upload(client, [["lublin-ict", 2024, 30, 25, 0, 0]], columns=COLUMNS[:6])
    assert response.status_code == HTTPStatus.FORBIDDEN
    template = reverse("admin:clusters_membershipsnapshot_template", args=["csv"])
    assert client.get(template).status_code == HTTPStatus.FORBIDDEN


def test_figures_list_is_read_only_and_offers_the_import(staff, ict):
    page = text(staff.get(reverse("admin:clusters_membershipsnapshot_changelist")))
    assert f"<a href='{IMPORT_URL}' class=\"import_link\">" in page
    assert "/admin/clusters/membershipsnapshot/add/" not in page
    cluster_url = reverse("admin:clusters_cluster_change", args=[ict.pk])
    assert f'<a href="{cluster_url}">Lublin ICT Cluster</a>' in page


def test_cluster_list_links_to_the_import(staff):
    page = text(staff.get(reverse("admin:clusters_cluster_changelist")))
    assert f'<a href="{IMPORT_URL}" class="import_link">Import yearly figures</a>' in (
        page
    )


# The Content-Security-Policy: no inline script, handler or style


def test_import_pages_carry_no_inline_code(staff, ict):
    pages = [
        staff.get(IMPORT_URL),
        staff.get(reverse("admin:clusters_membershipsnapshot_changelist")),
        upload(staff, [["lublin-ict", 2024, 30, 25, 0, 0]], columns=COLUMNS[:6]),
        upload(staff, [["nope", 2024, 30, 25, 0, 0]], columns=COLUMNS[:6]),
        upload(staff, [["lublin-ict", 2024]], columns=["cluster", "year"]),
    ]
    for response in pages:
        assert response.status_code == HTTPStatus.OK
        assert "Content-Security-Policy" in response.headers
        assert_no_inline_code(text(response))


def test_required_columns_are_what_the_template_offers():
    assert set(REQUIRED_COLUMNS) <= set(COLUMNS)


# Robustness: files too big for the import are refused before the work, with the
# form shown again; a tampered confirmation goes back to the import page.


TOO_BIG = {
    "100,000 rows, over the size limit": (
        100_000,
        "The file is 2.8\xa0MB, and the import takes files of up to 512.0\xa0KB",
    ),
    "1,001 rows, over the row limit": (
        1001,
        "Too many rows for one import: 1001, and one import takes 1000 at most.",
    ),
}


@pytest.mark.parametrize("case", TOO_BIG)
def test_a_file_too_big_is_refused_at_once_and_the_form_shown_again(staff, ict, case):
    count, message = TOO_BIG[case]
    started = time.perf_counter()
    response = upload(staff, [["lublin-ict", 2024, 30, 25, 3, 2, "", ""]] * count)
    assert time.perf_counter() - started < 5
    page = text(response)
    assert response.status_code == HTTPStatus.OK
    assert f'<ul class="errorlist" id="id_import_file_error"><li>{message}' in page
    assert '<option value="0" selected>' in page  # the format chosen is kept
    assert "Confirm import" not in page
    assert MembershipSnapshot.objects.count() == 1


def test_size_and_row_refusals_are_in_polish_for_polish_staff(client, editor, ict):
    client.force_login(editor)
    page = text(upload(client, [["lublin-ict", 2024, 1, 1, 0, 0, "", ""]] * 1001))
    assert "Za dużo wierszy na jeden import: 1001" in page


def xlsx_bomb(unpacked_size: int) -> bytes:
    """A valid XLSX whose sheet is padded with blanks that compress ~1000 to 1."""
    template = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(COLUMNS)
    book.save(template)
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for part in source.infolist():
            data = source.read(part)
            if part.filename != "xl/worksheets/sheet1.xml":
                target.writestr(part, data)
                continue
            head, tail = data.split(b"<sheetData>")
            with target.open(part.filename, "w") as sheet:
                sheet.write(head + b"<sheetData>")
                for _ in range(unpacked_size // 2**20):
                    sheet.write(b" " * 2**20)
                sheet.write(tail)
    return bomb.getvalue()


def test_an_xlsx_zip_bomb_is_refused_without_being_opened(staff, ict, monkeypatch):
    bomb = xlsx_bomb(100 * 2**20)
    assert len(bomb) < 200_000

    def unopened(*args, **kwargs):
        raise AssertionError("the XLSX was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", unopened)
    response = staff.post(
        IMPORT_URL,
        {"format": "1", "import_file": SimpleUploadedFile("bomb.xlsx", bomb)},
    )
    page = text(response)
    assert response.status_code == HTTPStatus.OK
    assert "The file would unpack to 100.0\xa0MB" in page
    assert "Confirm import" not in page


TAMPERED = {
    "another format": {"format": ["1"]},
    "no such format": {"format": ["x"]},
    "no such resource": {"resource": ["5"]},
    "no file name": {"import_file_name": [""]},
}


@pytest.mark.parametrize("case", TAMPERED)
def test_a_tampered_confirmation_goes_back_to_the_import_page(staff, ict, case):
    preview = upload(staff, [["lublin-ict", 2024, 30, 25, 0, 0]], columns=COLUMNS[:6])
    data = form_values(text(preview)) | TAMPERED[case]
    response = staff.post(CONFIRM_URL, data)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == IMPORT_URL
    assert "it was not previewed here" in text(staff.get(IMPORT_URL))
    assert MembershipSnapshot.objects.count() == 1


def waiting_uploads() -> list[str]:
    return sorted(path.name for path in upload_folder().iterdir())


def test_uploads_never_confirmed_are_removed_hours_later(staff, ict):
    row = [["lublin-ict", 2024, 30, 25, 0, 0]]
    upload(staff, row, columns=COLUMNS[:6])
    [abandoned] = waiting_uploads()
    seven_hours_ago = time.time() - 7 * 60 * 60
    os.utime(upload_folder() / abandoned, (seven_hours_ago,) * 2)

    preview = upload(staff, row, columns=COLUMNS[:6])

    [waiting] = waiting_uploads()
    assert waiting != abandoned
    confirm(staff, preview)
    assert waiting_uploads() == []
    assert ict.snapshots.filter(year=2024).exists()


def test_an_upload_folder_others_could_write_to_is_refused(tmp_path):
    folder = tmp_path / f"lublin-yearly-figures-{os.getuid()}"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)  # made first by someone else, open to all

    with pytest.raises(PermissionError, match="closed to others"):
        upload_folder()


def test_preview_shows_the_previous_figures_and_flags_a_jump(staff, ict):
    # ict had 20 members and 15 enterprises in 2023; 200 members looks mistyped.
    page = text(
        upload(staff, [["lublin-ict", 2024, 200, 16, 0, 0]], columns=COLUMNS[:6])
    )
    assert '200 <span class="previous-figure">(2023: 20)</span>' in page
    assert "more than three times the previous figure: check it" in page
    assert '16 <span class="previous-figure">(2023: 15)</span></td>' in page
    assert page.count('class="figure-warning"') == 1
    assert "Confirm import" in page  # a warning, not a refusal
