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
    """(ply -> positions with >= 2 move orders, total pairs) by brute force (:func:`reference_by_ply`)."""
    by_ply = reference_by_ply(games, canonical, max_ply)
    return {p: v[0] for p, v in by_ply.items()}, sum(v[1] for v in by_ply.values())


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


# ---- the C++ search against brute force on games with constructed transpositions -------------


def reference_by_ply(games, canonical, max_ply, weights=None):
    """{ply: (positions with >= 2 move orders, game pairs)} by brute force; ``weights``: games per row."""
    starts = [s for s in range(8) if key(ReferenceBoard(), s) == key(ReferenceBoard())]
    nodes = collections.defaultdict(collections.Counter)
    for moves, w in zip(games, weights or [1] * len(games)):
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
            nodes[(k + 1, pos)][prefix] += w
    out = collections.defaultdict(lambda: [0, 0])
    for (ply, _), orders in nodes.items():
        if len(orders) > 1:
            n = sum(orders.values())
            out[ply][0] += 1
            out[ply][1] += (n * n - sum(c * c for c in orders.values())) // 2
    return {p: tuple(v) for p, v in out.items()}


def _swapped(moves, i):
    """``moves`` with moves i and i + 2 (one player's) swapped when that is legal and reaches the
    same position at ply i + 3 (the rest of the game is then legal too); else None."""
    other = list(moves)
    other[i], other[i + 2] = other[i + 2], other[i]
    board = ReferenceBoard()
    for sq in other[: i + 3]:
        if board.must_pass() or sq not in board.legal_moves():
            return None
        board.play(sq)
    return other if key(board) == key(_play(moves[: i + 3])) and board.to_move == _play(moves[: i + 3]).to_move else None


@pytest.fixture(scope="module")
def constructed():
    """About 300 games: random ones, move-order swaps of some (transpositions at plies 11..40),
    start-symmetry images (no transposition up to symmetry) and exact repeats."""
    from mothello_data.engine import generate

    g = generate(160, seed=13, threads=1)
    games = [g.game(i) for i in range(len(g))]
    rng = np.random.default_rng(3)
    made = []
    for moves in games[:120]:
        for i in rng.permutation(np.arange(8, 36)):
            other = _swapped(moves, int(i))
            if other is not None and other != moves:
                made.append(other)
                break
    assert len(made) > 40
    half_turn = [[ref_square(3, m) for m in x] for x in games[:20] + made[:10]]  # a start symmetry
    repeats = games[:15] + made[:5]
    all_games = games + made + half_turn + repeats
    ids = rng.permutation(len(all_games)).astype(np.uint64) * np.uint64(2**40 + 7)  # large, unsorted ids
    moves = np.full((len(all_games), 60), 255, np.uint8)
    for r, x in enumerate(all_games):
        moves[r, : len(x)] = x
    lengths = np.array([len(x) for x in all_games], np.uint8)
    return all_games, ids, moves, lengths, {c: reference_by_ply(all_games, c, 40) for c in (False, True)}


@pytest.mark.parametrize("canonical", [False, True])
@pytest.mark.parametrize("max_ply,partitions,batch", [(40, 256, 1000), (40, 1, 37), (25, 16, 100), (9, 8, 50)])
def test_cpp_counts_equal_brute_force_on_constructed_transpositions(constructed, canonical, max_ply, partitions, batch):
    games, ids, moves, lengths, ref = constructed
    want = {p: v for p, v in ref[canonical].items() if p <= max_ply}
    assert want and (max_ply < 20 or max(want) > 20)  # deep transpositions from the swaps
    for examples in (False, True):
        with TranspositionFinder(canonical, max_ply, partitions=partitions, examples=examples) as finder:
            for lo in range(0, len(games), batch):  # several batches: the early plies' table spans them
                finder.add(ids[lo: lo + batch], moves[lo: lo + batch], lengths[lo: lo + batch])
            per_ply, pairs = finder.counts()
        assert {p: int(c) for p, c in enumerate(per_ply) if c} == {p: v[0] for p, v in want.items()}
        assert pairs == sum(v[1] for v in want.values())
    with TranspositionFinder(canonical, max_ply, partitions=partitions) as finder:
        finder.add(ids, moves, lengths)
        found = list(finder.results())
    got = collections.defaultdict(lambda: [0, 0])
    for t in found:
        got[t.ply][0] += 1
        got[t.ply][1] += t.pairs
    assert {p: tuple(v) for p, v in got.items()} == want
    if canonical:
        return
    row_of = {int(i): r for r, i in enumerate(ids)}
    for t in found:  # each example is the least id among the games taking its move order, counted right
        for example, n in zip(t.games, t.counts):
            order = games[row_of[int(example)]][: t.ply]
            same = [int(i) for r, i in enumerate(ids) if games[r][: t.ply] == order]
            assert int(example) == min(same) and int(n) == len(same)


