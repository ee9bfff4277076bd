"""Pieces of pages kept per content version: what many requests render alike.

A directory page for a filter combination nobody asked for before still shows rows
that other pages showed, and counts that other pages of the same filters counted.
Those pieces are kept in the shared cache as whole pages are (cms/caching.py), with
the content version they were computed from and the next schedule boundary, so they
are exactly as fresh: after any change of content, or once a scheduled record is
due, every piece is computed anew.

As with whole pages, nothing computed inside a transaction is kept: its rows may yet
be rolled back. A draft's preview (cms/revisions.py `sandbox`) neither reads nor keeps
pieces: it shows the draft.
"""

from collections.abc import Callable, Hashable, Iterable

from django.utils import timezone

from cms.caching import (
    database_name,
    in_transaction,
    keep_entries,
    read_entries,
    settled_boundary,
)
from cms.metrics import KEPT_PIECES
from cms.revisions import in_sandbox


def piece_key(kind: str, variant: str, key: Hashable) -> str:
    return f"piece:{database_name()}:{kind}:{variant}:{key}"


def cached_pieces(
    kind: str,
    keys: Iterable[Hashable],
    compute: Callable[[list], dict],
    variant: str = "",
) -> dict:
    """{key: piece} for every key, read in one cache trip; the missing ones from
    `compute(missing keys)` ({key: piece}), then kept. `variant` tells apart pieces
    of one record computed differently (another language, another search)."""
    if in_sandbox():  # a draft's preview shows the draft, not what the public sees
        return compute(list(keys))
    now = timezone.now()
    names = {key: piece_key(kind, variant, key) for key in keys}
    state, fresh = read_entries(list(names.values()), now)
    pieces = {key: fresh[name][0] for key, name in names.items() if name in fresh}
    missing = [key for key in names if key not in pieces]
    KEPT_PIECES.labels("hit").inc(len(pieces))
    KEPT_PIECES.labels("miss").inc(len(missing))
    if missing:
        computed = compute(missing)
        pieces |= computed
        if not in_transaction():
            keep_entries(
                {names[key]: piece for key, piece in computed.items()},
                state[0],
                settled_boundary(state, now),
                now,
            )
    return pieces


def cached_piece(kind: str, key: Hashable, compute: Callable[[], object]):
    """One piece: `compute()`'s value, kept for the content version."""
    return cached_pieces(kind, [key], lambda _missing: {key: compute()})[key]
