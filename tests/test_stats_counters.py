"""The per-game steps of ``mothello-gen stats`` against plain-Python references: canonical rows (C++)
against the least of the four start-symmetry images written with rows and columns, passes per game
against the reference engine under every rule, the opening and repeat counters against
``collections.Counter``, and the popcount against ``bin``."""

import collections

import numpy as np
import pytest

from helpers import ref_square
from mothello_data import _core, engine, stats_counters, symmetry
from mothello_data.engine import PAD_SQUARE, PASS_MOVE
from mothello_data.engine_rules import RULES, rule_id
from mothello_data.reference import ReferenceBoard
from mothello_data.world_labels import world_ply_columns

START = (0, 3, 4, 7)


def ref_image(s, v):
    """Byte ``v`` of a move row under symmetry ``s``: squares mapped, a pass and a pad kept, any
    other byte read as a pad by the non-identity images (as map_moves)."""
    if s == 0 or v in (PASS_MOVE, PAD_SQUARE):
        return v
    return ref_square(s, v) if v < 64 else PAD_SQUARE


def ref_canonical(row):
    return list(min(tuple(ref_image(s, v) for v in row) for s in START))


@pytest.mark.parametrize("width", [0, 1, 2, 3, 7, 8, 9, 60, 61, 255])
def test_canonical_rows_are_the_least_image(width):
    rng = np.random.default_rng(width)
    alphabet = np.array([0, 1, 7, 9, 18, 27, 36, 45, 54, 56, 63, 64, 64, 100, 255, 255], np.uint8)
    rows = rng.choice(alphabet, size=(300, width)).astype(np.uint8)
    rows[:20] = PAD_SQUARE  # ties: every image the same
    rows[20:40] = PASS_MOVE
    rows[40:60, 1:] = PAD_SQUARE  # one move, then pads
    got = symmetry.canonical_rows(rows)
    assert got.dtype == np.uint8 and got.shape == rows.shape
    assert got.tolist() == [ref_canonical(r) for r in rows.tolist()]


@pytest.mark.parametrize("rules,pass_token,max_plies", [("classic", False, None), ("classic", True, None),
                                                        ("nomidflip", True, 20), ("delflank", False, None)])
def test_canonical_rows_of_games(rules, pass_token, max_plies):
    games = engine.generate(200, seed=11, rules=rules, pass_token=pass_token, max_plies=max_plies)
    got = symmetry.canonical_rows(games.moves)
    assert got.tolist() == [ref_canonical(r) for r in games.moves.tolist()]
    for s in START:  # every image of a game has the same canonical row
        assert np.array_equal(symmetry.canonical_rows(symmetry.map_moves(games.moves, s)), got)


def test_canonical_rows_edge_shapes():
    assert symmetry.canonical_rows(np.zeros((0, 60), np.uint8)).shape == (0, 60)
    one = np.array([19, 18, 17], np.uint8)
    assert symmetry.canonical_rows(one).tolist() == one.tolist()  # not 2-D: a copy, as before
    with pytest.raises(TypeError):
        _core.canonical_rows(np.zeros((2, 3), np.int64))


def reference_passes(moves, rule):
    """Forced passes before the game's moves, by the plain-Python engine (written passes counted
    as written)."""
    board, passes = ReferenceBoard(rule), 0
    for sq in moves:
        if sq == PASS_MOVE:
            board.pass_turn()
            passes += 1
            continue
        if board.must_pass():
            board.to_move, passes = board.opponent(board.to_move), passes + 1
        board.play(sq)
    return passes


@pytest.mark.parametrize("pass_token", [False, True])
def test_passes_match_the_reference_engine_under_every_rule(pass_token):
    ids = np.resize(np.array([rule_id(r) for r in RULES], np.uint8), 240)
    games = engine.generate(240, seed=5, rules=ids, pass_token=pass_token, max_plies=70)
    want = [reference_passes(games.game(i), RULES[ids[i]]) for i in range(len(games))]
    assert sum(want) > 10
    got = stats_counters.passes_per_game(games.moves, games.lengths, rule=ids)
    assert got.dtype == np.int64 and got.tolist() == want
    hint = stats_counters.passes_per_game(games.moves, games.lengths, rule=ids, written=pass_token)
    assert hint.tolist() == want
    # the stats path: the replay's per-game count (the game loop's pass flag), written passes or not
    cols = world_ply_columns(games.moves, games.lengths, ["canonical_hash", "passes"], rules=ids, pass_token=pass_token)
    assert cols["passes"].dtype == np.int64 and cols["passes"].tolist() == want
    assert stats_counters.passes_per_game(games.moves, games.lengths, cols=cols) is cols["passes"]

