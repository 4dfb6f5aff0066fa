"""The native engine's rule variants (issue #15) against the pure-Python reference engine, move by
move: classic, nomidflip and delflank; written passes (move 64); the max_plies cut and ``ended``;
per-game rule arrays; determinism over threads and kernels."""

import os
import random
import subprocess
import sys

import numpy as np
import pytest

from mothello_data import engine, policies
from mothello_data.reference import BLACK, WHITE, ReferenceBoard, perft as reference_perft
from mothello_data.reference_games import random_game

RULES = engine.RULES
PASS = engine.PASS_MOVE


def bits(squares):
    return sum(1 << sq for sq in squares)


def discs(board):
    return (bits(sq for sq in range(64) if board.cells[sq] == BLACK), bits(sq for sq in range(64) if board.cells[sq] == WHITE))


# ---- perft: the C++ engine against the reference, counted live ---------------------------------

PERFT_DEPTH = {"classic": 5, "nomidflip": 6, "delflank": 3}


@pytest.mark.parametrize("rule", RULES)
def test_perft_matches_reference(rule):
    depth = PERFT_DEPTH[rule]
    assert [engine.perft(d, rule) for d in range(depth + 1)] == [reference_perft(ReferenceBoard(rule), d) for d in range(depth + 1)]


def test_perft_facts_from_the_rules():
    # delflank: black's first moves are the empty neighbours of c3 and f6, 8 each and disjoint
    assert engine.perft(1, "delflank") == 16
    # classic numbers are unchanged by the rule parameter
    assert [engine.perft(d, "classic") for d in range(1, 7)] == [4, 12, 56, 244, 1396, 8200]
    # nomidflip differs from classic once a run of three can be flanked
    assert any(engine.perft(d, "nomidflip") != engine.perft(d, "classic") for d in range(1, 9))


# ---- generated games replayed move by move in the reference -------------------------------------


def check_against_reference(games, rule, pass_token, max_plies):
    """Every ply of every game in the reference: legal set, move, effect, boards, player, passed,
    written passes exactly at forced passes; the end (over) or the cut."""
    lab = games.labels
    stats = {"passes": 0, "cut": 0, "changed": 0}
    for g in range(len(games)):
        board = ReferenceBoard(rule)
        passed = False
        n = int(games.lengths[g])
        assert np.all(games.moves[g, n:] == engine.PAD_SQUARE), g
        for t in range(n):
            sq = int(games.moves[g, t])
            legal = board.legal_moves()
            if not legal:  # a pass: the other side must be able to move
                assert board.legal_moves(board.opponent(board.to_move)), f"game {g} ply {t}: played on after the end"
                stats["passes"] += 1
                if pass_token:
                    assert sq == PASS, (g, t)
                    before = discs(board)
                    assert tuple(int(x) for x in lab.board_before[g, t]) == before, (g, t)
                    assert tuple(int(x) for x in lab.board_after[g, t]) == before, (g, t)
                    assert (lab.legal[g, t], lab.flipped[g, t], lab.passed[g, t]) == (0, 0, 0), (g, t)
                    assert lab.player[g, t] == board.to_move, (g, t)
                    board.pass_turn()
                    passed = True
                    continue
                board.to_move = board.opponent(board.to_move)
                legal = board.legal_moves()
                passed = True
            assert sq != PASS and sq in legal, (g, t, sq)
            assert lab.legal[g, t] == bits(legal), (g, t)
            assert lab.player[g, t] == board.to_move, (g, t)
            assert lab.passed[g, t] == passed, (g, t)
            assert tuple(int(x) for x in lab.board_before[g, t]) == discs(board), (g, t)
            changed = board.play(sq)
            stats["changed"] += len(changed)
            assert lab.flipped[g, t] == bits(changed), (g, t)
            assert tuple(int(x) for x in lab.board_after[g, t]) == discs(board), (g, t)
            passed = False
        if games.ended[g]:
            assert board.game_over(), f"game {g} ended after {n} plies but the reference can move"
        else:
            assert n == max_plies and not board.game_over(), (g, n)
            stats["cut"] += 1
    return stats


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("pass_token", [False, True])
def test_generated_games_replay_move_by_move_in_reference(rule, pass_token):
    n = 1500 if pass_token else 500
    width = engine.max_plies_default(rule, pass_token)
    games = engine.generate(n, seed=15, threads=2, labels=True, rules=rule, pass_token=pass_token)
    assert games.moves.shape == (n, width) and games.labels.legal.shape == (n, width)
    stats = check_against_reference(games, rule, pass_token, width)
    if rule == "delflank":
        assert stats["cut"] > n // 2  # most delflank games outlast 60 plies
    else:
        assert stats["cut"] == 0 and stats["passes"] > 0
    assert stats["changed"] > 0
    # replay gives the same labels and ends, validating every move under the rule
    rep = engine.replay(games.moves, games.lengths, threads=2, rules=rule, pass_token=pass_token)
    assert np.array_equal(rep.ended, games.ended)
    for name in ("board_before", "board_after", "legal", "flipped", "player", "passed"):
        assert np.array_equal(getattr(rep.labels, name), getattr(games.labels, name)), name


