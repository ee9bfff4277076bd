from django.urls import path
from django.utils.translation import gettext_lazy as _

from contacts import views

app_name = "contacts"

urlpatterns = [
    path(_("contact/"), views.TeamListView.as_view(), name="team"),
    path(
        _("accessibility-statement/"),
        views.AccessibilityStatementView.as_view(),
        name="accessibility",
    ),
]
