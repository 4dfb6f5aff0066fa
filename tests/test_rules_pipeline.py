"""Rule variants through the whole pipeline (issue #15): ``mothello-gen --rules/--pass-token/--max-plies``
writes games whose every move the plain-Python reference engine accepts under the game's rule, a
``rule`` ClassLabel, tokens in the rule's move space, a card and a manifest that say so; ``verify``
passes; the loader's labels follow the rule; the bytes do not depend on the thread count."""

import json
import os

import numpy as np
import pyarrow.parquet as pq
import pytest

from helpers import gen, shard_hashes
from mothello_data.moves import PASS_MOVE
from mothello_data.reference_games import replay_plies
from mothello_data.vocabulary import Vocabulary

MIXED = ["--rules", "classic,nomidflip,delflank", "--pass-token", "--games", 1200, "--langs", 2,
         "--lang-types", "atomic,split", "--games-per-shard", 400, "--splits", "train=0.9,test=0.1", "--seed", 7]


def read_rows(out):
    tables = [pq.read_table(os.path.join(out, "data", f)) for f in sorted(os.listdir(os.path.join(out, "data")))]
    rows = []
    for t in tables:
        rows += t.to_pylist()
    return tables[0].schema, rows


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("rules") / "mixed")
    gen(*MIXED, "--out", out, "--quiet", "--threads", 2, check=True)
    return out


def test_every_game_is_legal_under_its_rule(mixed):
    schema, rows = read_rows(mixed)
    features = json.loads(schema.metadata[b"huggingface"])["info"]["features"]
    assert features["rule"] == {"names": ["classic", "nomidflip", "delflank"], "_type": "ClassLabel"}
    vocab = Vocabulary.load(os.path.join(mixed, "vocab.json"))
    assert vocab.space.squares == 64 and vocab.space.pass_move
    counts = np.bincount([r["rule"] for r in rows], minlength=3)
    assert (counts >= 350).all(), counts  # one of each rule in every block of 3 game ids
    passes = {name: 0 for name in ("classic", "nomidflip", "delflank")}
    for r in rows:
        rule = ("classic", "nomidflip", "delflank")[r["rule"]]
        moves = r["moves"]
        assert len(moves) == r["length"] <= 60  # delflank's default cut; classic/nomidflip may not reach it
        plies = list(replay_plies(moves, rule, pass_token=True))  # raises on any illegal or missing pass
        assert len(plies) == len(moves)
        passes[rule] += moves.count(PASS_MOVE)
        assert vocab.decode(r["tokens"], r["lang"]) == moves
    assert passes["classic"] > 0 and passes["nomidflip"] > 0  # delflank rarely passes within 60 moves


def test_card_manifest_and_verify(mixed):
    manifest = json.load(open(os.path.join(mixed, "manifest.json")))
    rules = manifest["config"]["rules"]
    assert rules == {"names": ["classic", "nomidflip", "delflank"], "pass_token": True, "max_plies": 60}
    card = open(os.path.join(mixed, "README.md")).read()
    assert "nomidflip" in card and "delflank" in card and "cut" in card
    cut = manifest["games_cut"]
    assert 0 < cut < 1200  # delflank games run long; classic games are never cut at 60 written moves?
    res = gen("verify", mixed)
    assert res.returncode == 0, res.stdout + res.stderr


def test_same_bytes_for_any_thread_count(mixed, tmp_path):
    out = str(tmp_path / "one")
    gen(*MIXED, "--out", out, "--quiet", "--threads", 1, check=True)
    assert shard_hashes(out) == shard_hashes(mixed)


def test_loader_labels_follow_the_rule(mixed):
    torch = pytest.importorskip("torch")  # noqa: F841
    from mothello_data.reference import ReferenceBoard  # noqa: F401
    from mothello_data.torch import GameDataset

    ds = GameDataset(mixed, split="train", batch_size=64, labels=["board_state", "legal_moves"], shuffle=False)
    batch = next(iter(ds))
    _, rows = read_rows(mixed)
    by_id = {(r["game_id"], r["lang"]): r for r in rows}
    checked = 0
    for b in range(batch["input_ids"].shape[0]):
        r = by_id[(int(batch["game_id"][b]), int(batch["lang"][b]))]
        rule = ("classic", "nomidflip", "delflank")[r["rule"]]
        plies = list(replay_plies(r["moves"], rule, pass_token=True))
        done = batch["completes"][b].numpy().nonzero()[0]
        for k, pos in enumerate(done[: len(plies) - 1]):
            after = plies[k + 1].before  # the board the next move is played from
            legal = set(after.legal_moves())
            got = set(np.flatnonzero(batch["legal_moves"][b, pos].numpy()).tolist())
            assert got == legal
            checked += 1
    assert checked > 1000


