"""Edit history with django-simple-history, made to work with translated fields.

Models are registered here, from each app's ready(), which runs after
modeltranslation has added the per-language columns (modeltranslation is first in
INSTALLED_APPS): the history tables then record `name_pl` and `name_en`. Declaring
`HistoricalRecords()` on a translated model instead makes its saves fail.
"""

import dataclasses
from difflib import SequenceMatcher

from django.apps import apps
from django.template.defaultfilters import yesno
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext
from modeltranslation.translator import NotRegistered, translator
from simple_history import register
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_m2m_reverse_field_name

from cms.rich_text import plain_text


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


# The history list shows a changed text as the words removed and added, with a few
# words around each change, instead of simple-history's cut-down old and new values.
CONTEXT_WORDS = 8
# Unchanged runs shorter than this between two changes join them: "and" or "the" in
# common would otherwise cut a rewritten sentence into pieces.
MIN_UNCHANGED_WORDS = 3
# Texts less alike than this were rewritten: the old one is shown, then the new one.
MIN_SIMILARITY = 0.5


def word_diff(old: str, new: str) -> str:
    """HTML of `old` turned into `new`: removed words in <del>, added ones in <ins>,
    unchanged runs cut down to the words next to a change. Formatted texts are
    compared by their words (cms/rich_text.py), not their markup."""
    before, after = plain_text(old).split(), plain_text(new).split()
    if before == after and old != new:
        return escape(gettext("Only the formatting changed."))
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    if matcher.ratio() < MIN_SIMILARITY:
        return changed(before, after)
    opcodes = matcher.get_opcodes()
    parts, removed, added = [], [], []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        at_edge = index in (0, len(opcodes) - 1)
        if tag == "equal" and (at_edge or i2 - i1 >= MIN_UNCHANGED_WORDS):
            parts.append(changed(removed, added))
            removed, added = [], []
            parts.append(escape(unchanged(before[i1:i2], index, len(opcodes))))
        else:
            removed += before[i1:i2]
            added += after[j1:j2]
    parts.append(changed(removed, added))
    return mark_safe(" ".join(part for part in parts if part))


def changed(removed: list[str], added: list[str]) -> str:
    """The removed words in <del>, then the added ones in <ins>, escaped."""
    parts = []
    if removed:
        parts.append(format_html("<del>{}</del>", " ".join(removed)))
    if added:
        parts.append(format_html("<ins>{}</ins>", " ".join(added)))
    return mark_safe(" ".join(parts))


def unchanged(words: list[str], index: int, count: int) -> str:
    """An unchanged run, kept whole when short, else only its ends next to changes."""
    if len(words) <= 2 * CONTEXT_WORDS:
        return " ".join(words)
    head = words[:CONTEXT_WORDS] if index > 0 else []
    tail = words[-CONTEXT_WORDS:] if index < count - 1 else []
    return " ".join([*head, "…", *tail])


def shown(field, value) -> str:
    """A field's value as staff read it: yes/no, a choice's label, names for records,
    a date in the local time and the user's language, "—" for nothing."""
    if value is None or value == "" or value == []:
        return "—"
    if field.many_to_many:
        target = get_m2m_reverse_field_name(field)
        return ", ".join(str(row[target]) for row in value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return yesno(value)
    if isinstance(value, str):
        value = plain_text(value)
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return Truncator(formats.localize(value)).chars(100)


class WordDiffContextHelper(HistoricalRecordContextHelper):
    """Shows each change's values as staff read them (`shown`), and adds `diff` (see
    word_diff) to each change of two texts."""

    def format_delta_change(self, change):
        field = self.model._meta.get_field(change.field)
        return dataclasses.replace(
            change,
            field=capfirst(field.verbose_name),
            old=shown(field, change.old),
            new=shown(field, change.new),
        )

    def context_for_delta_changes(self, delta) -> list[dict]:
        context = super().context_for_delta_changes(delta)
        for change, entry in zip(delta.changes, context, strict=True):
            values = (change.old, change.new)
            is_text = not self.model._meta.get_field(change.field).choices
            if is_text and all(
                value is None or isinstance(value, str) for value in values
            ):
                entry["diff"] = word_diff(change.old or "", change.new or "")
        return context
