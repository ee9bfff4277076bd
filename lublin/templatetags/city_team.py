"""The city's clusters team on the cluster pages: the project composes the two apps,
which do not import each other (pyproject.toml, [tool.importlinter])."""

from django import template
from django.db.models import Prefetch

from cms.site_identity import current_identity
from contacts.models import Team, TeamMember

register = template.Library()


@register.inclusion_tag("includes/city_team_contact.html", takes_context=True)
def city_team_contact(context) -> dict:
    """The teams of the contact page, each with its members' phones: one step from
    any cluster page to a number to call; the site's publisher names whose team it
    is."""
    teams = Team.objects.select_related("unit").prefetch_related(
        Prefetch("members", TeamMember.objects.exclude(phone=""))
    )
    return {"teams": teams, "identity": context.get("identity") or current_identity()}
