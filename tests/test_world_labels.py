"""World-model labels (issue #13) against independent references: the board symmetries by their
group laws and a plain (row, col) rewrite, the position hashes by the published formula written out
in Python, and every per-ply and per-position label by the pure-Python reference engine."""

import itertools

import numpy as np
import pytest

from helpers import py_mix64, ref_square
from mothello_data import engine, symmetry
from mothello_data.reference import BLACK, EMPTY, WHITE, ReferenceBoard
from mothello_data.world_labels import world_ply_columns, world_position_labels

MASK = (1 << 64) - 1


def ref_board(s, bb):
    return sum(1 << ref_square(s, sq) for sq in range(64) if bb >> sq & 1)


def ref_hash(black, white, player):
    return py_mix64(py_mix64(py_mix64(0x243F6A8885A308D3 ^ black) ^ white) ^ player)


def ref_canonical(black, white, player):
    return min(ref_hash(ref_board(s, black), ref_board(s, white), player) for s in range(8))


def bits(cells, colour):
    return sum(1 << sq for sq in range(64) if cells[sq] == colour)


def resolve(board):
    """The reference board with a forced pass applied (the side to move can move, or nobody can)."""
    if board.must_pass():
        board.to_move = board.opponent(board.to_move)
    return board


# ---- symmetries -----------------------------------------------------------------------------------


def test_square_maps_match_a_plain_row_column_rewrite():
    for s in range(8):
        assert symmetry.SQUARE_MAPS[s].tolist() == [ref_square(s, sq) for sq in range(64)]


def test_symmetries_form_the_dihedral_group_of_the_square():
    maps = [tuple(symmetry.SQUARE_MAPS[s].tolist()) for s in range(8)]
    assert len(set(maps)) == 8 and maps[0] == tuple(range(64))
    assert all(sorted(m) == list(range(64)) for m in maps)  # permutations of the squares
    as_set = set(maps)
    for a, b in itertools.product(maps, maps):  # closure, and every element has an inverse
        assert tuple(a[b[sq]] for sq in range(64)) in as_set
    for a in maps:
        assert any(tuple(a[b[sq]] for sq in range(64)) == maps[0] for b in maps)
    # associativity is inherited from composing permutations; orders: 1 identity, 2 rotations of order 4
    orders = []
    for m in maps:
        k, p = 1, m
        while p != maps[0]:
            p, k = tuple(m[p[sq]] for sq in range(64)), k + 1
        orders.append(k)
    assert sorted(orders) == [1, 2, 2, 2, 2, 2, 4, 4]


def test_exactly_the_start_symmetries_map_the_start_position_to_itself():
    start = ReferenceBoard()
    black, white = bits(start.cells, BLACK), bits(start.cells, WHITE)
    keep = [s for s in range(8) if ref_board(s, black) == black and ref_board(s, white) == white]
    assert tuple(keep) == symmetry.START_SYMMETRIES


def test_bitboard_symmetry_matches_the_reference_on_random_boards():
    rng = np.random.default_rng(1)
    boards = rng.integers(0, 2**63, size=200, dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, 200, dtype=np.uint64)
    for s in range(8):
        got = symmetry.board_symmetry(boards, s)
        assert [int(x) for x in got] == [ref_board(s, int(b)) for b in boards]


def test_a_game_mapped_by_a_start_symmetry_is_legal_and_has_the_same_canonical_hashes():
    games = engine.generate(200, seed=5)
    base = world_ply_columns(games.moves, games.lengths, ["hash", "canonical_hash"])
    for s in symmetry.START_SYMMETRIES[1:]:
        mapped = symmetry.map_moves(games.moves, s)
        engine.replay(mapped, games.lengths, labels=False)  # legal, or ValueError
        other = world_ply_columns(mapped, games.lengths, ["hash", "canonical_hash"])
        assert np.array_equal(other["canonical_hash"], base["canonical_hash"])
        assert not np.array_equal(other["hash"], base["hash"])