def test_datasets_reads_the_rule_class_label(mixed):
    datasets = pytest.importorskip("datasets")
    ds = datasets.load_dataset("parquet", data_dir=os.path.join(mixed, "data"), split="train")
    assert ds.features["rule"].names == ["classic", "nomidflip", "delflank"]
    assert "token_ply" not in ds.features and ds.features["lang"].names == ["L0-atomic", "L1-split"]


def test_stream_plays_the_datasets_rules(mixed):
    from mothello_data.stream import GameStream

    stream = GameStream(held_out=mixed, batch_size=50)
    assert stream.rules.names == ("classic", "nomidflip", "delflank") and stream.rules.pass_token
    rows = stream.rows(5000, 5300)
    names = ("classic", "nomidflip", "delflank")
    for g in range(len(rows)):
        moves = rows.moves[g, : rows.length[g]].tolist()
        rule = names[list(engine_ids()).index(int(rows.rule[g]))]
        assert len(list(replay_plies(moves, rule, pass_token=True))) == len(moves)
    batch = next(stream.batches())
    assert batch["targets"].max() <= 64  # unified targets over 64 squares and the pass


def engine_ids():
    from mothello_data import engine

    return [engine.rule_id(n) for n in ("classic", "nomidflip", "delflank")]


@pytest.mark.parametrize("extra", [[], ["--rules", "delflank", "--max-plies", 120, "--pass-token"]])
def test_packed_labels_expand_to_the_unpacked_ones(mixed, tmp_path, extra):
    pytest.importorskip("torch")
    from mothello_data.torch import GameDataset, expand_labels

    out = mixed
    if extra:
        out = str(tmp_path / "long")
        gen("--games", 300, "--splits", "train=1.0", *extra, "--out", out, "--quiet", check=True)
    labels = ["board_state", "legal_moves", "flipped", "player"]
    plain = next(iter(GameDataset(out, split="train", batch_size=64, labels=labels, shuffle=False)))
    packed = next(iter(GameDataset(out, split="train", batch_size=64, labels=labels, shuffle=False, pack_labels=True)))
    expanded = expand_labels(packed)
    for key in labels:
        assert expanded[key].shape == plain[key].shape, key
        assert (expanded[key] == plain[key]).all(), key
    assert plain["legal_moves"].shape[-1] == 64  # every square is a move of these datasets


def test_collator_replays_datasets_rows_under_their_rules(mixed):
    datasets = pytest.importorskip("datasets")
    pytest.importorskip("torch")
    from mothello_data.torch import GameCollator
    from mothello_data.shard_index import LoaderError

    ds = datasets.load_dataset("parquet", data_dir=os.path.join(mixed, "data"), split="train")
    rows = [ds[i] for i in range(40)]
    with pytest.raises(LoaderError, match="rules="):
        GameCollator(vocabulary=mixed, labels=["legal_moves"])(rows)
    batch = GameCollator(vocabulary=mixed, labels=["legal_moves"], rules=ds.features["rule"].names)(rows)
    assert batch["rule"].tolist() == [r["rule"] for r in rows]  # classic, nomidflip, delflank: ids 0, 1, 2
    for b, r in enumerate(rows):
        plies = list(replay_plies(r["moves"], ("classic", "nomidflip", "delflank")[r["rule"]], pass_token=True))
        first = batch["completes"][b].numpy().nonzero()[0][0]  # the token completing ply 0
        assert set(np.flatnonzero(batch["legal_moves"][b, first].numpy())) == set(plies[1].before.legal_moves())


