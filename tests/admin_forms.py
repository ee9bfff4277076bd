"""Read an admin form's current values from its HTML, as a browser would submit them."""

from html.parser import HTMLParser
from http import HTTPStatus

from cms.preview import admin_url


class _FormValues(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if (
            tag == "input"
            and name
            and a.get("type") not in {"submit", "button", "file"}
        ):
            if a.get("type") in {"checkbox", "radio"}:
                if "checked" in a:
                    self.values.setdefault(name, []).append(a.get("value", "on"))
            else:
                self.values.setdefault(name, []).append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select].append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data


def form_values(html: str) -> dict[str, list[str]]:
    """Return the values a browser would submit from the page's form fields."""
    parser = _FormValues()
    parser.feed(html)
    # Textareas start with a newline Django adds for formatting.
    return {k: [v.removeprefix("\n") for v in vs] for k, vs in parser.values.items()}


def change_url(obj) -> str:
    return admin_url(obj, "change", obj.pk)


def open_form(client, obj) -> dict[str, list[str]]:
    """The record's change form as `client` gets it, as the values a browser sends."""
    page = client.get(change_url(obj))
    assert page.status_code == HTTPStatus.OK
    return form_values(page.content.decode())
