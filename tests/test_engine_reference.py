"""The native engine against independent references: perft numbers and a pure-Python engine."""

import numpy as np
import pytest

from mothello_data import engine
from mothello_data.reference import BLACK, WHITE, ReferenceBoard, perft as reference_perft

PERFT = [4, 12, 56, 244, 1396, 8200, 55092, 390216, 3005288]


@pytest.mark.parametrize("depth,expected", list(enumerate(PERFT, start=1)))
def test_perft_matches_published_counts(depth, expected):
    assert engine.perft(depth) == expected


def test_reference_engine_perft_matches_published_counts():
    assert [reference_perft(ReferenceBoard(), d) for d in range(1, 6)] == PERFT[:5]


def bits(squares):
    return sum(1 << sq for sq in squares)


def bitboard_of(board, color):
    return bits(sq for sq in range(64) if board.cells[sq] == color)


def test_random_games_replay_move_by_move_in_reference_engine():
    games = engine.generate(2000, seed=2024, threads=2, labels=True)
    lab = games.labels
    planes = lab.board_planes()
    passes_seen = 0
    for g in range(len(games)):
        board = ReferenceBoard()
        for t, sq in enumerate(games.game(g)):
            legal = board.legal_moves()
            passed = not legal
            if passed:  # the side to move has no move: a pass, and the other side must have one
                board.to_move = board.opponent(board.to_move)
                legal = board.legal_moves()
                assert legal, f"game {g} ply {t}: engine kept playing a finished game"
                passes_seen += 1
            assert lab.passed[g, t] == passed, (g, t)
            assert lab.player[g, t] == (0 if board.to_move == BLACK else 1), (g, t)
            assert lab.legal[g, t] == bits(legal), (g, t)
            assert sq in legal, (g, t)
            before = (bitboard_of(board, BLACK), bitboard_of(board, WHITE))
            assert tuple(int(x) for x in lab.board_before[g, t]) == before, (g, t)
            assert planes[g, t].tolist() == board.relative_planes(), (g, t)
            flipped = board.play(sq)
            assert lab.flipped[g, t] == bits(flipped), (g, t)
            after = (bitboard_of(board, BLACK), bitboard_of(board, WHITE))
            assert tuple(int(x) for x in lab.board_after[g, t]) == after, (g, t)
        assert board.game_over(), f"game {g} stops after {games.lengths[g]} moves but is not over"
    assert passes_seen > 100  # the sample really exercised passes


def test_replay_reproduces_generated_labels_and_ends_every_game():
    games = engine.generate(3000, seed=5, threads=2, labels=True)
    rep = engine.replay(games.moves, games.lengths, threads=3)
    assert rep.ended.all()
    np.testing.assert_array_equal(rep.lengths, games.lengths)
    for name in ("board_before", "board_after", "legal", "flipped", "player", "passed"):
        np.testing.assert_array_equal(getattr(rep.labels, name), getattr(games.labels, name), err_msg=name)


def test_replay_of_a_prefix_is_not_ended_and_lists_are_accepted():
    games = engine.generate(3, seed=1)
    prefixes = [games.game(i)[:10] for i in range(3)]
    rep = engine.replay(prefixes)
    assert rep.lengths.tolist() == [10, 10, 10]
    assert not rep.ended.any()
    assert rep.labels.passed.shape == (3, 60)
