"""What search engines and link previews read: meta descriptions and schema.org JSON-LD.

Every page's JSON-LD is one `@graph`, as Yoast and most CMSs write it: the page
(`WebPage` or a subtype), the site (`WebSite`), its publisher (the City of Lublin as a
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
from django.utils.translation import gettext

from clusters.models import Coordinator, Organisation
from clusters.templatetags.public import TranslatedText, translated_text

CONTEXT = "https://schema.org"
DESCRIPTION_LENGTH = 160
# Open Graph wants a territory; British English is the site's English.
OG_LOCALES = {"pl": "pl_PL", "en": "en_GB"}
# The export's field names: stable, language-neutral names for the figures.
FIGURES = (
    "members",
    "enterprises",
    "business_environment_institutions",
    "universities",
)
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
        return {"@value": text.text, "@language": text.lang}
    return text.text


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


# The site and its publisher, on every page.


def publisher_node() -> dict:
    return {
        "@type": "GovernmentOrganization",
        "@id": node_id("publisher"),
        "name": gettext("City of Lublin"),
        "areaServed": {"@type": "City", "name": "Lublin"},
    }


def website_node() -> dict:
    directory = absolute(reverse("clusters:list"))
    return {
        "@type": "WebSite",
        "@id": node_id("website"),
        "name": gettext("Clusters in Lublin"),
        "url": absolute(reverse("ecosystems:home")),
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
            "name": title or gettext("Clusters in Lublin"),
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


def coordinator_role(coordinator: Coordinator) -> dict:
    """A coordinator as a member in the coordinator's role.

    Under the Polish definition a cluster's coordinator is one of its members chosen
    to run it; schema.org has no "coordinator" property, and its Role pattern
    (`OrganizationRole` with `roleName`) qualifies a `member` link exactly so.
    """
    name = translated_text(coordinator, "name")
    person = coordinator.kind == Coordinator.Kind.PERSON
    return {
        "@type": "OrganizationRole",
        "roleName": str(Coordinator._meta.verbose_name),
        "member": {
            "@type": "Person" if person else "Organization",
            "name": text_value(name) if name else coordinator.key,
        },
    }


def organisation_node(organisation: Organisation) -> dict:
    university = organisation.kind == Organisation.Kind.UNIVERSITY
    return {
        "@type": "CollegeOrUniversity" if university else "Organization",
        "name": organisation.name,
    }


def figure_observations(cluster, snapshot) -> list[dict]:
    """The current snapshot's member counts as `Observation`s of the cluster.

    schema.org has no member count for an Organization (`numberOfEmployees` means
    employees; `additionalProperty` is not defined on Organization). An Observation
    is "an observation about an entity at a particular time": about the cluster, of
    its `member` property, with the value and the year the figure is for. The
    figures' export names say which part of the members each one counts.
    """
    if snapshot is None:
        return []
    labels = {
        name: str(snapshot._meta.get_field(name).verbose_name) for name in FIGURES
    }
    observations = []
    for name in FIGURES:
        value = getattr(snapshot, name)
        if value is None:
            continue
        observations.append(
            {
                "@type": "Observation",
                "name": labels[name],
                "observationAbout": {"@id": node_id("cluster", cluster.key)},
                "measuredProperty": {"@id": f"{CONTEXT}/member"},
                "variableMeasured": name,
                "value": value,
                "observationDate": str(snapshot.year),
                "observationPeriod": "P1Y",
            }
        )
    return observations


def cluster_entities(cluster, *, parent=None, current=None) -> Entities:
    """A cluster page's `Organization`, from the view's prefetched relations.

    `parent` is the published parent or None; `segments` and `highlands` were
    prefetched as published only; `current` is the latest snapshot.
    """
    name = translated_text(cluster, "name")
    other_names = translated_text(cluster, "other_names")
    characteristics = translated_text(cluster, "characteristics")
    alternate = [
        {"@value": line, "@language": other_names.lang}
        if other_names.is_fallback
        else line
        for line in other_names.lines
    ] + other_language_names(cluster)
    members = [coordinator_role(c) for c in cluster.coordinators.all()]
    members += [organisation_node(o) for o in cluster.member_organisations.all()]
    organization = compact(
        {
            "@type": "Organization",
            "@id": node_id("cluster", cluster.key),
            "name": text_value(name),
            "alternateName": alternate,
            "description": text_value(characteristics) if characteristics else None,
            "url": absolute(cluster.get_absolute_url()),
            "sameAs": cluster.website,
            "foundingDate": str(cluster.year_established)
            if cluster.year_established
            else None,
            "parentOrganization": reference(parent, "cluster") if parent else None,
            "subOrganization": [
                reference(segment, "cluster") for segment in cluster.segments.all()
            ],
            # A Highland is an ecosystem of organisations built around its clusters:
            # the clusters are its members (see highland_entities).
            "memberOf": [
                reference(highland, "highland") for highland in cluster.highlands.all()
            ],
            "member": members,
        }
    )
    return Entities(
        main=[organization],
        other=figure_observations(cluster, current),
        modified=cluster.updated_at,
    )


def highland_entities(highland) -> Entities:
    """A Highland as an `Organization` whose `member`s are its published clusters.

    A Highland is a network of clusters, universities, businesses and public bodies
    around one industry, which schema.org's Organization covers ("such as a school,
    NGO, corporation, club"). Its clusters are `member`s, the inverse of the clusters'
    `memberOf`, not `subOrganization`s: they are independent bodies, not its units.
    The members are the clusters the page lists (`shown_clusters`, the first ones by
    name): a Highland of thousands of clusters links to the directory for the rest.
    """
    name = translated_text(highland, "name")
    summary = translated_text(highland, "summary")
    organization = compact(
        {
            "@type": "Organization",
            "@id": node_id("highland", highland.key),
            "name": text_value(name),
            "alternateName": other_language_names(highland),
            "description": text_value(summary) if summary else None,
            "url": absolute(highland.get_absolute_url()),
            "member": [
                reference(cluster, "cluster") for cluster in highland.shown_clusters
            ],
        }
    )
    return Entities(main=[organization], modified=highland.updated_at)


def telephone(member) -> str:
    """The phone in international form (+48…), from the member's tel: URI."""
    return member.phone_uri.removeprefix("tel:")


