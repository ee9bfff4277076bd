"""The scripts and styles of the staff's translated forms, shared by the content's
admin and the libraries' (an external file each: the CSP allows no inline code)."""

import json

from django.forms import Script
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as mt_settings

from cms.rich_text_admin import editor_labels


def _language_names_json() -> str:
    return json.dumps({"pl": str(_("in Polish")), "en": str(_("in English"))})


# Read when the page is drawn, in the staff's language.
language_names = lazy(_language_names_json, str)


class StaffFormMedia:
    # Tabular inline rows as wide as the form.
    css = {"all": ["admin-extra/staff-forms.css"]}
    js = [
        # Opens a form at a field in a language, from the "Translations" page.
        "admin-extra/translation-links.js",
        # Names what select2 and django-modeltranslation build in the browser;
        # it extends jQuery UI's tabs before django-modeltranslation uses them.
        "admin/js/jquery.init.js",
        mt_settings.JQUERY_UI_URL,
        Script(
            "admin-extra/a11y.js",
            **{
                "data-language-switch-label": _("Language of all fields"),
                "data-language-names": language_names(),
            },
        ),
        # Asks before leaving a change form with changes not saved.
        "admin-extra/unsaved-changes.js",
        # New inline rows open in the language chosen for all fields.
        "admin-extra/new-rows-language.js",
        # The long texts' editor (cms/rich_text.py): its toolbar in the admin's
        # language, its text box named after the field.
        Script("admin-extra/rich-text-editor.js", **{"data-labels": editor_labels()}),
    ]
