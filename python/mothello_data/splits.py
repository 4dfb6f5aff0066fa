"""Symmetry-aware split hygiene (issue #13): the rules, apart from the shard writer that applies them.

* ``--dedupe symmetric``: a game is a repeat of a later split's game when it equals it *up to the
  start position's symmetries* (identity, half turn, the two diagonal reflections: the maps that
  send the start to itself, :data:`mothello_data.symmetry.START_SYMMETRIES`), not only exactly.
  Games are compared by their canonical move rows (:func:`mothello_data.symmetry.canonical_rows`).
* ``--split-by opening:K``: a game's split is decided by its canonical first ``K`` moves (the whole
  game when shorter), so no opening, up to symmetry, occurs in two splits. Each canonical opening is
  assigned to a split by a seeded draw on its hash, with the split sizes as weights
  (:func:`assign_splits`). A split keeps its exact size: the game with id ``i`` of split ``S`` is
  the first candidate of ``(seed, i)``, then ``(seed_1, i')``, ``(seed_2, i'')``, ... (fresh games,
  :func:`attempt_seed`) whose opening belongs to ``S``; the candidates turned away are counted
  (``opening_rejected`` in the manifest). ``game_id`` stays the row's id in the split's range; the
  game itself is regenerated from ``(attempt_seed(seed, a), id)``, not from ``(seed, id)``.

The default (``--split-by id``, ``--dedupe exact``) is the behaviour and bytes of earlier versions.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from .engine import PAD_SQUARE
from .rng import below, draw, draw_int
from .spec import SpecError
from .symmetry import canonical_rows

DEDUPE_MODES = ("exact", "symmetric")
_OPENING_STREAM, _ATTEMPT_STREAM = 0x0BE9, 0xA77E


def parse_split_by(text: Optional[str]) -> int:
    """``--split-by`` text: ``id`` (or None) -> 0, ``opening:K`` -> K in 1..60; else one-line error."""
    if text is None or text == "id":
        return 0
    head, _, k = str(text).partition(":")
    if head == "opening" and k.isdigit() and 1 <= int(k) <= 60:
        return int(k)
    raise SpecError(f"--split-by: expected id or opening:K with K in 1..60, got {text!r}")


def check_dedupe(mode: Optional[str]) -> str:
    """``--dedupe`` value (None: exact); an unknown mode is a one-line error."""
    mode = "exact" if mode is None else mode
    if mode not in DEDUPE_MODES:
        raise SpecError(f"--dedupe: expected {' or '.join(DEDUPE_MODES)}, got {mode!r}")
    return mode


def canonical_openings(moves: np.ndarray, lengths: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` moves of each game (255 past a shorter game's end) in canonical form."""
    head = np.array(moves[:, :k], dtype=np.uint8, copy=True)
    head[np.arange(k)[None, :] >= np.asarray(lengths)[:, None]] = PAD_SQUARE
    return canonical_rows(head)


def assign_splits(opening_hashes: np.ndarray, seed: int, sizes: list) -> np.ndarray:
    """Split index of each opening: a seeded uniform draw on its hash, cut by the split sizes."""
    total = sum(sizes)
    # 2**30 buckets: the draw's resolution; bucket b goes to the split whose share covers it
    buckets = below(draw(seed, _OPENING_STREAM, np.asarray(opening_hashes, dtype=np.uint64)), 2**30)
    bounds = np.cumsum([(s * 2**30) // total for s in sizes])
    bounds[-1] = 2**30
    return np.searchsorted(bounds, buckets, side="right")


def attempt_seed(seed: int, attempt: int) -> int:
    """The seed of the ``attempt``-th replacement round (attempt 0 is the run's own seed)."""
    return seed if attempt == 0 else draw_int(seed, _ATTEMPT_STREAM, attempt)
