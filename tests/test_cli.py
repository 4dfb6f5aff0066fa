"""mothello-gen end to end: shards, dataset card, loading with datasets, determinism, resume,
verification and bad input."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest
from helpers import gen as run_gen, shard_hashes

from mothello_data import engine
from mothello_data.languages import Vocabulary

GEN = [sys.executable, "-m", "mothello_data"]


def gen(*args, check=True):
    return run_gen(*args, check=check)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("ds") / "out"
    gen("--games", 6000, "--langs", 3, "--lang-types", "atomic,split,compositional", "--anchors", 0.1,
        "--games-per-shard", 2000, "--splits", "train=0.8,validation=0.1,test=0.1", "--labels", "all", "--seed", 5, "--out", out, "--quiet")
    return out


def test_layout_manifest_and_card(dataset):
    files = sorted(os.listdir(dataset / "data"))
    assert files == ["test-00000-of-00001.parquet", "train-00000-of-00003.parquet", "train-00001-of-00003.parquet",
                     "train-00002-of-00003.parquet", "validation-00000-of-00001.parquet"]
    manifest = json.loads((dataset / "manifest.json").read_text())
    assert manifest["seed"] == 5 and manifest["rng"] == engine.RNG_ID
    assert manifest["argv"][0] == "mothello-gen"
    for shard in manifest["shards"]:
        assert hashlib.sha256((dataset / shard["file"]).read_bytes()).hexdigest() == shard["sha256"]
    card = (dataset / "README.md").read_text()
    assert card.startswith("---\n") and "configs:" in card and "num_examples" in card
    assert not [f for f in os.listdir(dataset) if f.startswith(".")]  # the run's records are gone


def test_splits_are_disjoint_by_id_and_by_move_sequence(dataset):
    seen_ids, seen_games = {}, {}
    for f in sorted(os.listdir(dataset / "data")):
        split = f.split("-")[0]
        t = pq.read_table(dataset / "data" / f, columns=["game_id", "moves"]).to_pydict()
        seen_ids.setdefault(split, set()).update(t["game_id"])
        seen_games.setdefault(split, set()).update(tuple(m) for m in t["moves"])
    names = list(seen_ids)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not seen_ids[a] & seen_ids[b]
            assert not seen_games[a] & seen_games[b]


def test_rows_decode_to_legal_games_with_matching_labels(dataset):
    vocab = Vocabulary.load(dataset / "vocab.json")
    t = pq.read_table(dataset / "data" / "validation-00000-of-00001.parquet").to_pydict()
    assert set(t["lang"]) == {0, 1, 2}
    for i in range(0, len(t["game_id"]), 50):
        moves = t["moves"][i]
        assert vocab.decode(t["tokens"][i], t["lang"][i]) == moves
        assert engine.generate(1, 5, t["game_id"][i]).game(0) == moves  # regenerates from (seed, id)
        rep = engine.replay([moves])
        assert rep.ended[0]
        n = len(moves)
        assert t["legal"][i] == rep.labels.legal[0, :n].tolist()
        assert t["board_black"][i] == rep.labels.board_before[0, :n, 0].tolist()
        assert t["player"][i] == rep.labels.player[0, :n].tolist()
    assert "token_ply" not in t  # shard format 2: the loader derives it (tests/test_loader.py)
    assert json.loads((dataset / "manifest.json").read_text())["shard_format"] == 3  # format 3: lists declared non-null
    fields = list(pq.read_schema(next((dataset / "data").glob("*.parquet"))))
    lists = [f for f in fields if hasattr(f.type, "value_field")]
    assert lists and not any(f.nullable or f.type.value_field.nullable for f in lists)


def test_load_dataset_parquet_and_folder(dataset, tmp_path):
    datasets = pytest.importorskip("datasets")
    cache = str(tmp_path / "cache")
    ds = datasets.load_dataset("parquet", data_dir=str(dataset / "data"), cache_dir=cache)
    assert {k: v.num_rows for k, v in ds.items()} == {"train": 4800, "validation": 600, "test": 600}
    assert ds["train"].features["lang"].names == ["L0-atomic", "L1-split", "L2-compositional"]
    assert ds["train"].features["tokens"].feature.dtype == "uint16"
    meta = pq.read_schema(dataset / "data" / "test-00000-of-00001.parquet").metadata[b"huggingface"]
    want = datasets.Features.from_dict(json.loads(meta)["info"]["features"])
    assert ds["train"].features == want  # every column, labels too: the Features the card promises
    ds2 = datasets.load_dataset(str(dataset), cache_dir=cache)
    assert ds2["test"].num_rows == 600
    assert ds2["test"].features["lang"].names == ds["test"].features["lang"].names


def test_verify_passes_and_catches_a_changed_shard(dataset, tmp_path):
    assert subprocess.run(GEN + ["verify", str(dataset), "--quiet"]).returncode == 0
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(dataset), str(copy)], check=True)
    path = copy / "data" / "test-00000-of-00001.parquet"
    t = pq.read_table(path)
    pq.write_table(t.slice(0, t.num_rows - 1), path)
    res = subprocess.run(GEN + ["verify", str(copy)], capture_output=True, text=True)
    assert res.returncode == 1 and "sha256" in res.stderr


def test_same_arguments_same_bytes_for_any_thread_count(tmp_path):
    args = ["--games", 5000, "--langs", 2, "--anchors", 0.2, "--games-per-shard", 1500, "--quiet", "--parallel"]
    gen(*args, "--threads", 1, "--out", tmp_path / "a")
    gen(*args, "--threads", 3, "--out", tmp_path / "b")
    assert shard_hashes(tmp_path / "a") == shard_hashes(tmp_path / "b")
    t = pq.read_table(tmp_path / "a" / "data" / "test-00000-of-00001.parquet", columns=["game_id", "lang"]).to_pydict()
    assert t["lang"][:4] == [0, 1, 0, 1] and t["game_id"][0] == t["game_id"][1]


def test_a_chunk_is_one_row_group_written_in_slices_with_the_same_bytes_for_any_thread_count(tmp_path):
    """A chunk far larger than the writer's slices (shards.WRITE_SLICE_ROWS) stays one row group,
    holds every row in order, and its bytes do not depend on the thread count."""
    from mothello_data.shards import WRITE_SLICE_ROWS, chunk_games

    n = 3 * WRITE_SLICE_ROWS + 123
    args = ["--games", n, "--langs", 2, "--splits", "train=1.0", "--quiet"]
    gen(*args, "--threads", 1, "--out", tmp_path / "a", check=True)
    gen(*args, "--threads", 2, "--out", tmp_path / "b", check=True)
    assert shard_hashes(tmp_path / "a") == shard_hashes(tmp_path / "b")
    path = next((tmp_path / "a" / "data").glob("*.parquet"))
    meta = pq.ParquetFile(path).metadata
    assert n < chunk_games_of_default_run(chunk_games) and meta.num_row_groups == 1 and meta.num_rows == n
    assert pq.read_table(path, columns=["game_id"]).column(0).to_pylist() == list(range(n))


def chunk_games_of_default_run(chunk_games):
    """Games per chunk of a run without labels (a chunk of such a run is one row group)."""
    return chunk_games(type("P", (), {"labels": ()})())


def test_resume_after_a_killed_run_gives_the_same_bytes(tmp_path):
    args = ["--games", 400_000, "--games-per-shard", 25_000, "--langs", 2, "--quiet", "--threads", 1]
    gen(*args, "--out", tmp_path / "whole")
    proc = subprocess.Popen(GEN + [str(a) for a in args] + ["--out", str(tmp_path / "cut")])
    parts = tmp_path / "cut" / ".mothello-parts"
    deadline = time.time() + 60
    while time.time() < deadline:  # kill once a few shards are finished, mid-way through the run
        if parts.exists() and len([f for f in os.listdir(parts) if f.endswith(".parquet.json")]) >= 3:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (tmp_path / "cut" / "manifest.json").exists()
    refused = gen(*args, "--out", tmp_path / "cut", check=False)
    assert refused.returncode == 2 and "not empty" in refused.stderr
    differs = gen(*args[:-2], "--threads", 1, "--seed", 9, "--resume", "--out", tmp_path / "cut", check=False)
    assert differs.returncode == 2 and "seed: was 0, now 9" in differs.stderr
    gen(*args, "--resume", "--out", tmp_path / "cut")
    assert shard_hashes(tmp_path / "cut") == shard_hashes(tmp_path / "whole")
    assert not [f for f in os.listdir(tmp_path / "cut" / "data") if f.startswith(".")]
    assert subprocess.run(GEN + ["verify", str(tmp_path / "cut"), "--quiet", "--sample", "20"]).returncode == 0


@pytest.mark.parametrize(
    "args,message",
    [
        (["--langs", 0], "number of languages"),
        (["--anchors", 1.5], "anchors"),
        (["--games", -1], "--games"),
        (["--lang-types", "klingon"], "unknown type 'klingon'"),
        (["--splits", "train=0.5,test=0.2"], "add up to"),
        (["--labels", "colour"], "unknown label"),
        (["--threads", 0], "--threads"),
        (["--games", "many"], "invalid int value"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "out"
    res = gen("--games", 100, *args, "--out", out, check=False)
    assert res.returncode != 0
    assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "Traceback" not in res.stderr
    assert not out.exists()


def test_out_that_is_a_file_or_unwritable_is_refused(tmp_path):
    afile = tmp_path / "file"
    afile.write_text("x")
    res = gen("--games", 100, "--out", afile, check=False)
    assert res.returncode == 2 and "not a folder" in res.stderr and len(res.stderr.splitlines()) == 1
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        probe = locked / "probe"
        try:
            probe.write_text("")  # root ignores permissions: use a path under a file instead
            probe.unlink()
            target = afile / "sub"
        except PermissionError:
            target = locked / "out"
        res = gen("--games", 100, "--out", target, check=False)
        assert res.returncode != 0 and len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    finally:
        locked.chmod(0o700)
    assert afile.read_text() == "x"


def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path):
    res = gen("--langs", 4, "--anchors", 0.1, "--dry-run", "--out", tmp_path / "x")
    assert "games: 2,000,000" in res.stdout and "anchors: 6 squares" in res.stdout
    assert not (tmp_path / "x").exists()


def test_every_example_in_help_is_a_valid_command(tmp_path):
    res = gen("--help")
    examples = [line.split()[1:] for line in res.stdout.splitlines() if line.startswith("  mothello-gen --")]
    assert len(examples) >= 6
    for argv in examples:
        if "--config" in argv:
            continue  # needs an experiment file; --config is tested in test_languages
        argv = ["1" if a == "$I" else str(tmp_path / "ex") if argv[i - 1] == "--out" else a for i, a in enumerate(argv)]
        res = gen(*argv, "--dry-run", check=False)  # a dry run contacts no Dask scheduler
        assert res.returncode == 0 and res.stdout.startswith("games: "), (argv, res.stderr)
    assert not (tmp_path / "ex").exists()


@pytest.mark.parametrize("command", [["--help"], ["verify", "--help"], ["finalize", "--help"]])
def test_help_is_plain_text_with_examples(command):
    res = gen(*command)
    assert "example" in res.stdout and "mothello-gen" in res.stdout
    assert "``" not in res.stdout and ":mod:" not in res.stdout and ":func:" not in res.stdout
    assert max(len(line) for line in res.stdout.splitlines()) <= 110
    if command == ["--help"]:
        assert "--shard-index" not in res.stdout and "--num-shards" not in res.stdout  # hidden old names
        languages = res.stdout[res.stdout.index("languages:"):res.stdout.index("output:")]
        assert "--parallel" in languages and "every game in every language" in languages


@pytest.mark.parametrize("given, kept", [(None, "-1"), ("7", "7")])
def test_cli_keeps_arrows_freed_memory_unless_told_otherwise(given, kept):
    """The command sets mimalloc's purge delay to -1 (keep freed memory) before pyarrow loads; a
    value already in the environment is left as it is."""
    env = {k: v for k, v in os.environ.items() if k != "MIMALLOC_PURGE_DELAY"}
    if given is not None:
        env["MIMALLOC_PURGE_DELAY"] = given
    code = "import sys, os, mothello_data.cli; print(os.environ['MIMALLOC_PURGE_DELAY'], 'pyarrow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == [kept, "True"]
