"""Which rows a dataset has and who reads which: shard files, their Parquet row groups, and each
consumer's stretch of an epoch.

The unit of work is a Parquet *row group*. Each epoch the units are put in a seeded order shared by
every reader (:func:`mothello_data.rng.permutation`), laid end to end, and every *consumer* (a
DataLoader worker of a distributed rank) takes one contiguous stretch of that sequence, so together
the consumers read every row exactly once (``balance="none"``), or exactly the same number of rows
each (``"pad"``, the default: a few rows are repeated, as ``DistributedSampler`` does; ``"drop"``:
the remainder is left out), which keeps the number of batches per rank equal and DDP in step.
Only Parquet footers are read (plus the ``lang`` column when filtering by language).
"""

from __future__ import annotations

import glob
import math
import os
import re
from dataclasses import dataclass
from typing import Optional, Sequence, Union

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import schema
from .card import ManifestError, read_manifest
from .rng import permutation
from .vocabulary import Vocabulary

BALANCE_MODES = ("pad", "drop", "none")
_UNIT_ORDER_STREAM = 0x5EED  # the epoch's row-group order: permutation(seed, epoch, this key)
_SHARD_NAME = re.compile(r"^(?P<split>.+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.parquet$")


class LoaderError(ValueError):
    """A dataset that cannot be read as asked (missing files, unknown split, bad option)."""


def check_balance(balance: str) -> None:
    """Raise :class:`LoaderError` naming the choices for an unknown balance mode."""
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
            _check_against_manifest(root, split)
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
            raise LoaderError(f"no shards of split {split!r} (found: {', '.join(known) or 'none with split names'}; "
                              "a split without games has none)")
    return files


def _check_against_manifest(root: str, split: Optional[str]) -> None:
    """In a finished dataset, every shard ``manifest.json`` lists (of ``split``) must be there with
    its size: a missing or cut shard is a :class:`LoaderError`, not silently fewer rows (only
    sizes: ``mothello-gen verify`` checks the bytes)."""
    path = os.path.join(root, "manifest.json")
    if not os.path.isfile(path):
        return
    try:
        listed = [(s["file"], s["split"], s["bytes"]) for s in read_manifest(path)["shards"]]
    except ManifestError as exc:
        raise LoaderError(str(exc)) from None
    for name, shard_split, size in listed:
        file = os.path.join(root, name)
        if split is not None and shard_split != split:
            continue
        if not os.path.isfile(file):
            raise LoaderError(f"{file}: listed in manifest.json but missing; `mothello-gen verify` names every damaged shard")
        if os.path.getsize(file) != size:
            raise LoaderError(f"{file}: {os.path.getsize(file):,} bytes, manifest.json says {size:,} (truncated or "
                              "replaced); `mothello-gen verify` names every damaged shard")


def _reason(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def open_shard(path: str, memory_map: bool = False) -> pq.ParquetFile:
    """Open a shard for reading with its page checksums verified; :class:`LoaderError` naming the
    file if it is not a readable Parquet file (truncated, replaced, unreadable)."""
    try:
        return pq.ParquetFile(path, memory_map=memory_map, page_checksum_verification=True)
    except (OSError, pa.ArrowException) as exc:
        raise LoaderError(f"{path}: not a readable Parquet shard ({_reason(exc)}); "
                          "`mothello-gen verify` names every damaged shard") from None


def read_row_group(pf: pq.ParquetFile, path: str, row_group: int, columns: Sequence[str],
                   use_threads: bool = True):
    """Row group ``row_group`` of an opened shard (checksums verified); :class:`LoaderError`
    naming the file if its pages are damaged, instead of silently wrong rows."""
    try:
        return pf.read_row_group(row_group, columns=list(columns), use_threads=use_threads)
    except (OSError, pa.ArrowException) as exc:
        raise LoaderError(f"{path}: row group {row_group} is damaged ({_reason(exc)}); "
                          "`mothello-gen verify` names every damaged shard") from None


def find_sidecar(files: Sequence[str], name: str) -> Optional[str]:
    """The path of the dataset file ``name`` (``vocab.json``, ``manifest.json``) next to the shards
    or one level up (the dataset root), if present."""
    for d in {os.path.dirname(os.path.abspath(f)) for f in files}:
        for candidate in (os.path.join(d, name), os.path.join(os.path.dirname(d), name)):
            if os.path.isfile(candidate):
                return candidate
    return None


def find_vocabulary(files: Sequence[str]) -> Optional[Vocabulary]:
    """``vocab.json`` next to the shards or one level up (the dataset root), if present."""
    path = find_sidecar(files, "vocab.json")
    return None if path is None else Vocabulary.load(path)


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
    has_tokens: bool = True  # False: moves-only shards

    @classmethod
    def build(cls, source, split: Optional[str] = None, languages: Optional[Sequence[int]] = None) -> "ShardIndex":
        """Index the row groups of ``source`` (see :func:`find_shard_files`), keeping ``split`` and ``languages``."""
        files = find_shard_files(source, split)
        langs = None if languages is None else tuple(sorted({int(x) for x in languages}))
        units, columns = [], None
        for path in files:
            pf = open_shard(path)
            names = tuple(pf.schema_arrow.names)
            try:
                schema.check_shard_columns(path, names)
            except schema.SchemaError as exc:
                raise LoaderError(str(exc)) from None
            if langs is not None and not schema.has_tokens(names):
                raise LoaderError(f"{path}: stores moves only (no languages to filter by): pass languages='sample'")
            columns = names if columns is None else tuple(c for c in columns if c in names)
            for rg in range(pf.metadata.num_row_groups):
                if langs is None:
                    rows = pf.metadata.row_group(rg).num_rows
                else:
                    lang = schema.arrow_numpy(read_row_group(pf, path, rg, ["lang"]).column(0))
                    rows = int(np.isin(lang, langs).sum())
                if rows:
                    units.append(Unit(path, rg, rows))
        return cls(files, units, langs, schema.has_stored_labels(columns), schema.has_tokens(columns or ()))

    @property
    def total_rows(self) -> int:
        """Rows in every unit (after the language filter)."""
        return sum(u.rows for u in self.units)

    def consumer_range(self, consumer: int, n_consumers: int, balance: str = "pad") -> tuple[int, int]:
        """Positions ``[lo, hi)`` of ``consumer`` in the epoch's row sequence; positions past the
        total wrap around to its start (``"pad"`` repeats a few rows)."""
        check_balance(balance)
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
        return permutation(len(self.units), seed, epoch, _UNIT_ORDER_STREAM)

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
