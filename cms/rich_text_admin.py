"""The long texts' editor in the admin (cms/rich_text.py): what its forms allow it
under the CSP, and its toolbar's labels in the staff's language."""

import json

from csp.constants import NONCE
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from js_asset import Media

# The long texts' editor (cms/rich_text.py) needs an inline script, its import map:
# the forms that show it allow the request's nonce, and no other inline script. Its
# tiptap adds ProseMirror's base stylesheet as a <style> element: that stylesheet
# alone is allowed, by its hash (tests/test_rich_text.py checks it against the
# package's editor.js), and no other inline style.
PROSEMIRROR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
EDITOR_POLICY = {"script-src": [NONCE], "style-src": [PROSEMIRROR_STYLE_HASH]}


def with_nonce(request, context: dict) -> dict:
    """The form's media (`{{ media }}`) rendered with the request's CSP nonce."""
    context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
    return context


# django-prose-editor's toolbar labels, which its catalogue leaves in English.
EDITOR_LABELS = {
    "paragraph": _("paragraph"),
    "heading 2": _("subheading, level 2"),
    "heading 3": _("subheading, level 3"),
    "heading 4": _("subheading, level 4"),
    "unordered list": _("bulleted list"),
    "ordered list": _("numbered list"),
    "bold": _("bold"),
    "italic": _("italics"),
    "insert link": _("insert link"),
    "remove link": _("remove link"),
    "undo": _("undo"),
    "redo": _("redo"),
}


def _editor_labels_json() -> str:
    return json.dumps({english: str(name) for english, name in EDITOR_LABELS.items()})


# Read when the page is drawn, in the user's language.
editor_labels = lazy(_editor_labels_json, str)
