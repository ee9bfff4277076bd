"""Which texts are translations, from which language, and whether a person checked
them: for the staff's review and for the visitors' note ("Translated from English").

A record's `translated_from` maps a translated field to the language its text was
translated from (`{"characteristics": "en"}`: the Polish text is the translation).
`translation_reviewed` is cleared when the record has translations nobody has checked
since they were written or since their source changed.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cms.translation_status import LANGUAGE_CODES

# Kept in revisions although no form edits them directly (cms/revisions.py).
MARK_FIELDS = ("translated_from", "translation_reviewed")


class TranslationMarked(models.Model):
    translated_from = models.JSONField(
        _("translated texts"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Each translated text and the language it was translated from."),
    )
    translation_reviewed = models.BooleanField(
        _("translation reviewed"),
        default=True,
        editable=False,
        help_text=_("Cleared while a translation waits for a person to check it."),
    )

    class Meta:
        abstract = True

    def translations_into(self, language: str) -> list[str]:
        """The fields whose text in `language` is a translation."""
        return [
            field
            for field, source in (self.translated_from or {}).items()
            if source != language
            and (getattr(self, f"{field}_{language}", "") or "").strip()
        ]


def is_marked(model) -> bool:
    return issubclass(model, TranslationMarked)


def translated_from_language(*records, language: str | None = None) -> str:
    """The language the active language's texts of `records` (records, or iterables
    of them) were translated from; "" when none is a translation."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    for group in records:
        items = group if isinstance(group, Iterable) else [group]
        for record in items:
            if record is None or not isinstance(record, TranslationMarked):
                continue
            for field in record.translations_into(language):
                return record.translated_from[field]
    return ""


def translation_note(*records) -> str:
    """The visitors' one line saying the page's text is (partly) a translation."""
    return note_for(translated_from_language(*records))


def note_for(language: str) -> str:
    """The translation note for texts translated from `language` ("" for none)."""
    notes = {
        "en": gettext("Translated from English"),
        "pl": gettext("Translated from Polish"),
    }
    return notes.get(language, "")


def unreviewed(model, owned: dict | None = None) -> Q:
    """Records with a translation nobody checked, in themselves or in the rows they
    own (`owned`: {relation: model}, see cms/revisions.owned_models)."""
    condition = Q(translation_reviewed=False) if is_marked(model) else Q(pk__in=[])
    for relation, child in (owned or {}).items():
        if not is_marked(child):
            continue
        field = getattr(model, relation).field.attname
        condition |= Exists(
            child._default_manager.filter(
                translation_reviewed=False, **{field: OuterRef("pk")}
            )
        )
    return condition


def mark_reviewed(queryset, owned: dict | None = None) -> int:
    """Marks the records' translations, and their owned rows', as checked."""
    pks = list(queryset.values_list("pk", flat=True))
    model = queryset.model
    for relation, child in (owned or {}).items():
        if is_marked(child):
            field = getattr(model, relation).field.attname
            child._default_manager.filter(**{f"{field}__in": pks}).update(
                translation_reviewed=True
            )
    if is_marked(model):
        model._default_manager.filter(pk__in=pks).update(translation_reviewed=True)
    return len(pks)


def sources_changed(record, changed: Iterable[str]) -> bool:
    """Whether a change of the form fields `changed` (per-language names) touched
    the source text of one of `record`'s translations."""
    changed = set(changed)
    return any(
        f"{field}_{source}" in changed
        for field, source in (record.translated_from or {}).items()
    )


def describe(record) -> list[str]:
    """Each translated text, for staff: "characteristics (Polish): from English"."""
    names = dict(settings.LANGUAGES)
    origins = {
        "en": gettext("translated from English"),
        "pl": gettext("translated from Polish"),
    }
    marks = record.translated_from or {}
    lines = []
    for field in (f.name for f in record._meta.fields if f.name in marks):
        source = marks[field]
        label = capfirst(record._meta.get_field(field).verbose_name)
        for target in LANGUAGE_CODES:
            if target != source:
                lines.append(
                    gettext("%(field)s (%(language)s): %(origin)s")
                    % {
                        "field": label,
                        "language": gettext(names[target]),
                        "origin": origins.get(source, source),
                    }
                )
    return lines
