"""The position-hash kernels (csrc/hash_kernels.hpp: scalar, AVX2, AVX-512, AVX-512 + GFNI, chosen at run time)
give the published hash values: every kernel this CPU runs against the formula written out in
Python (helpers.py_mix64, ref_square) and against the scalar kernel (position_hash.hpp, the
reference), on random and edge-case positions, on every position of a few thousand random games
of each rule, at every batch length around the vector widths; the same for the canonical symmetry (the least
symmetry whose image hashes to the canonical hash); and the world-model labels and
``mothello-gen stats`` give the same bytes whichever kernel MOTHELLO_HASH_KERNEL forces."""

import os
import subprocess
import sys

import numpy as np
import pytest

from helpers import py_mix64, ref_square
from mothello_data import _core, engine, symmetry
from mothello_data.world_labels import world_ply_columns

KERNELS = symmetry.hash_kernels()
ALL = ("scalar", "avx2", "avx512", "avx512gfni")


def ref_hash(black, white, player):
    return py_mix64(py_mix64(py_mix64(0x243F6A8885A308D3 ^ black) ^ white) ^ player)


def ref_board(s, bb):
    return sum(1 << ref_square(s, sq) for sq in range(64) if bb >> sq & 1)


def ref_canonical(black, white, player):
    return min(ref_hash(ref_board(s, black), ref_board(s, white), player) for s in range(8))


def ref_symmetry(black, white, player):
    """The least s whose image hashes to the canonical hash (the formula, in Python)."""
    hashes = [ref_hash(ref_board(s, black), ref_board(s, white), player) for s in range(8)]
    return hashes.index(min(hashes))


def symmetric_positions():
    """Boards fixed by some symmetries (every image hash ties with another): the tie goes to the least s."""
    rng = np.random.default_rng(7)
    out = []
    for _ in range(60):
        b, w = (int(x) for x in rng.integers(0, 2**64, 2, dtype=np.uint64))
        b, w = b & ~w, w & ~b
        s = int(rng.integers(1, 8))
        b, w = b | ref_board(s, b), w | ref_board(s, w)  # not always fixed by s (s need not be an involution)
        out.append((b & ~w, w & ~b, int(rng.integers(0, 2))))
    return [np.array(c, dtype=np.uint64 if i < 2 else np.uint8) for i, c in enumerate(zip(*out))]


def random_positions(n, seed):
    """Disjoint black/white boards of every density, some all-empty or full, players 0/1."""
    rng = np.random.default_rng(seed)
    occupied = rng.integers(0, 2**64, n, dtype=np.uint64, endpoint=False)
    density = rng.integers(0, 4, n)  # thin out some boards: sparse ones are the game's
    for _ in range(3):
        thin = density > 0
        occupied[thin] &= rng.integers(0, 2**64, int(thin.sum()), dtype=np.uint64)
        density -= 1
    split = rng.integers(0, 2**64, n, dtype=np.uint64)
    black, white = occupied & split, occupied & ~split
    edges = np.array([0, 2**64 - 1, 1, 2**63, 0x8100000000000081, 0x0000001818000000], dtype=np.uint64)
    black[: len(edges)], white[: len(edges)] = edges, 0
    black[len(edges): 2 * len(edges)], white[len(edges): 2 * len(edges)] = 0, edges
    return black, white, rng.integers(0, 2, n).astype(np.uint8)


def game_positions(n_games, seed):
    """Every position before and after every ply of random games of each rule (written passes too)."""
    boards, players = [], []
    for rule in ("classic", "nomidflip", "delflank"):
        games = engine.generate(n_games, seed=seed, rules=rule, pass_token=True, labels=True)
        real = np.arange(games.moves.shape[1])[None, :] < games.lengths[:, None]
        for side, flip in ((games.labels.board_before, 0), (games.labels.board_after, 1)):
            boards.append(side[real])
            players.append(games.labels.player[real] ^ flip)
    boards, players = np.concatenate(boards), np.concatenate(players).astype(np.uint8)
    return boards[:, 0].copy(), boards[:, 1].copy(), players


def test_the_kernels_are_listed_and_one_is_chosen():
    assert KERNELS[0] == "scalar" and set(KERNELS) <= set(ALL)
    assert symmetry.hash_kernel() in KERNELS
    if os.environ.get("MOTHELLO_HASH_KERNEL", "") == "":
        assert symmetry.hash_kernel() == KERNELS[-1]  # the best this CPU runs


