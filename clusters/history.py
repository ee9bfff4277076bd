"""Edit history with django-simple-history, made to work with translated fields.

Models are registered here, from each app's ready(), which runs after
modeltranslation has added the per-language columns (modeltranslation is first in
INSTALLED_APPS): the history tables then record `name_pl` and `name_en`. Declaring
`HistoricalRecords()` on a translated model instead makes its saves fail.
"""

from django.apps import apps
from modeltranslation.translator import NotRegistered, translator
from simple_history import register


def register_models(*model_names: str, app_label: str, **options) -> None:
    for model_name in model_names:
        model = apps.get_model(app_label, model_name)
        excluded = list(options.get("excluded_fields", []))
        try:
            # The bare column of a translated field only mirrors one language.
            excluded += list(translator.get_options_for_model(model).fields)
        except NotRegistered:
            pass
        register(model, app=app_label, **options | {"excluded_fields": excluded})
