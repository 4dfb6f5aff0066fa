"""mothello-gen --policy end to end (issue #14): same bytes for any --threads and for split jobs,
the policy in the manifest and card, verify regenerating policy games, resume refusing another policy,
and the default (uniform) run unchanged by the new flags."""

import json
import os

import pyarrow.parquet as pq

from helpers import gen, shard_hashes
from mothello_data import engine
from mothello_data.policies import parse_policy

ARGS = ["--policy", "mobility", "--epsilon", "0.1", "--games", 1500, "--games-per-shard", 400, "--langs", 2,
        "--labels", "legal", "--quiet"]


def test_policy_run_is_the_same_for_any_threads_and_jobs(tmp_path):
    gen(*ARGS, "--threads", 1, "--out", tmp_path / "a", check=True)
    gen(*ARGS, "--threads", 3, "--out", tmp_path / "b", check=True)
    for i in (1, 0):
        gen(*ARGS, "--job-index", i, "--num-jobs", 2, "--out", tmp_path / "c", check=True)
    gen("finalize", tmp_path / "c", check=True)
    assert shard_hashes(tmp_path / "a") == shard_hashes(tmp_path / "b") == shard_hashes(tmp_path / "c")
    doc = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert doc["config"]["policy"] == {"name": "mobility", "epsilon": 0.1}
    assert json.loads((tmp_path / "c" / "manifest.json").read_text())["config"] == doc["config"]
    card = (tmp_path / "a" / "README.md").read_text()
    assert "policy `mobility`, epsilon 0.1" in card and "fewest legal moves" in card
    assert gen("verify", tmp_path / "a", "--quiet").returncode == 0
    t = pq.read_table(tmp_path / "a" / "data" / "train-00000-of-00004.parquet").to_pydict()
    policy = parse_policy("mobility", 0.1)
    for i in range(0, len(t["game_id"]), 37):  # rows are the policy's games of (seed, id)
        assert engine.generate(1, 0, t["game_id"][i], policy=policy).game(0) == t["moves"][i]


def test_verify_notices_a_manifest_with_another_policy(tmp_path):
    gen("--policy", "greedy", "--games", 300, "--quiet", "--out", tmp_path / "d", check=True)
    path = tmp_path / "d" / "manifest.json"
    doc = json.loads(path.read_text())
    doc["config"]["policy"]["name"] = "mobility"
    path.write_text(json.dumps(doc))
    res = gen("verify", tmp_path / "d", "--quiet")
    assert res.returncode == 1 and "does not regenerate" in res.stderr


def test_resume_with_another_policy_is_refused(tmp_path):
    out = tmp_path / "r"
    gen("--policy", "greedy", "--games", 300, "--games-per-shard", 100, "--quiet", "--job-index", 0, "--num-jobs", 2,
        "--out", out, check=True)
    res = gen("--policy", "search:1", "--games", 300, "--games-per-shard", 100, "--quiet", "--job-index", 1,
              "--num-jobs", 2, "--out", out)
    assert res.returncode == 2 and "policy" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_uniform_flag_changes_nothing(tmp_path):
    gen("--games", 800, "--games-per-shard", 300, "--quiet", "--out", tmp_path / "u1", check=True)
    gen("--games", 800, "--games-per-shard", 300, "--quiet", "--policy", "uniform", "--out", tmp_path / "u2", check=True)
    assert shard_hashes(tmp_path / "u1") == shard_hashes(tmp_path / "u2")
    doc = json.loads((tmp_path / "u1" / "manifest.json").read_text())
    assert "policy" not in doc["config"]  # identities of uniform runs are those of earlier versions


def _rows(out, split):
    rows = []
    for f in sorted(os.listdir(out / "data")):
        if f.startswith(split + "-"):
            rows += [tuple(m) for m in pq.read_table(out / "data" / f, columns=["moves"]).column("moves").to_pylist()]
    return rows


def test_repeats_of_a_later_split_are_found_among_policy_games(tmp_path):
    # search:1 without epsilon repeats most games: the held-out index must hold the policy's games
    out = tmp_path / "s"
    gen("--policy", "search:1", "--games", 600, "--splits", "train=0.5,test=0.5", "--quiet", "--out", out, check=True)
    train, test = _rows(out, "train"), _rows(out, "test")
    assert train and test and not set(train) & set(test)
    doc = json.loads((out / "manifest.json").read_text())
    dropped = sum(len(s["dropped_games"]) for s in doc["shards"])
    assert dropped == 300 - len(train) > 0


def test_policy_with_parallel_anchors_and_resume(tmp_path):
    args = ["--policy", "search:1", "--epsilon", "0.3", "--games", 400, "--games-per-shard", 100, "--langs", 3,
            "--anchors", 0.1, "--parallel", "--labels", "all", "--quiet"]
    gen(*args, "--out", tmp_path / "a", check=True)
    gen(*args, "--job-index", 1, "--num-jobs", 3, "--out", tmp_path / "b", check=True)  # an interrupted run
    gen(*args, "--resume", "--out", tmp_path / "b", check=True)
    assert shard_hashes(tmp_path / "a") == shard_hashes(tmp_path / "b")
    t = pq.read_table(tmp_path / "a" / "data" / "train-00000-of-00004.parquet").to_pydict()
    assert t["lang"][:3] == [0, 1, 2] and len(set(t["game_id"][:3])) == 1
