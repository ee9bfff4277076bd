"""Schema.org JSON-LD for a Highland (the page graph itself: cms/structured_data.py)."""

from cms.structured_data import (
    Entities,
    absolute,
    compact,
    image_object,
    node_id,
    other_language_names,
    reference,
    text_value,
)
from cms.translated import translated_text


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
            "image": image_object(highland.image),
            "member": [
                reference(cluster, "cluster") for cluster in highland.shown_clusters
            ],
        }
    )
    return Entities(main=[organization], modified=highland.edited_at)