@pytest.mark.parametrize("kernel", ALL)
def test_each_kernel_gives_the_published_values(kernel):
    if kernel not in KERNELS:
        pytest.skip(f"this CPU (or build) does not run the {kernel} hash kernel")
    black, white, player = random_positions(300, seed=1)
    got = symmetry.position_hash(black, white, player, kernel=kernel)
    canon = symmetry.position_hash(black, white, player, canonical=True, kernel=kernel)
    for i in range(len(black)):
        b, w, p = int(black[i]), int(white[i]), int(player[i])
        assert int(got[i]) == ref_hash(b, w, p), i
        assert int(canon[i]) == ref_canonical(b, w, p), i


@pytest.mark.parametrize("kernel", ALL)
def test_each_kernel_gives_the_least_symmetry_reaching_the_canonical_hash(kernel):
    if kernel not in KERNELS:
        pytest.skip(f"this CPU (or build) does not run the {kernel} hash kernel")
    for black, white, player in (random_positions(300, seed=1), symmetric_positions()):
        got = _core.canonical_symmetry(black, white, player, kernel=kernel)
        canon = symmetry.position_hash(black, white, player, canonical=True, kernel=kernel)
        ties = 0
        for i in range(len(black)):
            b, w, p = int(black[i]), int(white[i]), int(player[i])
            s = int(got[i])
            assert s == ref_symmetry(b, w, p), i
            image = symmetry.position_hash(symmetry.board_symmetry(black[i: i + 1], s),
                                           symmetry.board_symmetry(white[i: i + 1], s), player[i: i + 1])
            assert int(image[0]) == int(canon[i])  # its image hashes to the canonical hash ...
            ties += sum(ref_hash(ref_board(t, b), ref_board(t, w), p) == int(canon[i]) for t in range(8)) > 1
        assert ties > 0 or len(black) == 300  # ... the least index among ties (edge boards and the symmetric ones)


@pytest.mark.parametrize("kernel", ALL)
def test_each_kernel_equals_the_scalar_one_on_many_positions(kernel):
    if kernel not in KERNELS:
        pytest.skip(f"this CPU (or build) does not run the {kernel} hash kernel")
    for black, white, player in (random_positions(200_003, seed=2), game_positions(1500, seed=3)):
        for canonical in (False, True):
            want = symmetry.position_hash(black, white, player, canonical, kernel="scalar")
            got = symmetry.position_hash(black, white, player, canonical, kernel=kernel)
            bad = np.flatnonzero(got != want)
            assert not len(bad), (canonical, bad[:5], len(black))
        want = _core.canonical_symmetry(black, white, player, kernel="scalar")
        got = _core.canonical_symmetry(black, white, player, kernel=kernel)
        assert np.array_equal(got, want) and want.max() == 7


@pytest.mark.parametrize("kernel", ALL)
def test_each_kernel_at_every_batch_length_around_the_vector_widths(kernel):
    if kernel not in KERNELS:
        pytest.skip(f"this CPU (or build) does not run the {kernel} hash kernel")
    black, white, player = random_positions(40, seed=4)
    for n in range(0, 40):  # whole vectors plus every tail, for 4 and 8 lanes
        for canonical in (False, True):
            want = symmetry.position_hash(black[:n], white[:n], player[:n], canonical, kernel="scalar")
            got = symmetry.position_hash(black[:n], white[:n], player[:n], canonical, kernel=kernel)
            assert got.shape == (n,) and np.array_equal(got, want), (n, canonical)
        want = _core.canonical_symmetry(black[:n], white[:n], player[:n], kernel="scalar")
        got = _core.canonical_symmetry(black[:n], white[:n], player[:n], kernel=kernel)
        assert got.shape == (n,) and got.dtype == np.uint8 and np.array_equal(got, want), n


def test_an_unknown_or_unavailable_kernel_is_refused():
    one = np.zeros(1, np.uint64)
    with pytest.raises(ValueError, match="unknown hash kernel AVX512"):
        symmetry.position_hash(one, one, 0, kernel="AVX512")
    for kernel in set(ALL) - set(KERNELS):
        with pytest.raises(ValueError, match="does not run on this CPU"):
            symmetry.position_hash(one, one, 0, kernel=kernel)


def _run(code, kernel, **kw):
    env = dict(os.environ, MOTHELLO_HASH_KERNEL=kernel)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, **kw)


