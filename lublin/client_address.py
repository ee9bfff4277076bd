"""The client address that the admin login throttling (django-axes) counts failures by.

Behind N trusted proxies the client is the address the first of them saw: the Nth
entry from the right of X-Forwarded-For, since each proxy appends the address it was
connected from (nginx's `$proxy_add_x_forwarded_for`) and anything further left came
from the client. Without proxies it is the connection's own address. An address that
cannot be known refuses the login (400): failures recorded under no address, or under
the proxy's, would let one client lock an account out for everyone.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest

IN_PROCESS = "127.0.0.1"


class UnknownClientAddress(SuspiciousOperation):
    """The request does not say which client sent it; Django answers 400 and logs it."""


def client_ip(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: the address of the client, never None."""
    if "REMOTE_ADDR" not in request.META:
        # Not a connection but a login made in code (the test client's force_login,
        # say): every WSGI server sets REMOTE_ADDR, so no client can get here.
        return IN_PROCESS
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies:
        if forwarded is not None:
            raise UnknownClientAddress(
                "A login arrived through a proxy (it carries X-Forwarded-For) but "
                "DJANGO_TRUSTED_PROXY_COUNT is 0: set it to the number of proxies in "
                "front of the application (docs/deployment.md)."
            )
        return valid_address(request.META["REMOTE_ADDR"])
    # Split on commas alone, never reading quotes or other syntax: whatever the client
    # wrote stays to the left of the entries the proxies appended.
    entries = forwarded.split(",") if forwarded else []
    if len(entries) < proxies:
        raise UnknownClientAddress(
            f"A login whose X-Forwarded-For holds fewer than {proxies} addresses: "
            "it did not come through the trusted proxies, or "
            "DJANGO_TRUSTED_PROXY_COUNT is larger than their number."
        )
    return valid_address(entries[-proxies])


def valid_address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise UnknownClientAddress(
            f"A login from {text.strip()[:60]!r}, which is not an address."
        ) from None
