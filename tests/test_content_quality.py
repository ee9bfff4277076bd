"""The content-quality report: stale records, counts that disagree, missing
translations and websites that no longer answer (only when asked, bounded in time).

Websites are served by a fake site on 127.0.0.1; any other connection fails the test.
"""

import socket
import threading
import time
from datetime import date, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from clusters import quality
from clusters.models import Cluster, Membership
from tests.factories import (
    make_cluster,
    make_organisation,
    make_report,
    make_snapshot,
)

pytestmark = pytest.mark.django_db

INDUSTRIAL_UPLAND = "klaster-wyzyna-motoryzacyjna-i-maszynowa"


@pytest.fixture(autouse=True)
def no_outside_traffic(monkeypatch):
    """Only the fake site on 127.0.0.1 may be reached."""
    real = socket.create_connection

    def loopback_only(address, *args, **kwargs):
        host = address[0]
        assert host in ("127.0.0.1", "localhost"), f"outside traffic to {host}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", loopback_only)


@pytest.fixture
def seed():
    call_command("loaddata", "ecosystems", "clusters", "contacts", verbosity=0)


class FakeSite(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.answer(body=False)

    def do_GET(self):
        self.answer(body=True)

    def answer(self, body: bool):
        path = self.path.split("?")[0]
        if path == "/ok":
            self.reply(HTTPStatus.OK, body)
        elif path == "/no-head":
            self.reply(HTTPStatus.OK if body else HTTPStatus.METHOD_NOT_ALLOWED, body)
        elif path == "/moved":
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", "/ok")
            self.end_headers()
        elif path == "/to-ftp":
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", "ftp://127.0.0.1/file")
            self.end_headers()
        elif path == "/slow":
            time.sleep(2)
            self.reply(HTTPStatus.OK, body)
        else:
            self.reply(HTTPStatus.NOT_FOUND, body)

    def reply(self, status, body: bool):
        content = b"<!DOCTYPE html><title>fake</title>"
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if body:
            self.wfile.write(content)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSite)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


# On the starter content


def test_seed_industrial_upland_states_29_members_and_lists_24(seed):
    with translation.override("en"):
        problems = [
            problem.message
            for problem in quality.count_problems()
            if problem.cluster.key == INDUSTRIAL_UPLAND
        ]
    assert "states 29 members (2024) and lists 24 member organisations" in problems
    assert "states 22 enterprises (2024) and lists 17" in problems
    # Its business support institutions (4) and universities (3) agree.
    assert len(problems) == 2


def test_seed_clusters_are_all_not_verified(seed):
    stale = quality.stale_clusters()
    assert stale.count() == Cluster.objects.count() == 24
    assert all(cluster.verified_on is None for cluster in stale)


def test_content_report_command_on_the_seed(seed):
    out = StringIO()
    call_command("content_report", "--language", "en", stdout=out)
    report = out.getvalue()
    assert "Not verified for 12 months: 24" in report
    line = next(
        line
        for line in report.splitlines()
        if INDUSTRIAL_UPLAND in line and "members" in line
    )
    assert "Industrial Upland Cluster" in line
    assert "states 29 members (2024) and lists 24 member organisations" in line
    assert "Missing translations" in report
    assert "Not checked: add --check-websites." in report


def test_content_report_command_speaks_polish_by_default(seed):
    out = StringIO()
    call_command("content_report", stdout=out)
    assert "Niezweryfikowane od 12 miesięcy: 24" in out.getvalue()


# Verification


def test_verified_within_twelve_months_is_not_stale():
    today = date(2026, 6, 15)
    fresh = make_cluster(verified_on=date(2025, 6, 15))
    stale = make_cluster(verified_on=date(2025, 6, 14))
    never = make_cluster(verified_on=None)
    found = list(quality.stale_clusters(today=today))
    assert found == [never, stale]
    assert fresh not in found


def test_today_is_the_local_date(settings):
    make_cluster(verified_on=timezone.localdate() - timedelta(days=30))
    assert not quality.stale_clusters().exists()


def test_twelve_months_before_a_leap_day_is_the_last_of_february():
    assert quality.months_before(date(2028, 2, 29), 12) == date(2027, 2, 28)
    assert quality.months_before(date(2026, 1, 31), 1) == date(2025, 12, 31)


# Counts


def with_members(cluster, organisations: dict[str, int]) -> None:
    for kind, number in organisations.items():
        for _n in range(number):
            Membership.objects.create(
                cluster=cluster, organisation=make_organisation(kind=kind)
            )


def test_counts_that_agree_are_not_reported():
    cluster = make_cluster()
    make_snapshot(cluster, year=2024, members=3, enterprises=2, universities=1)
    with_members(cluster, {"enterprise": 2, "university": 1})
    assert quality.count_problems() == []


def test_only_the_latest_snapshot_is_held_against_the_member_list():
    cluster = make_cluster()
    make_snapshot(cluster, year=2020, members=10, enterprises=None)
    make_snapshot(cluster, year=2024, members=2, enterprises=None)
    with_members(cluster, {"enterprise": 2})
    assert quality.count_problems() == []


def test_a_cluster_without_a_member_list_is_not_held_against_its_figures():
    cluster = make_cluster()
    make_snapshot(cluster, members=40, enterprises=30)
    assert quality.count_problems() == []


def test_parts_adding_up_to_more_than_the_total_are_reported():
    cluster = make_cluster()
    make_snapshot(
        cluster,
        year=2023,
        members=10,
        enterprises=8,
        business_environment_institutions=2,
        universities=3,
    )
    with translation.override("en"):
        messages = [problem.message for problem in quality.count_problems()]
    assert messages == ["its parts add up to 13, more than its 10 members (2023)"]


