"""The stream of fresh games (issue 17): consumers play disjoint games whose union does not depend on
the world, held-out games never come out, a checkpoint resumes exactly, and batches equal the shard
loader's for the same games."""

import json
import subprocess
import sys

import numpy as np
import pytest

from mothello_data import engine
from mothello_data.loader import LoaderError
from mothello_data.spec import LanguageSpec
from mothello_data.stream import GameStream

torch = pytest.importorskip("torch")

from mothello_data.torch import GameDataset, GameLoader, StreamDataset  # noqa: E402

SPEC = LanguageSpec(types=["atomic", "split"], lang_tags=True)


def ids_of(batches):
    return [int(g) for b in batches for g in np.asarray(b["game_id"])]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("stream") / "ds"
    cmd = [sys.executable, "-m", "mothello_data", "--out", str(out), "--quiet", "--games", "2000", "--langs", "2",
           "--lang-types", "atomic,compositional", "--anchors", "0.2", "--lang-tags", "--games-per-shard", "300",
           "--splits", "train=0.8,validation=0.1,test=0.1", "--seed", "5"]
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    return out


@pytest.mark.parametrize("n_consumers", [1, 2, 4])
def test_consumers_are_disjoint_and_cover_the_same_games(n_consumers):
    stream = GameStream(SPEC, seed=3, batch_size=50, games=1000, first_game=77, block_games=64)
    per = [ids_of(stream.batches(c, n_consumers)) for c in range(n_consumers)]
    everything = sum(per, [])
    assert len(everything) == len(set(everything))  # pairwise disjoint, no game twice
    assert sorted(everything) == list(range(77, 1077))
    for c, ids in enumerate(per):
        assert all(stream.ordinal_of(g, c, n_consumers) >= 0 for g in ids)


@pytest.mark.parametrize("world_size,workers", [(1, 0), (1, 2), (2, 2)])
def test_ranks_and_workers_through_the_loader(world_size, workers):
    seen = []
    for rank in range(world_size):
        ds = StreamDataset(vocabulary=SPEC, seed=3, batch_size=40, games=600, block_games=32, rank=rank,
                           world_size=world_size)
        seen.append(ids_of(GameLoader(ds, num_workers=workers)))
    everything = sum(seen, [])
    assert len(everything) == len(set(everything)) and sorted(everything) == list(range(600))
    if world_size > 1:
        assert all(seen)


def test_deterministic_and_seeded():
    make = lambda seed: list(GameStream(SPEC, seed=seed, batch_size=64, games=300, labels=["legal_moves"]).batches())  # noqa: E731
    a, b, c = make(1), make(1), make(2)
    assert all(np.array_equal(x[k], y[k]) for x, y in zip(a, b) for k in x)
    assert not all(np.array_equal(x["input_ids"], y["input_ids"]) for x, y in zip(a, c))


def test_batches_equal_the_shard_loader_for_the_same_games(dataset):
    labels = ["board_state", "legal_moves", "flipped", "player"]
    for targets in ("unified", "next_token"):
        stream = GameStream(held_out=dataset, first_game=0, games=1600, batch_size=128, targets=targets, labels=labels)
        shard = GameDataset(dataset, split="train", shuffle=False, batch_size=128, targets=targets, labels=labels)
        pairs = list(zip(stream.batches(), shard))
        assert len(pairs) == 13
        for a, b in pairs:
            assert set(a) == set(b)
            for key in a:
                assert np.array_equal(a[key], b[key].numpy()), key


def test_defaults_continue_the_dataset_and_skip_held_out_ids(dataset):
    stream = GameStream(held_out=dataset, batch_size=100)
    first = next(stream.batches())
    assert stream.seed == 5 and int(first["game_id"][0]) == 2000  # after every written game
    ids = ids_of(GameStream(held_out=dataset, first_game=1500, games=500, batch_size=100).batches())
    assert ids == list(range(1500, 1600))  # validation 1600..1800 and test 1800..2000 left out


