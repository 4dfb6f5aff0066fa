"""Transpositions over a dataset against a brute-force reference: every game replayed in the
pure-Python reference engine, positions grouped in a dict, move orders compared as tuples (and, up
to symmetry, through a plain (row, col) rewrite of the symmetries)."""

import collections

import numpy as np
import pytest

from helpers import gen, ref_square
from mothello_data.dataset_reader import iter_games
from mothello_data.reference import ReferenceBoard
from mothello_data.transpositions import TranspositionFinder, find_transpositions


def key(board, s=0):
    cells = [0] * 64
    for sq in range(64):
        cells[ref_square(s, sq)] = board.cells[sq]
    return (tuple(cells), board.to_move)


def reference(games, canonical, max_ply):
    """(ply -> positions with >= 2 move orders, total pairs) by brute force."""
    starts = [s for s in range(8) if key(ReferenceBoard(), s) == key(ReferenceBoard())]
    nodes = collections.defaultdict(collections.Counter)  # (ply, position) -> move order -> games
    for moves in games:
        board = ReferenceBoard()
        for k, sq in enumerate(moves[:max_ply]):
            board.play(sq)
            if board.must_pass():
                board.to_move = board.opponent(board.to_move)
            prefix = tuple(moves[: k + 1])
            if canonical:
                pos = min(key(board, s) for s in range(8))
                prefix = min(tuple(ref_square(s, m) for m in prefix) for s in starts)
            else:
                pos = key(board)
            nodes[(k + 1, pos)][prefix] += 1
    per_ply, pairs = collections.Counter(), 0
    for (ply, _), orders in nodes.items():
        if len(orders) > 1:
            per_ply[ply] += 1
            n = sum(orders.values())
            pairs += (n * n - sum(c * c for c in orders.values())) // 2
    return dict(per_ply), pairs


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("tp") / "ds"
    gen("--out", out, "--quiet", "--games", 2000, "--games-per-shard", 700, "--langs", 2, "--parallel",
        "--splits", "train=0.7,test=0.3", "--seed", 21, check=True)
    return out


@pytest.mark.parametrize("canonical", [False, True])
def test_transpositions_match_brute_force(dataset, canonical):
    games = [m for b in iter_games(dataset) for m in b.moves.tolist()]
    games = [[x for x in m if x != 255] for m in games]
    assert len(games) == 2000  # the parallel corpus's two rows per game count once
    max_ply = 14
    want_ply, want_pairs = reference(games, canonical, max_ply)
    found = list(find_transpositions(str(dataset), canonical=canonical, max_ply=max_ply))
    assert dict(collections.Counter(t.ply for t in found)) == want_ply
    assert sum(t.pairs for t in found) == want_pairs > 0
    with TranspositionFinder(canonical, max_ply, partitions=8) as finder:  # the vectorised count (stats)
        for b in iter_games(dataset):
            finder.add(b.game_id, b.moves, b.length)
        per_ply, pairs = finder.counts()
    assert {p: int(c) for p, c in enumerate(per_ply) if c} == want_ply and pairs == want_pairs
    by_id = {int(g): m for b in iter_games(dataset) for g, m in zip(b.game_id, b.moves.tolist())}
    for t in found[:50]:  # the example games really reach one position by different orders
        for a, ply, b, _ in t.example_pairs():
            ma, mb = by_id[a][:ply], by_id[b][:ply]
            assert ma != mb
            if not canonical:
                assert key(_play(ma)) == key(_play(mb))


def _play(moves):
    board = ReferenceBoard()
    for sq in moves:
        board.play(sq)
    if board.must_pass():
        board.to_move = board.opponent(board.to_move)
    return board


def test_two_move_orders_of_the_same_opening_are_found():
    # two orders of one 4-move position, found by the reference engine
    seqs = {}

    def walk(prefix, depth):
        if depth == 0:
            b = _play(prefix)
            seqs.setdefault((tuple(b.cells), b.to_move), []).append(list(prefix))
            return
        for sq in _play(prefix).legal_moves():
            walk(prefix + [sq], depth - 1)
    walk([], 4)
    a, b = next(v for v in seqs.values() if len(v) > 1)[:2]
    moves = np.full((2, 60), 255, np.uint8)
    moves[0, :4], moves[1, :4] = a, b
    with TranspositionFinder(max_ply=4, partitions=4) as finder:
        finder.add(np.array([10, 11], np.uint64), moves, np.array([4, 4], np.uint8))
        found = list(finder.results())
    assert (4, [10, 11], 1) in [(t.ply, sorted(int(g) for g in t.games), t.pairs) for t in found]
