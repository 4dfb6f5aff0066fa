"""Streaming the games of a written dataset, row group by row group, for whole-dataset passes
(:mod:`mothello_data.stats`, :mod:`mothello_data.transpositions`). Shards are found and opened by
:mod:`mothello_data.shard_index` (checksums verified); list columns are padded by the loader's
``_pad``. A parallel corpus holds each game once per language: :attr:`GameBatch.first` marks the
first row of each game so that per-game passes count it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Sequence

import numpy as np
import pyarrow as pa

from . import engine
from .loader import _pad
from .shard_index import find_shard_files, open_shard, read_row_group, split_of


@dataclass
class GameBatch:
    """One row group: ``split``, ``game_id``, ``lang``, ``length``, ``moves`` ``(n, 60)`` uint8
    (255-padded), ``first`` (bool: first row of its game in this batch) and the Arrow ``table``
    (every column asked for)."""

    split: Optional[str]
    game_id: np.ndarray
    lang: np.ndarray
    length: np.ndarray
    moves: np.ndarray
    first: np.ndarray
    table: pa.Table

    def games(self) -> "GameBatch":
        """The batch with one row per game (the first row of each)."""
        keep = np.flatnonzero(self.first)
        return GameBatch(self.split, self.game_id[keep], self.lang[keep], self.length[keep], self.moves[keep],
                         np.ones(len(keep), bool), self.table.take(pa.array(keep)))


def count_rows(source) -> int:
    """Rows of every shard of ``source`` (from the Parquet footers)."""
    return sum(open_shard(path).metadata.num_rows for path in find_shard_files(source))


def iter_games(source, columns: Sequence[str] = (), one_row_per_game: bool = True) -> Iterator[GameBatch]:
    """Every row group of ``source`` (a dataset folder, a folder of shards or files) as a
    :class:`GameBatch`, with the extra ``columns`` in its table; by default one row per game."""
    wanted = list(dict.fromkeys(["game_id", "lang", "length", "moves", *columns]))
    for path in find_shard_files(source):
        pf = open_shard(path)
        for rg in range(pf.num_row_groups):
            table = read_row_group(pf, path, rg, wanted)
            ids = table.column("game_id").to_numpy()
            moves, _ = _pad(table.column("moves"), engine.MAX_PLIES, engine.PAD_SQUARE, np.uint8)
            _, firsts = np.unique(ids, return_index=True)
            first = np.zeros(len(ids), bool)
            first[firsts] = True
            batch = GameBatch(split_of(path), ids, table.column("lang").to_numpy(), table.column("length").to_numpy(),
                              moves, first, table)
            yield batch.games() if one_row_per_game and not first.all() else batch
