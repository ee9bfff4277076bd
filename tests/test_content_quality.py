"""The content-quality report: stale records, counts that disagree, missing
translations and websites that no longer answer (only when asked, bounded in time).

Websites are served by a fake site on 127.0.0.1, which `public_site` lets the check
reach as though it were on the internet; a connection off this machine fails the test.
"""

import contextlib
import ipaddress
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from datetime import date, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from unittest import mock
from urllib.parse import parse_qs, urlencode

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from clusters import quality
from clusters.models import Cluster, Membership
from cms import translation_status, websites
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
    """Only this machine may be reached."""
    real = socket.create_connection

    def loopback_only(address, *args, **kwargs):
        for *_, (host, *_) in socket.getaddrinfo(*address, type=socket.SOCK_STREAM):
            assert ipaddress.ip_address(host).is_loopback, f"outside traffic to {host}"
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
        self.server.requests.append((self.command, self.path, self.headers["Host"]))
        path, _, query = self.path.partition("?")
        hops = re.fullmatch(r"/(slow-)?hops/(\d+)", path)
        if path == "/ok":
            self.reply(HTTPStatus.OK, body)
        elif path == "/no-head":
            self.reply(HTTPStatus.OK if body else HTTPStatus.METHOD_NOT_ALLOWED, body)
        elif path == "/moved":
            self.redirect("/ok")
        elif path == "/to-ftp":
            self.redirect("ftp://127.0.0.1/file")
        elif path == "/to":
            self.redirect(parse_qs(query)["url"][0])
        elif hops:
            slow, left = hops.group(1), int(hops.group(2))
            if slow:
                time.sleep(0.4)
            if left:
                self.redirect(f"/{slow or ''}hops/{left - 1}")
            else:
                self.reply(HTTPStatus.OK, body)
        elif path == "/slow":
            time.sleep(2)
            self.reply(HTTPStatus.OK, body)
        elif path == "/trickle":
            self.trickle()
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

    def redirect(self, location: str):
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.end_headers()

    def trickle(self):
        """A header a byte every 0.1 s, for 3 s: no single read waits long."""
        with contextlib.suppress(OSError):
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _n in range(30):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSite)
    server.daemon_threads = True
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def site(fake_site):
    return f"http://127.0.0.1:{fake_site.server_address[1]}"


@pytest.fixture
def public_site(site, monkeypatch):
    """The fake site, its address (127.0.0.1 only) taken for a public one: every
    other address still meets the real rule."""
    real = websites.is_public_address
    monkeypatch.setattr(
        websites,
        "is_public_address",
        lambda address: str(address) == "127.0.0.1" or real(address),
    )
    return site


@pytest.fixture
def listener():
    """Listening sockets that tell afterwards whether anything connected."""
    sockets = []

    def listen(host: str, port: int = 0) -> socket.socket:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family)
        sock.bind((host, port))
        sock.listen()
        sock.setblocking(False)
        sockets.append(sock)
        return sock

    yield listen
    for sock in sockets:
        sock.close()


def was_connected(sock: socket.socket) -> bool:
    try:
        sock.accept()[0].close()
    except BlockingIOError:
        return False
    return True


