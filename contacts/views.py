from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext
from django.views.generic import DetailView, ListView

from cms.translation_marks import translation_note
from contacts.models import AccessibilityStatement, Team, TeamMember
from contacts.structured_data import team_entities


class TeamListView(ListView):
    """The clusters team: its unit, its people and how to reach them."""

    template_name = "contacts/team_list.html"

    def get_queryset(self):
        return Team.objects.select_related("unit").prefetch_related(
            Prefetch("members", TeamMember.objects.select_related("photo"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        teams = context["team_list"]
        context["structured_data"] = team_entities(teams)
        context["translation_note"] = translation_note(
            teams,
            [team.unit for team in teams],
            *(team.members.all() for team in teams),
        )
        return context


class AccessibilityStatementView(DetailView):
    """The statement, once published: a draft is not public (404), and the footer
    does not link it (contacts/templatetags/statement.py)."""

    template_name = "contacts/accessibilitystatement_detail.html"

    def get_queryset(self):
        return (
            AccessibilityStatement.objects.published()
            .select_related("contact_team__unit")
            .prefetch_related("contact_team__members")
        )

    def get_object(self, queryset=None):
        if queryset is None:
            queryset = self.get_queryset()
        statement = queryset.order_by("pk").first()
        if statement is None:
            raise Http404(gettext("No such page."))
        return statement

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        team = self.object.contact_team
        members = list(team.members.all()) if team else []
        context["contact_email"] = self.object.contact_email()
        context["contact_phone"] = next((m for m in members if m.phone), None)
        context["translation_note"] = translation_note(self.object, [team], members)
        return context
