"""The dataset reader's batches (:func:`mothello_data.dataset_reader.iter_games`) against the shards
read whole with pyarrow and turned into plain Python lists: every row once, in order, whatever the
batch size (one row, sizes that cut a parallel corpus's games across batches, more than a decode
batch, several decode batches joined), padded moves, languages, lengths, the first row of each game, the extra columns."""

import numpy as np
import pyarrow.parquet as pq
import pytest

from helpers import gen
from mothello_data.dataset_reader import DECODE_ROWS, iter_games
from mothello_data.engine import MAX_PLIES, PAD_SQUARE
from mothello_data.shard_index import find_shard_files


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("reader") / "ds"
    gen("--out", out, "--quiet", "--games", 6000, "--games-per-shard", 6000, "--langs", 3, "--parallel",
        "--splits", "train=0.9,test=0.1", "--seed", 5, check=True)
    return out


def expected_rows(dataset):
    """(split file, game_id, lang, moves padded to 60 with 255, tokens) of every row, plain Python."""
    rows = []
    for path in find_shard_files(dataset):
        table = pq.read_table(path).to_pylist()
        rows += [(path, r["game_id"], r["lang"], r["moves"] + [PAD_SQUARE] * (MAX_PLIES - len(r["moves"])), r["tokens"])
                 for r in table]
    return rows


@pytest.mark.parametrize("batch_rows", [1, 7, 1000, DECODE_ROWS - 1, DECODE_ROWS + 3, 20_000, 32_768])
def test_batches_hold_every_row_once_in_order(dataset, batch_rows):
    want = expected_rows(dataset)
    assert len({r[1] for r in want}) == 6000 and len(want) == 18000  # three languages per game
    got, firsts, games, chunks = [], [], [], 0
    for b in iter_games(dataset, columns=["tokens"], one_row_per_game=False, batch_rows=batch_rows):
        assert 0 < len(b.game_id) <= batch_rows and b.moves.shape == (len(b.game_id), MAX_PLIES)
        assert b.table.num_rows == len(b.game_id) and b.moves.dtype == np.uint8
        got += list(zip(b.game_id.tolist(), b.lang.tolist(), b.moves.tolist(), b.table.column("tokens").to_pylist()))
        firsts += b.first.tolist()
        chunks = max(chunks, b.table.column("moves").num_chunks)
        assert b.length.tolist() == [sum(x != PAD_SQUARE for x in m) for m in b.moves.tolist()]
    assert got == [r[1:] for r in want]
    assert (chunks > 1) == (batch_rows >= 2 * DECODE_ROWS)  # the train shard: 16,200 rows
    ids = [r[1] for r in want]
    assert firsts == [i == 0 or ids[i] != ids[i - 1] or want[i][0] != want[i - 1][0] for i in range(len(ids))]
    for b in iter_games(dataset, batch_rows=batch_rows):  # one row per game: the first of each
        games += b.game_id.tolist()
        assert b.first.all() and b.table.num_rows == len(b.game_id)
    assert games == [ids[i] for i in range(len(ids)) if firsts[i]] and len(games) == 6000
