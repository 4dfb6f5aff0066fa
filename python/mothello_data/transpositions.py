"""Transpositions over a whole dataset, in bounded memory: the positions that two games reach by
different move orders, exactly and up to the board's 8 symmetries (``canonical``: the same
position up to a symmetry, by move orders that are not images of each other under a start
symmetry), both from one search.

A position after ``k`` moves always has ``k + 4`` discs, so equal positions are always at the same
ply (not under delflank, whose removed discs let a position recur at another ply, nor with written
passes: its nodes are grouped across plies, and it counts at the ply of its least move-order key;
exactly, of its least key and start symmetry).
Each game contributes, per ply up to ``max_ply``, one node (canonical position hash, move-order
key, start symmetry, canonical symmetry, games, ply[, example game, exact position hash]): the
position hashes are the engine's (:mod:`mothello_data.symmetry`); the canonical symmetry (the least
symmetry whose image hashes to the canonical hash) tells the exact positions of one canonical hash
apart; the move-order key mixes the canonical hash with the least, over the start symmetries, of a
hash chained over the moves played so far, and the start symmetry reaching it tells the exact move
orders of one key apart. So nodes are grouped once, by canonical hash, and both searches are
counted from the groups. The work is C++ (``csrc/transpositions.hpp``, the node layout and rules
are documented there): plies 1..7 are merged in memory (a small table of the distinct openings of
7 moves and their games, one probe a game: the game tree has 55,092 such openings; a table past
2**18 slots, as delflank's sequences make it, is written out to the partitions and emptied), the
later plies' nodes are spread over ``partitions`` temporary files by hash (written by C++ through
a buffer per file); each file is then read alone (by C++, ``threads`` files at a time, for the
counts; mapped, for the results), its positions held by two or more nodes are picked out (a bitmap
filter) and grouped, and those with two or more move orders are the transpositions. Memory: one
batch, 8 MiB of buffers, and per counting thread one partition's filter (4 bytes a node) and
picked nodes; temporary disk 16 bytes per game and ply from 8 to ``max_ply`` (32 with example
games), for both searches.
Two move orders of one position are told apart by 40 bits of their key (a false merge of two
orders at one position has odds about 2**-40 per pair of orders), positions by their 64-bit hash.

:class:`TranspositionFinder` takes batches (``add``) and yields :class:`Transposition` s
(``results``) or only their numbers (``counts``, of one search or both); :func:`find_transpositions`
runs it over a dataset folder or shard files.
"""

from __future__ import annotations

import mmap
import os
import tempfile
from dataclasses import dataclass
from typing import Iterator, Optional

import numpy as np

from . import _core
from .engine import MAX_PLIES
from .rules import replay_args
from .world_labels import world_ply_columns

BATCH_GAMES = 16_384  # games per C++ call of add() (each call releases the GIL once)
SEARCH_COLUMNS = ("canonical_hash", "canonical_symmetry")  # the per-ply columns a search reads (+ hash)


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


