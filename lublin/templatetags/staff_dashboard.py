"""The clusters team's dashboard on the admin index (templates/admin/index.html)."""

from django import template
from django.contrib import admin

from lublin.dashboard import dashboard

register = template.Library()


@register.inclusion_tag("admin/dashboard.html", takes_context=True)
def clusters_dashboard(context) -> dict:
    request = context["request"]
    if not request.user.has_perm("clusters.view_cluster"):
        return {"dashboard": None}
    return {"dashboard": dashboard(request, admin.site)}
