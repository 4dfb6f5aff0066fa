"""The native engine against independent references: perft numbers and a pure-Python engine."""

import numpy as np
import pytest

from mothello_data import engine, schema
from helpers import py_mix64
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
    assert rep.labels.passed.shape == (3, 10)  # label rows have the width of the input rows


# ---- the final state of a game (state `length`): one rule for replay and stored labels ---------


def reference_final_state(moves):
    """(relative planes, legal squares, flipped squares, player) after `moves`, pass rule resolved:
    the side that can move next; game over: the opponent of the last mover, no legal moves."""
    board, flipped = ReferenceBoard(), []
    for sq in moves:
        flipped = board.play(sq)
    if board.must_pass():
        board.to_move = board.opponent(board.to_move)
    return board.relative_planes(), sorted(board.legal_moves()), sorted(flipped), 0 if board.to_move == BLACK else 1


def final_state_labels(games, cut, source):
    """Labels of state `cut[g]` of each game from one token position, by replay or from the stored plies."""
    from mothello_data import probing

    n = len(cut)
    moves = np.where(np.arange(60)[None, :] < cut[:, None], games.moves, 255).astype(np.uint8)
    token_ply = (cut.astype(np.int64) - 1).clip(0)[:, None].astype(np.int8)  # the last move's token
    completes = (cut > 0)[:, None]
    n_tokens = np.ones(n, dtype=np.int64)
    if source == "replay":
        return probing.replay_position_labels(moves, cut, token_ply, completes, n_tokens)
    lab = games.labels
    plies = schema.ply_label_columns(lab)
    return probing.stored_position_labels(plies, moves, cut, token_ply, completes, n_tokens)


@pytest.mark.parametrize("source", ["replay", "stored"])
def test_final_state_of_finished_and_unfinished_games_follows_the_reference(source):
    games = engine.generate(400, seed=77, labels=True)
    rng = np.random.default_rng(1)
    cut = np.minimum(games.lengths, rng.integers(0, 61, len(games))).astype(np.uint8)
    cut[::4] = games.lengths[::4]  # finished games too
    got = final_state_labels(games, cut, source)
    finished = 0
    for g in range(len(games)):
        moves = games.game(g)[: cut[g]]
        planes, legal, flipped, player = reference_final_state(moves)
        assert got["board_state"][g, 0].tolist() == planes, g
        assert np.flatnonzero(got["legal_moves"][g, 0]).tolist() == [_move_index(sq) for sq in legal], g
        assert np.flatnonzero(got["flipped"][g, 0]).tolist() == flipped, g
        assert int(got["player"][g, 0]) == player, g
        finished += not legal
    assert finished >= 100  # both kinds of final state were checked


def _move_index(sq):
    """Index of a square among the 60 playable ones (the centre four are skipped)."""
    return sq - sum(sq > c for c in (27, 28, 35, 36))


def test_final_state_after_a_pass_is_the_side_that_can_move():
    """A prefix that stops right where the side to move must pass: the final state belongs to the other side."""
    games = engine.generate(3000, seed=12, labels=True)
    rows, cuts = [], []
    for g in range(len(games)):
        passed = np.flatnonzero(games.labels.passed[g, : games.lengths[g]])
        if passed.size:
            rows.append(g)
            cuts.append(int(passed[0]))  # state before the ply that follows a pass
    assert len(rows) > 50
    sub = engine.Games(games.moves[rows], games.lengths[rows],
                       engine.PlyLabels(**{k: getattr(games.labels, k)[rows] for k in engine.PlyLabels.__dataclass_fields__}))
    cut = np.array(cuts, dtype=np.uint8)
    for source in ("replay", "stored"):
        got = final_state_labels(sub, cut, source)
        for i, g in enumerate(rows):
            k = cuts[i]
            last_mover = int(games.labels.player[g, k - 1])
            assert int(got["player"][i, 0]) == last_mover, (source, g)  # the opponent passed
            assert int(got["player"][i, 0]) == int(games.labels.player[g, k]), (source, g)
    rep = engine.replay(sub.moves, cut)
    assert not rep.ended.any()


def test_replay_ended_flag_follows_the_final_state_rule():
    games = engine.generate(300, seed=4)
    cut = np.minimum(games.lengths, np.random.default_rng(2).integers(0, 61, len(games))).astype(np.uint8)
    rep = engine.replay(games.moves, cut)
    for g in range(len(games)):
        board = ReferenceBoard()
        for sq in games.game(g)[: cut[g]]:
            board.play(sq)
        assert bool(rep.ended[g]) == board.game_over(), g


# ---- mix64 -------------------------------------------------------------------------------------


def test_mix64_is_the_splitmix64_finaliser_elementwise():
    from mothello_data import _core

    values = np.random.default_rng(0).integers(0, 2**64, size=(7, 9), dtype=np.uint64, endpoint=False)
    values[0, :3] = [0, 1, 2**64 - 1]
    got = _core.mix64(values)
    assert got.shape == values.shape and got.dtype == np.uint64
    assert got.ravel().tolist() == [py_mix64(int(v)) for v in values.ravel()]
    # First output of SplitMix64 seeded with 0 (state advanced by the golden gamma): a known value.
    assert int(_core.mix64(np.array([0x9E3779B97F4A7C15], dtype=np.uint64))[0]) == 0xE220A8397B1DCDAF


# ---- the compiled module and its stub ------------------------------------------------------------


def test_core_stub_is_shipped_and_names_every_binding():
    import ast
    from pathlib import Path

    import mothello_data
    from mothello_data import _core

    stub = Path(mothello_data.__file__).with_name("_core.pyi")
    assert stub.exists(), "the typed stub is not installed next to the package"
    tree = ast.parse(stub.read_text())
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    names |= {n.target.id for n in tree.body if isinstance(n, ast.AnnAssign)}
    names |= {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    public = {k for k in dir(_core) if not k.startswith("_")}
    assert names == public
    assert "position_labels" not in public
    for name in public:
        if callable(getattr(_core, name)):
            assert len(getattr(_core, name).__doc__.splitlines()) > 2, f"{name} has no docstring"
