"""The city's clusters team on the cluster pages: the project composes the two apps,
which do not import each other (pyproject.toml, [tool.importlinter])."""

from django import template
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.translation import get_language

from cms.pieces import cached_piece
from cms.site_identity import current_identity
from contacts.models import Team, TeamMember

register = template.Library()


@register.simple_tag
def city_team_contact() -> str:
    """The teams of the contact page, each with its members' phones: one step from
    any cluster page to a number to call; the site's publisher names whose team it
    is. The same on every cluster page: rendered once per content version and
    language (cms/pieces.py)."""

    def render() -> str:
        teams = Team.objects.select_related("unit").prefetch_related(
            Prefetch("members", TeamMember.objects.exclude(phone=""))
        )
        return render_to_string(
            "includes/city_team_contact.html",
            {"teams": teams, "identity": current_identity()},
        )

    return cached_piece("city-team-contact", get_language(), render)
