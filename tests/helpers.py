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