def test_segments_against_stated_member_clusters():
    parent = make_cluster(member_clusters=3)
    make_cluster(parent=parent)
    make_cluster(parent=parent)
    make_cluster(member_clusters=5)  # a cluster of clusters without segments
    with translation.override("en"):
        problems = quality.count_problems()
    assert [(p.cluster, p.message) for p in problems] == [
        (parent, "states 3 member clusters and has 2 segments")
    ]


def test_count_problems_make_two_queries(django_assert_num_queries):
    for n in range(5):
        cluster = make_cluster()
        make_snapshot(cluster, members=n + 5, enterprises=0)
        with_members(cluster, {"enterprise": 2})
    with django_assert_num_queries(2):
        assert len(quality.count_problems()) == 10


# Translations


def test_missing_translations_are_counted_per_model_and_language():
    make_cluster(name_en="", characteristics_pl="Opis.", characteristics_en="")
    make_cluster(name_pl="", name_en="English only")
    make_cluster()
    counts = {row.model: row.counts for row in quality.missing_translation_counts()}
    assert counts[Cluster] == {"pl": 1, "en": 1}


# Websites


def test_websites_are_not_checked_unless_asked(seed):
    with mock.patch.object(quality, "check_website") as check:
        call_command("content_report", stdout=StringIO())
    check.assert_not_called()


def test_website_check_heads_then_gets_and_follows_web_redirects(site):
    assert quality.check_website(f"{site}/ok").ok
    assert quality.check_website(f"{site}/no-head").ok
    assert quality.check_website(f"{site}/moved").ok


def test_website_check_reports_what_does_not_answer(site, closed_port):
    with translation.override("en"):
        gone = quality.check_website(f"{site}/gone")
        refused = quality.check_website(closed_port)
        ftp = quality.check_website(f"{site}/to-ftp")
        not_web = quality.check_website("javascript:alert(1)")
    assert (gone.ok, gone.detail) == (False, "answers 404")
    assert not refused.ok and refused.detail.startswith("does not answer")
    assert not ftp.ok
    assert (not_web.ok, not_web.detail) == (False, "not a web address")


def test_a_slow_site_is_given_up_after_its_time_limit(site):
    started = time.monotonic()
    result = quality.check_website(f"{site}/slow", timeout=0.5)
    assert not result.ok
    assert time.monotonic() - started < 1.9


def test_the_whole_check_stops_at_its_time_limit(site):
    urls = [f"{site}/slow?{n}" for n in range(6)]
    started = time.monotonic()
    with translation.override("en"):
        results = quality.check_websites(
            urls, site_timeout=5, total_timeout=1, concurrency=2
        )
    assert time.monotonic() - started < 1.8
    assert [result.url for result in results] == urls
    assert {result.detail for result in results} == {"not checked: time limit"}


def test_each_address_is_checked_once_a_few_at_a_time(site):
    urls = [f"{site}/ok", f"{site}/ok", f"{site}/gone"]
    with mock.patch.object(
        quality, "check_website", wraps=quality.check_website
    ) as check:
        results = quality.check_websites(urls, concurrency=2)
    assert check.call_count == 2
    assert [result.ok for result in results] == [True, False]


def test_content_report_checks_websites_when_asked(site):
    make_cluster(key="dziala", website=f"{site}/ok")
    make_cluster(key="nie-dziala", name_en="Gone Cluster", website=f"{site}/gone")
    make_report(key="raport", url=f"{site}/moved")
    out = StringIO()
    call_command("content_report", "--check-websites", "--language", "en", stdout=out)
    report = out.getvalue()
    assert "Websites that do not answer: 1 of 3" in report
    assert f"- {site}/gone: answers 404 (Gone Cluster)" in report
    assert f"{site}/ok" not in report


# The admin page


def test_quality_page_shows_the_report_to_staff(client, editor, seed):
    client.force_login(editor)
    response = client.get(reverse("admin:clusters_quality"))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    industrial = Cluster.objects.get(key=INDUSTRIAL_UPLAND)
    assert reverse("admin:clusters_cluster_change", args=[industrial.pk]) in content
    assert (
        "podana liczba członków: 29 (2024), organizacji członkowskich na liście: 24"
        in content
    )
    assert "Niezweryfikowane od 12 miesięcy: 24 klastry" in content
    assert 'name="check_websites"' in content


def test_quality_page_checks_websites_only_on_the_button(client, editor, site):
    cluster = make_cluster(name_pl="Klaster Bez Strony", website=f"{site}/gone")
    client.force_login(editor)
    url = reverse("admin:clusters_quality")
    with mock.patch.object(
        quality, "check_website", wraps=quality.check_website
    ) as check:
        client.get(url)
        assert check.call_count == 0
        response = client.post(url, {"check_websites": "1"})
        assert check.call_count == 1
    content = response.content.decode()
    assert f"{site}/gone" in content
    assert reverse("admin:clusters_cluster_change", args=[cluster.pk]) in content


def test_quality_page_needs_permission_to_view_clusters(client):
    staff = User.objects.create_user(
        "staff", password="unused-Password-1", is_staff=True
    )
    client.force_login(staff)
    assert client.get(reverse("admin:clusters_quality")).status_code == (
        HTTPStatus.FORBIDDEN
    )
    client.logout()
    response = client.get(reverse("admin:clusters_quality"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))
