"""Streaming the games of a written dataset, row group by row group, for whole-dataset passes
(:mod:`mothello_data.stats`, :mod:`mothello_data.transpositions`). Shards are found and opened by
:mod:`mothello_data.shard_index` (checksums verified); list columns are padded by the loader's
``_pad``. A parallel corpus holds each game once per language, in consecutive rows:
:attr:`GameBatch.first` marks the first row of each game so that per-game passes count it once.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional, Sequence, TypeVar

import numpy as np
import pyarrow as pa

from .loader import move_rows
from .schema import arrow_numpy
from .rules import table_rule_ids
from .shard_index import LoaderError, find_shard_files, open_shard, split_of

_T = TypeVar("_T")


@dataclass
class GameBatch:
    """A batch of rows of one shard: ``split``, ``game_id``, ``lang``, ``length``, ``moves`` ``(n, W)`` uint8
    (255-padded; W = 60, or the longest row of a rule-variant dataset), ``first`` (bool: first row of
    its game in this batch), the Arrow ``table`` (every column asked for) and ``rule`` (the engine's
    rule id of each row, ``None`` for a dataset without rule variants)."""

    split: Optional[str]
    game_id: np.ndarray
    lang: np.ndarray
    length: np.ndarray
    moves: np.ndarray
    first: np.ndarray
    table: pa.Table
    rule: Optional[np.ndarray] = None

    def games(self) -> "GameBatch":
        """The batch with one row per game (the first row of each); itself when it has one already."""
        if self.first.all():
            return self
        keep = np.flatnonzero(self.first)
        return GameBatch(self.split, self.game_id[keep], self.lang[keep], self.length[keep], self.moves[keep],
                         np.ones(len(keep), bool), self.table.take(pa.array(keep)),
                         None if self.rule is None else self.rule[keep])


def count_rows(source) -> int:
    """Rows of every shard of ``source`` (from the Parquet footers)."""
    return sum(open_shard(path).metadata.num_rows for path in find_shard_files(source))


#: Rows pyarrow decodes at a time (``iter_batches``); :func:`iter_games` joins such record batches
#: (no copy) into its batches. Decoding 32,768 rows at once outgrew the core's cache: 8,192 read a
#: shard for about 0.65 CPU us a row instead of 0.85 (README, Speed).
DECODE_ROWS = 8_192


def iter_games(source, columns: Sequence[str] = (), one_row_per_game: bool = True,
               batch_rows: int = 32_768) -> Iterator[GameBatch]:
    """Every shard of ``source`` (a dataset folder, a folder of shards or files) in batches of at
    most ``batch_rows`` rows as :class:`GameBatch` es, with the extra ``columns`` in each table (those
    the shard has, as one or more chunks); by default one row per game. Batches are decoded page by
    page (``iter_batches`` of :data:`DECODE_ROWS`): reading whole row groups would hold their
    decompressed column chunks, several hundred MB each."""
    for path in find_shard_files(source):
        pf = open_shard(path)
        names = set(pf.schema_arrow.names)  # a moves-only shard has no lang (nor tokens): language -1
        wanted = [c for c in dict.fromkeys(["game_id", "lang", "length", "moves", "rule", *columns]) if c in names]
        last = None  # the game of the previous batch's last row: a parallel corpus's rows may straddle
        try:
            batches = pf.iter_batches(batch_size=min(batch_rows, DECODE_ROWS), columns=wanted, use_threads=False)
            for table in _joined(batches, batch_rows):
                ids = arrow_numpy(table.column("game_id"))
                moves, length = move_rows(table)
                first = np.r_[True, ids[1:] != ids[:-1]] if len(ids) else np.zeros(0, bool)
                if len(ids) and last is not None and ids[0] == last:
                    first[0] = False
                last = ids[-1] if len(ids) else last
                lang = arrow_numpy(table.column("lang")) if "lang" in names else np.full(len(ids), -1, np.int64)
                batch = GameBatch(split_of(path), ids, lang, length, moves, first, table, table_rule_ids(table))
                yield batch.games() if one_row_per_game and not first.all() else batch
        except (OSError, pa.ArrowException) as exc:
            raise LoaderError(f"{path}: damaged ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}); "
                              "`mothello-gen verify` names every damaged shard") from None


def _joined(batches: Iterable[pa.RecordBatch], rows: int) -> Iterator[pa.Table]:
    """Consecutive record batches as tables of at most ``rows`` rows (a batch as large alone), not copied."""
    group: list = []
    size = 0
    for record_batch in batches:
        if group and size + record_batch.num_rows > rows:
            yield pa.Table.from_batches(group)
            group, size = [], 0
        group.append(record_batch)
        size += record_batch.num_rows
    if group:
        yield pa.Table.from_batches(group)


def prefetched(items: Iterable[_T], depth: int = 2) -> Iterator[_T]:
    """``items`` produced by a background thread up to ``depth`` ahead (Parquet decoding releases the
    GIL, so reading overlaps the consumer's work); its errors are raised here, in order. Closing
    this generator early stops the thread."""
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        slots.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put((end, None))
        except BaseException as exc:  # handed to the consumer
            slots.put((end, exc))

    thread = threading.Thread(target=produce, name="mothello-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item, exc = slots.get()
            if exc is not None:
                raise exc
            if item is end:
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                slots.get(timeout=0.1)
            except queue.Empty:
                pass
