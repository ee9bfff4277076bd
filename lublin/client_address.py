"""The client address that the admin login throttling (django-axes) counts failures by.

Behind N trusted proxies the client is the address the first of them saw: the Nth
entry from the right of X-Forwarded-For, since each proxy appends the address it was
connected from (nginx's `$proxy_add_x_forwarded_for`) and anything further left came
from the client. Without proxies it is the connection's own address. An address that
cannot be known refuses the login (400): failures recorded under no address, or under
the proxy's, would let one client lock an account out for everyone.
"""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from python_ipware import IpWare

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
    if not proxies and "HTTP_X_FORWARDED_FOR" in request.META:
        raise UnknownClientAddress(
            "A login arrived through a proxy (it carries X-Forwarded-For) but "
            "DJANGO_TRUSTED_PROXY_COUNT is 0: set it to the number of proxies in "
            "front of the application (docs/deployment.md)."
        )
    # python-ipware counts the proxies listed in the header, which leaves out the one
    # connected to us: `proxy_count` is one less, and more entries on the left (the
    # client's own) are allowed rather than refused (not strict).
    ipware = IpWare(
        precedence=("HTTP_X_FORWARDED_FOR",) if proxies else ("REMOTE_ADDR",),
        proxy_count=max(proxies - 1, 0),
    )
    address, _trusted = ipware.get_client_ip(request.META, strict=False)
    if address is None:
        raise UnknownClientAddress(
            f"A login whose X-Forwarded-For holds fewer than {proxies} addresses: "
            "it did not come through the trusted proxies, or "
            "DJANGO_TRUSTED_PROXY_COUNT is larger than their number."
            if proxies
            else "A login without a client address."
        )
    return str(address)
