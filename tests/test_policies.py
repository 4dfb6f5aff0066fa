"""Move policies (issue #14): every move of a policy game is re-derived in plain Python on the
reference engine's boards, with the same counter-RNG draws (rule in csrc/policies.hpp and
mothello_data.policies); determinism across threads and kernels; the strength ladder."""

import os
import subprocess
import sys

import numpy as np
import pytest

from helpers import py_mix64
from mothello_data import engine
from mothello_data.matches import play_match
from mothello_data.policies import UNIFORM, Policy, parse_policy
from mothello_data.reference import ReferenceBoard
from mothello_data.spec import SpecError

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15
WEIGHTS = [
    [100, -20, 10, 5, 5, 10, -20, 100],
    [-20, -50, -2, -2, -2, -2, -50, -20],
    [10, -2, -1, -1, -1, -1, -2, 10],
    [5, -2, -1, -1, -1, -1, -2, 5],
]
WEIGHTS = WEIGHTS + WEIGHTS[::-1]  # rows 5..8 mirror rows 1..4


class Draws:
    """The counter RNG of game i, written out: word j = mix64(key + (j + 1) * gamma)."""

    def __init__(self, seed, index):
        self.state = py_mix64(py_mix64(seed) ^ index)

    def word(self):
        self.state = (self.state + GAMMA) & MASK
        return py_mix64(self.state)

    def below(self, n):
        return (self.word() * n) >> 64


def passed(board):
    child = board.copy()
    child.to_move = 1 - board.to_move
    return child


def final_score(board):
    me = sum(c == board.to_move for c in board.cells)
    them = sum(c == 1 - board.to_move for c in board.cells)
    return 1000 * (me - them)