def test_canonical_rows_are_the_same_exactly_for_symmetric_games():
    games = engine.generate(50, seed=9)
    canon = symmetry.canonical_rows(games.moves)
    for s in symmetry.START_SYMMETRIES:
        assert np.array_equal(symmetry.canonical_rows(symmetry.map_moves(games.moves, s)), canon)
    # openings of two moves: 3 classes up to symmetry (perpendicular, diagonal, parallel)
    openings = {(a, b) for a in ReferenceBoard().legal_moves() for b in _after([a]).legal_moves()}
    rows = np.array(sorted(openings), dtype=np.uint8)
    assert len(rows) == 12 and len({tuple(r) for r in symmetry.canonical_rows(rows).tolist()}) == 3


def test_canonical_rows_equal_the_least_image_as_tuples():
    """Against plain Python: the least of the rows' images as tuples of bytes, on rows full of
    square a1 (byte 0, which numpy's byte-string order strips at the end), pads and ties."""
    rng = np.random.default_rng(4)
    for width in (1, 2, 3, 8, 60):
        rows = rng.choice(np.array([0, 1, 7, 56, 63, 255], np.uint8), size=(400, width))
        images = [symmetry.map_moves(rows, s) for s in symmetry.START_SYMMETRIES]
        want = [min(tuple(im[r].tolist()) for im in images) for r in range(len(rows))]
        assert symmetry.canonical_rows(rows).tolist() == [list(w) for w in want]


def _after(moves):
    board = ReferenceBoard()
    for sq in moves:
        board.play(sq)
    return resolve(board)


# ---- hashes ---------------------------------------------------------------------------------------


def test_position_hash_is_the_published_formula():
    rng = np.random.default_rng(2)
    black = rng.integers(0, 2**63, 100, dtype=np.uint64)
    white = rng.integers(0, 2**63, 100, dtype=np.uint64) & ~black
    player = rng.integers(0, 2, 100).astype(np.uint8)
    got = symmetry.position_hash(black, white, player)
    assert [int(x) for x in got] == [ref_hash(int(b), int(w), int(p)) for b, w, p in zip(black, white, player)]
    canon = symmetry.position_hash(black, white, player, canonical=True)
    assert [int(x) for x in canon] == [ref_canonical(int(b), int(w), int(p)) for b, w, p in zip(black, white, player)]


def test_hashes_are_equal_exactly_when_positions_are_equal():
    games = engine.generate(3000, seed=11)
    cols = world_ply_columns(games.moves, games.lengths, ["hash"])
    lab = engine.replay(games.moves, games.lengths).labels
    valid = np.arange(60)[None, :] < games.lengths[:, None]
    # the position after ply k is the board after it, with the player who moves next
    nxt = np.concatenate([lab.player[:, 1:], np.zeros((len(games), 1), np.uint8)], axis=1)
    seen = {}
    for g, k in zip(*np.nonzero(valid)):
        last = k + 1 == games.lengths[g]
        player = _after(games.game(g)[: k + 1]).to_move if last else int(nxt[g, k])
        pos = (int(lab.board_after[g, k, 0]), int(lab.board_after[g, k, 1]), player)
        h = int(cols["hash"][g, k])
        assert seen.setdefault(h, pos) == pos
    positions = set(seen.values())
    assert len(positions) == len(seen) > 100_000  # no two positions share a hash


def test_constructed_transpositions_share_a_hash_and_other_positions_do_not():
    # every 4-move opening; group by the reference position reached
    by_position = {}
    for seq in _sequences(4):
        b = _after(seq)
        by_position.setdefault((bits(b.cells, BLACK), bits(b.cells, WHITE), b.to_move), []).append(seq)
    transposed = [seqs for seqs in by_position.values() if len(seqs) > 1]
    assert transposed  # e.g. two move orders of the same opening
    rows = [s for seqs in by_position.values() for s in seqs]
    moves = np.full((len(rows), 60), 255, np.uint8)
    moves[:, :4] = rows
    h = world_ply_columns(moves, np.full(len(rows), 4, np.uint8), ["hash"])["hash"][:, 3]
    key = {tuple(s): int(x) for s, x in zip(rows, h)}
    for pos, seqs in by_position.items():
        assert len({key[tuple(s)] for s in seqs}) == 1
        assert key[tuple(seqs[0])] == ref_hash(*pos)
    assert len({key[tuple(seqs[0])] for seqs in by_position.values()}) == len(by_position)


