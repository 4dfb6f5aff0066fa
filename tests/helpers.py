"""Helpers shared by the tests that drive ``mothello-gen`` as a user would (in a subprocess)."""

import hashlib
import os
import subprocess
import sys


def gen(*args, check=False):
    """Run ``python -m mothello_data ARGS``; with ``check``, assert it succeeded."""
    res = subprocess.run([sys.executable, "-m", "mothello_data", *map(str, args)], capture_output=True, text=True)
    if check:
        assert res.returncode == 0, res.stderr
    return res


def shard_hashes(out):
    """sha256 of every file under ``out/data``, by name."""
    data = os.path.join(out, "data")
    return {f: hashlib.sha256(open(os.path.join(data, f), "rb").read()).hexdigest() for f in sorted(os.listdir(data))}


def py_mix64(z: int) -> int:
    """SplitMix64's output function (Steele, Lea & Flood 2014), written out in plain Python: the
    independent reference for the engine's ``mix64``."""
    mask = (1 << 64) - 1
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


def ref_square(s, sq):
    """Symmetry ``s`` of a square written with rows and columns (the independent reference of
    mothello_data.symmetry): ``s & 1`` mirrors files, ``s & 2`` flips ranks, then ``s & 4`` transposes."""
    r, c = divmod(sq, 8)
    if s & 1:
        c = 7 - c
    if s & 2:
        r = 7 - r
    if s & 4:
        r, c = c, r
    return 8 * r + c
