"""What the open data is and where: the page that explains it, the /api/v1/ index and
the DCAT-AP catalogue (the profile dane.gov.pl harvests).

A project page, not the clusters app's: the catalogue names the clusters team
(contacts) as its contact point. The exports themselves, and the fields they write,
are clusters/open_data.py's.
"""

import csv
import io
import json
from datetime import datetime

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from clusters.models import Cluster
from clusters.open_data import (
    CLUSTER_FIELDS,
    CSV_FIELDS,
    HIGHLAND_FIELDS,
    LANGUAGE_CODES,
    cluster_records,
    cors,
    csv_row,
    highland_records,
    licence,
)
from cms import phones
from cms.site_identity import current_identity
from cms.structured_data import absolute
from contacts.models import Team
from ecosystems.models import Highland

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
DATA_THEME = URIRef(f"{EU}data-theme/ECON")
# The data changes whenever staff publish an edit, on no schedule.
FREQUENCY = URIRef(f"{EU}frequency/IRREG")
LANGUAGES = {"pl": URIRef(f"{EU}language/POL"), "en": URIRef(f"{EU}language/ENG")}
PUBLISHER_TYPE = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
# Clusters the page reads to show a real value of each field.
EXAMPLE_CLUSTERS = 20
EXAMPLE_LENGTH = 80


def _about_the_site(text: str):
    """A text of the metadata naming the site, its city or publisher as staff set
    them (cms/identity.py), read in the language active when it is written."""

    def written() -> str:
        identity = current_identity()
        return gettext(text) % {
            "site": identity.site_name,
            "city": identity.city_name,
            "publisher": identity.publisher_name,
        }

    return lazy(written, str)()


DATASET_TITLE = _about_the_site(gettext_noop("%(site)s: the cluster directory"))
DATASET_DESCRIPTION = _about_the_site(
    gettext_noop(
        "The published directory of the business clusters of %(city)s: names, year "
        "established, status, membership figures and their history, coordinators, "
        "the Highlands they belong to and the addresses of their pages."
    )
)
CATALOGUE_TITLE = _about_the_site(gettext_noop("Open data: %(site)s"))
CATALOGUE_DESCRIPTION = _about_the_site(
    gettext_noop(
        "Data about the business clusters of %(city)s. Publisher: %(publisher)s."
    )
)
PUBLISHER_NAME = lazy(lambda: current_identity().publisher_name, str)()
CITY_NAME = lazy(lambda: current_identity().city_name, str)()
# The exports, in the order the page and the index list them.
EXPORTS = (
    {
        "name": "clusters_json",
        "format": "JSON",
        "media_type": "application/json",
        "title": _("Clusters (JSON)"),
        "description": _(
            "The clusters with every field and their membership history; takes the "
            "directory's filters as parameters."
        ),
        "fields": CLUSTER_FIELDS,
    },
    {
        "name": "clusters_csv",
        "format": "CSV",
        "media_type": "text/csv",
        "title": _("Clusters (CSV)"),
        "description": _(
            "The same clusters, one row per cluster, without the membership history; "
            "takes the directory's filters as parameters."
        ),
        "fields": CSV_FIELDS,
    },
    {
        "name": "highlands_json",
        "format": "JSON",
        "media_type": "application/json",
        "title": _("Lublin Economic Highlands (JSON)"),
        "description": _("The Highlands, with the keys of their clusters."),
        "fields": HIGHLAND_FIELDS,
    },
)
CATALOGUE_SYNTAXES = {
    "turtle": ("catalog_ttl", "text/turtle"),
    "xml": ("catalog_rdf", "application/rdf+xml"),
    "json-ld": ("catalog_jsonld", "application/ld+json"),
}


def page_urls() -> dict[str, str]:
    """The open data page's address in each language."""
    urls = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            urls[code] = absolute(reverse("open_data_page"))
    return urls


def export_url(name: str) -> str:
    return absolute(reverse(f"open_data:{name}"))


def catalogue_urls() -> dict[str, str]:
    return {
        media_type: export_url(name) for name, media_type in CATALOGUE_SYNTAXES.values()
    }


