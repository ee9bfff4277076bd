"""A field's text in the language it is really in: honest language fallback.

Settings make a bare `obj.name` fall back to the other language silently, which is
right for the admin but not for visitors: WCAG 3.1.2 wants text in another language
marked with its own `lang`. These helpers read the per-language columns explicitly.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import linebreaks_filter
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from cms.rich_text import RichTextField, plain_text, rich_text_field

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# A language's name as its own speakers write it, for the switcher.
NATIVE_NAMES = {"pl": "Polski", "en": "English"}


def language_note(lang: str) -> str:
    """The short visible note saying which language a fallback text is in."""
    notes = {"pl": gettext("(text in Polish)"), "en": gettext("(text in English)")}
    return notes.get(lang, f"({lang})")


@dataclass(frozen=True)
class TranslatedText:
    """A field's text in the language it is really in.

    Rendered as `{{ text }}` it is inline HTML: the text, wrapped in an element with
    its own `lang` and followed by a note when it is the other language's text.
    """

    text: str
    lang: str
    is_fallback: bool
    # The field, when the text is formatted (stored HTML: cms/rich_text.py).
    rich: RichTextField | None = None

    def __bool__(self):
        return bool(self.text)

    def __html__(self):
        return str(self)

    def __str__(self):
        if not self.text:
            return ""
        if not self.is_fallback:
            return format_html("{}", self.plain)
        return format_html(
            '<span lang="{}">{}</span> <span class="lang-note">{}</span>',
            self.lang,
            self.plain,
            self.note,
        )

    @property
    def note(self) -> str:
        return language_note(self.lang) if self.is_fallback else ""

    @property
    def marked(self) -> SafeString:
        """The text with its own `lang` when needed, without the note (breadcrumbs)."""
        if not self.is_fallback:
            return format_html("{}", self.plain)
        return format_html('<span lang="{}">{}</span>', self.lang, self.plain)

    @property
    def html(self) -> SafeString:
        """The text as HTML blocks: a formatted text cleaned, with links to other
        sites marked; a plain one as paragraphs (a blank line starts one, a newline
        breaks a line)."""
        if self.rich is not None:
            return self.rich.render(self.text)
        return linebreaks_filter(self.text, autoescape=True)

    @property
    def plain(self) -> str:
        """The text without markup, for places that cannot hold any."""
        return plain_text(self.text) if self.rich is not None else self.text

    @property
    def paragraphs(self) -> SafeString:
        """`html`, in an element with its own `lang` and a note when it is the other
        language's text."""
        if not self.text:
            return SafeString("")
        html = self.html
        if not self.is_fallback:
            return html
        return format_html(
            '<p class="lang-note">{}</p><div lang="{}">{}</div>',
            self.note,
            self.lang,
            html,
        )

    @property
    def lines(self) -> list[str]:
        """The text's non-empty lines, e.g. for one-name-per-line fields."""
        return [line.strip() for line in self.text.splitlines() if line.strip()]


def translated_text(obj, field: str) -> TranslatedText:
    """`obj.<field>` in the active language, else in the first language that has it."""
    active = translation.get_language() or settings.LANGUAGE_CODE
    order = [active] + [code for code in LANGUAGE_CODES if code != active]
    rich = rich_text_field(type(obj), field)
    for code in order:
        value = getattr(obj, f"{field}_{code}", None) or ""
        # An empty editor's "<p></p>" is no text either.
        if (plain_text(value) if rich else value).strip():
            return TranslatedText(value.strip(), code, code != active, rich)
    return TranslatedText("", active, is_fallback=False, rich=rich)


@dataclass(frozen=True)
class TranslatedList:
    """Texts of a list; when all come from one other language, the list is marked once."""

    items: list[TranslatedText]

    @property
    def lang(self) -> str:
        """The list's shared fallback language, or "" when items are marked one by one."""
        langs = {item.lang for item in self.items if item.is_fallback}
        if len(langs) == 1 and all(item.is_fallback for item in self.items):
            return langs.pop()
        return ""

    @property
    def note(self) -> str:
        return language_note(self.lang) if self.lang else ""

    def __bool__(self):
        return bool(self.items)

    def __iter__(self):
        return iter(self.items)


def translated_list(objects, field: str) -> TranslatedList:
    texts = [translated_text(obj, field) for obj in objects]
    return TranslatedList([text for text in texts if text])
