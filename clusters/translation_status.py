"""How complete each language of a translated record is, for the admin."""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Model, Q
from modeltranslation.translator import translator

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def translated_fields(model: type[Model]) -> list[str]:
    """The model's translated fields that carry text (slugs are derived, so left out)."""
    fields = translator.get_options_for_model(model).fields
    return [name for name in fields if name != "slug"]


def completeness(obj: Model, language: str) -> int:
    """Percentage of the texts present in any language that `language` has too."""
    present = [
        name
        for name in translated_fields(type(obj))
        if any(getattr(obj, f"{name}_{code}", "") for code in LANGUAGE_CODES)
    ]
    if not present:
        return 100
    done = sum(1 for name in present if getattr(obj, f"{name}_{language}", ""))
    return round(100 * done / len(present))


def missing_in(model: type[Model], language: str) -> Q:
    """Records with a text that another language has and `language` lacks."""
    conditions = []
    for name in translated_fields(model):
        empty_here = Q(**{f"{name}_{language}__isnull": True}) | Q(
            **{f"{name}_{language}": ""}
        )
        for other in LANGUAGE_CODES:
            if other != language:
                filled = Q(**{f"{name}_{other}__isnull": False}) & ~Q(
                    **{f"{name}_{other}": ""}
                )
                conditions.append(empty_here & filled)
    return reduce(or_, conditions)
