"""Reading shards into padded training batches with numpy (no torch here; see
:mod:`mothello_data.torch` for the PyTorch wrapper).

The unit of work is a Parquet *row group*. Each epoch the units are shuffled with a seed shared by
every reader, laid end to end, and every *consumer* (a DataLoader worker of a distributed rank)
takes one contiguous stretch of that sequence, so together the consumers read every row exactly once
(``balance="none"``), or exactly the same number of rows each (``"pad"``, the default: a few rows
are repeated, as ``DistributedSampler`` does; ``"drop"``: the remainder is left out), which keeps
the number of batches per rank equal and DDP in step. A shuffle buffer then mixes rows across units.

Columns come out of pyarrow as flat numpy buffers (no Python lists) and are padded in bulk.
"""

from __future__ import annotations

import glob
import math
import os
import re
from dataclasses import dataclass
from typing import Iterator, Optional, Sequence, Union

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import engine
from .languages import Vocabulary, token_targets
from .probing import LABEL_NAMES, replay_position_labels, stored_position_labels

TARGET_MODES = ("unified", "next_token")
BALANCE_MODES = ("pad", "drop", "none")
STORED_LABEL_COLUMNS = ("board_black", "board_white", "legal", "flipped", "player")
_SHARD_NAME = re.compile(r"^(?P<split>.+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.parquet$")


class LoaderError(ValueError):
    """A dataset that cannot be read as asked (missing files, unknown split, bad option)."""


def check_options(targets: str = "unified", labels: Sequence[str] = (), balance: str = "pad") -> None:
    """Raise :class:`LoaderError` naming the choices for an unknown target mode, label or balance."""
    if targets not in TARGET_MODES:
        raise LoaderError(f"targets must be one of {', '.join(TARGET_MODES)}, got {targets!r}")
    unknown = [x for x in labels if x not in LABEL_NAMES]
    if unknown:
        raise LoaderError(f"unknown label {unknown[0]!r} (choose from {', '.join(LABEL_NAMES)})")
    if balance not in BALANCE_MODES:
        raise LoaderError(f"balance must be one of {', '.join(BALANCE_MODES)}, got {balance!r}")


# ---- finding shards -----------------------------------------------------------------------------


def split_of(path: str) -> Optional[str]:
    """Split name from a shard file name ``{split}-00000-of-00008.parquet`` (None if not one)."""
    m = _SHARD_NAME.match(os.path.basename(path))
    return m.group("split") if m else None


def find_shard_files(source: Union[str, os.PathLike, Sequence], split: Optional[str] = None) -> list[str]:
    """Shard files of ``source``: a dataset directory (its ``data/*.parquet``), a directory of
    Parquet files, or an explicit list of files; keep only ``split`` when given."""
    if isinstance(source, (str, os.PathLike)):
        root = os.fspath(source)
        if os.path.isfile(root):
            files = [root]
        elif os.path.isdir(root):
            data = os.path.join(root, "data")
            files = sorted(glob.glob(os.path.join(data if os.path.isdir(data) else root, "*.parquet")))
        else:
            raise LoaderError(f"{root}: no such file or directory")
    else:
        files = [os.fspath(f) for f in source]
        missing = [f for f in files if not os.path.isfile(f)]
        if missing:
            raise LoaderError(f"{missing[0]}: no such file")
    if not files:
        raise LoaderError(f"{os.fspath(source) if isinstance(source, (str, os.PathLike)) else 'source'}: no Parquet shards found")
    if split is not None:
        known = sorted({s for s in map(split_of, files) if s})
        files = [f for f in files if split_of(f) == split]
        if not files:
            raise LoaderError(f"no shards of split {split!r} (found: {', '.join(known) or 'none with split names'})")
    return files


def find_vocabulary(files: Sequence[str]) -> Optional[Vocabulary]:
    """``vocab.json`` next to the shards or one level up (the dataset root), if present."""
    for d in {os.path.dirname(os.path.abspath(f)) for f in files}:
        for candidate in (os.path.join(d, "vocab.json"), os.path.join(os.path.dirname(d), "vocab.json")):
            if os.path.isfile(candidate):
                return Vocabulary.load(candidate)
    return None


