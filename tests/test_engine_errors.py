"""Bad input gives a clear Python exception, never a crash."""

import numpy as np
import pytest

from mothello_data import engine


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(n_games=-1), "n_games"),
        (dict(n_games=10, threads=0), "threads"),
        (dict(n_games=10, threads=-2), "threads"),
        (dict(n_games=10, seed=-1), "seed"),
        (dict(n_games=10, seed=2**64), "seed"),
        (dict(n_games=1.5), "n_games"),
    ],
)
def test_generate_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        engine.generate(**kwargs)


def test_perft_rejects_negative_depth():
    with pytest.raises(ValueError, match="depth"):
        engine.perft(-1)


def test_illegal_move_names_game_and_ply():
    games = engine.generate(4, seed=0)
    moves = games.moves.copy()
    moves[2, 5] = moves[2, 4]  # an occupied square
    with pytest.raises(ValueError, match=r"game 2, ply 5: illegal move"):
        engine.replay(moves, games.lengths)


def test_first_move_must_be_legal():
    with pytest.raises(ValueError, match=r"game 0, ply 0: illegal move a1 \(0\)"):
        engine.replay([[0]])


@pytest.mark.parametrize(
    "moves,lengths,match",
    [
        (np.zeros((2, 3, 4), dtype=np.uint8), None, "2-D"),
        (np.zeros((2, 3), dtype=np.float32), None, "integers"),
        ([[19, 64]], None, "ply 1: square 64 is out of range"),
        (np.array([[19, 18]]), [3], "length 3"),
        (np.array([[19, 18]]), [1, 1], "one per game"),
        (np.zeros((1, 61), dtype=np.int64) + 19, [61], "length 61"),
    ],
)
def test_replay_rejects_malformed_arrays(moves, lengths, match):
    with pytest.raises(ValueError, match=match):
        engine.replay(moves, lengths)


def test_move_after_the_game_ended_is_rejected():
    # Shortest possible game: black wins after 9 moves (a known sequence), then any extra move fails.
    games = engine.generate(200_000, seed=1)
    short = np.flatnonzero(games.lengths < 60)
    g = int(short[0])
    moves = games.game(g) + [next(sq for sq in range(64) if sq not in games.game(g) and sq not in (27, 28, 35, 36))]
    with pytest.raises(ValueError, match=f"ply {games.lengths[g]}: move after the game ended"):
        engine.replay([moves])
