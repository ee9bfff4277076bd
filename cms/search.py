"""Normalised search text: lower case, Polish diacritics folded, on both databases;
and close words for typo-tolerant search where the database has no trigrams."""

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Expression, F

from cms.rich_text import plain_text

# Unicode decomposition leaves these letters whole, so they are folded by hand.
_UNDECOMPOSABLE = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "đ": "d", "ß": "ss"})


def normalise(text: str) -> str:
    """Return `text` lower-cased, without diacritics, with runs of space folded."""
    folded = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    without_marks = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(without_marks.lower().split())


# Typo-tolerant search where PostgreSQL's pg_trgm is not available: its word similarity,
# computed here over each known word.
# Letters and digits: an underscore parts words, as PostgreSQL's text search parts them.
WORD = re.compile(r"[^\W_]+")
# pg_trgm.word_similarity_threshold's default, which PostgreSQL applies.
SIMILARITY_THRESHOLD = 0.6
MAX_CLOSE_WORDS = 10


def vocabulary(texts: Iterable[str]) -> set[str]:
    """The distinct words of normalised texts."""
    return {word for text in texts for word in WORD.findall(text)}


def trigrams(word: str) -> list[str]:
    """A word's trigrams in order, padded as pg_trgm pads them."""
    padded = f"  {word} "
    return [padded[index : index + 3] for index in range(len(padded) - 2)]


def word_similarity(query: str, word: str) -> float:
    """pg_trgm's `word_similarity(query, word)`: the best share of trigrams the query
    has in common with any run of the word's trigrams."""
    wanted = set(trigrams(query))
    ordered = trigrams(word)
    best = 0.0
    for start in range(len(ordered)):
        run = set()
        for trigram in ordered[start:]:
            run.add(trigram)
            common = len(run & wanted)
            best = max(best, common / (len(wanted) + len(run) - common))
    return best


def close_words(word: str, known: Iterable[str]) -> list[str]:
    """The known words like `word` as PostgreSQL's `<%` finds them, most alike first."""
    if not WORD.fullmatch(word):
        return []
    scored = sorted(
        (score, other)
        for other in known
        if (score := word_similarity(word, other)) >= SIMILARITY_THRESHOLD
    )
    return [other for _score, other in reversed(scored)][:MAX_CLOSE_WORDS]


# Words and their forms: what is stored for a text, and what a query word matches.
#
# A text is stored as its words' forms, each after a space: the word itself
# (normalised), then, for a Polish text, the word's lemmas from Morfeusz 2 (the SGJP
# dictionary) marked "0" ("lotniczych" → "0lotniczy"), for an English text, its
# Snowball stem marked "1" ("welding" → "1weld"). The marks keep each language's
# forms apart: a Polish lemma's stem never matches an English word. (Digits, so that
# PostgreSQL's text search keeps each form one word; a written word could only be
# taken for a form if it began with a digit and went on with the same letters.)
#
# A query word matches a stored word that begins with it ("lotni" → "lotniczych"),
# a Polish lemma that begins with its own lemmas cut to their stem ("lotnictwo" →
# "0lotnic", so "0lotniczy" too), an English stem that begins with its own stem
# ("helicopters" → "1helicopt"). A short word or an acronym (IT, OZE, PZL) matches
# only a whole stored word. Words that say nothing (the English "it", the Polish "i")
# are not stored unless written as an acronym.

SHORT = 3
STEM_KEEPS = 6  # a lemma is cut by three letters, and never below this
POLISH, ENGLISH = "0", "1"
WORDS_REMEMBERED = 50_000
STOPWORDS = frozenset(
    # Polish
    "a aby albo ale az bo by byc go i ich im jak jako jej jest jego juz ktora "
    "ktore ktory ktorych lub ma na nad nie nich niz o od oraz po pod przez przy "
    "sa se sie ta tak takze te tego ten to tu tym u w we wraz z za ze "
    # English
    "an and are as at be been but by for from has have in into is it its of on "
    "or our that the their them there these they this those to was we were which "
    "who will with".split()
)


@functools.cache
def _morfeusz():
    import morfeusz2

    return morfeusz2.Morfeusz(generate=False, expand_tags=False)


@functools.cache
def _english():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


# Bounded: queries bring words of their own.
@functools.lru_cache(maxsize=WORDS_REMEMBERED)
def polish_lemmas(word: str) -> frozenset[str]:
    """A Polish word's lemmas, normalised ("klastrów" → {"klaster"}); none for a
    word the dictionary does not know."""
    lemmas = set()
    for _start, _end, (_form, lemma, tag, *_rest) in _morfeusz().analyse(word):
        lemma = normalise(lemma.split(":")[0])
        if tag != "ign" and WORD.fullmatch(lemma) and "_" not in lemma:
            lemmas.add(lemma)
    return frozenset(lemmas)


