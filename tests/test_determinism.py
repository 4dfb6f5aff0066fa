"""Game i of a run is a pure function of (seed, i): threads, batches and kernels never matter."""

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

from mothello_data import engine


def digest(games) -> str:
    h = hashlib.sha256(games.moves.tobytes() + games.lengths.tobytes())
    if games.labels is not None:
        for name in ("board_before", "board_after", "legal", "flipped", "player", "passed"):
            h.update(getattr(games.labels, name).tobytes())
    return h.hexdigest()


def test_same_seed_is_byte_identical_for_1_2_and_7_threads():
    digests = {digest(engine.generate(20_000, seed=99, threads=t, labels=True)) for t in (1, 2, 7)}
    assert len(digests) == 1


def test_different_seeds_differ():
    a = engine.generate(1000, seed=1)
    b = engine.generate(1000, seed=2)
    assert (a.moves != b.moves).any(axis=1).mean() > 0.99


def test_first_game_index_continues_a_run_exactly():
    whole = engine.generate(5000, seed=42, threads=2)
    head = engine.generate(1234, seed=42, first_game_index=0, threads=1)
    tail = engine.generate(5000 - 1234, seed=42, first_game_index=1234, threads=3)
    np.testing.assert_array_equal(whole.moves, np.concatenate([head.moves, tail.moves]))
    np.testing.assert_array_equal(whole.lengths, np.concatenate([head.lengths, tail.lengths]))


def test_games_are_distinct_within_a_run():
    games = engine.generate(20_000, seed=3)
    assert len({row.tobytes() for row in games.moves}) == len(games)


def test_generic_and_bmi2_kernels_agree():
    code = (
        "from mothello_data import engine;"
        "import hashlib;"
        "g = engine.generate(5000, seed=8, labels=True);"
        "print(engine.kernel(), hashlib.sha256(g.moves.tobytes() + g.labels.legal.tobytes()).hexdigest())"
    )
    outputs = {}
    for forced in ("generic", ""):
        env = dict(os.environ, MOTHELLO_KERNEL=forced)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        kernel, h = out.stdout.split()
        outputs[forced or "dispatched"] = (kernel, h)
    assert outputs["generic"][0] == "generic"
    if outputs["dispatched"][0] == "generic":
        pytest.skip("this CPU has no BMI2: only the generic kernel can run")
    assert outputs["dispatched"][0] == "bmi2"  # two different kernels really ran
    assert outputs["generic"][1] == outputs["dispatched"][1]