def _two_orders_of_one_position() -> tuple:
    """Two 4-move orders reaching one position, found by the reference engine."""
    seqs = {}
    for a in _play([]).legal_moves():
        for b in _play([a]).legal_moves():
            for c in _play([a, b]).legal_moves():
                for d in _play([a, b, c]).legal_moves():
                    p = _play([a, b, c, d])
                    seqs.setdefault((tuple(p.cells), p.to_move), []).append([a, b, c, d])
    return tuple(next(v for v in seqs.values() if len(v) > 1)[:2])


def test_node_counts_past_13_bits_are_split_and_summed():
    # one move order taken by 20,000 games (three nodes of at most 8,191), another of the same
    # position by 3: pairs 20,000 * 3, exact and up to symmetry
    first, second = _two_orders_of_one_position()
    moves = np.full((20_003, 60), 255, np.uint8)
    moves[:20_000, :4], moves[20_000:, :4] = first, second
    for examples in (False, True):
        with TranspositionFinder(max_ply=4, partitions=4, examples=examples) as finder:
            finder.add(np.arange(20_003, dtype=np.uint64), moves, np.full(20_003, 4, np.uint8))
            both = finder.counts(both=True)
            assert finder.nodes >= 3 + 1 + 4 * 3  # ply 4's heavy order split; plies 1..3 too
        for canonical in (False, True):
            want = reference_by_ply([first, second], canonical, 4, weights=[20_000, 3])
            assert want[4] == (1, 60_000)
            per_ply, pairs = both[canonical]
            assert {p: int(c) for p, c in enumerate(per_ply) if c} == {p: v[0] for p, v in want.items()}
            assert pairs == sum(v[1] for v in want.values())


def test_one_opening_under_two_rules_stays_two_in_the_early_table():
    """The early plies' table counts openings by their moves and the hashes the caller gives: one
    move order with hashes keyed by two rules (as stats keys a mixed dataset's) is two positions,
    so it pairs only with the other order of its own rule: the counts of the two games of one rule
    (1 x 1 games at ply 4), not of 2 x 1."""
    from mothello_data.world_labels import world_ply_columns

    first, second = _two_orders_of_one_position()
    moves = np.full((3, 60), 255, np.uint8)
    moves[0, :4], moves[1, :4], moves[2, :4] = first, first, second
    lengths = np.full(3, 4, np.uint8)
    cols = world_ply_columns(moves, lengths, ["canonical_hash", "canonical_symmetry"])
    keyed = cols["canonical_hash"].copy()
    keyed[1] ^= np.uint64(0x9E3779B97F4A7C15)  # game 1: the first order under another rule
    with TranspositionFinder(max_ply=4, partitions=2, examples=False) as finder:
        finder.add(np.arange(3, dtype=np.uint64), moves, lengths, dict(cols, canonical_hash=keyed))
        both = finder.counts(both=True)
    for canonical in (False, True):
        want = reference_by_ply([first, second], canonical, 4)
        assert want[4] == (1, 1)
        per_ply, pairs = both[canonical]
        assert {p: int(c) for p, c in enumerate(per_ply) if c} == {p: v[0] for p, v in want.items()}
        assert pairs == sum(v[1] for v in want.values())


