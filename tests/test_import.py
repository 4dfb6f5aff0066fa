"""mothello-gen import (issue #14): WTHOR files built here from the published format description,
and move-list files, round-tripped to Parquet and back to the same moves; bad records counted and
listed, never fatal; repeats; every generator option; verify; refusals in one line."""

import json
import os
import random
import struct

import pyarrow.parquet as pq
import pytest

from helpers import gen, shard_hashes
from mothello_data.cli import main
from mothello_data.reference import ReferenceBoard


def random_game(rng, stop=None):
    """A legal game from the reference engine (passes implicit); ``stop``: cut after that many moves."""
    board, moves = ReferenceBoard(), []
    while not board.game_over() and (stop is None or len(moves) < stop):
        if board.must_pass():
            board.to_move = 1 - board.to_move
        sq = rng.choice(board.legal_moves())
        board.play(sq)
        moves.append(sq)
    return moves


def has_pass(moves):
    board = ReferenceBoard()
    for sq in moves:
        if board.must_pass():
            return True
        board.play(sq)
    return False


def wtb_header(n_games, year=2023):
    """16 bytes: century, year, month, day of creation; uint32 games; uint16 0; uint16 year of the
    games; board size 8; game type 0; depth 22; reserved 0."""
    return struct.pack("<BBBBIHHBBBB", 20, 24, 11, 29, n_games, 0, year, 8, 0, 22, 0)