def evaluate(board):
    mine, theirs = len(board.legal_moves()), len(board.legal_moves(1 - board.to_move))
    if not mine and not theirs:
        return final_score(board)
    table = sum(WEIGHTS[sq // 8][sq % 8] * (1 if c == board.to_move else -1) for sq, c in enumerate(board.cells) if c >= 0)
    return table + 5 * (mine - theirs)


def negamax(board, depth):
    """Plain negamax, no pruning: the value the engine's alpha-beta must reproduce."""
    if depth == 0:
        return evaluate(board)
    moves = board.legal_moves()
    if not moves:
        if not board.legal_moves(1 - board.to_move):
            return final_score(board)
        return -negamax(passed(board), depth)
    return max(-negamax(after(board, sq), depth - 1) for sq in moves)


def after(board, sq):
    child = board.copy()
    child.play(sq)
    return child


def score(policy, board, sq):
    if policy.kind == "uniform":
        return 0
    if policy.kind == "greedy":
        return len(board.flips(sq))
    if policy.kind == "mobility":
        return -len(after(board, sq).legal_moves())
    return -negamax(after(board, sq), policy.depth - 1)


def expected_move(policy, board, draws):
    legal = board.legal_moves()  # increasing squares: the k-th is the engine's k-th set bit
    threshold = round(policy.epsilon * 2**32)
    if threshold and (draws.word() >> 32) < threshold:
        return legal[draws.below(len(legal))]
    scores = [score(policy, board, sq) for sq in legal]
    best = [sq for sq, s in zip(legal, scores) if s == max(scores)]
    return best[draws.below(len(best))]


def check_games(games, seed, black, white=None, first=0, opening=0):
    """Replay each game on the reference board, re-deriving every move; returns positions checked."""
    white = white or black
    checked = 0
    for g in range(len(games)):
        board, draws = ReferenceBoard(), Draws(seed, first + g)
        for ply, sq in enumerate(games.game(g)):
            if board.must_pass():
                board.to_move = 1 - board.to_move
            policy = black if board.to_move == 0 else white
            if ply < opening:  # a random opening: one uniform draw among the legal moves
                legal = board.legal_moves()
                assert sq == legal[draws.below(len(legal))], f"game {g}, opening ply {ply}"
            else:
                assert sq == expected_move(policy, board, draws), f"game {g}, ply {ply}"
            board.play(sq)
            checked += 1
        assert board.game_over(), f"game {g} stops before the end"
    return checked


@pytest.mark.parametrize("name,epsilon,n", [("greedy", 0.0, 80), ("mobility", 0.0, 80), ("greedy", 0.3, 40),
                                            ("search:1", 0.0, 30), ("search:2", 0.1, 6), ("search:3", 0.0, 1)])
def test_every_move_matches_a_plain_python_policy(name, epsilon, n):
    policy = parse_policy(name, epsilon)
    games = engine.generate(n, seed=11, first_game_index=1000, threads=2, policy=policy)
    checked = check_games(games, 11, policy, first=1000)
    assert checked >= 50 * n


def test_a_match_plays_each_colour_with_its_own_policy():
    black, white = parse_policy("greedy"), parse_policy("mobility", 0.2)
    games = engine.generate(40, seed=3, policy=black, white_policy=white)
    assert check_games(games, 3, black, white) > 2000
    opened = engine.generate(40, seed=3, policy=black, white_policy=white, opening_plies=7)
    assert check_games(opened, 3, black, white, opening=7) > 2000
    swapped = engine.generate(40, seed=3, policy=white, white_policy=black, opening_plies=7)
    assert (opened.moves[:, :7] == swapped.moves[:, :7]).all()  # paired games share their opening


def test_uniform_through_the_policy_source_is_todays_uniform():
    plain = engine.generate(3000, seed=9)
    via = engine.generate(3000, seed=9, policy=UNIFORM, white_policy=UNIFORM)
    np.testing.assert_array_equal(plain.moves, via.moves)


@pytest.mark.parametrize("name", ["greedy", "mobility", "search:2"])
def test_policy_games_are_identical_for_any_thread_count_and_batch(name):
    policy = parse_policy(name, 0.05)
    n = 1500 if name != "search:2" else 600
    runs = [engine.generate(n, seed=4, threads=t, labels=True, policy=policy) for t in (1, 2, 5)]
    for other in runs[1:]:
        np.testing.assert_array_equal(runs[0].moves, other.moves)
        np.testing.assert_array_equal(runs[0].labels.legal, other.labels.legal)
    tail = engine.generate(n - 300, seed=4, first_game_index=300, threads=3, policy=policy)
    np.testing.assert_array_equal(runs[0].moves[300:], tail.moves)


def test_generic_and_bmi2_kernels_agree_on_policies():
    code = ("from mothello_data import engine; from mothello_data.policies import parse_policy as P; import hashlib;"
            "g = engine.generate(300, seed=8, policy=P('search:2', 0.1));"
            "print(engine.kernel(), hashlib.sha256(g.moves.tobytes()).hexdigest())")
    out = {}
    for forced in ("generic", ""):
        env = dict(os.environ, MOTHELLO_KERNEL=forced)
        res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        out[forced] = res.stdout.split()
    if out[""][0] == "generic":
        pytest.skip("this CPU has no BMI2")
    assert out["generic"][1] == out[""][1]


def test_policies_differ_and_epsilon_one_is_random_play():
    seqs = {name: engine.generate(200, seed=2, policy=parse_policy(name)).moves for name in ("greedy", "mobility", "search:1")}
    assert (seqs["greedy"] != seqs["mobility"]).any(axis=1).mean() > 0.9
    assert (seqs["greedy"] != seqs["search:1"]).any(axis=1).mean() > 0.9
    random_greedy = engine.generate(300, seed=2, policy=parse_policy("greedy", 1.0))
    check_games(random_greedy, 2, parse_policy("greedy", 1.0))  # every ply takes the random branch


def test_strength_ladder_with_a_fixed_seed():
    """search:3 beats greedy and uniform and search:1; greedy beats uniform. Each colour half the games."""
    def share(a, b, n):
        r = play_match(parse_policy(a), parse_policy(b), n, seed=2026, threads=2)
        return (r["wins"] + 0.5 * r["draws"]) / r["games"]
    assert share("greedy", "uniform", 2000) > 0.55
    assert share("search:2", "greedy", 400) > 0.7
    assert share("search:3", "uniform", 200) > 0.85
    assert share("search:3", "search:1", 200) > 0.6


@pytest.mark.parametrize("text,epsilon,message", [
    ("best", None, "unknown policy 'best'"), ("search:0", None, r"search depth must be in 1\.\.8, got 0"),
    ("search:9", None, "search depth"), ("search", None, "unknown policy"), ("greedy", 1.5, r"--epsilon must be a number in 0\.\.1"),
    ("greedy", float("nan"), "--epsilon"), ("uniform", 0.1, "--epsilon needs a policy other than uniform"),
])
def test_bad_policies_are_refused(text, epsilon, message):
    with pytest.raises(SpecError, match=message):
        parse_policy(text, epsilon)


def test_policy_records_round_trip():
    for p in (UNIFORM, parse_policy("greedy"), parse_policy("search:4", 0.25)):
        assert Policy.from_json(p.to_json()) == p
    assert UNIFORM.to_json() is None