def reference_random_game(rng, rule, pass_token, max_plies=60):
    """A uniform random game played by the reference: its written moves and whether it is over."""
    game = random_game(rng, rule, pass_token, max_plies)
    return game.moves, game.over


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("pass_token", [False, True])
def test_reference_random_games_replay_in_engine(rule, pass_token):
    rng = random.Random(7)
    games = [reference_random_game(rng, rule, pass_token) for _ in range(300)]
    rows = [m for m, _ in games]
    rep = engine.replay(rows, rules=rule, pass_token=pass_token, labels=False)
    assert rep.lengths.tolist() == [len(r) for r in rows]
    assert rep.ended.tolist() == [over for _, over in games]
    # the same games as one batch of per-game rule ids
    ids = np.full(len(rows), engine.rule_id(rule), np.uint8)
    assert np.array_equal(engine.replay(rows, rules=ids, pass_token=pass_token, labels=False).ended, rep.ended)


# ---- pass tokens, the cut, rule arrays, determinism --------------------------------------------


@pytest.mark.parametrize("rule", RULES)
def test_pass_tokens_insert_64s_into_the_same_games(rule):
    # A written pass draws nothing from the game's stream: removing the 64s gives the game played
    # without pass tokens (for games that neither run cut).
    plain = engine.generate(5000, seed=3, threads=2, rules=rule, max_plies=120)
    tokens = engine.generate(5000, seed=3, threads=2, rules=rule, pass_token=True, max_plies=120)
    compared = 0
    for g in range(5000):
        a = plain.game(g)
        b = tokens.game(g)
        if not (plain.ended[g] and tokens.ended[g]):
            continue
        assert [m for m in b if m != PASS] == a, g
        compared += 1
    assert compared > 1000
    assert (tokens.moves == PASS).any() and not (plain.moves == PASS).any()


@pytest.mark.parametrize("rule", RULES)
def test_max_plies_cut_is_a_prefix_and_sets_ended(rule):
    full = engine.generate(3000, seed=4, rules=rule, pass_token=True, max_plies=200)
    cut = engine.generate(3000, seed=4, rules=rule, pass_token=True, max_plies=30)
    assert cut.moves.shape == (3000, 30)
    assert np.array_equal(cut.lengths, np.minimum(full.lengths, 30))
    assert np.array_equal(cut.moves, full.moves[:, :30])
    # a game is over at ply 30 only when it ends there; a longer one is cut
    assert np.array_equal(cut.ended, full.lengths <= 30)
    assert not cut.ended.all() and cut.ended[full.lengths < 30].all()


def test_classic_default_width_and_no_cut():
    g = engine.generate(2000, seed=1)
    assert g.moves.shape == (2000, 60) and g.ended.all()
    p = engine.generate(2000, seed=1, pass_token=True)
    assert p.moves.shape == (2000, 120) and p.ended.all()
    assert engine.max_plies_default("classic", False) == 60
    assert engine.max_plies_default(["classic", "nomidflip"], True) == 120
    assert engine.max_plies_default(["classic", "delflank"], True) == 60