def _sequences(depth, prefix=()):
    if depth == 0:
        yield list(prefix)
        return
    for sq in _after(list(prefix)).legal_moves():
        yield from _sequences(depth - 1, prefix + (sq,))


# ---- per-ply and per-position labels against the reference engine ---------------------------------


@pytest.fixture(scope="module")
def sample():
    return engine.generate(400, seed=2026)


@pytest.mark.parametrize("mobility", [True, False])  # without: the replay generates no legal moves it can skip
def test_stored_ply_columns_match_the_reference_engine(sample, mobility):
    kinds = ["hash", "canonical_hash", "disc_count"] + (["mobility"] if mobility else [])
    cols = world_ply_columns(sample.moves, sample.lengths, kinds)
    for g in range(len(sample)):
        board = ReferenceBoard()
        for k, sq in enumerate(sample.game(g)):
            board.play(sq)
            resolve(board)
            b, w = bits(board.cells, BLACK), bits(board.cells, WHITE)
            assert int(cols["hash"][g, k]) == ref_hash(b, w, board.to_move)
            if g < 40:
                assert int(cols["canonical_hash"][g, k]) == ref_canonical(b, w, board.to_move)
            assert (cols["count_black"][g, k], cols["count_white"][g, k]) == (bin(b).count("1"), bin(w).count("1"))
            mob = (len(board.legal_moves(BLACK)), len(board.legal_moves(WHITE)))
            assert not mobility or (cols["mobility_black"][g, k], cols["mobility_white"][g, k]) == mob
        assert not cols["hash"][g, len(sample.game(g)):].any()


@pytest.mark.parametrize("plies", [0, 1, 17, 60])
def test_hash_plies_hashes_only_the_first_plies(sample, plies):
    kinds = ["hash", "canonical_hash", "disc_count", "mobility"]
    full = world_ply_columns(sample.moves, sample.lengths, kinds)
    part = world_ply_columns(sample.moves, sample.lengths, kinds, hash_plies=plies)
    for name in ("hash", "canonical_hash"):
        assert part[name].shape == (len(sample), plies) and np.array_equal(part[name], full[name][:, :plies])
    for name in ("count_black", "count_white", "mobility_black", "mobility_white"):
        assert np.array_equal(part[name], full[name])
    with pytest.raises(ValueError, match=r"hash_plies must be -1 \(all\) or in 0\.\.60"):
        world_ply_columns(sample.moves, sample.lengths, kinds, hash_plies=61)


