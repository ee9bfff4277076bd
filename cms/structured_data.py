"""What search engines and link previews read: meta descriptions and schema.org JSON-LD.

Every page's JSON-LD is one `@graph`, as Yoast and most CMSs write it: the page
(`WebPage` or a subtype), the site (`WebSite`), its publisher (cms/identity.py, as a
`GovernmentOrganization`) and the record the page is about. Records are identified by
their stable `key` (`{SITE_URL}/#cluster-<key>`), not by a page address, so the Polish
and English pages describe the same node and a changed slug does not change it.

Text in the page's language is a plain string; text shown in the other language (a
fallback) is a JSON-LD value object carrying its `@language`, the structured-data
counterpart of the `lang` attribute the pages put on such text.

Only published records appear: the views hand over querysets already filtered with
`published()` (Highlands, segments) and a parent checked the same way.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from cms.renditions import social_image
from cms.site_identity import current_identity
from cms.translated import TranslatedText, translated_text

CONTEXT = "https://schema.org"
DESCRIPTION_LENGTH = 160
# Open Graph wants a territory; British English is the site's English.
OG_LOCALES = {"pl": "pl_PL", "en": "en_GB"}
# In a JSON-LD block, "<" would let "</script>" in content end the element early, and
# "&" and ">" could start markup in some parsers: written as JSON escapes, they mean
# the same to a JSON parser and nothing to the HTML one (as Django's json_script).
HTML_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass
class Entities:
    """A page's records: `main` are what the page is about, `other` nodes beside them."""

    main: list[dict] = field(default_factory=list)
    other: list[dict] = field(default_factory=list)
    modified: datetime | None = None


def summarise(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """One line of at most `limit` characters, cut on a word boundary with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.–-") + "…"


def json_ld(data: dict) -> SafeString:
    """`data` as a `<script type="application/ld+json">` data block, safe in HTML."""
    text = json.dumps(data, ensure_ascii=False, indent=None).translate(HTML_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def node_id(kind: str, key: str = "") -> str:
    return f"{settings.SITE_URL}/#{kind}" + (f"-{key}" if key else "")


def text_value(text: TranslatedText) -> str | dict:
    """A string, or a value object with its language when it is the other language's."""
    if text.is_fallback:
        return {"@value": text.plain, "@language": text.lang}
    return text.plain


def other_language_names(obj) -> list[dict]:
    """The record's names in the languages other than the active one, tagged."""
    active = translation.get_language()
    shown = translated_text(obj, "name")
    names = []
    for code, _name in settings.LANGUAGES:
        value = (getattr(obj, f"name_{code}", None) or "").strip()
        if code != active and value and value != shown.text:
            names.append({"@value": value, "@language": code})
    return names


def compact(node: dict) -> dict:
    """The node without empty values, so no property is stated as blank."""
    return {key: value for key, value in node.items() if value not in (None, "", [])}


def one_or_many(values: list):
    return values[0] if len(values) == 1 else values


def reference(obj, kind: str, node_type: str = "Organization") -> dict:
    """A short node for a linked record: its type, identifier, name and page."""
    name = translated_text(obj, "name")
    return compact(
        {
            "@type": node_type,
            "@id": node_id(kind, obj.key),
            "name": text_value(name) if name else obj.key,
            "url": absolute(obj.get_absolute_url()),
        }
    )


def image_object(image) -> dict | None:
    """A library image as an `ImageObject` (a logo, a picture), or None."""
    if image is None:
        return None
    social = social_image(image)
    return compact(
        {
            "@type": "ImageObject",
            "url": social.url,
            "contentUrl": social.url,
            "width": social.width,
            "height": social.height,
            "description": social.alt,
            "creditText": image.credit,
        }
    )


# The site and its publisher, on every page.


def publisher_node() -> dict:
    identity = current_identity()
    return {
        "@type": "GovernmentOrganization",
        "@id": node_id("publisher"),
        "name": identity.publisher_name,
        "areaServed": {"@type": "City", "name": identity.city_name},
    }


def website_node() -> dict:
    directory = absolute(reverse("clusters:list"))
    return {
        "@type": "WebSite",
        "@id": node_id("website"),
        "name": current_identity().site_name,
        "url": absolute(reverse("home")),
        "inLanguage": [code for code, _name in settings.LANGUAGES],
        "publisher": {"@id": node_id("publisher")},
        # The directory's own search, as a visitor would type it.
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": directory + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def page_graph(
    *,
    url: str,
    title: str,
    description: str,
    page_type: str = "WebPage",
    entities: Entities | None = None,
) -> dict:
    entities = entities or Entities()
    page = compact(
        {
            "@type": page_type,
            "@id": url,
            "url": url,
            "name": title or current_identity().site_name,
            "description": description,
            "inLanguage": translation.get_language(),
            "isPartOf": {"@id": node_id("website")},
            "dateModified": entities.modified.isoformat()
            if entities.modified
            else None,
            "mainEntity": one_or_many([{"@id": node["@id"]} for node in entities.main]),
        }
    )
    return {
        "@context": CONTEXT,
        "@graph": [
            page,
            website_node(),
            publisher_node(),
            *entities.main,
            *entities.other,
        ],
    }


# Records.
