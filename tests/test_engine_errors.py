"""Bad input gives a clear Python exception, never a crash."""

import re

import numpy as np
import pytest

from mothello_data import engine, schema


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
        (np.zeros((1, 61), dtype=np.int64) + 19, [61], r"ply 1: illegal move d3"),  # rows may be longer than 60
        (np.zeros((1, 2), dtype=np.int64) + 19, [256], "length 256 is outside"),
    ],
)
def test_replay_rejects_malformed_arrays(moves, lengths, match):
    with pytest.raises(ValueError, match=match):
        engine.replay(moves, lengths)


def test_move_after_the_game_ended_is_rejected():
    moves, match = _bad_games()[2]  # a game that ended before 60 moves, plus one more move
    with pytest.raises(ValueError, match=match):
        engine.replay([moves])


def _bad_games():
    """One game per replay error kind: out of range (1), illegal (2), after the game ended (3)."""
    games = engine.generate(200_000, seed=1)
    g = int(np.flatnonzero(games.lengths < 60)[0])
    done = games.game(g)
    free = next(sq for sq in range(64) if sq not in done and sq not in (27, 28, 35, 36))
    return [([19, 64], "ply 1: square 64 is out of range 0..63"),
            ([19, 19], r"ply 1: illegal move d3 \(19\)"),
            (done + [free], f"ply {len(done)}: move after the game ended")]


def test_probing_replay_reports_bad_moves_like_engine_replay():
    from mothello_data.probing import replay_position_labels

    for moves, match in _bad_games():
        row = np.full((1, 60), 255, dtype=np.uint8)
        row[0, : len(moves)] = moves
        length = np.array([len(moves)], dtype=np.uint8)
        with pytest.raises(ValueError) as from_replay:
            engine.replay(row, length)
        with pytest.raises(ValueError) as from_labels:
            replay_position_labels(row, length, np.zeros((1, 1), np.int8), np.ones((1, 1), bool), np.ones(1))
        assert str(from_labels.value) == str(from_replay.value)
        assert re.search(match, str(from_replay.value)) and str(from_replay.value).startswith("game 0, ")


def test_stored_labels_refuse_a_last_move_outside_the_stored_legal_set():
    from mothello_data.probing import stored_position_labels

    games = engine.generate(3, seed=5, labels=True)
    lab = games.labels
    plies = schema.ply_label_columns(lab)
    moves = games.moves.copy()
    last = int(games.lengths[1]) - 1
    moves[1, last] = next(sq for sq in range(64) if not (int(lab.legal[1, last]) >> sq) & 1)
    args = (np.zeros((3, 1), np.int8), np.zeros((3, 1), bool), np.ones(3))
    with pytest.raises(ValueError, match=f"game 1, ply {last}: illegal move"):
        stored_position_labels(plies, moves, games.lengths, *args)
    moves[1, last] = 200
    with pytest.raises(ValueError, match=f"game 1, ply {last}: square 200 is out of range"):
        stored_position_labels(plies, moves, games.lengths, *args)


def test_stored_labels_refuse_a_player_that_is_not_black_or_white():
    # The player column indexes the board pairs in C++: a bad value must be an error, not a write
    # out of bounds.
    from mothello_data.probing import stored_position_labels

    games = engine.generate(3, seed=5, labels=True)
    plies = dict(schema.ply_label_columns(games.labels))
    plies["player"] = plies["player"].copy()
    plies["player"][2, 4] = 250
    args = (np.zeros((3, 1), np.int8), np.zeros((3, 1), bool), np.ones(3))
    with pytest.raises(ValueError, match="game 2, ply 4: player 250 is not 0 .black. or 1 .white."):
        stored_position_labels(plies, games.moves, games.lengths, *args)