def dns_answers(name: str, port: int, *answers: list[str]):
    """socket.getaddrinfo answering for `name` with `answers` in turn, as a DNS
    server that changes its answer would; other names resolve as usual."""
    real = socket.getaddrinfo
    answers = iter(answers)

    def getaddrinfo(host, *args, **kwargs):
        if host != name:
            return real(host, *args, **kwargs)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in next(answers)
        ]

    return mock.patch.object(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def tls_site(fake_site, monkeypatch, tmp_path):
    """The fake site over TLS, with a certificate for site.example only, from a
    certificate authority the check is made to trust."""
    if not shutil.which("openssl"):
        # CI machines have it: there a missing openssl fails rather than skips.
        if os.environ.get("CI") == "true":
            pytest.fail("needs the openssl command")
        pytest.skip("needs the openssl command")

    def openssl(*args: str) -> None:
        subprocess.run(
            ["openssl", *args], cwd=tmp_path, check=True, capture_output=True
        )

    openssl(
        *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
        *("-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Test CA"),
        *("-addext", "basicConstraints=critical,CA:TRUE"),
        *("-addext", "keyUsage=critical,keyCertSign"),
    )
    openssl(
        *("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=site.example"),
        *("-keyout", "site.key", "-out", "site.csr"),
    )
    (tmp_path / "san").write_text("subjectAltName=DNS:site.example\n")
    openssl(
        *("x509", "-req", "-in", "site.csr", "-days", "1", "-extfile", "san"),
        *("-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "site.pem"),
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "site.pem", tmp_path / "site.key")
    fake_site.server_names = []
    context.sni_callback = lambda sock, name, context: fake_site.server_names.append(
        name
    )
    fake_site.socket = context.wrap_socket(fake_site.socket, server_side=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    return fake_site


# On the starter content


def test_seed_industrial_upland_states_29_members_and_lists_24(seed):
    with translation.override("en"):
        problems = [
            problem.message
            for problem in quality.count_problems()
            if problem.cluster.key == INDUSTRIAL_UPLAND
        ]
    assert (
        "states 29 members (2024 or later) and lists 24 member organisations"
        in problems
    )
    assert "states 22 enterprises (2024 or later) and lists 17" in problems
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
    assert "states 29 members (2024 or later) and lists 24 member organisations" in line
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
    counts = {
        row.model: row.counts for row in translation_status.missing_translation_counts()
    }
    assert counts[Cluster] == {"pl": 1, "en": 1}


# Websites


def test_websites_are_not_checked_unless_asked(seed):
    with mock.patch.object(websites, "check_website") as check:
        call_command("content_report", stdout=StringIO())
    check.assert_not_called()


def test_website_check_heads_then_gets_and_follows_web_redirects(public_site):
    assert websites.check_website(f"{public_site}/ok").ok
    assert websites.check_website(f"{public_site}/no-head").ok
    assert websites.check_website(f"{public_site}/moved").ok


def test_website_check_tells_only_whether_a_site_answers(
    public_site, closed_port, caplog
):
    urls = [
        f"{public_site}/gone",
        closed_port,
        f"{public_site}/to-ftp",
        "javascript:alert(1)",
    ]
    caplog.set_level("INFO", logger="cms.websites")
    results = [websites.check_website(url) for url in urls]
    assert results == [websites.WebsiteResult(url, False) for url in urls]
    assert f"HEAD {public_site}/gone answers 404" in caplog.text  # for the admins


def test_loopback_addresses_are_refused_without_connecting(listener):
    ipv4, ipv6 = listener("127.0.0.1"), listener("::1")
    port, port6 = ipv4.getsockname()[1], ipv6.getsockname()[1]
    urls = [
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/",
        f"http://127.1:{port}/",
        f"http://2130706433:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",
        f"https://127.0.0.1:{port}/",
        f"http://[::1]:{port6}/",
    ]
    assert [websites.check_website(url).ok for url in urls] == [False] * len(urls)
    assert not was_connected(ipv4)
    assert not was_connected(ipv6)


@pytest.mark.parametrize(
    "host",
    [
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "[::]",
        "[fe80::1]",
        "[fc00::1]",
        "[fec0::1]",
        "[ff02::1]",
        "[::ffff:10.0.0.1]",
        "[::ffff:169.254.169.254]",
        "[2002:a00:1::1]",
        "[64:ff9b::a00:1]",
    ],
)
def test_internal_addresses_are_refused_without_connecting(host):
    with mock.patch.object(socket, "create_connection") as connect:
        result = websites.check_website(f"http://{host}/")
    assert not result.ok
    connect.assert_not_called()


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "2606:4700::1", "::ffff:93.184.215.14"]
)
def test_public_addresses_are_allowed(address):
    assert websites.is_public_address(ipaddress.ip_address(address))


def test_a_name_with_any_internal_address_is_refused(public_site, fake_site):
    port = fake_site.server_address[1]
    with dns_answers("mixed.example", port, ["127.0.0.1", "10.0.0.1"]):
        result = websites.check_website(f"http://mixed.example:{port}/ok")
    assert not result.ok
    assert fake_site.requests == []


def test_the_check_connects_to_the_address_it_checked(public_site, fake_site, listener):
    """A second DNS answer (rebinding to an internal address) is never used."""
    port = fake_site.server_address[1]
    rebound = listener("127.0.0.2", port)
    with dns_answers("rebind.example", port, ["127.0.0.1"], ["127.0.0.2"]):
        result = websites.check_website(f"http://rebind.example:{port}/ok")
    assert result.ok
    assert fake_site.requests == [("HEAD", "/ok", f"rebind.example:{port}")]
    assert not was_connected(rebound)


def test_tls_names_the_host_while_connecting_to_the_checked_address(
    public_site, tls_site
):
    """SNI, the Host header and the certificate check use the name, not the
    address the check connected to."""
    port = tls_site.server_address[1]
    with (
        dns_answers("site.example", port, ["127.0.0.1"]),
        dns_answers("other.example", port, ["127.0.0.1"]),
    ):
        right = websites.check_website(f"https://site.example:{port}/ok")
        wrong = websites.check_website(f"https://other.example:{port}/ok")
    assert right.ok
    assert not wrong.ok  # the certificate is for site.example
    assert tls_site.requests == [("HEAD", "/ok", f"site.example:{port}")]
    assert tls_site.server_names == ["site.example", "other.example"]


def test_a_redirect_to_an_internal_address_is_refused(public_site, fake_site, listener):
    ipv4, ipv6 = listener("127.0.0.2"), listener("::1")
    for target in (
        f"http://127.0.0.2:{ipv4.getsockname()[1]}/",
        f"http://[::1]:{ipv6.getsockname()[1]}/",
    ):
        url = f"{public_site}/to?{urlencode({'url': target})}"
        assert not websites.check_website(url).ok
    assert [request[0] for request in fake_site.requests] == ["HEAD", "HEAD"]
    assert not was_connected(ipv4)
    assert not was_connected(ipv6)


def test_redirects_are_followed_three_times_at_most(public_site):
    assert websites.check_website(f"{public_site}/hops/3").ok
    assert not websites.check_website(f"{public_site}/hops/4").ok


@pytest.mark.parametrize(
    "path",
    ["/slow", "/slow-hops/3", "/trickle"],
    ids=["a slow answer", "redirects each a little slow", "a byte at a time"],
)
def test_a_site_is_given_up_at_its_time_limit(public_site, path):
    started = time.monotonic()
    result = websites.check_website(f"{public_site}{path}", timeout=1)
    assert not result.ok
    assert time.monotonic() - started < 1.5


def test_the_whole_check_stops_at_its_time_limit(public_site):
    urls = [f"{public_site}/slow?{n}" for n in range(6)]
    started = time.monotonic()
    results = websites.check_websites(
        urls, site_timeout=5, total_timeout=1, concurrency=2
    )
    assert time.monotonic() - started < 1.8
    assert results == [websites.WebsiteResult(url, False) for url in urls]


def test_each_address_is_checked_once_a_few_at_a_time(public_site):
    urls = [f"{public_site}/ok", f"{public_site}/ok", f"{public_site}/gone"]
    with mock.patch.object(
        websites, "check_website", wraps=websites.check_website
    ) as check:
        results = websites.check_websites(urls, concurrency=2)
    assert check.call_count == 2
    assert [result.ok for result in results] == [True, False]


def test_content_report_checks_websites_when_asked(public_site):
    site = public_site
    make_cluster(key="dziala", website=f"{site}/ok")
    make_cluster(key="nie-dziala", name_en="Gone Cluster", website=f"{site}/gone")
    make_report(key="raport", url=f"{site}/moved")
    out = StringIO()
    call_command("content_report", "--check-websites", "--language", "en", stdout=out)
    report = out.getvalue()
    assert "Websites that do not answer: 1 of 3" in report
    assert f"- {site}/gone (Gone Cluster)" in report
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
        "podana liczba członków: 29 (2024 lub później), organizacji członkowskich na liście: 24"
        in content
    )
    assert "Niezweryfikowane od 12 miesięcy: 24 klastry" in content
    assert 'name="check_websites"' in content


