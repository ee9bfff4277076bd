"""Long texts with links and simple formatting, edited with a toolbar in the admin.

Stored as HTML cleaned by an allowlist: django-prose-editor builds the editor and its
nh3 cleaner from one list of extensions, so what the toolbar can make is exactly what
survives a save. Paragraphs, line breaks, bold, italic, bullet and numbered lists,
subheadings (at levels that fit under the page's heading where the text is shown) and
links (http, https, mailto and tel only; no target, so links never open new windows).

Texts written before formatting existed were plain: `html_from_plain_text` turns one
into stored HTML (the migrations do so), and a value that is still plain (an import,
say) is converted the same way on save and at render.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import escape, format_html, linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_prose_editor.config import allowlist_from_extensions, expand_extensions
from django_prose_editor.fields import ProseEditorField

LINK_PROTOCOLS = ["http", "https", "mailto", "tel"]
# Under the section heading (h2) most long texts are shown under.
SUBHEADINGS = (3, 4)
BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol"}


def editor_extensions(heading_levels=SUBHEADINGS) -> dict:
    """The toolbar's tools; the cleaner allows the HTML they make and nothing else."""
    extensions = {
        "Bold": True,
        "Italic": True,
        "HardBreak": True,
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Link": {"enableTarget": False, "protocols": LINK_PROTOCOLS},
    }
    if heading_levels:  # Without levels, the extension would allow h1 to h6.
        extensions["Heading"] = {"levels": list(heading_levels)}
    return extensions


def html_cleaner(extensions: dict):
    """nh3's cleaner for what the extensions make. Links keep no `rel` of their own
    (django-prose-editor allows one): no rel games ("opener", say)."""
    allowlist = allowlist_from_extensions(expand_extensions(extensions))
    allowlist["attributes"]["a"].discard("rel")
    cleaner = nh3.Cleaner(**allowlist)
    return cleaner.clean


def help_text(heading_levels=SUBHEADINGS):
    if heading_levels:
        return _(
            "Use the toolbar for bold, italics, bullet and numbered lists, "
            "subheadings and links (web, e-mail and telephone addresses). Enter "
            "starts a new paragraph; Shift+Enter breaks the line."
        )
    return _(
        "Use the toolbar for bold, italics, bullet and numbered lists and links "
        "(web, e-mail and telephone addresses). Enter starts a new paragraph; "
        "Shift+Enter breaks the line."
    )


def is_html(value: str) -> bool:
    """Stored HTML always starts with an element; a plain text from before
    formatting (or from an import) does not."""
    return value.lstrip().startswith("<")


def html_from_plain_text(text: str) -> str:
    """A plain text as HTML: escaped, a blank line starts a paragraph, a newline
    breaks the line, web and e-mail addresses become links."""
    if not text.strip():
        return ""
    return linebreaks(urlize(text.strip(), nofollow=False, autoescape=True))


