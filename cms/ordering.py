"""Names sorted as people expect: in the language shown, in its collation."""

from functools import cache

from django.db import connections
from django.db.models import CharField, Value
from django.db.models.functions import Coalesce, Collate, NullIf
from django.utils.translation import get_language

# Collations for sorting names as people expect, where the database has them.
ICU_COLLATIONS = {"pl": "pl-x-icu", "en": "und-x-icu"}


def language_pair() -> tuple[str, str]:
    """The active language and the other one, as modeltranslation suffixes."""
    language = (get_language() or "pl")[:2]
    if language not in ("pl", "en"):
        language = "pl"
    return language, "en" if language == "pl" else "pl"


@cache
def _has_collation(alias: str, collation: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [collation])
        return cursor.fetchone() is not None


def name_as_shown(alias: str = "default"):
    """The name in the active language, else the other one's: what the page shows."""
    language, other = language_pair()
    expression = Coalesce(
        NullIf(f"name_{language}", Value("")),
        NullIf(f"name_{other}", Value("")),
        Value(""),
        output_field=CharField(),
    )
    collation = ICU_COLLATIONS[language]
    vendor = connections[alias].vendor
    if vendor == "postgresql" and _has_collation(alias, collation):
        expression = Collate(expression, collation)
    elif vendor == "sqlite":
        # SQLite has no language's collation; NOCASE at least ignores the case of
        # Latin letters ("Lubelska" before "LubTechBridge").
        expression = Collate(expression, "NOCASE")
    return expression