@functools.lru_cache(maxsize=WORDS_REMEMBERED)
def english_stem(word: str) -> str:
    """A word's Snowball stem; `word` as stored (`plain`)."""
    return _english().stemWord(word)


def is_acronym(word: str) -> bool:
    return word.isupper() and len(word) > 1


def plain(word: str) -> str:
    """The word as stored: normalised, and only its letters and digits (folding can
    turn a character into others: "⑽" into "(10)")."""
    return "".join(WORD.findall(normalise(word)))


def is_short(word: str) -> bool:
    return is_acronym(word) or len(plain(word)) <= SHORT


def words_of(text: str) -> list[str]:
    """The words of `text` that have a stored form."""
    return [word for word in WORD.findall(text or "") if plain(word)]


def meaningful(words: list[str]) -> list[str]:
    """`words` without those that say nothing, unless they are all there is."""
    kept = [w for w in words if is_acronym(w) or plain(w) not in STOPWORDS]
    return kept or words


def word_forms(word: str, language: str | None) -> set[str]:
    """The stored forms of `word` in `language` (both when None)."""
    written = plain(word)
    if is_short(word):
        return {written}
    forms = {written}
    if language in (None, "pl"):
        forms |= {POLISH + lemma for lemma in polish_lemmas(word)}
    if language in (None, "en"):
        forms.add(ENGLISH + english_stem(written))
    return forms


def indexed(text: str, language: str) -> str:
    """`text` as stored for search: its words' forms, each after a space."""
    forms = []
    for word in words_of(text):
        if plain(word) in STOPWORDS and not is_acronym(word):
            continue
        forms.extend(sorted(word_forms(word, language)))
    return "".join(f" {form}" for form in forms) + " " if forms else ""


def indexed_fields(record, *fields: str) -> str:
    """A record's translated fields as stored for search, each language's text with
    its own language's forms; a formatted text's words only (cms/rich_text.py)."""
    return "".join(
        indexed(plain_text(getattr(record, f"{field}_{code}", "") or ""), code)
        for field in fields
        for code in ("pl", "en")
    )


def stem(lemma: str) -> str:
    return lemma[: max(STEM_KEEPS, len(lemma) - 3)]


@dataclass(frozen=True)
class QueryWord:
    """A word of a query and the stored forms it matches: `starts` begin a form,
    `whole` are a form."""

    text: str
    starts: frozenset[str]
    whole: frozenset[str]

    @classmethod
    def typed(cls, word: str) -> "QueryWord":
        """A word as a visitor typed it: it, its lemmas' stems and its English stem
        begin stored forms."""
        written = plain(word)
        if is_short(word):
            return cls(written, frozenset(), frozenset({written}))
        stems = {stem(lemma) for lemma in polish_lemmas(word)}
        # Of a word's lemmas that share a stem ("informatyka", "informatyk"), the
        # longer stem: the shorter one reaches other words ("informacja").
        stems = {s for s in stems if not any(o != s and o.startswith(s) for o in stems)}
        starts = {
            written,
            ENGLISH + english_stem(written),
            *(POLISH + s for s in stems),
        }
        return cls(written, frozenset(starts), frozenset())

    @classmethod
    def synonym(cls, word: str) -> "QueryWord":
        """A word of a synonym the query did not type: its forms, whole."""
        return cls(plain(word), frozenset(), frozenset(word_forms(word, None)))

    def patterns(self) -> list[str]:
        """What a stored text holds when it holds this word."""
        return [f" {form}" for form in sorted(self.starts)] + [
            f" {form} " for form in sorted(self.whole)
        ]

    def in_text(self, stored: str) -> bool:
        return any(pattern in stored for pattern in self.patterns())


# A query: every unit must match; a unit is the word typed, or the phrase typed with
# its synonyms (any of them matches: each phrase's words all do).
Phrase = tuple[QueryWord, ...]


def _same_word(typed: str, listed: str) -> bool:
    return plain(typed) == plain(listed) or bool(
        word_forms(typed, None) & word_forms(listed, None)
    )


