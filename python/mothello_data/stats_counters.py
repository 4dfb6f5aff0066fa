"""The counters behind ``mothello-gen stats`` (:mod:`mothello_data.stats`): passes per game, repeated
games in bounded memory, and opening diversity from one 8-move word per game."""

from __future__ import annotations

import os
import tempfile
from typing import Optional

import numpy as np

from . import _core
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
                    rule: Optional[np.ndarray] = None, written: Optional[bool] = None) -> np.ndarray:
    """Passes in each game (int64): the plies whose mover also made the ply before. Where the games
    write their passes (move 64), the written passes; else the plies before which the side to move
    had no legal move and the turn went over. Read from the game by the engine's replay under each
    game's ``rule`` (the game loop sets its pass flag there: ``world_ply_columns``' ``passes``),
    never from ply parity. ``cols``: the games' ``world_ply_columns`` with ``passes``, when the caller
    has them; ``written``: whether any row holds a 64, when the caller knows (``replay_args``'
    ``pass_token``): without ``cols``, written passes are counted in the rows (one C++ pass), no replay."""
    if cols is not None and "passes" in cols:
        return cols["passes"]
    moves, lengths = np.ascontiguousarray(moves, dtype=np.uint8), np.ascontiguousarray(lengths, dtype=np.uint8)
    if written is not False:
        counts = _core.written_passes(moves, lengths)
        if counts.any():  # a dataset with --pass-token writes every pass
            return counts
    return world_ply_columns(moves, lengths, ["passes"], threads, **replay_args(moves, rule))["passes"]


class _SortedBuffer:
    """Values (uint64) gathered batch by batch, up to :attr:`BUFFER` at a time, then handed sorted to
    :meth:`_flush` (one sort of many batches costs less than one per batch)."""

    BUFFER = 1 << 18

    def __init__(self) -> None:
        self._pending: list = []
        self._waiting = 0

    def _buffer(self, values: np.ndarray) -> None:
        self._pending.append(values)
        self._waiting += len(values)
        if self._waiting >= self.BUFFER:
            self._flush()

    def _take_sorted(self) -> np.ndarray:
        """The buffered values, sorted; the buffer is emptied."""
        values = np.sort(np.concatenate(self._pending)) if self._pending else np.zeros(0, np.uint64)
        self._pending, self._waiting = [], 0
        return values

    def _flush(self) -> None:
        raise NotImplementedError


class _RepeatCounter(_SortedBuffer):
    """Counts repeated 64-bit game hashes in bounded memory: hashes go to 16 temporary files by their
    top bits, a buffer of up to 2**18 of them at a time (sorted: each file's share is one slice);
    each file is sorted alone at the end."""

    def __init__(self, tmpdir: Optional[str]) -> None:
        super().__init__()
        self._dir = tempfile.TemporaryDirectory(prefix="mothello-stats-", dir=tmpdir)
        self._files = [open(os.path.join(self._dir.name, f"{p:02d}.bin"), "wb") for p in range(16)]

    def add(self, hashes: np.ndarray) -> None:
        self._buffer(np.asarray(hashes, dtype=np.uint64))

    def _flush(self) -> None:
        hashes = self._take_sorted()
        bounds = np.searchsorted(hashes, np.arange(1, 16, dtype=np.uint64) << np.uint64(60))
        for f, part in zip(self._files, np.split(hashes, bounds)):
            part.tofile(f)

    def repeats(self) -> int:
        """Hashes seen before (games minus distinct games); removes the files."""
        self._flush()
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


class _OpeningCounter(_SortedBuffer):
    """Distinct 8-move openings (:func:`_opening_words`) with their games; an opening of ``k <= 8``
    moves is the first ``k`` bytes of one, so shorter openings are read from these at the end.
    Openings are kept as big-endian words, whose order is the moves' order: the openings sharing
    their first ``k`` moves are a run of the sorted ones. A batch's words wait in a buffer (8 bytes
    a game, up to 2**18 games), which is then sorted and merged into the sorted distinct openings
    (streaming passes, where a hash table missed the cache on every game). Memory: the buffer and
    16 bytes per distinct opening, bounded by the game tree (390,216 move sequences of 8 moves)."""

    def __init__(self) -> None:
        super().__init__()
        self.keys, self.counts = np.zeros(0, np.uint64), np.zeros(0, np.int64)  # sorted big-endian words

    def add(self, words: np.ndarray) -> None:
        """One game's opening word each (:func:`_opening_words`)."""
        self._buffer(np.asarray(words, dtype="<u8").byteswap())  # a copy

    def _flush(self) -> None:  # merges the buffered words into the sorted distinct openings
        words = self._take_sorted()
        if not len(words):
            return
        starts = np.flatnonzero(np.concatenate(([True], words[1:] != words[:-1])))
        counts = np.diff(np.append(starts, len(words)))
        self.keys, self.counts = _core.merge_counts(self.keys, self.counts, words[starts], counts)  # one C++ pass

    def _prefixes(self, k: int) -> np.ndarray:
        """Each distinct opening's first ``k`` moves (the top ``k`` bytes of its word)."""
        self._flush()
        return self.keys >> np.uint64(8 * (8 - k))

    def distinct(self, k: int) -> int:
        """Distinct openings of ``k`` moves (a game shorter than ``k`` moves: its moves, then pads)."""
        prefix = self._prefixes(k)
        return int(np.count_nonzero(prefix[1:] != prefix[:-1])) + (len(prefix) > 0)

    def most_common(self, k: int, top: int) -> list[tuple[int, int]]:
        """The ``top`` most frequent ``k``-move openings as ``(key, games)``, most games first (ties:
        smaller key), key = the moves as bytes of a little-endian int (255 after a shorter game)."""
        prefix = self._prefixes(k)
        if not len(prefix):
            return []
        starts = np.flatnonzero(np.concatenate(([True], prefix[1:] != prefix[:-1])))
        games = np.add.reduceat(self.counts, starts)
        keys = self.keys[starts].byteswap() & np.uint64((1 << (8 * k)) - 1)
        order = np.lexsort((keys, -games))[:top]
        return [(int(keys[i]), int(games[i])) for i in order]