def test_per_game_rule_arrays_match_single_rule_batches():
    n = 3000
    ids = np.random.default_rng(0).integers(0, 3, n).astype(np.uint8)
    mixed = engine.generate(n, seed=8, rules=ids, pass_token=True, max_plies=80, labels=True)
    for r, rule in enumerate(RULES):
        alone = engine.generate(n, seed=8, rules=rule, pass_token=True, max_plies=80, labels=True)
        rows = ids == r
        assert np.array_equal(mixed.moves[rows], alone.moves[rows]), rule
        assert np.array_equal(mixed.ended[rows], alone.ended[rows]), rule
        assert np.array_equal(mixed.labels.flipped[rows], alone.labels.flipped[rows]), rule
    rep = engine.replay(mixed.moves, mixed.lengths, rules=ids, pass_token=True)
    assert np.array_equal(rep.labels.board_after, mixed.labels.board_after)
    with pytest.raises(ValueError, match="game 0, ply 0: illegal move"):  # a delflank game is not a classic one
        engine.replay(mixed.moves[ids == 2][:50], mixed.lengths[ids == 2][:50], rules="classic", pass_token=True)


def _generic_run(code):
    env = dict(os.environ, MOTHELLO_KERNEL="generic")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return out.stdout


@pytest.mark.parametrize("pass_token", [False, True])
def test_determinism_over_threads_and_kernels(tmp_path, pass_token):
    ids = (np.arange(4000) % 3).astype(np.uint8)
    path = tmp_path / "generic.npz"
    code = (
        "import numpy as np; from mothello_data import engine, policies;"
        "assert engine.kernel() == 'generic';"
        f"ids = (np.arange(4000) % 3).astype(np.uint8);"
        f"g = engine.generate(4000, seed=11, threads=2, rules=ids, pass_token={pass_token}, max_plies=90, labels=True);"
        f"p = engine.generate(600, seed=11, threads=2, rules=ids[:600], pass_token={pass_token}, policy=policies.parse_policy('search:2'));"
        f"np.savez({str(path)!r}, moves=g.moves, legal=g.labels.legal, ended=g.ended, policy=p.moves)"
    )
    _generic_run(code)
    generic = np.load(path)
    runs = [engine.generate(4000, seed=11, threads=t, rules=ids, pass_token=pass_token, max_plies=90, labels=True) for t in (1, 3)]
    for g in runs:
        assert np.array_equal(g.moves, generic["moves"])
        assert np.array_equal(g.labels.legal, generic["legal"])
        assert np.array_equal(g.ended, generic["ended"])
    pol = engine.generate(600, seed=11, threads=1, rules=ids[:600], pass_token=pass_token, policy=policies.parse_policy("search:2"))
    assert np.array_equal(pol.moves, generic["policy"])


# ---- policies under the rules -------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES)
def test_greedy_plays_a_move_with_most_flips_or_removals(rule):
    games = engine.generate(150, seed=5, rules=rule, pass_token=True, policy=policies.parse_policy("greedy"))
    plain = engine.generate(150, seed=5, rules=rule, pass_token=True)
    assert not np.array_equal(games.moves, plain.moves)
    for g in range(len(games)):
        board = ReferenceBoard(rule)
        for sq in games.game(g):
            if sq == PASS:
                board.pass_turn()
                continue
            best = max(len(board.flips(m)) for m in board.legal_moves())
            assert len(board.flips(sq)) == best, (g, sq)
            board.play(sq)


@pytest.mark.parametrize("rule", ["nomidflip", "delflank"])
def test_search_and_mobility_policies_play_legal_games(rule):
    for name in ("mobility", "search:2"):
        games = engine.generate(100, seed=6, rules=rule, policy=policies.parse_policy(name), labels=True)
        check_against_reference(games, rule, False, engine.max_plies_default(rule, False))


# ---- bad input ------------------------------------------------------------------------------------


