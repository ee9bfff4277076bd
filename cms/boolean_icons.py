"""The admin's yes/no icons, named in the staff's language.

Django writes a boolean's icon as `<img alt="True">` (admin_list._boolean_icon), so
a screen reader says "True" in a Polish admin. Its callers import it when called, so
replacing it once at start-up covers lists, read-only fields and history alike.
"""

from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext

ICONS = {True: "yes", False: "no", None: "unknown"}


def labelled_boolean_icon(value) -> str:
    labels = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}
    return format_html(
        '<img src="{}" alt="{}">',
        static(f"admin/img/icon-{ICONS[value]}.svg"),
        labels[value],
    )


def install() -> None:
    admin_list._boolean_icon = labelled_boolean_icon
