"""Template helpers of the public site: honest language fallback (cms/translated.py),
language links and the page's meta data."""

import html

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext

from cms import phones, renditions
from cms.site_identity import current_identity
from cms.structured_data import OG_LOCALES, json_ld, page_graph, summarise
from cms.translated import (
    LANGUAGE_CODES,
    NATIVE_NAMES,
    TranslatedText,
    language_note,
    translated_text,
)

register = template.Library()


@register.filter
def translated(obj, field: str) -> TranslatedText:
    """`{{ cluster|translated:"name" }}`; `.paragraphs`, `.text`, `.lang` also work."""
    return translated_text(obj, field)


@register.filter
def translated_fields(obj, fields: str) -> SafeString:
    """Several text fields as paragraphs, e.g. `"summary,body"`, each in a
    `div.text-<field>`; when all are the other language's text, one note and one
    `lang` cover them all instead of a note per field.
    """
    texts = [(name, translated_text(obj, name)) for name in fields.split(",")]
    texts = [(name, text) for name, text in texts if text]
    if not texts:
        return SafeString("")
    if all(text.is_fallback for _name, text in texts):
        lang = texts[0][1].lang
        inner = format_html_join(
            "",
            '<div class="text-{}">{}</div>',
            ((name, text.html) for name, text in texts),
        )
        return format_html(
            '<p class="lang-note">{}</p><div lang="{}">{}</div>',
            language_note(lang),
            lang,
            inner,
        )
    return format_html_join(
        "",
        '<div class="text-{}">{}</div>',
        ((name, text.paragraphs) for name, text in texts),
    )


@register.filter
def plain(obj, field: str) -> str:
    """The text alone, for places that cannot carry markup: titles, attributes."""
    return translated_text(obj, field).plain


@register.filter
def obfuscate_email(address: str) -> SafeString:
    """A mailto link with every character written as an HTML entity.

    Chosen over "name [at] domain" because people and screen readers get the real,
    clickable address (the browser decodes entities), while harvesters that grep the
    raw HTML for "@" or "mailto:" find neither.
    """
    if not address:
        return SafeString("")

    def encode(text: str) -> SafeString:
        return SafeString("".join(f"&#{ord(char)};" for char in text))

    return format_html(
        '<a href="{}">{}</a>', encode(f"mailto:{address}"), encode(address)
    )


@register.filter
def phone_link(number) -> SafeString:
    """A phone number shown as callers in the page's language read it, dialable."""
    return phones.link(number)


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in every language: code, native name, path and absolute URL.

    A record's page (a view's `object` with `get_absolute_url`) links to the record's
    own address in each language, its translated slug included; other named pages to
    the same route, and the rest (an unknown address's 404, say) to the home page. The
    directory keeps its query string (`keep_query_string`).
    """
    request = context.get("request")
    if request is None:
        return []
    obj = context.get("object")
    match = request.resolver_match
    query = ""
    if context.get("keep_query_string") and request.GET:
        query = "?" + request.GET.urlencode()
    active = translation.get_language()
    links = []
    for code in LANGUAGE_CODES:
        with translation.override(code):
            if obj is not None and hasattr(obj, "get_absolute_url"):
                path = obj.get_absolute_url()
            elif match is not None and match.url_name:
                path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            else:
                path = reverse("home")
        links.append(
            {
                "code": code,
                "name": NATIVE_NAMES.get(code, code),
                "path": path + query,
                "url": settings.SITE_URL + path + query,
                "is_current": code == active,
                "is_default": code == settings.LANGUAGE_CODE,
            }
        )
    return links


@register.inclusion_tag("includes/picture.html")
def picture(image, preset: str, loading: str = "lazy") -> dict:
    """`{% picture cluster.logo "logo" %}`: a library image in the renditions of a
    preset (cms/renditions.py `PRESETS`); `loading="eager"` for one at the top of
    the page."""
    return {"picture": renditions.picture(image, preset), "loading": loading}


@register.simple_tag
def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


@register.simple_tag
def join_links(items, separator=", ") -> SafeString:
    """Records as links to their pages, names marked when shown in another language."""
    return format_html_join(
        separator,
        '<a href="{}">{}</a>',
        ((item.get_absolute_url(), translated_text(item, "name")) for item in items),
    )


@register.filter
def own_text(obj, field: str) -> str:
    """The text in the active language only, or "": for places that cannot say
    which language they are in (a meta description), where a generic text in the
    page's language is better than the other language's."""
    text = translated_text(obj, field)
    return "" if text.is_fallback else text.plain


def plain_text(text) -> str:
    """A text as written, for a meta tag and the JSON-LD, which escape it themselves:
    what a template made (`{% blocktranslate … asvar %}`) is HTML, its names escaped
    once already."""
    return html.unescape(text) if isinstance(text, SafeData) else str(text)


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def page_meta(
    context, title="", description="", page_type="WebPage", index=True, image=None
) -> dict:
    """The page's `<title>`, description, Open Graph, Twitter card and JSON-LD.

    `title` is the page's own part ("" on none); `description` is cut to about 160
    characters, or the site's description when empty; `image`, a library image,
    is the link preview's picture (a large card). The view's `structured_data`
    (an `Entities`) adds the page's records to the JSON-LD. With `index` off (error
    pages) only the title and description are written.
    """
    identity = current_identity()
    site = identity.site_name
    description = summarise(plain_text(description or "")) or gettext(
        "%(site)s: a directory of business clusters. Publisher: %(publisher)s."
    ) % {"site": site, "publisher": identity.publisher_name}
    full_title = (
        gettext("%(page)s – %(site)s") % {"page": title, "site": site}
        if title
        else site
    )
    meta = {"full_title": full_title, "description": description, "index": index}
    if not index:
        return meta
    languages = context.get("languages") or language_links(context)
    current = next((link for link in languages if link["is_current"]), None)
    url = current["url"] if current else absolute_url("/")
    active = translation.get_language()
    graph = page_graph(
        url=url,
        title=title or site,
        description=description,
        page_type=page_type,
        entities=context.get("structured_data"),
    )
    return meta | {
        "title": title or site,
        "site_name": site,
        "url": url,
        "og_type": "website",
        "locale": OG_LOCALES.get(active, active),
        "alternate_locales": [
            OG_LOCALES.get(link["code"], link["code"])
            for link in languages
            if not link["is_current"]
        ],
        "json_ld": json_ld(graph),
        "image": renditions.social_image(image) if image else None,
    }