def test_position_labels_match_the_reference_engine(sample):
    n = len(sample)
    T = 61  # a leading tag (state 0), then one token per move
    token_ply = np.full((n, T), -1, np.int8)
    completes = np.zeros((n, T), bool)
    n_tokens = sample.lengths.astype(np.int64) + 1
    for g in range(n):
        L = int(sample.lengths[g])
        token_ply[g, 1: L + 1] = np.arange(L)
        completes[g, 1: L + 1] = True
    names = ["hash", "canonical_hash", "disc_count", "mobility", "flip_count", "age", "last_move", "final_count", "winner"]
    out = world_position_labels(sample.moves, sample.lengths, token_ply, completes, n_tokens, names)
    for g in range(0, n, 4):
        board, counts, age, last = ReferenceBoard(), [0] * 64, [0 if c != EMPTY else -1 for c in ReferenceBoard().cells], -1
        moves = sample.game(g)
        for t in range(len(moves) + 1):
            if t:
                flipped = board.play(moves[t - 1])
                for sq in flipped:
                    counts[sq] += 1
                    age[sq] = t
                age[moves[t - 1]], last = t, moves[t - 1]
            resolve(board)
            me, them = board.to_move, board.opponent(board.to_move)
            b, w = bits(board.cells, BLACK), bits(board.cells, WHITE)
            assert int(out["hash"][g, t]) & MASK == ref_hash(b, w, me)
            assert out["disc_count"][g, t].tolist() == [board.cells.count(me), board.cells.count(them)]
            assert out["mobility"][g, t].tolist() == [len(board.legal_moves(me)), len(board.legal_moves(them))]
            assert out["flip_count"][g, t].tolist() == counts
            assert out["age"][g, t].tolist() == age
            assert out["last_move"][g, t] == last
        nb, nw = board.cells.count(BLACK), board.cells.count(WHITE)
        assert out["final_count"][g].tolist() == [nb, nw]
        assert out["winner"][g] == (0 if nb > nw else 1 if nw > nb else 2)
        assert not out["hash"][g, len(moves) + 1:].any()  # pads
    assert out["hash"].dtype == np.int64 and out["flip_count"].shape == (n, T, 64)
    assert (out["flip_count"] > 1).any() and (out["age"] > 0).any()


@pytest.mark.parametrize("rule", ["classic", "nomidflip", "delflank"])
@pytest.mark.parametrize("pass_token", [False, True])
def test_the_replay_without_legal_moves_matches_the_checked_one(rule, pass_token):
    """Without mobility the loop plays a known move that flips without generating the legal moves
    (play_game's fast path); with it every ply is checked. Same columns, same passes, same errors
    (and engine.replay's, whose label-free replay takes the fast path too)."""
    g = engine.generate(600, seed=31, rules=rule, pass_token=pass_token, max_plies=100 if pass_token else None)
    kinds = ["hash", "canonical_hash", "canonical_symmetry", "disc_count", "passes"]
    fast = world_ply_columns(g.moves, g.lengths, kinds, rules=rule, pass_token=pass_token)
    checked = world_ply_columns(g.moves, g.lengths, kinds + ["mobility"], rules=rule, pass_token=pass_token)
    assert fast.keys() == set(checked) - {"mobility_black", "mobility_white"}
    for name, col in fast.items():
        assert np.array_equal(col, checked[name]), name
    assert fast["passes"].sum() > 0
    rng, refused = np.random.default_rng(5), 0
    for trial in range(60):  # one bad byte: the same first error (game, ply, move, kind) either way
        moves, lengths = g.moves.copy(), g.lengths.copy()
        game = int(rng.integers(len(g)))
        ply = int(rng.integers(min(int(lengths[game]) + 1, moves.shape[1])))
        bad = [0, 27, 64, 100, int(moves[game, max(ply - 1, 0)]), int(rng.integers(64))][trial % 6]
        if ply == lengths[game]:
            lengths[game] += 1  # a move after the end
        moves[game, ply] = bad
        errors = []
        calls = [lambda: world_ply_columns(moves, lengths, ["hash"], rules=rule, pass_token=pass_token),
                 lambda: world_ply_columns(moves, lengths, ["hash", "mobility"], rules=rule, pass_token=pass_token),
                 lambda: engine.replay(moves, lengths, rules=rule, pass_token=pass_token, labels=False),  # NoSink: fast
                 lambda: engine.replay(moves, lengths, rules=rule, pass_token=pass_token, labels=True)]
        for call in calls:
            try:
                call()
                errors.append(None)
            except ValueError as exc:
                errors.append(str(exc))
        assert errors[0] == errors[1] == errors[2] == errors[3]
        refused += errors[0] is not None
    assert refused > 30

def test_a_bad_move_is_refused_like_replay():
    moves = np.full((1, 60), 255, np.uint8)
    moves[0, 0] = 0  # a1 is not legal at the start
    with pytest.raises(ValueError, match="game 0, ply 0: illegal move a1"):
        world_ply_columns(moves, np.array([1], np.uint8), ["hash"])