def wtb_record(moves, tournament=7, black=100, white=200, score=40, theoretical=36):
    """68 bytes: tournament, black, white (uint16), black's discs and the theoretical score (bytes),
    60 move bytes 10 * rank + file (a1 = 11), 0 after the last move."""
    body = bytes(10 * (sq // 8 + 1) + (sq % 8 + 1) for sq in moves)
    return struct.pack("<HHHBB", tournament, black, white, score, theoretical) + body + bytes(60 - len(body))


@pytest.fixture(scope="module")
def games():
    rng = random.Random(14)
    full = [random_game(rng) for _ in range(60)]
    passing = next(g for g in (random_game(rng) for _ in range(500)) if has_pass(g))
    early = random_game(rng, stop=23)
    return full + [passing, early]


def illegal(game):
    bad = list(game)
    bad[5] = next(sq for sq in range(64) if sq not in game[:6] and sq not in (27, 28, 35, 36))
    return bad


def read_rows(out):
    rows = {}
    for f in sorted(os.listdir(out / "data")):
        t = pq.read_table(out / "data" / f).to_pydict()
        for i, gid in enumerate(t["game_id"]):
            rows[gid] = {k: v[i] for k, v in t.items()}
    return rows


def test_wthor_round_trip_with_bad_records(tmp_path, games):
    a = wtb_header(len(games) + 2) + b"".join(wtb_record(g, tournament=i, black=i + 1, white=i + 2, score=i % 65)
                                             for i, g in enumerate(games[:40]))
    a += wtb_record(illegal(games[0]), tournament=999)  # an illegal move: rejected
    a += wtb_record([37, 99], tournament=998)  # byte 109 is no square: rejected
    (tmp_path / "a.wtb").write_bytes(a)
    b = wtb_header(99, year=2024) + b"".join(wtb_record(g, tournament=50 + i) for i, g in enumerate(games[40:]))
    b += wtb_record(games[1])[:30]  # truncated file; the header's count (99) is wrong too
    (tmp_path / "b.wtb").write_bytes(b)
    out = tmp_path / "out"
    gen("import", tmp_path / "a.wtb", tmp_path / "b.wtb", "--langs", 3, "--anchors", 0.1, "--labels", "all",
        "--splits", "train=0.8,test=0.2", "--games-per-shard", 20, "--quiet", "--out", out, check=True)
    rows = read_rows(out)
    assert len(rows) == len(games)  # every good record, no bad one
    for gid, g in enumerate(games):
        assert rows[gid]["moves"] == g and rows[gid]["length"] == len(g)
        assert rows[gid]["year"] == (2023 if gid < 40 else 2024)
        assert rows[gid]["tournament"] == (gid if gid < 40 else 50 + gid - 40)
        if gid < 40:
            assert (rows[gid]["black_player"], rows[gid]["white_player"], rows[gid]["black_score"]) == (gid + 1, gid + 2, gid % 65)
            assert rows[gid]["theoretical_score"] == 36
    rep = json.loads((out / "manifest.json").read_text())["config"]["import"]
    assert rep["games"] == len(games) and rep["n_rejected"] == 2 and rep["unfinished"] == 1
    assert {r["at"] for r in rep["rejected"]} == {"record 40", "record 41"}
    assert "illegal move" in rep["rejected"][0]["reason"] and "not a square" in rep["rejected"][1]["reason"]
    notes = rep["files"][1]["notes"]
    assert any("truncated" in n for n in notes) and any("header says 99 games" in n for n in notes)
    card = (out / "README.md").read_text()
    assert "Real (imported) Othello games" in card and "`a.wtb` (wthor)" in card and "black_player" in card
    assert gen("verify", out, "--quiet").returncode == 0


def test_move_lists_with_bad_lines_and_repeats(tmp_path, games):
    names = ["".join("abcdefgh"[s % 8] + str(s // 8 + 1) for s in g) for g in games[:10]]
    lines = [names[0], "# a comment", "", names[1].upper(), json.dumps(games[2]),
             json.dumps(["abcdefgh"[s % 8] + str(s // 8 + 1) for s in games[3]]), "f5 d6 zz", "[1, 2", "f5f5",
             names[0], " ".join(names[4][i:i + 2] for i in range(0, len(names[4]), 2)), names[5] + "c4" * 40, "[64]"]
    (tmp_path / "g.txt").write_text("\n".join(lines) + "\n")
    for drop, n in ((False, 6), (True, 5)):
        out = tmp_path / f"out{drop}"
        extra = ["--drop-repeats"] if drop else []
        gen("import", tmp_path / "g.txt", *extra, "--splits", "train=1.0", "--quiet", "--out", out, check=True)
        rows = read_rows(out)
        expected = [games[0], games[1], games[2], games[3]] + ([] if drop else [games[0]]) + [games[4]]
        assert [rows[i]["moves"] for i in range(n)] == expected
        rep = json.loads((out / "manifest.json").read_text())["config"]["import"]
        assert [r["at"] for r in rep["rejected"]] == ["line 7", "line 8", "line 9", "line 12", "line 13"]
        assert rep["n_repeats"] == 1 and rep["repeats"][0]["at"] == "line 10" and rep["repeats"][0]["same_as"]["at"] == "line 1"
        assert "no column" not in (out / "README.md").read_text()
    whole = tmp_path / "w.json"
    whole.write_text(json.dumps([games[7], ["f5", "d6"], [37, 37]]))
    gen("import", whole, "--splits", "train=1.0", "--quiet", "--out", tmp_path / "w", check=True)
    rows = read_rows(tmp_path / "w")
    assert [rows[0]["moves"], rows[1]["moves"]] == [games[7], [37, 43]]


def test_import_with_parallel_jobs_resume_and_threads_gives_the_same_bytes(tmp_path, games):
    (tmp_path / "g.wtb").write_bytes(wtb_header(len(games)) + b"".join(wtb_record(g) for g in games))
    args = ["import", tmp_path / "g.wtb", "--langs", 2, "--lang-types", "atomic,compositional", "--parallel",
            "--labels", "board,legal", "--games-per-shard", 9, "--quiet"]
    gen(*args, "--threads", 1, "--out", tmp_path / "a", check=True)
    gen(*args, "--threads", 2, "--out", tmp_path / "b", check=True)
    for job in (2, 0, 1):
        gen(*args, "--job-index", job, "--num-jobs", 3, "--out", tmp_path / "c", check=True)
    gen("finalize", tmp_path / "c", check=True)
    assert shard_hashes(tmp_path / "a") == shard_hashes(tmp_path / "b") == shard_hashes(tmp_path / "c")
    rows = pq.read_table(tmp_path / "a" / "data" / "train-00000-of-00007.parquet").to_pydict()
    assert rows["lang"][:2] == [0, 1] and rows["game_id"][0] == rows["game_id"][1]  # parallel corpus
    # resume: a job that was never run, then --resume of the whole run
    gen(*args, "--job-index", 0, "--num-jobs", 2, "--out", tmp_path / "d", check=True)
    gen(*args, "--resume", "--out", tmp_path / "d", check=True)
    assert shard_hashes(tmp_path / "d") == shard_hashes(tmp_path / "a")
    os.remove(tmp_path / "g.wtb")  # verify works without the source (hashes, replay, tokens)
    assert gen("verify", tmp_path / "a", "--quiet").returncode == 0


def test_resume_refuses_a_changed_source(tmp_path, games):
    src = tmp_path / "g.txt"
    src.write_text("\n".join(json.dumps(g) for g in games[:12]))
    args = ["import", src, "--games-per-shard", 3, "--quiet"]
    gen(*args, "--job-index", 0, "--num-jobs", 2, "--out", tmp_path / "r", check=True)
    src.write_text("\n".join(json.dumps(g) for g in games[:13]))
    res = gen(*args, "--resume", "--out", tmp_path / "r")
    assert res.returncode == 2 and "import" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_import_help_and_dry_run(tmp_path):
    res = gen("import", "--help")
    assert res.returncode == 0 and "examples:" in res.stdout and "--drop-repeats" in res.stdout and "--langs" in res.stdout
    assert "``" not in res.stdout and max(len(line) for line in res.stdout.splitlines()) <= 110
    assert "--policy" not in res.stdout and "--games GAMES" not in res.stdout  # refused for imports
    (tmp_path / "g.txt").write_text("f5d6c3\nf5f5\n")
    res = gen("import", tmp_path / "g.txt", "--dry-run", "--quiet", "--out", tmp_path / "x")
    assert res.returncode == 0 and "games: 1 " in res.stdout and "1 records rejected" in res.stdout
    assert not (tmp_path / "x").exists()


REFUSED = [
    (["import"], r"the following arguments are required: FILE"),
    (["import", "missing.wtb"], r"import: missing\.wtb: no such file"),
    (["import", "short.wtb"], r"short\.wtb: not a WTHOR file \(5 bytes"),
    (["import", "board.wtb"], r"not a WTHOR 8x8 game file \(board size byte 10\)"),
    (["import", "bad.txt"], r"import: no game could be imported \(1 records rejected; first: bad\.txt line 1: "),
    (["import", "bin.txt"], r"bin\.txt: not a UTF-8 text file"),
    (["import", "ok.txt", "--games", 5], r"--games does not apply to an import"),
    (["import", "ok.txt", "--policy", "greedy"], r"--policy does not apply to an import"),
    (["import", "ok.txt", "ok.wtb"], r"WTHOR files and move lists cannot be mixed"),
    (["import", "ok.txt", "--format", "csv"], r"argument --format: invalid choice"),
    (["import", "ok.txt", "--splits", "train=5"], r"--splits: counts add up to 5, but --games is 1"),
    (["import", "ok.txt", "--split-by", "opening:4"], r"--split-by opening:K .* cannot be combined with --policy, .*or an import"),
]


@pytest.mark.parametrize("args,pattern", [c for c in REFUSED], ids=[" ".join(map(str, c[0])) for c in REFUSED])
def test_import_refusals_are_one_line_and_write_nothing(tmp_path, monkeypatch, capsys, args, pattern):
    import re

    monkeypatch.chdir(tmp_path)
    (tmp_path / "short.wtb").write_bytes(b"\x01" * 5)
    (tmp_path / "board.wtb").write_bytes(struct.pack("<BBBBIHHBBBB", 20, 24, 1, 1, 0, 0, 2020, 10, 0, 0, 0))
    (tmp_path / "bad.txt").write_text("f5f5\n")
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "ok.txt").write_text("f5d6\n")
    (tmp_path / "ok.wtb").write_bytes(wtb_header(1) + wtb_record([37, 43]))
    before = sorted(os.listdir(tmp_path))
    try:
        status = main([*map(str, args), "--out", "out", "--quiet"])
    except SystemExit as exc:
        status = exc.code
    err = capsys.readouterr().err
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert re.search(pattern, err), err
    assert sorted(os.listdir(tmp_path)) == before