def test_written_passes_count_within_the_length():
    rows = np.array([[64, 1, 64, 64], [64, 64, 64, 64], [1, 2, 3, 4]], np.uint8)
    assert _core.written_passes(rows, np.array([3, 0, 4], np.uint8)).tolist() == [2, 0, 0]
    with pytest.raises(ValueError, match="exceeds the row width"):
        _core.written_passes(rows, np.array([3, 5, 4], np.uint8))


@pytest.mark.parametrize("buffer", [None, 4096])
def test_openings_match_a_counter(buffer):
    rng = np.random.default_rng(3)
    counter, seen = stats_counters._OpeningCounter(), collections.Counter()
    counter.BUFFER = buffer or counter.BUFFER  # small: merges between the batches too
    # few distinct bytes per position: many repeats and shared prefixes; batches of varied sizes grow the table
    for size in (0, 1, 5, 3000, 40000, 70000, 17, 100000, 3000):
        rows = rng.choice(np.array([19, 26, 37, 44, 18, 20, 255], np.uint8), size=(size, 60)).astype(np.uint8)
        rows[: size // 3, 5:] = rng.integers(0, 64, size=(size // 3, 55))
        words = stats_counters._opening_words(rows)
        counter.add(words)
        seen.update(bytes(r[:8]) for r in rows)
        if size == 17:  # mid-stream: the report, then more games
            assert counter.most_common(8, 1)[0][1] == seen.most_common(1)[0][1]
    assert counter.distinct(8) == len(counter.keys) == len(seen)
    for k in range(1, 9):
        games = collections.Counter()
        for key, c in seen.items():
            games[key[:k]] += c
        assert counter.distinct(k) == len(games)
        want = sorted(games.items(), key=lambda kv: (-kv[1], int.from_bytes(kv[0], "little")))[:20]
        assert counter.most_common(k, 20) == [(int.from_bytes(key, "little"), c) for key, c in want]


@pytest.mark.parametrize("buffer", [None, 700])
def test_repeats_match_a_counter(tmp_path, buffer):
    rng = np.random.default_rng(8)
    counter, all_hashes = stats_counters._RepeatCounter(str(tmp_path)), []
    counter.BUFFER = buffer or counter.BUFFER
    for size in (1000, 0, 5000):
        h = rng.integers(0, 2**64 - 1, size=size, dtype=np.uint64, endpoint=True)
        if size:
            h[::5] = h[0]
        counter.add(h)
        all_hashes += h.tolist()
    assert counter.repeats() == len(all_hashes) - len(set(all_hashes)) > 0


@pytest.mark.parametrize("fallback", [False, True])
def test_popcount_matches_bin(fallback, monkeypatch):
    if fallback:
        monkeypatch.delattr(np, "bitwise_count", raising=False)
    x = np.random.default_rng(1).integers(0, 2**64 - 1, size=(50, 7), dtype=np.uint64, endpoint=True)
    x[0, :3] = [0, 2**64 - 1, 1 << 63]
    assert stats_counters._popcount(x).tolist() == [bin(v).count("1") for v in x.ravel().tolist()]


def test_openings_of_no_games():
    counter = stats_counters._OpeningCounter()
    counter.add(np.zeros(0, np.uint64))
    assert counter.distinct(4) == 0 and counter.most_common(4, 20) == []


def test_merge_counts_is_a_counter_union():
    rng = np.random.default_rng(2)
    a = np.unique(rng.integers(0, 50, 30).astype(np.uint64))
    b = np.unique(rng.integers(0, 50, 30).astype(np.uint64))
    ca, cb = rng.integers(1, 9, len(a)), rng.integers(1, 9, len(b))
    want = collections.Counter(dict(zip(a.tolist(), ca.tolist()))) + collections.Counter(dict(zip(b.tolist(), cb.tolist())))
    keys, counts = _core.merge_counts(a, ca, b, cb)
    assert list(zip(keys.tolist(), counts.tolist())) == sorted(want.items())
    empty = np.zeros(0, np.uint64)
    assert _core.merge_counts(empty, np.zeros(0, np.int64), a, ca)[0].tolist() == a.tolist()
    with pytest.raises(ValueError, match="strictly increasing"):
        _core.merge_counts(a[::-1].copy(), ca, b, cb)
    with pytest.raises(ValueError, match="one count per key"):
        _core.merge_counts(a, ca[:-1], b, cb)