def test_repeated_move_sequences_are_dropped(tmp_path):
    # With seed 0, game 46372 plays exactly the moves of game 95833 (a 9-ply wipe-out).
    a, b = engine.generate(1, 0, 46372), engine.generate(1, 0, 95833)
    assert np.array_equal(a.moves, b.moves)
    manifest = {"seed": 0, "config": {"splits": {"train": 95833, "test": 1}},
                "shards": [{"file": "data/test-00000-of-00001.parquet", "split": "test", "first_game": 95833,
                            "end_game": 95834, "bytes": 0}]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    kwargs = dict(vocabulary=SPEC, seed=0, first_game=46300, games=100, batch_size=30)
    assert 46372 in ids_of(GameStream(**kwargs).batches())
    kept = ids_of(GameStream(held_out=tmp_path / "manifest.json", **kwargs).batches())
    assert kept == [g for g in range(46300, 46400) if g != 46372]


def test_resume_from_a_position_yields_the_continuation():
    stream = GameStream(SPEC, seed=9, batch_size=37, games=2000, block_games=50, labels=["player"])
    full = list(stream.batches(1, 3))
    for k in (1, 2, 5):
        position = stream.next_game(int(full[k - 1]["game_id"][-1]), 1, 3)
        rest = list(stream.batches(1, 3, position))
        assert ids_of(rest) == ids_of(full[k:])
        assert all(np.array_equal(x[key], y[key]) for x, y in zip(rest, full[k:]) for key in x)


@pytest.mark.parametrize("workers", [0, 2])
def test_checkpoint_resumes_the_loader(workers):
    make = lambda: StreamDataset(vocabulary=SPEC, seed=4, batch_size=32, block_games=40)  # noqa: E731
    ds = make()
    it = iter(GameLoader(ds, num_workers=workers))
    head = [next(it) for _ in range(6)]
    state = json.loads(json.dumps(ds.state_dict()))
    tail = [next(it) for _ in range(6)]
    del it
    resumed = make()
    resumed.load_state_dict(state)
    it = iter(GameLoader(resumed, num_workers=workers))
    again = [next(it) for _ in range(6)]
    assert sorted(ids_of(again)) == sorted(ids_of(tail))
    assert not set(ids_of(again)) & set(ids_of(head))
    other = StreamDataset(vocabulary=SPEC, seed=5, batch_size=32, block_games=40)
    with pytest.raises(LoaderError, match="another stream"):
        other.load_state_dict(state)
    moved = make()
    moved.load_state_dict(state)
    with pytest.raises(LoaderError, match=f"checkpoint is for {max(1, workers)} consumers"):
        next(iter(GameLoader(moved, num_workers=1 if workers else 2)))


@pytest.mark.parametrize("kwargs,message", [
    (dict(vocabulary=SPEC, batch_size=0), "batch_size must be an integer >= 1"),
    (dict(vocabulary=SPEC, targets="bogus"), "targets must be one of"),
    (dict(vocabulary=SPEC, labels=["board"]), "unknown label"),
    (dict(vocabulary=SPEC, first_game=-1), "first_game must be"),
    (dict(vocabulary=SPEC, first_game=2**64, games=1), "exceeds the 64-bit"),
    (dict(), "give a vocabulary"),
    (dict(held_out="/nonexistent/ds"), "not a mothello-gen manifest"),
])
def test_refuses_bad_options_in_one_line(kwargs, message):
    with pytest.raises(LoaderError, match=message) as info:
        GameStream(**kwargs)
    assert "\n" not in str(info.value)


def test_refuses_a_foreign_position():
    stream = GameStream(SPEC, block_games=10)
    with pytest.raises(LoaderError, match="not played by consumer 1 of 2"):
        next(stream.batches(1, 2, next_game=5))


def test_a_stream_loader_has_no_length_and_says_so():
    loader = GameLoader(StreamDataset(vocabulary=SPEC, batch_size=8, games=16))
    with pytest.raises(TypeError, match="a StreamDataset has no length"):
        len(loader)
    assert sum(len(b["game_id"]) for b in loader) == 16


def test_the_stream_continues_a_policy_run_with_its_policy(tmp_path):
    from helpers import gen
    from mothello_data.policies import parse_policy
    from mothello_data.stream import GameStream
    from mothello_data.vocabulary import Vocabulary

    out = tmp_path / "greedy"
    gen("--games", 600, "--policy", "greedy", "--epsilon", 0.1, "--langs", 2, "--splits", "train=500,test=100",
        "--out", out, "--quiet", check=True)
    stream = GameStream(held_out=str(out), batch_size=100, games=200)
    assert stream.policy == parse_policy("greedy", 0.1) and "policy" in stream.identity(1)
    vocab = Vocabulary.load(out / "vocab.json")
    greedy = engine.generate(200, stream.seed, 600, policy=parse_policy("greedy", 0.1)).moves
    uniform = engine.generate(200, stream.seed, 600).moves
    seen = 0
    for batch in stream.batches(0, 1):
        for g in range(len(batch["game_id"])):
            tokens = batch["input_ids"][g][batch["attention_mask"][g] > 0].tolist()
            moves = vocab.decode(tokens, int(batch["lang"][g]))
            i = int(batch["game_id"][g]) - 600
            assert moves == [m for m in greedy[i].tolist() if m != 255] != [m for m in uniform[i].tolist() if m != 255]
            seen += 1
    assert seen == 200
