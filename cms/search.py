"""Normalised search text: lower case, Polish diacritics folded, on both databases;
and close words for typo-tolerant search where the database has no trigrams."""

import re
import unicodedata
from collections.abc import Iterable

# Unicode decomposition leaves these letters whole, so they are folded by hand.
_UNDECOMPOSABLE = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "đ": "d", "ß": "ss"})


def normalise(text: str) -> str:
    """Return `text` lower-cased, without diacritics, with runs of space folded."""
    folded = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    without_marks = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(without_marks.lower().split())


# Typo-tolerant search where PostgreSQL's pg_trgm is not available: its word similarity,
# computed here over each known word.
WORD = re.compile(r"\w+")
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
