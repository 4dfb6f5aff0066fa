"""Exact repeats across splits: game hashes and the index of held-out games.

``mothello-gen`` drops a game from a split when it repeats (exactly, or with ``--dedupe symmetric``
up to the start position's symmetries) a game of a later split; the stream applies the same rule
between its id ranges. Both ask :class:`HeldOutIndex`, which holds the later games' hashes.
"""

from __future__ import annotations

import json
import threading

import numpy as np

from . import _core, engine, sources
from .plan import Plan
from .symmetry import canonical_rows

_U64 = np.uint64
_HASH_IV = 0x6A09E667F3BCC908


def game_hashes(moves: np.ndarray) -> np.ndarray:
    """64-bit hash of each padded move row (n, W) uint8: the row padded with 255 to a multiple of 8
    bytes (at least 64), read as little-endian uint64 words, chained from an IV with
    :func:`mothello_data.rng.chain` (computed in one pass by ``_core.row_hashes``)."""
    return _core.row_hashes(np.ascontiguousarray(moves, dtype=np.uint8), _HASH_IV)


class HeldOutIndex:
    """Hashes (sorted, with game ids) of held-out games: every split after a given one, to drop exact
    repeats of a later split's games from earlier splits (built once per (plan, split) and cached),
    or given id ranges (:meth:`from_ranges`, used by :mod:`mothello_data.stream`)."""

    _cache: dict = {}
    _lock = threading.Lock()

    def __init__(self, hashes: np.ndarray, ids: np.ndarray, symmetric: bool = False, games=None) -> None:
        order = np.argsort(hashes, kind="stable")
        self.hashes, self.ids = hashes[order], ids[order]
        # A presence table on the hashes' top bits (8 to 16 slots per indexed game, at most 16 MB):
        # most rows miss it, and only hits are binary-searched (the search was ~5% of a run's CPU).
        self._bits = min(24, max(8, len(hashes).bit_length() + 3))
        self._present = np.zeros(1 << self._bits, dtype=bool)
        self._present[self.hashes >> _U64(64 - self._bits)] = True
        self.symmetric = symmetric  # hashes of canonical rows: repeats up to the start's symmetries
        self.games = games  # games(lo, n) -> moves of the indexed run (None: uniform games of the seed)

    @staticmethod
    def _rows(moves: np.ndarray, symmetric: bool) -> np.ndarray:
        return canonical_rows(moves) if symmetric else moves

    @classmethod
    def for_split(cls, plan: Plan, split: str) -> "HeldOutIndex":
        """The index of the splits after ``split`` (built once per process and plan)."""
        key = (json.dumps(plan.identity(), sort_keys=True), split)
        with cls._lock:
            if key not in cls._cache:
                cls._cache[key] = cls._build(plan, split)
            return cls._cache[key]

    @classmethod
    def _build(cls, plan: Plan, split: str) -> "HeldOutIndex":
        names = list(plan.splits)
        first = sum(plan.splits[n] for n in names[: names.index(split) + 1])
        if plan.split_by:  # splits by opening share no game, not even up to symmetry
            return cls.from_ranges(plan.seed, [])
        return cls.from_ranges(plan.seed, [(first, sum(plan.splits.values()))], plan.dedupe == "symmetric",
                               lambda lo, n: sources.games(plan, lo, n).moves)

    @classmethod
    def from_ranges(cls, seed: int, ranges, symmetric: bool = False, games=None) -> "HeldOutIndex":
        """The index of the games in the id ranges ``[(first, end), ...]`` of the run with ``seed``
        (``symmetric``: to catch repeats up to the start position's symmetries as well;
        ``games(lo, n)``: the run's moves, for a policy or an import; None: uniform games)."""
        games = games or (lambda lo, n: engine.generate(n, seed, lo).moves)
        hashes, ids = [], []
        for first, last in ranges:
            for lo in range(first, last, 1_000_000):
                n = min(1_000_000, last - lo)
                hashes.append(game_hashes(cls._rows(games(lo, n), symmetric)))
                ids.append(np.arange(lo, lo + n, dtype=_U64))
        if not hashes:
            return cls(np.zeros(0, _U64), np.zeros(0, _U64), symmetric, games)
        return cls(np.concatenate(hashes), np.concatenate(ids), symmetric, games)

    def repeats(self, moves: np.ndarray, seed: int) -> np.ndarray:
        """Boolean mask of rows whose exact move sequence is one of the indexed games (a symmetric
        index: or one of their images under a start symmetry)."""
        return self.repeat_kinds(moves, seed)[0]

    def repeat_kinds(self, moves: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`repeats`, and which of those rows repeat an indexed game exactly (for an exact
        index the same mask; for a symmetric one, the rest are repeats only up to a symmetry)."""
        if not len(self.hashes):
            return np.zeros(len(moves), dtype=bool), np.zeros(len(moves), dtype=bool)
        rows = self._rows(moves, self.symmetric)
        h = game_hashes(rows)
        mask, exact = np.zeros(len(moves), dtype=bool), np.zeros(len(moves), dtype=bool)
        maybe = np.flatnonzero(self._present[h >> _U64(64 - self._bits)])
        first = np.searchsorted(self.hashes, h[maybe], "left")
        end = np.searchsorted(self.hashes, h[maybe], "right")
        for row, lo_j, end_j in zip(maybe.tolist(), first.tolist(), end.tolist()):
            found = False  # confirm a hash hit exactly against the regenerated games
            for j in range(lo_j, end_j):  # images of one game share a symmetric hash
                lo = int(self.ids[j])
                game = self.games(lo, 1) if self.games else engine.generate(1, seed, lo).moves
                if np.array_equal(self._rows(game, self.symmetric)[0], rows[row]):
                    found = True
                    if np.array_equal(game[0], moves[row]):
                        exact[row] = True
                        break
            mask[row] = found
        return mask, exact
