"""``mothello-gen stats`` against plain-Python counts of the same dataset (the reference engine for
passes, Python sets for duplicates and openings, a plain (row, col) rewrite of the symmetries),
the card link, and one-line refusals."""

import collections
import json
import os

import pytest

from helpers import gen, ref_square
from mothello_data import loader
from mothello_data.reference import ReferenceBoard
from mothello_data.transpositions import find_transpositions

import pyarrow.parquet as pq


START = (0, 3, 4, 7)


def canon(moves):
    return min(tuple(ref_square(s, m) for m in moves) for s in START)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("stats") / "ds"
    gen("--out", out, "--quiet", "--games", 4000, "--games-per-shard", 1500, "--langs", 2, "--lang-types", "atomic,split",
        "--labels", "legal,mobility", "--splits", "train=0.9,test=0.1", "--seed", 6, check=True)
    res = gen("stats", out, "--max-ply", 20)
    assert res.returncode == 0, res.stderr
    assert "games with a pass" in res.stdout
    table = pq.ParquetDataset(loader.find_shard_files(str(out))).read().to_pydict()
    return out, json.load(open(out / "stats" / "stats.json")), table


def test_counts_match_plain_python(report):
    out, stats, table = report
    games = table["moves"]
    assert stats["games"] == stats["rows"] == len(games) == 4000
    assert stats["length_histogram"] == [sum(len(m) == n for m in games) for n in range(61)]
    passes, per_game = 0, []
    for moves in games:
        board, passed = ReferenceBoard(), 0
        for sq in moves:
            if board.must_pass():
                board.to_move, passed = board.opponent(board.to_move), passed + 1
            board.play(sq)
        passes += passed > 0
        per_game.append(passed)
    assert stats["pass_share"] == pytest.approx(passes / len(games))
    assert stats["passes_histogram"] == [per_game.count(n) for n in range(60)]
    assert 0.2 < stats["pass_share"] < 0.5
    assert stats["early_end_share"] == pytest.approx(sum(len(m) < 60 for m in games) / len(games))
    exact = len(games) - len({tuple(m) for m in games})
    sym = len(games) - len({canon(m) for m in games})
    assert stats["duplicate_games"] == {"exact": exact, "symmetric": sym}
    for k in (1, 2, 4, 6):
        assert stats["opening_diversity"][str(k)] == {"as_played": len({tuple(m[:k]) for m in games}),
                                                      "up_to_symmetry": len({canon(m[:k]) for m in games})}
    assert stats["opening_diversity"]["1"] == {"as_played": 4, "up_to_symmetry": 1}
    top = collections.Counter(tuple(m[:4]) for m in games).most_common(1)[0][1]
    assert stats["top_openings"][0]["games"] == top
    tokens = collections.Counter()
    for lang, toks in zip(table["lang"], table["tokens"]):
        tokens[str(lang)] += len(toks)
    assert stats["tokens_per_language"] == dict(tokens)
    legal = [bin(x).count("1") for row in table["legal"] for x in row]
    assert stats["label_distributions"]["legal"][:40] == [legal.count(i) for i in range(40)]
    assert sum(stats["label_distributions"]["mobility_black"]) == sum(len(m) for m in games)


def test_transposition_counts_are_the_finders(report):
    out, stats, _ = report
    for canonical, kind in ((False, "exact"), (True, "up_to_symmetry")):
        found = list(find_transpositions(str(out), canonical=canonical, max_ply=20))
        assert stats["transpositions"][kind]["positions"] == len(found) > 0
        assert stats["transpositions"][kind]["game_pairs"] == sum(t.pairs for t in found)


def test_the_report_is_the_same_with_one_thread(report):
    from mothello_data import stats as stats_module

    out, stats, _ = report
    assert json.loads(json.dumps(stats_module.collect(str(out), 20, threads=1, progress=False))) == stats


def test_card_links_the_plots_once(report):
    out, _, _ = report
    card = open(out / "README.md").read()
    assert "## Statistics" in card and "(stats/stats.json)" in card
    pytest.importorskip("matplotlib")
    for name in ("lengths.png", "openings.png", "repeats.png", "tokens.png", "labels.png"):
        assert os.path.getsize(out / "stats" / name) > 1000 and f"(stats/{name})" in card
    assert gen("stats", out, "--quiet", "--max-ply", 4).returncode == 0
    assert open(out / "README.md").read().count("## Statistics") == 1


@pytest.mark.parametrize("args,pattern", [
    (["stats"], "the following arguments are required: dir"),
    (["stats", "/no/such/dir"], "/no/such/dir: no such dataset folder"),
    (["stats", ".", "--max-ply", "0"], "--max-ply must be in 1..60, got 0"),
])
def test_bad_arguments_are_one_line(args, pattern):
    res = gen(*args)
    assert res.returncode == 2 and pattern in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


def test_prefetched_keeps_order_raises_errors_and_stops_early():
    from mothello_data.dataset_reader import prefetched

    assert list(prefetched(iter(range(50)), depth=2)) == list(range(50))

    def broken():
        yield 1
        raise OSError("disk gone")

    got = []
    with pytest.raises(OSError, match="disk gone"):
        for x in prefetched(broken()):
            got.append(x)
    assert got == [1]
    produced = []

    def endless():
        for i in range(10**9):
            produced.append(i)
            yield i

    items = prefetched(endless(), depth=2)
    assert next(items) == 0
    items.close()  # the producer thread stops: it made at most a few items ahead
    assert len(produced) < 10