class _PlainText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(value: str) -> str:
    """The words of a text without markup: paragraphs apart by a blank line, lines
    by a newline. For places that cannot hold markup (descriptions, search, exports);
    a plain text is returned as it is."""
    if not value or not is_html(value):
        return value or ""
    parser = _PlainText()
    # nh3's defaults drop what is no text at all: scripts' and styles' content.
    parser.feed(nh3.clean(value))
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class RichTextField(ProseEditorField):
    """A long text edited with the toolbar and stored as cleaned HTML.

    Every save stores cleaned HTML, whichever way the value came: a form, an
    import or code (a plain text is converted first); an empty editor is "".
    """

    def __init__(self, *args, heading_levels=SUBHEADINGS, **kwargs):
        self.heading_levels = tuple(heading_levels)
        extensions = editor_extensions(self.heading_levels)
        self.clean_html = html_cleaner(extensions)
        kwargs.setdefault("help_text", help_text(self.heading_levels))
        super().__init__(
            *args, config={"extensions": extensions}, sanitize=self.stored, **kwargs
        )

    def stored(self, value: str) -> str:
        """What is stored for `value`: cleaned HTML, or "" when it has no words."""
        if not value or not plain_text(value).strip():
            return ""
        html = self.clean_html(value if is_html(value) else html_from_plain_text(value))
        if not is_html(html):
            # Markup around text that was all taken away ("<img>text"): the text
            # in a paragraph, so that it is not taken for a plain text next time.
            html = self.clean_html(f"<p>{html}</p>")
        return html

    def pre_save(self, model_instance, add):
        value = self.stored(getattr(model_instance, self.attname) or "")
        # Past the descriptor: modeltranslation's would write the untranslated
        # field's value (a fallback, maybe) into the active language's field.
        model_instance.__dict__[self.attname] = value
        return value

    def render(self, value: str) -> SafeString:
        """The text as HTML for visitors: cleaned again (a stored value may come from
        a fixture or an older cleaner), links to other sites marked for screen
        readers."""
        return mark_external_links(self.stored(value))


def rich_text_field(model, field: str) -> RichTextField | None:
    """The model's field `field` when it holds formatted text."""
    try:
        model_field = model._meta.get_field(field)
    except (AttributeError, FieldDoesNotExist):  # no model, or no such field
        return None
    return model_field if isinstance(model_field, RichTextField) else None


class _ExternalLinkMarker(HTMLParser):
    """Re-writes cleaned HTML, adding a note for screen readers to each link that
    leads to another site."""

    def __init__(self, note: str, language: str):
        super().__init__(convert_charrefs=True)
        self.note = note
        self.language = language
        self.parts = []
        self.external = []

    def handle_starttag(self, tag, attrs):
        self.parts.append(
            format_html(
                "<{}{}>",
                tag,
                SafeString(
                    "".join(
                        format_html(' {}="{}"', name, value or "")
                        for name, value in attrs
                    )
                ),
            )
        )
        if tag == "a":
            self.external.append(is_external(dict(attrs).get("href") or ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "a" and self.external and self.external.pop():
            self.parts.append(
                format_html(
                    '<span class="visually-hidden" lang="{}"> {}</span>',
                    self.language,
                    self.note,
                )
            )
        if tag != "br":
            self.parts.append(format_html("</{}>", tag))

    def handle_data(self, data):
        self.parts.append(escape(data))


def is_external(href: str) -> bool:
    """A link to a web page outside this site (e-mail and telephone links are not)."""
    address = urlsplit(href)
    return address.scheme in ("http", "https", "") and address.netloc not in (
        "",
        urlsplit(settings.SITE_URL).netloc,
    )


def mark_external_links(html: str) -> SafeString:
    marker = _ExternalLinkMarker(gettext("(external site)"), get_language() or "")
    marker.feed(html)
    marker.close()
    return mark_safe("".join(marker.parts))


def _convert_columns(model, fields, convert) -> None:
    codes = [code for code, _name in settings.LANGUAGES]
    columns = [
        f"{field}{suffix}"
        for field in fields
        for suffix in ["", *[f"_{c}" for c in codes]]
    ]
    for record in model._base_manager.only("pk", *columns):
        values = {
            column: convert(value)
            for column in columns
            if (value := getattr(record, column))
        }
        changed = {c: v for c, v in values.items() if v != getattr(record, c)}
        if changed:
            model._base_manager.filter(pk=record.pk).update(**changed)


def plain_texts_to_html(model, *fields: str) -> None:
    """For a data migration: the texts of `fields` (every language's column) that are
    still plain, stored as HTML; updated in place, so nothing else changes."""
    _convert_columns(model, fields, RichTextField().stored)


def html_to_plain_texts(model, *fields: str) -> None:
    """The reverse of `plain_texts_to_html`: links' addresses stay as their text."""
    _convert_columns(model, fields, plain_text)