def test_world_labels_are_the_same_bytes_under_each_forced_kernel():
    code = (
        "import hashlib, numpy as np\n"
        "from mothello_data import engine, symmetry\n"
        "from mothello_data.world_labels import world_ply_columns, world_position_labels\n"
        "rules = np.arange(3000, dtype=np.uint8) % 3\n"
        "g = engine.generate(3000, seed=5, rules=rules, pass_token=True)\n"
        "h = hashlib.sha256()\n"
        "for plies in (-1, 0, 7, 32):\n"
        "    c = world_ply_columns(g.moves, g.lengths, ['hash', 'canonical_hash', 'canonical_symmetry'], 2, rules=rules,"
        " pass_token=True, hash_plies=plies)\n"
        "    h.update(c['hash'].tobytes() + c['canonical_hash'].tobytes() + c['canonical_symmetry'].tobytes())\n"
        "T = g.moves.shape[1] + 1\n"
        "ply = np.tile(np.arange(-1, T - 1), (len(g), 1)).astype(np.int8)\n"
        "p = world_position_labels(g.moves, g.lengths, ply, ply >= 0, g.lengths.astype(np.int64) + 1,"
        " ['hash', 'canonical_hash'], 2, rules=rules, pass_token=True)\n"
        "h.update(p['hash'].tobytes() + p['canonical_hash'].tobytes())\n"
        "print(symmetry.hash_kernel(), h.hexdigest())\n"
    )
    seen = {}
    for kernel in KERNELS:
        out = _run(code, kernel, check=True)
        name, digest = out.stdout.split()
        assert name == kernel  # the forced kernel really ran
        seen[kernel] = digest
    assert len(set(seen.values())) == 1, seen
    # this process's kernel against the formula: with written passes, the position after ply k is
    # the one before ply k + 1, with its player to move
    g = engine.generate(30, seed=5, pass_token=True, labels=True)
    cols = world_ply_columns(g.moves, g.lengths, ["canonical_hash", "canonical_symmetry"], pass_token=True, hash_plies=40)
    before, player = g.labels.board_before, g.labels.player
    for i in range(len(g)):
        for k in (0, 9, 30, int(g.lengths[i]) - 2):
            b, w = int(before[i, k + 1, 0]), int(before[i, k + 1, 1])
            if k < 40:  # hashed plies
                assert int(cols["canonical_hash"][i, k]) == ref_canonical(b, w, int(player[i, k + 1]))
                assert int(cols["canonical_symmetry"][i, k]) == ref_symmetry(b, w, int(player[i, k + 1]))
    assert (cols["canonical_symmetry"][:, 40:] == 0).all() and cols["canonical_symmetry"].max() > 0


def test_stats_report_is_the_same_bytes_under_each_forced_kernel(tmp_path):
    data = tmp_path / "ds"
    subprocess.run([sys.executable, "-m", "mothello_data", "--games", "6000", "--rules", "classic,delflank",
                    "--pass-token", "--out", str(data), "--quiet"], check=True)
    reports = {}
    for kernel in KERNELS:
        out = tmp_path / f"stats-{kernel}"
        env = dict(os.environ, MOTHELLO_HASH_KERNEL=kernel)
        subprocess.run([sys.executable, "-m", "mothello_data", "stats", str(data), "--out", str(out), "--quiet",
                        "--max-ply", "40"], env=env, check=True)
        reports[kernel] = (out / "stats.json").read_bytes()
    assert len(set(reports.values())) == 1
    assert b'"up_to_symmetry"' in reports["scalar"]


@pytest.mark.parametrize("value", ["bogus", "AVX2", *sorted(set(ALL) - set(KERNELS))])
def test_a_bad_forced_kernel_is_refused_in_one_line(tmp_path, value):
    res = _run("from mothello_data import symmetry\nprint(symmetry.hash_kernel())", value)
    assert res.returncode != 0 and "MOTHELLO_HASH_KERNEL" in res.stderr
    run = subprocess.run([sys.executable, "-m", "mothello_data", "--games", "10", "--out", str(tmp_path / "o"), "--quiet"],
                         env=dict(os.environ, MOTHELLO_HASH_KERNEL=value), capture_output=True, text=True)
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    assert "MOTHELLO_HASH_KERNEL" in run.stderr and not (tmp_path / "o").exists()
