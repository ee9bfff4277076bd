from django.urls import path
from django.utils.translation import gettext_lazy as _

from ecosystems import views

app_name = "ecosystems"

urlpatterns = [
    path(_("highlands/"), views.HighlandListView.as_view(), name="list"),
    path(
        _("highlands/<slug:slug>/"), views.HighlandDetailView.as_view(), name="detail"
    ),
]
