"""The delete confirmation without the rows that only link two records.

Django lists each many-to-many link a deletion removes, named after the classes in
English ("Powiązanie cluster do highland: Cluster_highlands object (1)"); the
records themselves stay, and the list already names what is deleted with them.
"""

from django.apps import apps
from django.utils.text import capfirst


def _link_models() -> list:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.auto_created
    ]


def _without(items: list, prefixes: tuple[str, ...]) -> list:
    kept = []
    for item in items:
        if isinstance(item, list):
            if rest := _without(item, prefixes):
                kept.append(rest)
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return kept


class DeletionSummaryMixin:
    def get_deleted_objects(self, objs, request):
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        links = _link_models()
        prefixes = tuple(f"{capfirst(model._meta.verbose_name)}:" for model in links)
        plurals = {str(model._meta.verbose_name_plural) for model in links}
        counts = {name: n for name, n in counts.items() if str(name) not in plurals}
        return _without(to_delete, prefixes), counts, perms_needed, protected