def test_bad_rules_and_passes_are_refused_in_one_line():
    with pytest.raises(ValueError, match="unknown rule 'othello'; use one of classic, nomidflip, delflank"):
        engine.generate(1, rules="othello")
    with pytest.raises(ValueError, match="unknown rule"):
        engine.perft(2, "othello")
    with pytest.raises(ValueError, match="rule id 3 is not a rule"):
        engine.generate(2, rules=np.array([0, 3], np.uint8))
    with pytest.raises(ValueError, match="one per game"):
        engine.generate(2, rules=np.array([0], np.uint8))
    with pytest.raises(ValueError, match="max_plies must be in 1..255"):
        engine.generate(1, max_plies=256)
    with pytest.raises(ValueError, match=r"ply 0: square 64 is out of range 0..63 \(64 is a written pass"):
        engine.replay([[64]])
    with pytest.raises(ValueError, match=r"ply 1: illegal pass \(64\): the side to move has a legal move"):
        engine.replay([[19, 64]], pass_token=True)
    with pytest.raises(ValueError, match=r"ply 0: square 65 is out of range"):
        engine.replay([[65]], pass_token=True)


def test_a_forced_pass_must_be_written_with_pass_tokens():
    g = engine.generate(2000, seed=2, pass_token=True)
    rows = np.flatnonzero((g.moves == PASS).any(axis=1))
    assert rows.size
    r = int(rows[0])
    t = int(np.flatnonzero(g.moves[r] == PASS)[0])
    moves = g.game(r)
    dropped = moves[:t] + moves[t + 1:]  # the pass left out: the next square is refused
    with pytest.raises(ValueError, match=rf"game 0, ply {t}: a pass \(64\) is forced here, got"):
        engine.replay([dropped], pass_token=True)
    # a row may end right where a pass is due (a cut): not an error, not ended
    rep = engine.replay([moves[:t]], pass_token=True)
    assert rep.lengths[0] == t and not rep.ended[0]
    # without pass tokens the same game replays with the 64s removed
    assert engine.replay([[m for m in moves if m != PASS]]).ended[0]


# ---- state-based labels (probing states, world labels) under the rules ----------------------------


def _state_call(fn, games, rule, pass_token=False, **kw):
    n = len(games)
    index = np.zeros((n, 1), np.int16), np.ones(n, np.int64)
    return fn(games.moves, games.lengths, *index, **kw, **engine.rule_args(rule, n)[0], pass_token=pass_token)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("pass_token", [False, True])
def test_probing_states_follow_the_rule(rule, pass_token):
    from mothello_data import _core

    games = engine.generate(1500, seed=21, rules=rule, labels=True, pass_token=pass_token,
                            max_plies=90 if rule == "delflank" else None)
    lab = games.labels
    W = games.moves.shape[1]
    rep = _state_call(_core.replay_position_labels, games, rule, pass_token, states=True, threads=2)
    assert rep["state_boards"].shape == (len(games), W + 1, 2)
    n, k = len(games), np.arange(W)
    inside = k[None, :] < games.lengths[:, None]
    for name, state, ply in (("state_boards", rep["state_boards"][:, :W], lab.board_before),
                             ("state_player", rep["state_player"][:, :W], lab.player),
                             ("state_legal", rep["state_legal"][:, :W], lab.legal)):
        assert np.array_equal(state[inside], ply[inside]), name
    assert np.array_equal(rep["state_flipped"][np.c_[np.zeros(n, bool), inside]], lab.flipped[inside])
    rows = np.arange(n)
    last = games.lengths.astype(int) - 1
    assert np.array_equal(rep["state_boards"][rows, games.lengths], lab.board_after[rows, last])  # the final discs
    assert np.array_equal(rep["state_legal"][rows, games.lengths] == 0, games.ended)  # no move iff over
    # the stored-columns path builds the same states, its final one under the game's rule
    plies = (lab.board_before, lab.legal, lab.flipped, lab.player, games.moves, games.lengths,
             np.zeros((n, 1), np.int16), np.ones(n, np.int64))
    stored = _core.stored_position_labels(*plies, states=True, **engine.rule_args(rule, n)[0], pass_token=pass_token)
    for name in rep:
        assert np.array_equal(stored[name], rep[name]), name
    # legal_moves per position over the 64 squares (any rule) or the 60-move index (not delflank)
    final = games.lengths.astype(np.int16)[:, None]
    squares = _core.replay_position_labels(games.moves, games.lengths, final, np.ones(n, np.int64), board_state=False,
                                           flipped=False, player=False, legal_squares=True, pass_token=pass_token,
                                           **engine.rule_args(rule, n)[0])
    assert np.array_equal(squares["legal_moves"][:, 0], engine.bits_to_mask(rep["state_legal"][rows, games.lengths]))


