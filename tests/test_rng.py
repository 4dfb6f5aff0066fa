"""Every seeded draw outside the engine chains the engine's SplitMix64 finaliser (mothello_data.rng):
checked against a plain-Python SplitMix64 written here, independent of the C++ and numpy code."""

import numpy as np
import pytest
from helpers import py_mix64

from mothello_data import rng
from mothello_data.held_out import game_hashes
from mothello_data.shards import language_of_games
from mothello_data.spec import LanguageSpec

M64 = (1 << 64) - 1


def py_draw(seed: int, *keys: int) -> int:
    z = py_mix64(seed)
    for k in keys:
        z = py_mix64(z ^ k)
    return z


def test_mix64_and_draw_match_plain_python():
    values = [0, 1, 2, 0x9E3779B97F4A7C15, M64, 1 << 63, 123456789]
    got = rng.mix64(np.array(values, dtype=np.uint64))
    assert [int(x) for x in got] == [py_mix64(v) for v in values]
    assert rng.draw_int(7, 3, 5) == py_draw(7, 3, 5)
    keys = np.arange(10, dtype=np.uint64)
    assert [int(x) for x in rng.draw(99, 0xA2C4, keys)] == [py_draw(99, 0xA2C4, k) for k in range(10)]


@pytest.mark.parametrize("n", [1, 2, 3, 60, 2**31 - 1])
def test_below_is_floor_of_word_times_n_over_2_64(n):
    words = [0, 1, M64, 1 << 63, 0xDEADBEEFCAFEBABE, (1 << 32) - 1, 1 << 32]
    got = rng.below(np.array(words, dtype=np.uint64), n)
    assert got.tolist() == [(w * n) >> 64 for w in words]


def test_spec_draws_follow_their_definition():
    spec = LanguageSpec(types=["split", "atomic"], anchors=0.1, seed=4)
    playable = [sq for sq in range(64) if sq not in (27, 28, 35, 36)]
    want = sorted(sorted(playable, key=lambda sq: py_draw(4, 0xA2C4, sq))[:6])
    assert spec.anchor_squares_from_anchors() == want
    # Split lengths: the paper's numpy global stream, one randint(1, 4) per square language 0 does
    # not copy (the anchored squares are copied by language 1 only, so language 0 draws all 60).
    np.random.seed(4)
    assert spec.split_lengths()[0, playable].tolist() == [np.random.randint(1, 4) for _ in playable]


def test_language_of_games_rotates_by_a_seeded_offset_per_block():
    ids = np.arange(40, dtype=np.uint64)
    got = language_of_games(ids, [0, 1, 2, 3], seed=9)
    want = [(i + py_draw(9, (i // 4) ^ 0x1A9E) % 4) % 4 for i in range(40)]
    assert got.tolist() == want
    assert all(sorted(got[b:b + 4]) == [0, 1, 2, 3] for b in range(0, 40, 4))
    some = language_of_games(ids, [1, 3, 4], seed=9)  # input languages: the same rotation over them
    assert some.tolist() == [[1, 3, 4][(i + py_draw(9, (i // 3) ^ 0x1A9E) % 3) % 3] for i in range(40)]


def test_game_hash_chains_the_padded_row_words():
    moves = np.full((1, 60), 255, dtype=np.uint8)
    moves[0, :3] = [19, 18, 17]
    row = bytes(moves[0]) + b"\xff" * 4
    h = 0x6A09E667F3BCC908
    for i in range(8):
        h = py_mix64(h ^ int.from_bytes(row[8 * i: 8 * i + 8], "little"))
    assert int(game_hashes(moves)[0]) == h


@pytest.mark.parametrize("width", [1, 3, 60, 64, 65, 70, 128])
def test_game_hashes_of_random_rows_of_any_width(width):
    """Every row and width against the pure-Python definition (255 padding to >= 64 bytes, a
    multiple of 8; little-endian words; chained mix64 from the IV)."""
    rows = np.random.default_rng(width).integers(0, 256, size=(25, width), dtype=np.uint8)
    got = game_hashes(rows)
    for r in range(len(rows)):
        raw = bytes(rows[r]) + b"\xff" * (max(64, -(-width // 8) * 8) - width)
        h = 0x6A09E667F3BCC908
        for i in range(len(raw) // 8):
            h = py_mix64(h ^ int.from_bytes(raw[8 * i: 8 * i + 8], "little"))
        assert int(got[r]) == h
    assert game_hashes(np.zeros((0, width), dtype=np.uint8)).shape == (0,)


def test_permutations_are_seeded_and_complete():
    a = rng.permutation(1000, 1, 2)
    assert sorted(a.tolist()) == list(range(1000))
    words = rng.draw(1, 2, np.arange(1000, dtype=np.uint64))  # distinct (mix64 is a bijection): no ties
    assert len(np.unique(words)) == 1000 and np.array_equal(a, np.argsort(words, kind="stable"))
    assert np.array_equal(a, rng.permutation(1000, 1, 2))
    assert not np.array_equal(a, rng.permutation(1000, 1, 3))
    p = rng.Permutations(5, 6)
    first, second = p.permutation(50), p.permutation(50)
    assert not np.array_equal(first, second)
    assert np.array_equal(first, rng.permutation(50, 5, 6, 0))
