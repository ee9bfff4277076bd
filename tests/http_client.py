"""A person's browser over real HTTP, for tests against servers in other processes."""

import http.client
import re
from http import HTTPStatus
from urllib.parse import urlencode

from django.urls import reverse


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]


class Browser:
    """An HTTP client connecting from one loopback address, keeping its cookies."""

    def __init__(self, port: int, source: str = "127.0.0.1"):
        self.port, self.source, self.cookies = port, source, {}

    def request(
        self, method: str, path: str, body: dict | None = None, **headers
    ) -> tuple[int, str]:
        """(status, page); a form's fields may have one value or a list of them."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.source, 0)
        )
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, urlencode(body or {}, doseq=True), headers)
        response = connection.getresponse()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";")[0].split("=", 1)
            self.cookies[name] = value
        page = response.read().decode()
        connection.close()
        return response.status, page

    def log_in(
        self, username: str, password: str, code: str | None = None, **headers
    ) -> int:
        """The sign-in page's steps (django-two-factor-auth's wizard): the password,
        then the authenticator app's `code` if given, each posted with `headers`. The
        last step's status."""
        path = reverse("two_factor:login")
        _status, page = self.request("GET", path)
        form = {
            "csrfmiddlewaretoken": csrf_token(page),
            "login_view-current_step": "auth",
            "auth-username": username,
            "auth-password": password,
        }
        status, page = self.request("POST", path, form, **headers)
        if code is None or status != HTTPStatus.OK:
            return status
        form = {
            "csrfmiddlewaretoken": csrf_token(page),
            "login_view-current_step": "token",
            "token-otp_token": code,
        }
        status, _page = self.request("POST", path, form, **headers)
        return status