# ---- units of work ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One row group; ``rows`` counts the rows that pass the language filter."""

    path: str
    row_group: int
    rows: int


@dataclass
class ShardIndex:
    """The row groups of a set of shards, with row counts after an optional language filter."""

    files: list
    units: list
    languages: Optional[tuple] = None
    has_stored_labels: bool = False

    @classmethod
    def build(cls, source, split: Optional[str] = None, languages: Optional[Sequence[int]] = None) -> "ShardIndex":
        files = find_shard_files(source, split)
        langs = None if languages is None else tuple(sorted({int(x) for x in languages}))
        units, columns = [], None
        for path in files:
            pf = pq.ParquetFile(path)
            names = tuple(pf.schema_arrow.names)
            missing = {"game_id", "lang", "length", "moves", "tokens", "token_ply"} - set(names)
            if missing:
                raise LoaderError(f"{path}: not a mothello-data shard (missing {', '.join(sorted(missing))})")
            columns = names if columns is None else tuple(c for c in columns if c in names)
            for rg in range(pf.metadata.num_row_groups):
                if langs is None:
                    rows = pf.metadata.row_group(rg).num_rows
                else:
                    lang = pf.read_row_group(rg, columns=["lang"]).column(0).to_numpy()
                    rows = int(np.isin(lang, langs).sum())
                if rows:
                    units.append(Unit(path, rg, rows))
        stored = all(c in columns for c in STORED_LABEL_COLUMNS)
        return cls(files, units, langs, stored)

    @property
    def total_rows(self) -> int:
        return sum(u.rows for u in self.units)

    def consumer_range(self, consumer: int, n_consumers: int, balance: str = "pad") -> tuple[int, int]:
        """Positions ``[lo, hi)`` of ``consumer`` in the epoch's row sequence; positions past the
        total wrap around to its start (``"pad"`` repeats a few rows)."""
        check_options(balance=balance)
        N = self.total_rows
        if balance == "none":
            return consumer * N // n_consumers, (consumer + 1) * N // n_consumers
        q = N // n_consumers if balance == "drop" else math.ceil(N / n_consumers)
        return consumer * q, (consumer + 1) * q

    def consumer_rows(self, consumer: int, n_consumers: int, balance: str = "pad") -> int:
        """Rows consumer ``consumer`` reads per epoch (the length of its :meth:`pieces`)."""
        lo, hi = self.consumer_range(consumer, n_consumers, balance)
        return hi - lo

    def unit_order(self, epoch: int, seed: int, shuffle: bool) -> np.ndarray:
        """The epoch's unit order: identical for every consumer with the same (seed, epoch)."""
        if not shuffle:
            return np.arange(len(self.units))
        return np.random.default_rng([seed, epoch, 0x5EED]).permutation(len(self.units))

    def pieces(self, epoch: int, seed: int, shuffle: bool, consumer: int, n_consumers: int,
               balance: str = "pad") -> list[tuple[int, int, int]]:
        """``(unit, start, stop)`` row ranges (within the unit's filtered rows) for one consumer."""
        lo, hi = self.consumer_range(consumer, n_consumers, balance)
        order = self.unit_order(epoch, seed, shuffle)
        counts = np.array([self.units[u].rows for u in order], dtype=np.int64)
        N = int(counts.sum())
        if N == 0:
            return []
        ends = np.cumsum(counts)
        out = []
        pos = lo
        while pos < hi:  # positions past N wrap around (padding repeats the start of the order)
            base = (pos // N) * N
            stop_here = min(hi, base + N)
            k = int(np.searchsorted(ends, pos - base, side="right"))
            while pos < stop_here:
                start_k = int(ends[k] - counts[k])
                a = pos - base - start_k
                b = min(int(counts[k]), stop_here - base - start_k)
                out.append((int(order[k]), a, b))
                pos += b - a
                k += 1
        return out


# ---- reading rows -------------------------------------------------------------------------------


def _pad(column: pa.ChunkedArray, width: Optional[int], fill, dtype) -> tuple[np.ndarray, np.ndarray]:
    """A list column as padded ``(n, width)`` numpy rows plus row lengths, without Python lists."""
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    offsets = arr.offsets.to_numpy()
    lens = np.diff(offsets)
    values = arr.values.to_numpy(zero_copy_only=False)[offsets[0]: offsets[-1]]
    W = int(lens.max()) if width is None and len(lens) else (width or 0)
    out = np.full((len(lens), W), fill, dtype=dtype)
    out[np.arange(W)[None, :] < lens[:, None]] = values
    return out, lens


@dataclass
class RowBlock:
    """Padded rows: ``tokens`` (n, W) uint16 (pad 0), ``token_ply`` (n, W) int8 (-1 past the end),
    ``n_tokens``, ``moves`` (n, 60) uint8 (255 past the end), ``length``, ``lang``, ``game_id``, and
    ``plies`` (per-ply label columns, only when read from shards)."""

    tokens: np.ndarray
    token_ply: np.ndarray
    n_tokens: np.ndarray
    moves: np.ndarray
    length: np.ndarray
    lang: np.ndarray
    game_id: np.ndarray
    plies: Optional[dict] = None

    def __len__(self) -> int:
        return len(self.lang)

    def take(self, index) -> "RowBlock":
        """Rows by slice (views) or index array (``np.take`` along rows: much faster than fancy
        indexing of 2-D arrays)."""
        pick = (lambda a: a[index]) if isinstance(index, slice) else (lambda a: np.take(a, index, axis=0))
        plies = None if self.plies is None else {k: pick(v) for k, v in self.plies.items()}
        return RowBlock(pick(self.tokens), pick(self.token_ply), pick(self.n_tokens), pick(self.moves),
                        pick(self.length), pick(self.lang), pick(self.game_id), plies)

    @staticmethod
    def concat(blocks: Sequence["RowBlock"]) -> "RowBlock":
        if len(blocks) == 1:
            return blocks[0]
        W = max(b.tokens.shape[1] for b in blocks)

        def widen(a, fill):
            if a.shape[1] == W:
                return a
            out = np.full((a.shape[0], W), fill, dtype=a.dtype)
            out[:, : a.shape[1]] = a
            return out

        plies = None
        if blocks[0].plies is not None:
            plies = {k: np.concatenate([b.plies[k] for b in blocks]) for k in blocks[0].plies}
        return RowBlock(
            np.concatenate([widen(b.tokens, 0) for b in blocks]),
            np.concatenate([widen(b.token_ply, -1) for b in blocks]),
            *(np.concatenate([getattr(b, f) for b in blocks]) for f in ("n_tokens", "moves", "length", "lang", "game_id")),
            plies,
        )

    @classmethod
    def from_table(cls, table: pa.Table, stored_labels: bool) -> "RowBlock":
        tokens, n_tokens = _pad(table.column("tokens"), None, 0, np.uint16)
        token_ply, _ = _pad(table.column("token_ply"), tokens.shape[1], -1, np.int8)
        moves, _ = _pad(table.column("moves"), engine.MAX_PLIES, engine.PAD_SQUARE, np.uint8)
        plies = None
        if stored_labels:
            plies = {}
            for name in STORED_LABEL_COLUMNS:
                dtype = np.uint8 if name == "player" else np.uint64
                plies[name] = _pad(table.column(name), engine.MAX_PLIES, 0, dtype)[0]
        return cls(tokens, token_ply, n_tokens, moves,
                   table.column("length").to_numpy(), table.column("lang").to_numpy(),
                   table.column("game_id").to_numpy(), plies)


class PieceReader:
    """Reads ``(unit, start, stop)`` pieces of a :class:`ShardIndex` as :class:`RowBlock` s."""

    def __init__(self, index: ShardIndex, use_stored_labels: bool = False, max_rows: int = 16_384,
                 use_threads: bool = True) -> None:
        self.index = index
        self.use_threads = use_threads  # pyarrow decodes the columns of a row group in parallel
        self.use_stored = use_stored_labels
        self.max_rows = max_rows
        self.columns = ["game_id", "lang", "length", "moves", "tokens", "token_ply"]
        if use_stored_labels:
            self.columns += list(STORED_LABEL_COLUMNS)
        self._files: dict = {}

    def _file(self, path: str) -> pq.ParquetFile:
        if path not in self._files:
            self._files[path] = pq.ParquetFile(path, memory_map=True)
        return self._files[path]

    def read(self, pieces: Sequence[tuple[int, int, int]]) -> Iterator[RowBlock]:
        for u, start, stop in pieces:
            unit = self.index.units[u]
            table = self._file(unit.path).read_row_group(unit.row_group, columns=self.columns, use_threads=self.use_threads)
            if self.index.languages is not None:
                keep = np.flatnonzero(np.isin(table.column("lang").to_numpy(), self.index.languages))
                table = table.take(pa.array(keep[start:stop]))
            else:
                table = table.slice(start, stop - start)
            for lo in range(0, table.num_rows, self.max_rows):
                yield RowBlock.from_table(table.slice(lo, self.max_rows), self.use_stored)


def _picker(n: int, rng: Optional[np.random.Generator]):
    """Row selector for positions ``a..b``: a permutation's slice, or a plain slice (a view)."""
    if rng is None:
        return slice
    order = rng.permutation(n)
    return lambda a, b: order[a:b]


def shuffled_batches(blocks: Iterator[RowBlock], batch_size: int, buffer_size: int,
                     rng: Optional[np.random.Generator], drop_last: bool = False) -> Iterator[RowBlock]:
    """Batches of ``batch_size`` rows; with ``rng`` rows are mixed through a buffer of about
    ``buffer_size`` rows (filled, permuted, half emitted, refilled), else kept in order."""
    pool: list = []
    pooled = 0
    keep = buffer_size // 2 if rng is not None else 0
    for block in blocks:
        pool.append(block)
        pooled += len(block)
        if pooled < max(buffer_size if rng is not None else 0, batch_size):
            continue
        rows = RowBlock.concat(pool)
        pick = _picker(len(rows), rng)
        emit = (len(rows) - min(keep, len(rows) - batch_size)) // batch_size * batch_size
        for lo in range(0, emit, batch_size):
            yield rows.take(pick(lo, lo + batch_size))
        pool = [rows.take(pick(emit, len(rows)))] if emit < len(rows) else []
        pooled = len(rows) - emit
    if pooled:
        rows = RowBlock.concat(pool)
        pick = _picker(len(rows), rng)
        for lo in range(0, len(rows), batch_size):
            if lo + batch_size <= len(rows) or not drop_last:
                yield rows.take(pick(lo, min(lo + batch_size, len(rows))))


# ---- batches -------------------------------------------------------------------------------------


def build_batch(rows: RowBlock, targets: str = "unified", labels: Sequence[str] = (),
                label_source: str = "replay", threads: int = 1) -> dict:
    """A padded batch as numpy arrays, trimmed to the longest sequence in it.

    Keys: ``input_ids`` int64 (pad 0), ``attention_mask`` int64, ``targets`` int64 (ignore -100;
    ``targets="unified"``: move index 0..59 of the next move at move-completing positions,
    ``"next_token"``: the next token id), ``completes`` bool (position completes a move),
    ``lang`` int64, ``game_id`` int64, ``length`` int64 (moves), plus the requested ``labels``
    (see :mod:`mothello_data.probing`), computed by replay or read from stored columns.
    """
    check_options(targets, labels)
    T = int(rows.n_tokens.max()) if len(rows) else 0
    tokens = np.ascontiguousarray(rows.tokens[:, :T])
    ply = np.ascontiguousarray(rows.token_ply[:, :T])
    n_tokens = rows.n_tokens.astype(np.int64)
    tgt, completes = token_targets(tokens, ply, n_tokens, rows.moves, rows.length, targets == "unified")
    mask = np.arange(T)[None, :] < n_tokens[:, None]
    out = {
        "input_ids": tokens.astype(np.int64),
        "attention_mask": mask.astype(np.int64),
        "targets": tgt,
        "completes": completes,
        "lang": rows.lang.astype(np.int64),
        "game_id": rows.game_id.astype(np.int64),
        "length": rows.length.astype(np.int64),
    }
    if labels:
        if label_source == "stored":
            out.update(stored_position_labels(rows.plies, rows.moves, rows.length, ply, completes, n_tokens, labels, threads))
        else:
            out.update(replay_position_labels(rows.moves, rows.length, ply, completes, n_tokens, labels, threads))
    return out
