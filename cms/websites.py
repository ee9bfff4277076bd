"""Whether websites answer, checked without ever reaching the server's own network.

Staff can set any address as a website, so the check must not become a way to
reach the server's own network: every hop's host is resolved once, all its
addresses must be public, the connection goes to those checked addresses (a second
DNS answer cannot swap them) and staff learn only whether a site answers. Checked
only when asked, a few at a time, with a time limit per website and for the whole
check.
"""

import contextlib
import http.client
import ipaddress
import logging
import socket
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from http import HTTPStatus
from time import monotonic
from urllib.parse import urljoin, urlsplit, urlunsplit

logger = logging.getLogger(__name__)

SITE_TIMEOUT = 5  # seconds per website, its redirects and both methods included
MAX_REDIRECTS = 3
REDIRECT_STATUSES = {
    HTTPStatus.MOVED_PERMANENTLY,
    HTTPStatus.FOUND,
    HTTPStatus.SEE_OTHER,
    HTTPStatus.TEMPORARY_REDIRECT,
    HTTPStatus.PERMANENT_REDIRECT,
}
# Seconds for the whole check: under gunicorn's default 30 s worker timeout, since
# the admin's button runs the check within its request.
TOTAL_TIMEOUT = 20
CONCURRENCY = 4
USER_AGENT = "LublinClustersCMS-link-check/1.0 (+content quality report)"


@dataclass
class WebsiteResult:
    url: str
    ok: bool
    records: list = field(default_factory=list)


class Unreachable(Exception):
    """The check will not go on: not a web address, an address it refuses, or too
    many redirects."""


# Networks that lead to an IPv4 address of any kind (6to4, NAT64), which Python's
# `is_global` may count as global: no website needs them.
TRANSLATION_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in ("2002::/16", "64:ff9b::/96", "64:ff9b:1::/48")
)


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether the check may connect to `address`: not loopback, private,
    link-local, multicast, reserved or unspecified, in IPv4 or IPv6."""
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not (address.version == 6 and address.is_site_local)
        and not any(address in network for network in TRANSLATION_NETWORKS)
    )


def public_addresses(host: str, port: int) -> list[str]:
    """Every address of `host`, resolved once; refused when any of them is not
    public, whichever the connection would have used."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(sockaddr[0] for *_, sockaddr in found))
    refused = [
        address
        for address in addresses
        if not is_public_address(ipaddress.ip_address(address))
    ]
    if refused:
        raise Unreachable(f"{host} resolves to {', '.join(refused)}")
    return addresses


def open_connection(addresses: list[str], port: int, deadline: float) -> socket.socket:
    """A connection to the first of `addresses` that accepts one."""
    for address in addresses[:-1]:
        with contextlib.suppress(OSError):
            return socket.create_connection((address, port), time_left(deadline))
    return socket.create_connection((addresses[-1], port), time_left(deadline))


@contextlib.contextmanager
def cut_off_at(deadline: float, sock: socket.socket):
    """Shut the connection down at `deadline`: socket timeouts bound each read,
    not the whole answer, and a server may send a byte at a time."""
    left = time_left(deadline)
    spare = sock.dup()  # the same connection, still at hand once TLS wraps `sock`
    timer = threading.Timer(left, shut_down, [spare])
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        spare.close()


def shut_down(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: the answer came in time
        sock.shutdown(socket.SHUT_RDWR)


def time_left(deadline: float) -> float:
    left = deadline - monotonic()
    if left <= 0:
        raise TimeoutError("time limit")
    return left


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Speaks over a connection opened beforehand to a checked address, whatever
    the host name resolves to by now; the Host header still names the host."""

    pinned_socket: socket.socket | None = None

    def connect(self):
        self.sock = self.pinned_socket


class PinnedHTTPSConnection(http.client.HTTPSConnection, PinnedHTTPConnection):
    """TLS over the pinned connection: HTTPSConnection.connect wraps it with SNI
    and the certificate check on the host name."""


def answer_status(url: str, method: str, deadline: float) -> int:
    """The status `url` answers with after at most MAX_REDIRECTS redirects, all
    before `deadline`. Raises when an address is refused or nothing answers."""
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Unreachable(f"not a web address: {url}")
        https = parts.scheme == "https"
        host = parts.hostname.encode("idna").decode("ascii")
        port = parts.port or (443 if https else 80)
        sock = open_connection(public_addresses(host, port), port, deadline)
        with sock, cut_off_at(deadline, sock):
            connection_class = PinnedHTTPSConnection if https else PinnedHTTPConnection
            connection = connection_class(host, port)
            connection.pinned_socket = sock
            try:
                connection.request(
                    method,
                    urlunsplit(("", "", parts.path or "/", parts.query, "")),
                    headers={"User-Agent": USER_AGENT},
                )
                response = connection.getresponse()
                if method == "GET":
                    response.read(1024)
                response.close()
                time_left(deadline)  # a cut-off answer ends early, as if complete
            finally:
                connection.close()
        location = response.getheader("Location")
        if response.status not in REDIRECT_STATUSES or not location:
            return response.status
        url = urljoin(url, location)
    raise Unreachable(f"more than {MAX_REDIRECTS} redirects")


def check_website(url: str, timeout: float = SITE_TIMEOUT) -> WebsiteResult:
    """HEAD the address, then GET it when HEAD fails: some servers refuse HEAD.

    Only whether it answers is reported: why not (refused, closed, an error
    status) would tell a prober which internal ports are open. The reason is
    logged for the administrators.
    """
    deadline = monotonic() + timeout
    for method in ("HEAD", "GET"):
        try:
            status = answer_status(url, method, deadline)
        except Unreachable as error:
            logger.warning("Website check: %s not checked: %s", url, error)
            return WebsiteResult(url, False)
        except (OSError, http.client.HTTPException, ValueError) as error:
            logger.info("Website check: %s %s does not answer: %r", method, url, error)
            return WebsiteResult(url, False)
        if status < HTTPStatus.BAD_REQUEST:
            return WebsiteResult(url, True)
        logger.info("Website check: %s %s answers %s", method, url, status)
        if status in (HTTPStatus.NOT_FOUND, HTTPStatus.GONE):
            break  # GET would only say the same
    return WebsiteResult(url, False)


def check_websites(
    urls,
    *,
    site_timeout: float = SITE_TIMEOUT,
    total_timeout: float = TOTAL_TIMEOUT,
    concurrency: int = CONCURRENCY,
) -> list[WebsiteResult]:
    """Check each address once, a few at a time; what the time limit cuts off
    counts as not answering."""
    urls = list(dict.fromkeys(urls))
    if not urls:
        return []
    deadline = monotonic() + total_timeout
    executor = ThreadPoolExecutor(max_workers=concurrency)
    futures = {url: executor.submit(check_website, url, site_timeout) for url in urls}
    wait(futures.values(), timeout=max(0, deadline - monotonic()))
    executor.shutdown(wait=False, cancel_futures=True)
    results = []
    for url, future in futures.items():
        if future.done() and not future.cancelled():
            results.append(future.result())
        else:
            logger.info("Website check: %s not checked in time", url)
            results.append(WebsiteResult(url, False))
    return results