def test_sample_mode_refuses_a_vocabulary_without_the_datasets_moves(tmp_path):
    pytest.importorskip("torch")
    from mothello_data.shard_index import LoaderError
    from mothello_data.spec import LanguageSpec
    from mothello_data.torch import GameDataset

    out = str(tmp_path / "moves")
    gen("--games", 200, "--splits", "train=1.0", "--pass-token", "--moves-only", "--out", out, "--quiet", check=True)
    with pytest.raises(LoaderError, match="do not cover the games"):
        GameDataset(out, languages="sample", vocabulary=LanguageSpec(types=["atomic", "atomic"]))
    wide = LanguageSpec(types=["atomic", "iago"])  # 64 squares and the pass: covers classic games with passes
    batch = next(iter(GameDataset(out, languages="sample", vocabulary=wide, batch_size=16)))
    assert batch["targets"].max() <= 64


def test_stats_reports_each_rule(mixed, tmp_path):
    from mothello_data import engine
    from mothello_data.rules import parse_rules

    out = str(tmp_path / "stats")
    res = gen("stats", mixed, "--out", out, "--threads", 2)
    assert res.returncode == 0, res.stderr
    report = json.load(open(os.path.join(out, "stats.json")))
    _, rows = read_rows(mixed)
    rules = parse_rules("classic,nomidflip,delflank", pass_token=True)
    ids = np.array(sorted({r["game_id"] for r in rows}), dtype=np.uint64)
    ended = {}
    for lo in range(0, int(ids.max()) + 1, 400):  # the run's games again, from (seed, id) under their rules
        g = engine.generate(400, 7, lo, **rules.engine_args(lo, 400, 7))
        ended.update({lo + i: bool(g.ended[i]) for i in range(400)})
    for i, name in enumerate(rules.names):
        mine = [r for r in rows if r["rule"] == i]
        got = report["per_rule"][name]
        assert got["games"] == len(mine)
        placements = [sum(m != PASS_MOVE for m in r["moves"]) for r in mine]
        assert got["mean_placements"] == pytest.approx(np.mean(placements))
        assert got["pass_share"] == pytest.approx(np.mean([PASS_MOVE in r["moves"] for r in mine]))
        assert got["cut_share"] == pytest.approx(np.mean([not ended[r["game_id"]] for r in mine]))
        early = [p < 60 and ended[r["game_id"]] for p, r in zip(placements, mine)]
        assert got["early_end_share"] == pytest.approx(np.mean(early))
    assert report["per_rule"]["delflank"]["cut_share"] == 1.0  # every delflank game is longer than 60 moves


@pytest.mark.parametrize("extra", [["--pass-token"], ["--rules", "classic,delflank", "--max-plies", 70, "--pass-token"]])
def test_stats_and_sample_mode_on_rows_longer_than_60(tmp_path, extra):
    out = str(tmp_path / "wide")
    gen("--games", 600, "--splits", "train=1.0", "--langs", 2, *extra, "--out", out, "--quiet", check=True)
    res = gen("stats", out, "--out", str(tmp_path / "st"), "--threads", 2)
    assert res.returncode == 0, res.stderr
    report = json.load(open(os.path.join(tmp_path, "st", "stats.json")))
    _, rows = read_rows(out)
    longest = max(r["length"] for r in rows)
    assert longest > 60 and report["length_histogram"][longest] >= 1
    assert report["pass_share"] == pytest.approx(np.mean([PASS_MOVE in r["moves"] for r in rows]))
    torch = pytest.importorskip("torch")  # noqa: F841
    from mothello_data.torch import GameDataset

    ds = GameDataset(out, split="train", batch_size=200, languages="sample", labels=["legal_moves"], shuffle=False)
    batch = next(iter(ds))
    assert "rule" in batch  # any rule variant (here at least written passes) stores the rule


def test_config_file_anchors_checked_in_the_command_lines_rules(tmp_path):
    from mothello_data.arguments import plan_from_argv

    exp = tmp_path / "centre.json"
    exp.write_text('{"languages": 2, "anchors": ["d4", "e5"]}')
    plan = plan_from_argv(["--config", exp, "--rules", "delflank", "--out", tmp_path / "o"])
    assert sorted(plan.spec.overlap) == [27, 36]
