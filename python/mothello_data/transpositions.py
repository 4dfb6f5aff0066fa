"""Transpositions over a whole dataset, in bounded memory: the positions that two games reach by
different move orders (``canonical=True``: the same position up to the board's 8 symmetries, by
move orders that are not images of each other under a start symmetry).

A position after ``k`` moves always has ``k + 4`` discs, so equal positions are always at the same
ply. Each game contributes, per ply up to ``max_ply``, a node ``(ply, position hash, move-order
hash)``: the position hash is the engine's (:mod:`mothello_data.symmetry`), the move-order hash
chains ``mix64`` over the moves played so far (canonical: the least over the start symmetries).
Nodes are de-duplicated per batch (with a game count and an example game) and written
to ``partitions`` temporary files by the top bits of the (re-mixed) position hash; each file is then read
alone, sorted, and its positions with two or more move orders are the transpositions. Memory is
one batch plus one partition; temporary disk 29 bytes per distinct node of a batch. A node is
identified by one 64-bit word mixing both hashes (a false merge needs a 64-bit collision).

:class:`TranspositionFinder` takes batches (``add``) and yields :class:`Transposition` s
(``results``); :func:`find_transpositions` runs it over a dataset folder or shard files.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Iterator, Optional

import numpy as np

from .engine import MAX_PLIES
from .rng import mix64
from .symmetry import START_SYMMETRIES, map_moves
from .world_labels import world_ply_columns

# a node: position hash, node key (position and move order in one word), example game, games, ply
_NODE = np.dtype([("pos", "<u8"), ("key", "<u8"), ("game", "<u8"), ("count", "<u4"), ("ply", "u1")])
_ORDER_IV = 0x5851F42D4C957F2D
BATCH_GAMES = 16_384  # games per slice of add(): about 60 MB of temporary arrays
_SHARED_PLIES = 14  # plies whose nodes are merged per batch already (random games still share them)


@dataclass
class Transposition:
    """A position reached by several move orders: ``ply`` (moves played), its ``position_hash``, and
    per move order an example game id and the number of games that took it (``games``, ``counts``)."""

    ply: int
    position_hash: int
    games: np.ndarray
    counts: np.ndarray

    @property
    def pairs(self) -> int:
        """Pairs of games that reach the position by different move orders."""
        n = int(self.counts.sum())
        return (n * n - int((self.counts.astype(np.int64) ** 2).sum())) // 2

    def example_pairs(self) -> list[tuple[int, int, int, int]]:
        """One ``(game a, ply, game b, ply)`` per pair of move orders (the example games)."""
        g = [int(x) for x in self.games]
        return [(g[i], self.ply, g[j], self.ply) for i in range(len(g)) for j in range(i + 1, len(g))]


def order_hashes(moves: np.ndarray, canonical: bool = False) -> np.ndarray:
    """Move-order hash per game and ply ``(n, 60)``: ``h_k = mix64(h_{k-1} ^ move_k)`` from a fixed
    start; with ``canonical`` the least over the images of the moves under the start symmetries."""
    syms = START_SYMMETRIES if canonical else (0,)
    best = None
    for s in syms:
        rows = map_moves(moves, s).astype(np.uint64)
        out = np.empty(rows.shape, dtype=np.uint64)
        z = np.full(len(rows), _ORDER_IV, dtype=np.uint64)
        for k in range(rows.shape[1]):
            z = mix64(z ^ rows[:, k])
            out[:, k] = z
        best = out if best is None else np.minimum(best, out)
    return best


class TranspositionFinder:
    """Collects nodes batch by batch into temporary partition files; :meth:`results` finds the
    transpositions one partition at a time. Use as a context manager (the files are removed)."""

    def __init__(self, canonical: bool = False, max_ply: int = MAX_PLIES, partitions: int = 256,
                 tmpdir: Optional[str] = None, threads: int = 1) -> None:
        if not 1 <= partitions <= 256:
            raise ValueError(f"partitions must be in 1..256, got {partitions}")
        if not 1 <= max_ply <= MAX_PLIES:
            raise ValueError(f"max_ply must be in 1..{MAX_PLIES}, got {max_ply}")
        self.canonical, self.max_ply, self.threads = canonical, max_ply, threads
        self.bits = max(0, int(partitions - 1).bit_length())
        self._dir = tempfile.TemporaryDirectory(prefix="mothello-transpositions-", dir=tmpdir)
        self._files = [open(os.path.join(self._dir.name, f"{p:04d}.bin"), "wb") for p in range(1 << self.bits)]
        self.nodes = 0

    def add(self, game_ids: np.ndarray, moves: np.ndarray, lengths: np.ndarray,
            positions: Optional[np.ndarray] = None) -> None:
        """Add games (ids, ``(n, 60)`` uint8 moves, lengths), in slices of :data:`BATCH_GAMES` games
        so that the temporary arrays stay small whatever the caller's batch. ``positions``: the
        games' per-ply ``hash`` (or, canonical, ``canonical_hash``) columns when the caller has them
        (:func:`mothello_data.world_labels.world_ply_columns`), else they are computed here."""
        if positions is None:
            kind = "canonical_hash" if self.canonical else "hash"
            positions = world_ply_columns(moves, lengths, [kind], self.threads)[kind]
        for lo in range(0, len(lengths), BATCH_GAMES):
            hi = lo + BATCH_GAMES
            self._add(game_ids[lo:hi], moves[lo:hi], lengths[lo:hi], positions[lo:hi, : self.max_ply])

    def _add(self, game_ids: np.ndarray, moves: np.ndarray, lengths: np.ndarray, pos: np.ndarray) -> None:
        order = order_hashes(moves[:, : self.max_ply], self.canonical)
        valid = np.arange(self.max_ply)[None, :] < np.asarray(lengths)[:, None]
        ids = np.asarray(game_ids, dtype=np.uint64)
        for plies in (slice(0, _SHARED_PLIES), slice(_SHARED_PLIES, self.max_ply)):
            g, k = np.nonzero(valid[:, plies])
            k = k + plies.start
            p = pos[g, k]
            key = mix64(p ^ mix64(order[g, k] ^ np.uint64(_ORDER_IV)))  # (position, order): one 64-bit word
            if plies.start == 0:  # early plies: many games share a node, merge them here
                key, first, counts = np.unique(key, return_index=True, return_counts=True)
                g, k, p = g[first], k[first], p[first]
            else:  # later plies: nearly every game has its own node (merged per partition later)
                counts = 1
            nodes = np.zeros(len(key), dtype=_NODE)
            nodes["key"], nodes["pos"], nodes["ply"], nodes["game"], nodes["count"] = key, p, k + 1, ids[g], counts
            self._write(nodes)

    def _write(self, nodes: np.ndarray) -> None:
        # mixed again: a canonical hash is a minimum of 8 hashes, so its own top bits are skewed to 0
        part = (mix64(nodes["pos"]) >> np.uint64(64 - self.bits)).astype(np.uint8) if self.bits else np.zeros(len(nodes), np.uint8)
        order = np.argsort(part, kind="stable")  # a radix sort for uint8
        nodes, part = nodes[order], part[order]
        bounds = np.searchsorted(part, np.arange(len(self._files) + 1))
        for p, f in enumerate(self._files):
            nodes[bounds[p]: bounds[p + 1]].tofile(f)
        self.nodes += len(nodes)

    def _partitions(self) -> Iterator[np.ndarray]:
        """Each partition's nodes (the files are read once and removed)."""
        for f in self._files:
            f.close()
        for f in self._files:
            nodes = np.fromfile(f.name, dtype=_NODE)
            os.remove(f.name)
            if len(nodes):
                yield nodes

    def counts(self) -> tuple[np.ndarray, int]:
        """What :meth:`results` would yield, counted without making the objects: transposed positions
        per ply ``(61,)`` and the pairs of games reaching one by different move orders. Vectorised
        per partition (a dataset report needs only these; :meth:`results` costs a Python object each)."""
        per_ply, pairs = np.zeros(MAX_PLIES + 1, np.int64), 0
        for nodes in self._partitions():
            nodes = _merge(nodes)  # one node per (position, move order), in key order
            nodes = nodes[np.argsort(nodes["pos"], kind="stable")]
            starts = np.flatnonzero(np.r_[True, nodes["pos"][1:] != nodes["pos"][:-1]])
            orders = np.diff(np.r_[starts, len(nodes)])
            many = orders > 1
            count = nodes["count"].astype(np.int64)
            games = np.add.reduceat(count, starts)[many]
            squares = np.add.reduceat(count * count, starts)[many]
            pairs += int(((games * games - squares) // 2).sum())
            per_ply += np.bincount(nodes["ply"][starts[many]], minlength=MAX_PLIES + 1)
        return per_ply, pairs

    def results(self) -> Iterator[Transposition]:
        """Every transposition, partition by partition (in position-hash order within each)."""
        for nodes in self._partitions():
            nodes = nodes[np.argsort(nodes["pos"])]  # equal nodes (same key) have equal positions too
            starts = np.flatnonzero(np.r_[True, nodes["pos"][1:] != nodes["pos"][:-1]])
            ends = np.r_[starts[1:], len(nodes)]
            for a in np.flatnonzero(ends - starts > 1):
                group = _merge(nodes[starts[a]: ends[a]])  # a node seen in several batches counts once
                if len(group) > 1:
                    yield Transposition(int(group["ply"][0]), int(group["pos"][0]), group["game"].copy(),
                                        group["count"].copy())

    def close(self) -> None:
        """Remove the temporary files."""
        for f in self._files:
            f.close()
        self._dir.cleanup()

    def __enter__(self) -> "TranspositionFinder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _merge(nodes: np.ndarray) -> np.ndarray:
    """Nodes with equal keys (position and move order) merged: counts summed, the first example kept."""
    if not len(nodes):
        return nodes
    nodes = nodes[np.argsort(nodes["key"], kind="stable")]
    starts = np.flatnonzero(np.r_[True, nodes["key"][1:] != nodes["key"][:-1]])
    out = nodes[starts].copy()
    out["count"] = np.add.reduceat(nodes["count"], starts)
    return out


def find_transpositions(source, canonical: bool = False, max_ply: int = MAX_PLIES, tmpdir: Optional[str] = None,
                        threads: int = 1) -> Iterator[Transposition]:
    """The transpositions of a dataset folder (or shard files), read once in row-group batches."""
    from .dataset_reader import iter_games  # the one reader of games from shards

    with TranspositionFinder(canonical, max_ply, tmpdir=tmpdir, threads=threads) as finder:
        for batch in iter_games(source):
            finder.add(batch.game_id, batch.moves, batch.length)
        yield from finder.results()