def test_quality_page_checks_websites_only_on_the_button(client, editor, public_site):
    cluster = make_cluster(name_pl="Klaster Bez Strony", website=f"{public_site}/gone")
    client.force_login(editor)
    url = reverse("admin:clusters_quality")
    with mock.patch.object(
        websites, "check_website", wraps=websites.check_website
    ) as check:
        client.get(url)
        assert check.call_count == 0
        response = client.post(url, {"check_websites": "1"})
        assert check.call_count == 1
    content = response.content.decode()
    assert "Strony internetowe, które nie odpowiadają: 1 z 1" in content
    assert "po najwyżej 3 przekierowaniach" in content
    assert "Adresy w sieciach wewnętrznych, w tym w sieci serwera" in content
    assert f"{public_site}/gone" in content
    assert reverse("admin:clusters_cluster_change", args=[cluster.pk]) in content


def test_quality_page_tells_staff_only_that_a_site_does_not_answer(
    client, editor, public_site, closed_port, listener
):
    """An error status, a closed port and an internal address look the same: the
    page cannot serve to map which ports of the server's network are open."""
    internal = f"http://127.0.0.2:{listener('127.0.0.2').getsockname()[1]}/"
    urls = [
        f"{public_site}/gone",
        closed_port,
        internal,
        f"{public_site}/to?{urlencode({'url': internal})}",
    ]
    for number, url in enumerate(urls):
        make_cluster(key=f"klaster-{number}", website=url)
    client.force_login(editor)
    response = client.post(reverse("admin:clusters_quality"), {"check_websites": "1"})
    content = response.content.decode()
    section = content[content.index('id="websites"') :]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", section, re.DOTALL)
    assert len(rows) == len(urls)
    generic = {
        re.sub(r"<a [^>]*>[^<]*</a>", "RECORD", row.replace(escape(url), "URL"))
        for row, url in zip(rows, urls, strict=True)
    }
    assert len(generic) == 1
    # The addresses themselves left out: a random port may read "404…".
    for url in urls:
        section = section.replace(escape(url), "URL")
    for detail in ("404", "odmow", "refused", "Errno", "timed out"):
        assert detail not in section


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