def last_published() -> datetime | None:
    """When the data last changed for visitors: the latest published edit, or the
    latest time a scheduled cluster or Highland went live; None when the content is
    as loaded from its sources and not edited since."""
    now = timezone.now()
    times = []
    for model in (Cluster, Highland):
        published = model.objects.published()
        times += published.aggregate(Max("edited_at")).values()
        times += (
            published.filter(publish_from__lte=now)
            .aggregate(Max("publish_from"))
            .values()
        )
    times = [time for time in times if time is not None]
    return max(times) if times else None


def source_year() -> int | None:
    """The latest year of the sources of content not edited since it was loaded."""
    years = [
        model.objects.published().aggregate(Max("source_year"))["source_year__max"]
        for model in (Cluster, Highland)
    ]
    years = [year for year in years if year is not None]
    return max(years) if years else None


def modified_literal() -> Literal | None:
    changed = last_published()
    if changed is not None:
        return Literal(timezone.localtime(changed).isoformat(), datatype=XSD.dateTime)
    year = source_year()
    return None if year is None else Literal(str(year), datatype=XSD.gYear)


def in_each_language(text) -> list[Literal]:
    literals = []
    for code in LANGUAGE_CODES:
        with translation.override(code):
            literals.append(Literal(str(text), lang=code))
    return literals


def add_texts(graph: Graph, subject, predicate, text) -> None:
    for literal in in_each_language(text):
        graph.add((subject, predicate, literal))


def contact_point(graph: Graph):
    """The clusters team as a vCard: its name, page, phones and e-mail addresses."""
    team = Team.objects.prefetch_related("members").order_by("key").first()
    if team is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        page = absolute(reverse("contacts:team"))
    node = URIRef(f"{page}#team")
    graph.add((node, RDF.type, VCARD.Organization))
    for code in LANGUAGE_CODES:
        name = getattr(team, f"name_{code}") or team.name
        graph.add((node, VCARD.fn, Literal(name, lang=code)))
    graph.add((node, VCARD.hasURL, URIRef(page)))
    for member in team.members.all():
        if number := phones.e164(member.phone):
            graph.add((node, VCARD.hasTelephone, URIRef(f"tel:{number}")))
        if member.email:
            graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{member.email}")))
    return node


def catalogue_graph() -> Graph:
    """The catalogue: one dataset, the directory, with a distribution per export."""
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    with translation.override(settings.LANGUAGE_CODE):
        catalogue_url = export_url("catalog_ttl")
    catalogue = URIRef(f"{catalogue_url}#catalogue")
    dataset = URIRef(f"{catalogue_url}#clusters")
    publisher = URIRef(f"{catalogue_url}#publisher")
    terms = licence()
    licence_document = URIRef(terms["url"])
    modified = modified_literal()
    pages = page_urls()

    graph.add((publisher, RDF.type, FOAF.Agent))
    add_texts(graph, publisher, FOAF.name, PUBLISHER_NAME)
    graph.add((publisher, DCTERMS.type, PUBLISHER_TYPE))
    graph.add((licence_document, RDF.type, DCTERMS.LicenseDocument))
    graph.add((licence_document, DCTERMS.title, Literal(terms["name"])))

    graph.add((catalogue, RDF.type, DCAT.Catalog))
    add_texts(graph, catalogue, DCTERMS.title, CATALOGUE_TITLE)
    add_texts(graph, catalogue, DCTERMS.description, CATALOGUE_DESCRIPTION)
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, DCTERMS.license, licence_document))
    graph.add((catalogue, FOAF.homepage, URIRef(pages[settings.LANGUAGE_CODE])))
    graph.add((catalogue, DCAT.dataset, dataset))
    for language in LANGUAGES.values():
        graph.add((catalogue, DCTERMS.language, language))
    if modified is not None:
        graph.add((catalogue, DCTERMS.modified, modified))

    graph.add((dataset, RDF.type, DCAT.Dataset))
    add_texts(graph, dataset, DCTERMS.title, DATASET_TITLE)
    add_texts(graph, dataset, DCTERMS.description, DATASET_DESCRIPTION)
    graph.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCAT.theme, DATA_THEME))
    graph.add((dataset, DCTERMS.accrualPeriodicity, FREQUENCY))
    for url in pages.values():
        graph.add((dataset, DCAT.landingPage, URIRef(url)))
    for language in LANGUAGES.values():
        graph.add((dataset, DCTERMS.language, language))
    for keyword in (_("clusters"), CITY_NAME, _("economy")):
        add_texts(graph, dataset, DCAT.keyword, keyword)
    if modified is not None:
        graph.add((dataset, DCTERMS.modified, modified))
    contact = contact_point(graph)
    if contact is not None:
        graph.add((dataset, DCAT.contactPoint, contact))

    for export in EXPORTS:
        url = URIRef(export_url(export["name"]))
        distribution = URIRef(f"{catalogue_url}#{export['name']}")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        add_texts(graph, distribution, DCTERMS.title, export["title"])
        add_texts(graph, distribution, DCTERMS.description, export["description"])
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add(
            (
                distribution,
                DCTERMS["format"],
                URIRef(f"{EU}file-type/{export['format']}"),
            )
        )
        graph.add(
            (distribution, DCAT.mediaType, URIRef(MEDIA_TYPES + export["media_type"]))
        )
        graph.add((distribution, DCTERMS.license, licence_document))
        if modified is not None:
            graph.add((distribution, DCTERMS.modified, modified))
    return graph