def _history(games, rule):
    """Flip counts and ages after each game, recomputed from the per-ply labels (checked against
    the reference above): a placed disc is new, a flip counts, a delflank removal empties."""
    lab, n = games.labels, len(games)
    start = discs(ReferenceBoard(rule))
    counts = np.zeros((n, 64), np.int64)
    age = np.where(engine.bits_to_mask(np.uint64(start[0] | start[1])), 0, -1) * np.ones((n, 1), np.int64)
    for t in range(games.moves.shape[1]):
        live = t < games.lengths
        sq = games.moves[:, t].astype(int)
        live &= sq < 64  # a written pass changes nothing
        changed = engine.bits_to_mask(lab.flipped[:, t]) & live[:, None]
        if rule == "delflank":
            counts[changed], age[changed] = 0, -1
            counts[live, sq[live]] = 0
        else:
            counts[changed] += 1
            age[changed] = t + 1
        age[live, sq[live]] = t + 1
    return counts, age


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("pass_token", [False, True])
def test_world_labels_follow_the_rule(rule, pass_token):
    from mothello_data import _core

    games = engine.generate(1000, seed=22, rules=rule, labels=True, pass_token=pass_token,
                            max_plies=100 if pass_token else None)
    n, rows, W = len(games), np.arange(len(games)), games.moves.shape[1]
    kw = {**engine.rule_args(rule, n)[0], "pass_token": pass_token}
    ply = _core.world_ply_labels(games.moves, games.lengths, **kw)
    count = np.stack([engine.bits_to_mask(games.labels.board_after[..., c]).sum(-1) for c in (0, 1)], axis=-1)
    inside = np.arange(W)[None, :] < games.lengths[:, None]
    assert np.array_equal(ply["count"][inside], count[inside])
    final = games.lengths.astype(np.int16)[:, None]
    pos = _core.world_position_labels(games.moves, games.lengths, final, np.ones(n, np.int64),
                                      ["flip_count", "age", "last_move"], **kw)
    counts, age = _history(games, rule)
    assert np.array_equal(pos["flip_count"][:, 0], counts)
    assert np.array_equal(pos["age"][:, 0], age)
    assert np.array_equal(pos["last_move"][:, 0], games.moves[rows, games.lengths - 1].astype(np.int8))
    if rule == "delflank":
        empty = ~engine.bits_to_mask(games.labels.board_after[rows, games.lengths - 1]).any(axis=1)  # (n, 64)
        assert np.array_equal(pos["age"][:, 0] == -1, empty)


def test_state_labels_refuse_what_they_cannot_hold():
    from mothello_data import _core

    games = engine.generate(4, seed=1, rules="delflank")
    with pytest.raises(ValueError, match="replay_position_labels: legal_moves over the 60-move index cannot hold delflank"):
        _state_call(_core.replay_position_labels, games, "delflank")
    wide = engine.generate(4, seed=1, rules="delflank", max_plies=200)
    one = (np.zeros((4, 1), np.int16), np.ones(4, np.int64))
    with pytest.raises(ValueError, match="world_position_labels: age is int8: rows of at most 127 plies, got 200"):
        _core.world_position_labels(wide.moves, wide.lengths, *one, ["age"], rule=2)
    with pytest.raises(ValueError, match=r"game \d+, ply \d+: square 64 is out of range"):  # passes written, not declared
        g = engine.generate(300, seed=2, pass_token=True)
        _core.world_ply_labels(g.moves, g.lengths)
