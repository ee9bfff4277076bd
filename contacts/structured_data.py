"""Schema.org JSON-LD for the clusters team (the page graph: cms/structured_data.py)."""

from cms import phones
from cms.structured_data import Entities, absolute, compact, node_id, text_value
from cms.translated import translated_text


def telephone(member) -> str:
    """The phone in E.164 (+48814662507), as schema.org and open data give it."""
    return phones.e164(member.phone)


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
        address = translated_text(team.unit, "address")
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
                            "address": text_value(address) if address else None,
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