def test_results_need_examples_bad_nodes_are_refused_and_read_only_nodes_counted():
    with TranspositionFinder(examples=False) as finder:
        with pytest.raises(ValueError, match="examples=True"):
            list(finder.results())
    from mothello_data import _core

    with pytest.raises(ValueError, match=r"\(m, 2\) or \(m, 4\)"):
        _core.count_transpositions(np.zeros((4, 3), np.uint64))
    frozen = np.array([[5 << 12, 1 << 40 | 1 << 6 | 9], [5 << 12, 2 << 40 | 1 << 6 | 9]], np.uint64)
    frozen.flags.writeable = False  # read-only nodes (a memory map) are counted, left as they are
    for per_ply, pairs in _core.count_transpositions(frozen):  # exact, up to symmetry
        assert per_ply[9] == 1 and per_ply.sum() == 1 and pairs == 1


def test_partition_files_written_by_cpp_and_failed_writes_raise_oserror(tmp_path):
    """The builder writes every node to the file of its partition (the low bits of the position
    hash); a file it cannot write to raises OSError (stats prints it in one line), a wrong number
    of files ValueError."""
    import os

    from mothello_data import _core
    from mothello_data.engine import generate

    g = generate(50, seed=5, threads=1)
    ids = np.arange(50, dtype=np.uint64)
    with TranspositionFinder(max_ply=20, partitions=4, examples=False) as finder:
        finder.add(ids, g.moves, g.lengths)
        late = int(np.minimum(g.lengths.astype(int), 20).clip(7).sum() - 7 * 50)  # plies 8..20
        parts = list(finder._partitions())
        assert finder.nodes >= late and sum(len(p) for p in parts) == finder.nodes  # + the early table's
        for p, nodes in enumerate(parts):
            assert (nodes[:, 0] & np.uint64(3) == p).all()
    many = generate(3000, seed=5, threads=1)
    with TranspositionFinder(max_ply=20, partitions=4, examples=False, threads=2) as finder:
        finder.add(np.arange(3000, dtype=np.uint64), many.moves, many.lengths)
        paths = finder._flushed()
        want = [_core.count_transpositions(np.fromfile(p, dtype=np.uint64).reshape(-1, 2)) for p in paths]
        got = _core.count_transposition_files(paths, 2, 2)  # each file read, counted and removed
        assert not any(os.path.exists(p) for p in paths) and got[0][1] > 0 and got[1][1] > 0
        for search in (0, 1):
            assert np.array_equal(got[search][0], sum(w[search][0] for w in want))
            assert got[search][1] == sum(w[search][1] for w in want)
    with pytest.raises(OSError):
        _core.count_transposition_files([str(tmp_path / "missing.bin")], 2, 1)
    path = tmp_path / "p.bin"
    path.write_bytes(b"")
    fd = os.open(path, os.O_RDONLY)
    try:
        builder = _core.TranspositionNodes(20, 0, False, [fd])
        builder.add(ids, g.moves, g.lengths, np.ones((50, 60), np.uint64), np.zeros((50, 60), np.uint8))
        with pytest.raises(OSError):
            builder.flush()
        with pytest.raises(ValueError, match="one file descriptor per partition"):
            _core.TranspositionNodes(20, 2, False, [fd])
        builder.add(ids, g.moves, g.lengths, np.ones((50, 20), np.uint64), np.zeros((50, 20), np.uint8))  # max_ply plies
        for plies in (19, 61):  # fewer plies than the search reads, or more than a row has
            with pytest.raises(ValueError, match=r"must agree \(P: max_ply\.\.60\)"):
                builder.add(ids, g.moves, g.lengths, np.ones((50, plies), np.uint64), np.zeros((50, plies), np.uint8))
        with pytest.raises(ValueError, match="must agree"):  # canonical and symmetry of different widths
            builder.add(ids, g.moves, g.lengths, np.ones((50, 60), np.uint64), np.zeros((50, 20), np.uint8))
        with pytest.raises(ValueError, match="symmetry index is above 7"):
            builder.add(ids, g.moves, g.lengths, np.ones((50, 60), np.uint64), np.full((50, 60), 8, np.uint8))
        with pytest.raises(ValueError, match="needs the exact hashes"):
            _core.TranspositionNodes(20, 0, True, [fd]).add(ids, g.moves, g.lengths, np.ones((50, 60), np.uint64),
                                                            np.zeros((50, 60), np.uint8))
    finally:
        os.close(fd)


