"""How complete each language of a translated record is, for the admin."""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Model, Q
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


def missing_fields(obj: Model, language: str) -> list[str]:
    """The texts another language has and `language` lacks, in field order."""
    position = {
        model_field.name: index
        for index, model_field in enumerate(obj._meta.get_fields())
    }
    return [
        name
        for name in sorted(translated_fields(type(obj)), key=position.get)
        if not (getattr(obj, f"{name}_{language}", "") or "").strip()
        and any(
            (getattr(obj, f"{name}_{other}", "") or "").strip()
            for other in LANGUAGE_CODES
            if other != language
        )
    ]


def languages_changed(record, previous) -> list[str]:
    """Languages whose texts differ between two historical records of one object.

    With no previous record (the object was created), the languages it has text in.
    """
    names = translated_fields(record.instance_type)
    if previous is None:
        return [
            code
            for code in LANGUAGE_CODES
            if any(getattr(record, f"{name}_{code}", "") for name in names)
        ]
    return [
        code
        for code in LANGUAGE_CODES
        if any(
            (getattr(record, f"{name}_{code}", "") or "")
            != (getattr(previous, f"{name}_{code}", "") or "")
            for name in names
        )
    ]


def mark_languages_changed(records) -> None:
    """Set `languages_changed` on a page of historical records, newest first.

    Neighbours on the page are compared without queries; only the page's oldest
    record needs its predecessor fetched.
    """
    records = list(records)
    for record, previous in zip(records, records[1:], strict=False):
        record.languages_changed = languages_changed(record, previous)
    if records:
        oldest = records[-1]
        oldest.languages_changed = languages_changed(oldest, oldest.prev_record)


@dataclass
class MissingCount:
    model: type[Model]
    counts: dict[str, int]  # language code -> records missing a text in it

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def verbose_name_plural(self) -> str:
        return self.model._meta.verbose_name_plural


def translated_models() -> list[type[Model]]:
    """Every model with translated texts that may lack a language, in app and model
    order: one whose form requires every language (the site's identity) never does."""
    registered = set(translator.get_registered_models(abstract=False))
    return [
        model
        for model in apps.get_models()
        if model in registered and not requires_every_language(model)
    ]


def requires_every_language(model) -> bool:
    required = translator.get_options_for_model(model).required_languages
    return set(required) >= set(LANGUAGE_CODES)


def missing_translation_counts() -> list[MissingCount]:
    """Per model, how many records lack a text in each language: a query a model."""
    rows = []
    for model in translated_models():
        counts = model._default_manager.aggregate(
            **{
                code: Count("pk", filter=missing_in(model, code))
                for code in LANGUAGE_CODES
            }
        )
        rows.append(MissingCount(model, counts))
    return rows
