"""Schema.org JSON-LD for clusters: each an `Organization` with its coordinators,
members and dated figures (the page graph itself: cms/structured_data.py)."""

from clusters.models import Coordinator, Organisation
from cms import phones
from cms.structured_data import (
    CONTEXT,
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

# The export's field names: stable, language-neutral names for the figures.
FIGURES = (
    "members",
    "enterprises",
    "business_environment_institutions",
    "universities",
)


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
    figures' export names say which part of the members each one counts. schema.org
    has no "that year or later": figures from an undated source carry no date.
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
                **observation_date(snapshot),
            }
        )
    return observations


def observation_date(snapshot) -> dict:
    if snapshot.year_is_earliest:
        return {}
    return {"observationDate": str(snapshot.year), "observationPeriod": "P1Y"}


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
            # No e-mail: the page hides it from harvesters (see the team's entities).
            "telephone": phones.e164(cluster.phone),
            "logo": image_object(cluster.logo),
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
        modified=cluster.edited_at,
    )
