"""Statistical properties of uniformly random play, against published figures.

Published (Othello-GPT synthetic data, many millions of games): mean placements about 59.965,
share of games with a pass about 0.343, share ending before 60 placements about 0.0094.
Tolerances are about 5 standard errors at 100,000 games: a correct engine passes reliably, a
biased move chooser does not (checked below with two biased choosers from the reference engine).
"""

import random

import numpy as np
import pytest

from mothello_data import engine
from mothello_data.reference import ReferenceBoard

N_GAMES = 100_000


def check_random_play_statistics(lengths: np.ndarray, had_pass: np.ndarray) -> None:
    n = len(lengths)
    mean = float(np.mean(lengths))
    pass_share = float(np.mean(had_pass))
    short_share = float(np.mean(lengths < 60))
    # placements: sd about 0.5 per game -> SE ~0.0016 at 1e5 games
    assert abs(mean - 59.965) < max(0.01, 5 * 0.5 / np.sqrt(n)), mean
    assert abs(pass_share - 0.343) < 5 * np.sqrt(0.343 * 0.657 / n) + 0.002, pass_share
    assert abs(short_share - 0.0094) < 5 * np.sqrt(0.0094 * 0.9906 / n) + 0.0005, short_share


def test_uniform_random_games_match_published_statistics():
    games = engine.generate(N_GAMES, seed=12345, labels=True)
    check_random_play_statistics(games.lengths, games.labels.passed.any(axis=1))


def play_reference_game(choose) -> tuple[int, bool]:
    board, n, had_pass = ReferenceBoard(), 0, False
    while not board.game_over():
        if board.must_pass():
            had_pass = True
            board.to_move = board.opponent(board.to_move)
        board.play(choose(board.legal_moves()))
        n += 1
    return n, had_pass


@pytest.mark.parametrize(
    "name,choose",
    [
        ("first legal move", lambda moves: moves[0]),
        ("first legal move half the time", lambda moves, rng=random.Random(3): moves[0] if rng.random() < 0.5 else rng.choice(moves)),
    ],
)
def test_statistics_check_rejects_a_biased_chooser(name, choose):
    sample = [play_reference_game(choose) for _ in range(300)]
    # Repeat the sample to the size of the real test so only the bias, not the noise, decides.
    lengths = np.array([n for n, _ in sample] * (N_GAMES // 300))
    passes = np.array([p for _, p in sample] * (N_GAMES // 300))
    with pytest.raises(AssertionError):
        check_random_play_statistics(lengths, passes)
