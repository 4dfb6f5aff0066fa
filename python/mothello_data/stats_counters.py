"""The counters behind ``mothello-gen stats`` (:mod:`mothello_data.stats`): passes per game, repeated
games in bounded memory, and opening diversity from one 8-move word per game."""

from __future__ import annotations

import os
import tempfile
from typing import Optional

import numpy as np

from .engine import PASS_MOVE
from .rules import replay_args
from .world_labels import world_ply_columns

OPENING_PLIES = tuple(range(1, 9))


def _popcount(x: np.ndarray) -> np.ndarray:
    bytes_ = np.ascontiguousarray(x, dtype="<u8").view(np.uint8).reshape(-1, 8)
    return np.unpackbits(bytes_, axis=1).sum(axis=1)


def passes_per_game(moves: np.ndarray, lengths: np.ndarray, threads: int = 1, cols: Optional[dict] = None,
                    rule: Optional[np.ndarray] = None) -> np.ndarray:
    """Passes in each game: written passes (move 64) where the games write them; else plies whose
    mover also made the ply before (the mover's disc count grows under every rule; disc counts come
    from the engine's replay under each game's ``rule``, so a pass is read from the game, not from
    parity). ``cols``: the games' ``world_ply_columns`` with ``disc_count``, when the caller has them."""
    valid = np.arange(moves.shape[1])[None, :] < np.asarray(lengths)[:, None]
    is_pass = moves == PASS_MOVE
    if is_pass.any():
        written = np.count_nonzero(is_pass & valid, axis=1)
        if written.any():  # a dataset with --pass-token writes every pass
            return written
    cols = cols if cols is not None else world_ply_columns(moves, lengths, ["disc_count"], threads,
                                                           **replay_args(moves, rule))
    black = cols["count_black"]
    mover_black = np.empty(black.shape, bool)  # black's disc count grew: black moved (2 discs at the start)
    mover_black[:, :1] = black[:, :1] > 2
    np.greater(black[:, 1:], black[:, :-1], out=mover_black[:, 1:])
    repeat = (mover_black[:, 1:] == mover_black[:, :-1]) & valid[:, 1:]
    return np.count_nonzero(repeat, axis=1)


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
    moves is the first ``k`` bytes of one, so shorter openings are read from these at the end. Memory:
    the distinct openings, bounded by the game tree (390,216 move sequences of 8 moves)."""

    def __init__(self) -> None:
        self.keys, self.counts = [np.zeros(0, np.uint64)], [np.zeros(0, np.int64)]

    def add(self, words: np.ndarray) -> None:
        keys, counts = np.unique(words, return_counts=True)
        self.keys.append(keys)
        self.counts.append(counts)
        if len(self.keys) >= 8:
            self._merge()

    def _merge(self) -> None:
        keys, inverse = np.unique(np.concatenate(self.keys), return_inverse=True)
        counts = np.bincount(inverse.ravel(), weights=np.concatenate(self.counts), minlength=len(keys))
        self.keys, self.counts = [keys], [counts.astype(np.int64)]

    def _prefixes(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        self._merge()
        mask = np.uint64(0) if k >= 8 else ~np.uint64((1 << (8 * k)) - 1)  # bytes k.. read as 255
        return np.unique(self.keys[0] | mask, return_inverse=True)

    def distinct(self, k: int) -> int:
        """Distinct openings of ``k`` moves (a game shorter than ``k`` moves: its moves, then pads)."""
        return int(len(self._prefixes(k)[0]))

    def most_common(self, k: int, top: int) -> list[tuple[int, int]]:
        """The ``top`` most frequent ``k``-move openings as ``(key, games)``, most games first (ties:
        smaller key), key = the moves as bytes of a little-endian int (255 after a shorter game)."""
        keys, inverse = self._prefixes(k)
        games = np.bincount(inverse.ravel(), weights=self.counts[0], minlength=len(keys)).astype(np.int64)
        keys = keys & np.uint64((1 << (8 * k)) - 1)
        order = np.lexsort((keys, -games))[:top]
        return [(int(keys[i]), int(games[i])) for i in order]
