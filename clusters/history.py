"""Edit history with django-simple-history, made to work with translated fields.

Models are registered here, from each app's ready(), which runs after
modeltranslation has added the per-language columns (modeltranslation is first in
INSTALLED_APPS): the history tables then record `name_pl` and `name_en`. Declaring
`HistoricalRecords()` on a translated model instead makes its saves fail.
"""

from django.apps import apps
from simple_history import register


def register_models(*model_names: str, app_label: str, **options) -> None:
    for model_name in model_names:
        register(apps.get_model(app_label, model_name), app=app_label, **options)