def _grouped_reference(moves, lengths, hashes, max_ply, canonical=False):
    """(positions with >= 2 move orders, game pairs) by numpy grouping of (position hash, move
    prefix) over plies 1..max_ply: no node, key or table involved; ``canonical``: canonical hashes
    and each prefix replaced by the least (lexicographic) of its images under the start
    symmetries. (Under delflank discs are removed, so one position can recur at another ply: a
    position is grouped over all plies, as the search does.)"""
    from mothello_data.symmetry import SQUARE_MAPS, START_SYMMETRIES

    rows = []
    for k in range(1, max_ply + 1):
        live = lengths >= k
        prefix = np.full((int(live.sum()), max_ply), 255, np.uint8)
        prefix[:, :k] = moves[live, :k]
        if canonical:
            for t in START_SYMMETRIES[1:]:
                image = prefix.copy()
                image[:, :k] = SQUARE_MAPS[t][prefix[:, :k]]
                diff = image != prefix
                col = diff.argmax(axis=1)
                r = np.arange(len(prefix))
                less = diff.any(axis=1) & (image[r, col] < prefix[r, col])
                prefix[less] = image[less]
        rows.append(np.concatenate([hashes[live, k - 1:k].view(np.uint8), prefix], axis=1))
    orders, counts = np.unique(np.concatenate(rows), axis=0, return_counts=True)  # (position, prefix) -> games
    _, first = np.unique(orders[:, :8], axis=0, return_inverse=True)
    first = first.ravel()
    n_orders = np.bincount(first)
    games = np.bincount(first, weights=counts).astype(np.int64)
    squares = np.bincount(first, weights=counts.astype(np.float64) ** 2).astype(np.int64)
    many = n_orders > 1
    return int(many.sum()), int(((games[many] ** 2 - squares[many]) // 2).sum())


def test_early_plies_table_written_out_when_full_delflank():
    """delflank's move sequences outnumber the games: more than 2**17 distinct openings (first 7
    moves) fill the early plies' table, which is written to the partitions and emptied (memory
    stays bounded); the counts, exact and up to symmetry, still equal a numpy grouping of (position
    hash, move prefix)."""
    from mothello_data.engine import generate
    from mothello_data.world_labels import world_ply_columns

    g = generate(150_000, seed=9, rules="delflank")
    moves = np.ascontiguousarray(g.moves[:, :60])
    lengths = np.minimum(g.lengths, 60).astype(np.uint8)
    cols = world_ply_columns(moves, lengths, ["hash", "canonical_hash", "canonical_symmetry"], 2, rules="delflank")
    assert len(np.unique(moves[:, :7], axis=0)) > 2**17  # the table is written out at least once
    want = {c: _grouped_reference(moves, lengths, np.ascontiguousarray(cols["canonical_hash" if c else "hash"]), 9, c)
            for c in (False, True)}
    assert want[False][0] > 1000 and want[True][0] > 1000 and want[True] != want[False]
    for examples in (False, True):
        with TranspositionFinder(False, 9, examples=examples, threads=2) as finder:
            for lo in range(0, len(lengths), 17_000):
                finder.add(np.arange(lo, min(lo + 17_000, len(lengths)), dtype=np.uint64), moves[lo: lo + 17_000],
                           lengths[lo: lo + 17_000], {k: v[lo: lo + 17_000] for k, v in cols.items()})
            both = finder.counts(both=True)
        for c in (False, True):
            assert (int(both[c][0].sum()), both[c][1]) == want[c]