def team_entities(teams) -> Entities:
    """Each team as a `GovernmentOffice` of the City, with its people.

    People are `employee`s (a `Person` has the `jobTitle`); each one with a phone is
    also a `ContactPoint` of the office. E-mail addresses are left out: the page
    hides them from harvesters (see `obfuscate_email`), and plain JSON would not.
    """
    offices = []
    for team in teams:
        name = translated_text(team, "name")
        description = translated_text(team, "description")
        unit = translated_text(team.unit, "name")
        people = list(team.members.all())
        offices.append(
            compact(
                {
                    "@type": "GovernmentOffice",
                    "@id": node_id("team", team.key),
                    "name": text_value(name) if name else team.key,
                    "description": text_value(description) if description else None,
                    "url": absolute(team.get_absolute_url()),
                    "parentOrganization": compact(
                        {
                            "@type": "GovernmentOrganization",
                            "@id": node_id("unit", team.unit.key),
                            "name": text_value(unit) if unit else team.unit.key,
                            "parentOrganization": {"@id": node_id("publisher")},
                        }
                    ),
                    "contactPoint": [
                        {
                            "@type": "ContactPoint",
                            "name": person.name,
                            "telephone": telephone(person),
                        }
                        for person in people
                        if telephone(person)
                    ],
                    "employee": [person_node(person) for person in people],
                }
            )
        )
    return Entities(main=offices)


def person_node(member) -> dict:
    position = translated_text(member, "position")
    return compact(
        {
            "@type": "Person",
            "name": member.name,
            "jobTitle": text_value(position) if position else None,
            "telephone": telephone(member),
        }
    )
