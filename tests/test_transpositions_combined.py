"""The combined transposition search (one node per game and ply gives the exact and the symmetric
counts): the partition count and grouping against a plain dict on random nodes, and the finder's
two counts of one pass against the brute-force references of tests/test_transpositions.py (the
pure-Python engine; positions as cell tuples, move orders as tuples)."""

import collections

import numpy as np
import pytest

from helpers import py_mix64
from mothello_data import _core
from mothello_data.transpositions import TranspositionFinder
from mothello_data.world_labels import world_ply_columns
from test_transpositions import constructed  # noqa: F401 (a fixture)

KEY, TAU, SYM, GAMES = 24, 22, 19, 6  # node w1 layout: key's top 40 bits | tau | symmetry | games | ply


def _tally(orders):
    """(positions with >= 2 orders -> {ply: count}, pairs) from {position: {order: (games, ex, ply)}}:
    a position counts at the ply of its least order."""
    per_ply, pairs = collections.Counter(), 0
    for o in orders.values():
        if len(o) > 1:
            c = [n for n, _, _ in o.values()]
            per_ply[o[min(o)][2]] += 1
            pairs += (sum(c) ** 2 - sum(x * x for x in c)) // 2
    return dict(per_ply), pairs


@pytest.mark.parametrize("words", [2, 4])
@pytest.mark.parametrize("m", [0, 1, 2, 5, 300, 20_000])
def test_partition_counts_and_groups_equal_a_dict_on_random_nodes(words, m):
    """count_transpositions (both searches) and transposition_groups (each) on nodes (C, key | tau |
    s | games | ply[, example, exact hash]) against plain dicts: up to symmetry a position is a C
    and its orders the keys; exactly a position is a (C, s) and its orders the (key, tau). Positions
    share the bits the C++ filters and groups by (12 and up) but differ elsewhere; keys repeat
    (games add up, least example); a move order's ply is not the position's (the delflank case):
    it counts at its least order's."""
    rng = np.random.default_rng(m * 10 + words)
    low = rng.integers(0, 2**20, size=max(m // 3, 1), dtype=np.uint64) << np.uint64(12)  # shared index bits
    pos = low[rng.integers(0, len(low), m)] | rng.integers(0, 4, m, dtype=np.uint64) << np.uint64(10)  # differ below
    pos |= rng.integers(0, 3, m, dtype=np.uint64) << np.uint64(62)  # ... and in the top bits
    key = rng.integers(0, 3, m, dtype=np.uint64) << np.uint64(61)  # 3 keys at most per position
    tau = rng.integers(0, 4, m, dtype=np.uint64) % np.uint64(2)
    sym = rng.integers(0, 8, m, dtype=np.uint64) % np.uint64(3)
    games = rng.integers(1, 5, m, dtype=np.uint64)
    ply = ((pos >> np.uint64(12)) + (key >> np.uint64(61)) * np.uint64(7)) % np.uint64(60) + np.uint64(1)
    examples = rng.integers(0, 1000, m, dtype=np.uint64)
    exact = {(c, s): py_mix64(c ^ py_mix64(s + 1)) for c, s in zip(pos.tolist(), sym.tolist())}
    nodes = np.zeros((m, words), np.uint64)
    nodes[:, 0] = pos
    nodes[:, 1] = key | tau << np.uint64(TAU) | sym << np.uint64(SYM) | games << np.uint64(GAMES) | ply
    if words == 4:
        nodes[:, 2] = examples
        nodes[:, 3] = [exact[c, s] for c, s in zip(pos.tolist(), sym.tolist())]
    orders = {False: collections.defaultdict(dict), True: collections.defaultdict(dict)}
    for c, k, t, s, g, e, p in zip(*(a.tolist() for a in (pos, key, tau, sym, games, examples, ply))):
        for canonical, where, order in ((True, c, k), (False, exact[c, s], (k, t))):
            n, ex, _ = orders[canonical][where].get(order, (0, 2**64, p))
            orders[canonical][where][order] = (n + g, min(ex, e), p)
    before = nodes.copy()
    got = _core.count_transpositions(nodes)
    assert (nodes == before).all()  # the caller's nodes are left as they were
    for canonical in (False, True):
        per_ply, pairs = got[canonical]
        want_ply, want_pairs = _tally(orders[canonical])
        assert {i: int(c) for i, c in enumerate(per_ply) if c} == want_ply and pairs == want_pairs
        assert m < 300 or want_ply  # the larger cases have transpositions
        g = _core.transposition_groups(nodes, canonical)
        found = {}
        for i, p in enumerate(g["position"].tolist()):
            lo, hi = g["offsets"][i], g["offsets"][i + 1]
            o = orders[canonical][p] if words == 4 or canonical else None
            if o is not None:
                assert g["ply"][i] == o[min(o)][2]
            found[p] = list(zip(g["games"][lo:hi].tolist(), g["example"][lo:hi].tolist()))
        assert len(g["position"]) == sum(want_ply.values())
        if words == 4 or canonical:  # without examples, the exact groups are named by C, not the exact hash
            assert len(found) == len(g["position"])  # each position once
            assert found == {p: [(n, e if words == 4 else 0) for _, (n, e, _) in sorted(o.items())]
                             for p, o in orders[canonical].items() if len(o) > 1}


def test_both_counts_of_one_search_equal_brute_force(constructed):  # noqa: F811
    """Random games, move-order swaps, half-turn images (same canonical position, another exact
    one) and repeats: one finder, one pass over its partitions, both counts as the references;
    exact results name the engine's exact hash and the example games really reach it."""
    games, ids, moves, lengths, ref = constructed
    for examples, partitions, threads in ((False, 256, 1), (True, 16, 2), (False, 1, 2)):
        with TranspositionFinder(max_ply=40, partitions=partitions, examples=examples, threads=threads) as finder:
            for lo in range(0, len(games), 64):
                finder.add(ids[lo: lo + 64], moves[lo: lo + 64], lengths[lo: lo + 64])
            both = finder.counts(both=True)
        for canonical in (False, True):
            per_ply, pairs = both[canonical]
            assert {p: int(c) for p, c in enumerate(per_ply) if c} == {p: v[0] for p, v in ref[canonical].items()}
            assert pairs == sum(v[1] for v in ref[canonical].values())
    with TranspositionFinder(max_ply=40, examples=False) as finder:  # columns given must hold what the search reads
        with pytest.raises(ValueError, match="columns lack canonical_symmetry"):
            finder.add(ids, moves, lengths, world_ply_columns(moves, lengths, ["canonical_hash"]))
    hashes = world_ply_columns(moves, lengths, ["hash"])["hash"]
    row_of = {int(i): r for r, i in enumerate(ids)}
    with TranspositionFinder(max_ply=40, partitions=4) as finder:
        finder.add(ids, moves, lengths)
        found = list(finder.results())
    assert len(found) == sum(v[0] for v in ref[False].values())
    for t in found:
        for example in t.games:
            assert int(hashes[row_of[int(example)], t.ply - 1]) == t.position_hash


def test_columns_of_max_ply_plies_count_as_full_rows():
    """world_ply_columns(hash_plies=max_ply) gives (n, max_ply) hash columns; the search reads them
    as it reads full (n, 60) rows: the same counts."""
    from mothello_data.engine import generate

    g = generate(3000, seed=9, threads=1)
    ids = np.arange(len(g), dtype=np.uint64)
    kinds = ["canonical_hash", "canonical_symmetry"]
    full = world_ply_columns(g.moves, g.lengths, kinds)
    part = world_ply_columns(g.moves, g.lengths, kinds, hash_plies=12)
    assert part["canonical_hash"].shape == (len(g), 12) and full["canonical_hash"].shape == (len(g), 60)
    counts = []
    for cols in (full, part):
        with TranspositionFinder(max_ply=12, partitions=4, examples=False) as finder:
            finder.add(ids, g.moves, g.lengths, cols)
            counts.append(finder.counts(both=True))
    for canonical in (False, True):
        assert np.array_equal(counts[0][canonical][0], counts[1][canonical][0])
        assert counts[0][canonical][1] == counts[1][canonical][1] and counts[0][canonical][0].sum() > 0


def test_symmetry_tells_apart_exact_positions_of_one_canonical_hash():
    """Two games that are images under a start symmetry reach, ply by ply, equal canonical hashes
    and, unless the position is symmetric, different canonical symmetries; and one whose exact
    hash matches has the same symmetry (the search's identity of exact positions)."""
    from mothello_data.engine import generate
    from mothello_data.symmetry import map_moves

    g = generate(200, seed=4, threads=1)
    kinds = ["hash", "canonical_hash", "canonical_symmetry"]
    a = world_ply_columns(g.moves, g.lengths, kinds)
    b = world_ply_columns(map_moves(g.moves, 3), g.lengths, kinds)
    live = np.arange(g.moves.shape[1])[None, :] < g.lengths[:, None]
    assert (a["canonical_hash"] == b["canonical_hash"]).all()
    same = (a["hash"] == b["hash"]) & live  # a position fixed by the half turn
    assert ((a["canonical_symmetry"] == b["canonical_symmetry"]) == same | ~live).all()
    assert (a["canonical_symmetry"][~live] == 0).all() and a["canonical_symmetry"][live].max() > 0


def test_images_of_a_game_with_an_early_written_pass_are_one_move_order():
    """A game that writes a pass before max_ply and its images under the start symmetries reach
    symmetric positions by move orders that are images of each other: no transposition, exact or up
    to symmetry (a pass is a pass in every image; a pass read as another byte in the images made
    every later ply a symmetric transposition)."""
    from mothello_data.engine import generate
    from mothello_data.symmetry import START_SYMMETRIES, map_moves

    g = generate(20_000, seed=3, threads=1, pass_token=True)
    early = np.flatnonzero((g.moves[:, :20] == 64).any(axis=1))
    assert len(early)
    row, length = g.moves[early[:1]], g.lengths[early[:1]]
    moves = np.concatenate([map_moves(row, s) for s in START_SYMMETRIES])
    with TranspositionFinder(max_ply=32, examples=False) as finder:
        finder.add(np.arange(4, dtype=np.uint64), moves, np.repeat(length, 4))
        counts = finder.counts(both=True)
    for canonical in (False, True):
        assert counts[canonical][0].sum() == 0 and counts[canonical][1] == 0
    # a second copy of the same games: each position of plies 1..32 is then one move order of 2 games
    with TranspositionFinder(max_ply=32, examples=False) as finder:
        finder.add(np.arange(8, dtype=np.uint64), np.concatenate([moves, moves]), np.repeat(length, 8))
        assert finder.counts(both=True)[True][1] == 0
