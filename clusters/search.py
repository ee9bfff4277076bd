"""Normalised search text: lower case, Polish diacritics folded, on both databases."""

import unicodedata

# Unicode decomposition leaves these letters whole, so they are folded by hand.
_UNDECOMPOSABLE = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "đ": "d", "ß": "ss"})


def normalise(text: str) -> str:
    """Return `text` lower-cased, without diacritics, with runs of space folded."""
    folded = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    without_marks = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(without_marks.lower().split())