class TranspositionFinder:
    """Collects nodes batch by batch into temporary partition files, for the exact search and the
    one up to symmetry at once; :meth:`results` finds the transpositions of the ``canonical`` one,
    one partition at a time (:meth:`counts` only counts them, of one search or both). Use as a
    context manager (the files are removed). ``examples=False`` keeps no example games (files half
    the size; :meth:`results` is then refused). One finder is used by one thread at a time; it
    counts ``threads`` partitions side by side."""

    def __init__(self, canonical: bool = False, max_ply: int = MAX_PLIES, partitions: int = 256,
                 tmpdir: Optional[str] = None, threads: int = 1, examples: bool = True) -> None:
        if not 1 <= partitions <= 256:
            raise ValueError(f"partitions must be in 1..256, got {partitions}")
        if not 1 <= max_ply <= MAX_PLIES:
            raise ValueError(f"max_ply must be in 1..{MAX_PLIES}, got {max_ply}")
        self.canonical, self.max_ply, self.threads, self.examples = canonical, max_ply, threads, examples
        self.bits = max(0, int(partitions - 1).bit_length())
        self._dir = tempfile.TemporaryDirectory(prefix="mothello-transpositions-", dir=tmpdir)
        self._paths = [os.path.join(self._dir.name, f"{p:04d}.bin") for p in range(1 << self.bits)]
        self._fds: list = []
        self._nodes = 0
        self._builder = None
        try:  # the C++ builder writes to these descriptors; they are closed here
            for path in self._paths:
                self._fds.append(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            self._builder = _core.TranspositionNodes(max_ply, self.bits, examples, self._fds)
        except BaseException:
            self.close()
            raise

    def add(self, game_ids: np.ndarray, moves: np.ndarray, lengths: np.ndarray, columns: Optional[dict] = None,
            rule: Optional[np.ndarray] = None) -> None:
        """Add games (ids, ``(n, 60)`` uint8 moves, lengths), in C++ calls of :data:`BATCH_GAMES`
        games, their nodes buffered and written to the partition files. ``columns``: the games'
        per-ply :data:`SEARCH_COLUMNS` (and ``hash``, with examples) when the caller has them
        (:func:`mothello_data.world_labels.world_ply_columns`, at least up to ``max_ply``; the
        hashes may be XOR-ed with one key per rule, the same for both), else they are computed here,
        each game under its ``rule`` (engine rule ids; ``None``: classic)."""
        kinds = SEARCH_COLUMNS + (("hash",) if self.examples else ())
        # Only plies below max_ply (<= 60) are searched: rows of longer games (written passes, a
        # --max-plies cut above 60) go in as their first 60 moves.
        moves = np.ascontiguousarray(np.asarray(moves)[:, :MAX_PLIES], dtype=np.uint8)
        lengths = np.ascontiguousarray(np.minimum(np.asarray(lengths), MAX_PLIES), dtype=np.uint8)
        if columns is None:  # a prefix replays to the same positions; each game under its rule
            columns = world_ply_columns(moves, lengths, kinds, self.threads, hash_plies=self.max_ply,
                                        **replay_args(moves, rule))
        missing = [k for k in kinds if k not in columns]
        if missing:
            raise ValueError(f"TranspositionFinder.add: columns lack {', '.join(missing)} (world_ply_columns kinds)")
        cols = [np.ascontiguousarray(np.asarray(columns[k])[:, :MAX_PLIES]) for k in kinds]
        ids = np.ascontiguousarray(game_ids, dtype=np.uint64)
        for lo in range(0, len(lengths), BATCH_GAMES):
            hi = lo + BATCH_GAMES
            self._builder.add(ids[lo:hi], moves[lo:hi], lengths[lo:hi], *(c[lo:hi] for c in cols))

    @property
    def nodes(self) -> int:
        """Nodes written to the partition files so far (the rest wait in the buffers)."""
        return self._nodes if self._builder is None else self._builder.nodes_written

    @property
    def disk_bytes(self) -> int:
        """Bytes written to the partition files so far."""
        return self.nodes * 8 * self._words

    @property
    def _words(self) -> int:
        return 4 if self.examples else 2

    def _flushed(self) -> list:
        """The partition files, once the builder has written everything to them (it is then dropped)."""
        if self._builder is not None:
            self._builder.flush()  # the early plies' table and the buffers
            self._nodes = self._builder.nodes_written
            self._builder = None
        self._close_fds()
        return self._paths

    def _mapped(self, path: str) -> Optional[np.ndarray]:
        """One partition's nodes: a read-only view of its mapped file (removed at once; the map goes
        when the view does), or None for an empty one."""
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            mapped = mmap.mmap(f.fileno(), size, access=mmap.ACCESS_READ) if size else None
        os.remove(path)
        return None if mapped is None else np.frombuffer(mapped, dtype=np.uint64).reshape(-1, self._words)

    def _partitions(self) -> Iterator[np.ndarray]:
        """Each partition's nodes, one mapped at a time."""
        for path in self._flushed():
            nodes = self._mapped(path)
            if nodes is not None:
                yield nodes
                del nodes

    def counts(self, both: bool = False):
        """What :meth:`results` would yield, counted without making the objects: transposed positions
        per ply ``(61,)`` and the pairs of games reaching one by different move orders. ``both``: a
        dict of those of both searches in one pass over the partitions, ``{False: exact, True: up to
        symmetry}``. The partitions are read, removed and counted ``threads`` at a time in C++
        (without the GIL: the caller's other threads run Python meanwhile)."""
        exact, symmetric = _core.count_transposition_files(self._flushed(), self._words, self.threads)
        out = {False: exact, True: symmetric}
        return out if both else out[self.canonical]

    def results(self) -> Iterator[Transposition]:
        """Every transposition of this finder's search (exact, or ``canonical``), partition by
        partition (within each in an order fixed by the position hashes); per move order the least
        game id that took it, in move-order key order. ``position_hash``: the exact hash, or the
        canonical one (as given to :meth:`add`)."""
        if not self.examples:
            raise ValueError("results() needs a TranspositionFinder made with examples=True (counts() does not)")
        for nodes in self._partitions():
            g = _core.transposition_groups(nodes, self.canonical)
            off = g["offsets"]
            for i in range(len(g["position"])):
                yield Transposition(int(g["ply"][i]), int(g["position"][i]), g["example"][off[i]: off[i + 1]].copy(),
                                    g["games"][off[i]: off[i + 1]].copy())

    def _close_fds(self) -> None:
        while self._fds:
            os.close(self._fds.pop())

    def close(self) -> None:
        """Remove the temporary files (nodes still in the buffers are dropped)."""
        self._close_fds()
        if self._builder is not None:
            self._nodes, self._builder = self._builder.nodes_written, None
        self._dir.cleanup()

    def __enter__(self) -> "TranspositionFinder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def find_transpositions(source, canonical: bool = False, max_ply: int = MAX_PLIES, tmpdir: Optional[str] = None,
                        threads: int = 1) -> Iterator[Transposition]:
    """The transpositions of a dataset folder (or shard files), read once in row-group batches."""
    from .dataset_reader import iter_games  # the one reader of games from shards

    with TranspositionFinder(canonical, max_ply, tmpdir=tmpdir, threads=threads) as finder:
        for batch in iter_games(source):
            finder.add(batch.game_id, batch.moves, batch.length, rule=batch.rule)
        yield from finder.results()
