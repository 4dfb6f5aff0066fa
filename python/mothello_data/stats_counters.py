"""The counters behind ``mothello-gen stats`` (:mod:`mothello_data.stats`): passes per game, repeated
games in bounded memory, and opening diversity from one 8-move word per game."""

from __future__ import annotations

import os
import tempfile
from typing import Optional

import numpy as np

from . import _core
from .engine import PASS_MOVE
from .rules import replay_args
from .world_labels import world_ply_columns

OPENING_PLIES = tuple(range(1, 9))


_BYTE_BITS = np.array([bin(b).count("1") for b in range(256)], dtype=np.uint8)


def _popcount(x: np.ndarray) -> np.ndarray:
    """The set bits of each uint64, flat (uint8): numpy's ``bitwise_count`` (numpy >= 2), else a
    table of the bytes' bits."""
    x = np.ascontiguousarray(x, dtype="<u8").ravel()
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x)
    return _BYTE_BITS[x.view(np.uint8)].reshape(-1, 8).sum(axis=1, dtype=np.uint8)


def passes_per_game(moves: np.ndarray, lengths: np.ndarray, threads: int = 1, cols: Optional[dict] = None,
                    rule: Optional[np.ndarray] = None) -> np.ndarray:
    """Passes in each game: written passes (move 64) where the games write them; else plies whose
    mover also made the ply before (the mover's disc count grows under every rule; disc counts come
    from the engine's replay under each game's ``rule``, so a pass is read from the game, not from
    parity). ``cols``: the games' ``world_ply_columns`` with ``disc_count``, when the caller has them."""
    is_pass = moves == PASS_MOVE
    if is_pass.any():
        valid = np.arange(moves.shape[1])[None, :] < np.asarray(lengths)[:, None]
        written = np.count_nonzero(is_pass & valid, axis=1)
        if written.any():  # a dataset with --pass-token writes every pass
            return written
    cols = cols if cols is not None else world_ply_columns(moves, lengths, ["disc_count"], threads,
                                                           **replay_args(moves, rule))
    # black's disc count grew over a ply: black moved it (2 discs at the start); one C++ pass
    return _core.mover_repeats(cols["count_black"], np.ascontiguousarray(lengths, dtype=np.uint8))


class _RepeatCounter:
    """Counts repeated 64-bit game hashes in bounded memory: hashes go to 16 temporary files by their
    top bits; each file is sorted alone at the end."""

    def __init__(self, tmpdir: Optional[str]) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="mothello-stats-", dir=tmpdir)
        self._files = [open(os.path.join(self._dir.name, f"{p:02d}.bin"), "wb") for p in range(16)]

    def add(self, hashes: np.ndarray) -> None:
        part = (hashes >> np.uint64(60)).astype(np.uint8)
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(17))
        for p, f in enumerate(self._files):
            hashes[order[bounds[p]: bounds[p + 1]]].tofile(f)

    def repeats(self) -> int:
        """Hashes seen before (games minus distinct games); removes the files."""
        total = 0
        for f in self._files:
            f.close()
            h = np.sort(np.fromfile(f.name, dtype=np.uint64))
            total += int(np.count_nonzero(h[1:] == h[:-1])) if len(h) else 0
        self._dir.cleanup()
        return total


def _opening_words(rows: np.ndarray) -> np.ndarray:
    """The first 8 moves of each 255-padded move row as one little-endian uint64 (move ``i`` in byte
    ``i``; 255 past a shorter game's end)."""
    return np.ascontiguousarray(rows[:, : max(OPENING_PLIES)], dtype=np.uint8).view("<u8").ravel()


class _OpeningCounter:
    """Distinct 8-move openings (:func:`_opening_words`) with their games; an opening of ``k <= 8``
    moves is the first ``k`` bytes of one, so shorter openings are read from these at the end.
    Counted in a C++ hash table (``_core.count_keys``, rows ``{opening, games}``) kept at most half
    full (a batch's words counted as new). Memory: 16 bytes a row, at most about 4 rows per distinct
    opening and per word of a batch; the openings are bounded by the game tree (390,216 move
    sequences of 8 moves)."""

    def __init__(self) -> None:
        self.table, self.used = np.zeros((1 << 16, 2), np.uint64), 0
        self._sorted: Optional[tuple] = None

    def add(self, words: np.ndarray) -> None:
        """One game's opening word each (:func:`_opening_words`)."""
        words = np.ascontiguousarray(words, dtype=np.uint64)
        if 2 * (self.used + len(words)) > len(self.table):
            self._grow(2 * (self.used + len(words)))
        self.used = _core.count_keys(self.table, self.used, words)
        self._sorted = None

    def _grow(self, size: int) -> None:
        keys, counts = self._entries()
        self.table = np.zeros((1 << (size - 1).bit_length(), 2), np.uint64)
        self.used = _core.count_keys(self.table, 0, keys, counts.astype(np.uint64))

    def _entries(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct openings (as stored) and their games."""
        full = self.table[:, 1] != 0
        return self.table[full, 0], self.table[full, 1].astype(np.int64)

    def _prefixes(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The distinct openings as big-endian words (the moves' order: openings sharing their first
        ``k`` moves are a run), sorted once until the next :meth:`add`; their games; and each
        opening's first ``k`` moves (the word's top ``k`` bytes)."""
        if self._sorted is None:
            keys, counts = self._entries()
            order = np.argsort(keys.byteswap())
            self._sorted = (keys.byteswap()[order], counts[order])
        words, counts = self._sorted
        return words, counts, words >> np.uint64(8 * (8 - k))

    def distinct(self, k: int) -> int:
        """Distinct openings of ``k`` moves (a game shorter than ``k`` moves: its moves, then pads)."""
        prefix = self._prefixes(k)[2]
        return int(np.count_nonzero(prefix[1:] != prefix[:-1])) + (len(prefix) > 0)

    def most_common(self, k: int, top: int) -> list[tuple[int, int]]:
        """The ``top`` most frequent ``k``-move openings as ``(key, games)``, most games first (ties:
        smaller key), key = the moves as bytes of a little-endian int (255 after a shorter game)."""
        words, counts, prefix = self._prefixes(k)
        if not len(words):
            return []
        starts = np.flatnonzero(np.concatenate(([True], prefix[1:] != prefix[:-1])))
        games = np.add.reduceat(counts, starts)
        keys = words[starts].byteswap() & np.uint64((1 << (8 * k)) - 1)
        order = np.lexsort((keys, -games))[:top]
        return [(int(keys[i]), int(games[i])) for i in order]
