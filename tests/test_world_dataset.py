"""World-model labels through the whole path: ``mothello-gen --labels hash,...`` stores per-ply
columns, the loader gives the same values per token position, the card documents them, and the
default ``--labels all`` keeps its four kinds and its bytes."""

import os

import numpy as np
import pyarrow.parquet as pq
import pytest

from helpers import gen, shard_hashes
from mothello_data import loader
from mothello_data.schema import ALL_LABEL_COLUMNS, parse_labels
from mothello_data.reference import BLACK, ReferenceBoard

WORLD = "hash,canonical_hash,disc_count,mobility"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("world") / "ds"
    gen("--out", out, "--quiet", "--games", 600, "--langs", 2, "--lang-types", "atomic,compositional",
        "--splits", "train=0.8,test=0.2", "--labels", WORLD, "--seed", 4, check=True)
    return out


def test_all_still_means_the_four_kinds():
    assert parse_labels("all") == ["board_state", "legal_moves", "flipped", "player"]
    assert parse_labels(WORLD + ",board") == ["board_state", "hash", "canonical_hash", "disc_count", "mobility"]
    assert parse_labels("all,mobility") == ["board_state", "legal_moves", "flipped", "player", "mobility"]


def test_stored_columns_match_the_loader_and_the_reference(world):
    table = pq.ParquetDataset(loader.find_shard_files(str(world), "train")).read()
    names = set(table.column_names)
    assert {"hash", "canonical_hash", "count_black", "count_white", "mobility_black", "mobility_white"} <= names
    assert not set(ALL_LABEL_COLUMNS) & names
    rows = table.slice(0, 200)
    block = loader.RowBlock.from_table(rows, stored_labels=False, vocab=loader.find_vocabulary(loader.find_shard_files(str(world), "train")))
    batch = loader.build_batch(block, labels=["hash", "disc_count", "mobility", "board_state"])
    hashes, counts = rows.column("hash").to_pylist(), rows.column("count_black").to_pylist()
    for g in range(len(rows)):
        moves = rows.column("moves")[g].as_py()
        assert len(hashes[g]) == len(moves)
        board = ReferenceBoard()
        for k, sq in enumerate(moves):
            board.play(sq)
            assert counts[g][k] == board.cells.count(BLACK)
        # the token completing ply k sees the position after it: its hash is the stored column's
        done = np.flatnonzero(batch["completes"][g])
        ply = block.token_ply[g, done]
        got = batch["hash"][g, done].view(np.uint64)
        assert [int(x) for x in got] == [hashes[g][p] for p in ply]
        relative = batch["disc_count"][g, done]
        who_moves = np.where(batch["board_state"][g, done] == 1, 1, 0).sum(axis=1)
        assert relative[:, 0].tolist() == who_moves.tolist()  # "mine" agrees with the board planes
    assert (batch["mobility"] >= 0).all()
    assert loader.build_batch(block, labels=["winner", "final_count"])["winner"].shape == (len(rows),)


def test_card_documents_the_world_columns(world):
    card = open(os.path.join(world, "README.md")).read()
    assert "mothello-position-hash-v1" in card and "`canonical_hash`" in card
    assert "0x243F6A8885A308D3" in card


def test_loader_refuses_an_unknown_label_naming_the_world_labels():
    with pytest.raises(loader.LoaderError, match="canonical_hash"):
        loader.check_options(labels=["nope"])


def test_labels_all_bytes_do_not_depend_on_the_world_kinds(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    gen("--out", a, "--quiet", "--games", 300, "--labels", "all", "--seed", 2, check=True)
    gen("--out", b, "--quiet", "--games", 300, "--labels", "board,legal,flipped,player", "--seed", 2, check=True)
    assert shard_hashes(a) == shard_hashes(b)


def test_world_labels_through_the_torch_loader_with_workers(world):
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader

    from mothello_data.torch import GameDataset

    ds = GameDataset(str(world), split="train", batch_size=32, shuffle=False,
                     labels=["board_state", "hash", "flip_count", "age", "last_move", "winner", "mobility"])
    batch = next(iter(DataLoader(ds, batch_size=None, num_workers=1)))
    assert batch["hash"].dtype == torch.int64 and batch["flip_count"].shape[-1] == 64
    assert batch["winner"].shape == (32,) and batch["mobility"].shape[-1] == 2
    rows = loader.RowBlock.from_table(pq.ParquetDataset(loader.find_shard_files(str(world), "train")).read().slice(0, 32), False,
                                      loader.find_vocabulary(loader.find_shard_files(str(world), "train")))
    plain = loader.build_batch(rows, labels=["hash", "age"])
    assert np.array_equal(batch["hash"].numpy(), plain["hash"]) and np.array_equal(batch["age"].numpy(), plain["age"])