@dataclass(frozen=True)
class Query:
    units: tuple[tuple[Phrase, ...], ...]

    @classmethod
    def parse(cls, text: str, synonyms: Iterable[list[str]], limit: int) -> "Query":
        """The query's words, each phrase of a synonym group found in them (longest
        first) standing for the whole group."""
        # Words that say nothing are left out, unless they are all there is ("it");
        # so from the synonyms' phrases, which are stored without them too.
        words = meaningful(words_of(text))[:limit]
        groups = [
            [meaningful(words_of(phrase)) for phrase in group if words_of(phrase)]
            for group in synonyms
        ]
        candidates = sorted(
            ((phrase, group) for group in groups for phrase in group),
            key=lambda candidate: -len(candidate[0]),
        )
        units, position = [], 0
        while position < len(words):
            for phrase, group in candidates:
                run = words[position : position + len(phrase)]
                if len(run) == len(phrase) and all(map(_same_word, run, phrase)):
                    typed = tuple(QueryWord.typed(word) for word in run)
                    others = [
                        tuple(QueryWord.synonym(word) for word in other)
                        for other in group
                        if other is not phrase
                    ]
                    unit = (typed, *others)
                    position += len(phrase)
                    break
            else:
                unit = ((QueryWord.typed(words[position]),),)
                position += 1
            if unit not in units:  # a word typed twice asks for it once
                units.append(unit)
        return cls(tuple(units))

    def __bool__(self):
        return bool(self.units)

    @property
    def typed(self) -> list[QueryWord]:
        """The words as typed, each once."""
        return [word for unit in self.units for word in unit[0]]

    def unit_in(self, unit, stored: str) -> bool:
        return any(all(word.in_text(stored) for word in phrase) for phrase in unit)

    def marks(self, text: str, language: str | None) -> list[tuple[str, bool]]:
        """`text` in runs, each saying whether it is a word the query matches."""
        runs, last = [], 0
        for found in WORD.finditer(text):
            stored = indexed(found.group(), language) or f" {normalise(found.group())} "
            hit = any(
                word.in_text(stored)
                for unit in self.units
                for phrase in unit
                for word in phrase
            )
            if hit:
                runs.append((text[last : found.start()], False))
                runs.append((found.group(), True))
                last = found.end()
        runs.append((text[last:], False))
        return [run for run in runs if run[0]]


# On PostgreSQL, each stored text has its words beside it, in a column named after
# it with this ending (generated as `to_tsvector('simple', text)`: clusters migration
# 0011).
WORDS_COLUMN_ENDING = "_words"


class HoldsWords(Expression):
    """A stored text holds the words of query units. On PostgreSQL a full-text match
    on the text's words column (WORDS_COLUMN_ENDING; each stored form is a word there,
    a form's beginning a prefix): read from its index when it has one, and cheap row
    by row, as the text is not parsed again. Elsewhere the same as LIKE patterns."""

    output_field = BooleanField()

    def __init__(self, field: str, units):
        super().__init__()
        self.text = F(field)
        self.units = units

    def resolve_expression(self, *args, **kwargs):
        resolved = self.copy()
        resolved.text = self.text.resolve_expression(*args, **kwargs)
        return resolved

    def get_source_expressions(self):
        return [self.text]

    def set_source_expressions(self, expressions):
        (self.text,) = expressions

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.text)
        units, all_params = [], []
        for unit in self.units:
            phrases = []
            for phrase in unit:
                words = []
                for word in phrase:
                    patterns = word.patterns()
                    words.append(
                        "(" + " OR ".join(f"{sql} LIKE %s" for _ in patterns) + ")"
                    )
                    for pattern in patterns:
                        all_params += [*params, f"%{pattern}%"]
                phrases.append("(" + " AND ".join(words) + ")")
            units.append("(" + " OR ".join(phrases) + ")")
        return "(" + " AND ".join(units) + ")", all_params

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.text)
        # `"table"."column"` → `"table"."column_words"`
        table, _dot, column = sql.rpartition(".")
        words = connection.ops.quote_name(column.strip('"') + WORDS_COLUMN_ENDING)
        words = f"{table}.{words}"
        return f"{words} @@ to_tsquery('simple', %s)", [*params, tsquery(self.units)]


def tsquery(units) -> str:
    """Query units as a PostgreSQL tsquery: every unit, any phrase, all its words,
    any of a word's forms (a beginning as a prefix)."""

    def word(word: QueryWord) -> str:
        # Quoted: a form is letters and digits, and quoted it stays one word whatever
        # they are.
        forms = [f"'{form}':*" for form in sorted(word.starts)]
        forms += [f"'{form}'" for form in sorted(word.whole)]
        return "(" + " | ".join(forms) + ")"

    return " & ".join(
        "(" + " | ".join(" & ".join(map(word, phrase)) for phrase in unit) + ")"
        for unit in units
    )