@require_safe
def catalogue(request, syntax: str):
    _name, media_type = CATALOGUE_SYNTAXES[syntax]
    content = catalogue_graph().serialize(format=syntax, encoding="utf-8")
    return cors(HttpResponse(content, content_type=f"{media_type}; charset=utf-8"))


@require_safe
def api_index(request):
    """/api/v1/: the datasets, their addresses and formats, the licence, the metadata."""
    datasets = []
    for export in EXPORTS:
        datasets.append(
            {
                "name": export["name"],
                "title": {
                    literal.language: str(literal)
                    for literal in in_each_language(export["title"])
                },
                "url": export_url(export["name"]),
                "format": export["format"],
                "media_type": export["media_type"],
                "fields": [field.name for field in export["fields"]],
            }
        )
    return cors(
        JsonResponse(
            {
                "version": 1,
                "licence": licence(),
                "datasets": datasets,
                "metadata": {"dcat_ap": catalogue_urls()},
                "documentation": page_urls(),
            },
            json_dumps_params={"ensure_ascii": False},
        )
    )


def example_text(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > EXAMPLE_LENGTH:
        return text[: EXAMPLE_LENGTH - 1] + "…"
    return text


class OpenDataView(TemplateView):
    """The open data page: what is published, each field, the terms and the files."""

    template_name = "open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        keys = list(
            Cluster.objects.published()
            .order_by("key")
            .values_list("pk", flat=True)[:EXAMPLE_CLUSTERS]
        )
        records = cluster_records(
            Cluster.objects.filter(pk__in=keys),
            list(Highland.objects.published()),
        )
        rows = [csv_row(record) for record in records]
        samples = {
            "clusters_json": records,
            "clusters_csv": rows,
            "highlands_json": highland_records(),
        }
        exports = []
        for export in EXPORTS:
            exports.append(
                {
                    **export,
                    "url": export_url(export["name"]),
                    "path": reverse(f"open_data:{export['name']}"),
                    "fields": [
                        {
                            "field": field,
                            "example": self.example(field, samples[export["name"]]),
                        }
                        for field in export["fields"]
                    ],
                }
            )
        context["exports"] = exports
        context["licence"] = licence()
        context["catalogue"] = [
            {
                "url": export_url(name),
                "path": reverse(f"open_data:{name}"),
                "type": type_,
            }
            for name, type_ in CATALOGUE_SYNTAXES.values()
        ]
        context["index_url"] = export_url("index")
        context["index_path"] = reverse("open_data:index")
        context["last_published"] = last_published()
        context["csv_example"] = self.csv_example(rows[:1])
        context["curl_example"] = (
            f"curl '{export_url('clusters_csv')}?status=active' -o clusters.csv"
        )
        return context

    @staticmethod
    def example(field, samples) -> str:
        """A real value of the field: the first non-empty one in the published data."""
        for sample in samples:
            value = sample.get(field.name)
            if value not in (None, "", [], {}):
                return value if isinstance(value, str) else example_text(value)
        return ""

    @staticmethod
    def csv_example(rows) -> str:
        output = io.StringIO()
        writer = csv.DictWriter(output, fieldnames=[field.name for field in CSV_FIELDS])
        writer.writeheader()
        writer.writerows(rows)
        return output.getvalue()
