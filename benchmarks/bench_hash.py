"""The position-hash kernels against each other (issue #13), in one process.

    python benchmarks/bench_hash.py                  # 1M positions from random games, 7 rounds
    python benchmarks/bench_hash.py --json benchmarks/results/hash.json

Times ``symmetry.position_hash`` (exact and canonical) with each kernel this CPU runs
(``symmetry.hash_kernels()``: scalar, avx2, avx512, avx512gfni), rounds interleaved so that load
from other programs falls on every kernel alike: median CPU time per position, and the speed-up
over the scalar kernel measured in the same rounds. The positions are every position before a ply
of random games (the game's distribution, not random bitboards); the results are checked equal.
The times include the binding's own work (argument checks, the copy into (black, white) pairs, the
output array), the same for every kernel: the kernels' own ratios are larger.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import machine, require_release_build, write_results  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--positions", type=int, default=1_000_000, help="positions to hash (default 1000000)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (median reported)")
    parser.add_argument("--json", help="write results to this JSON file (and a .md table beside it)")
    args = parser.parse_args()
    require_release_build()
    from mothello_data import engine, symmetry

    games = engine.generate(args.positions // 58 + 1, seed=1, labels=True)
    real = np.arange(games.moves.shape[1])[None, :] < games.lengths[:, None]
    boards, player = games.labels.board_before[real][: args.positions], games.labels.player[real][: args.positions]
    black, white = boards[:, 0].copy(), boards[:, 1].copy()
    kernels = symmetry.hash_kernels()
    spent = {(k, c): [] for k in kernels for c in (False, True)}
    want = {c: symmetry.position_hash(black, white, player, c, kernel="scalar") for c in (False, True)}
    load_before = os.getloadavg()
    for _ in range(args.rounds):
        for canonical in (False, True):
            for kernel in kernels:
                start = time.process_time()
                got = symmetry.position_hash(black, white, player, canonical, kernel=kernel)
                spent[kernel, canonical].append(time.process_time() - start)
                if not np.array_equal(got, want[canonical]):
                    sys.exit(f"error: the {kernel} kernel differs from the scalar one")
    n = len(black)
    med = {key: statistics.median(t) / n * 1e9 for key, t in spent.items()}
    rows = []
    for canonical in (False, True):
        for kernel in kernels:
            ratio = statistics.median(s / b for s, b in zip(spent["scalar", canonical], spent[kernel, canonical]))
            rows.append((f"{'canonical' if canonical else 'exact'} hash, {kernel}",
                         f"{med[kernel, canonical]:.2f} ns/position ({ratio:.2f}x scalar)"))
    rows.append(("load average before / after", f"{load_before[0]:.2f} / {os.getloadavg()[0]:.2f}"))
    results = {"machine": machine(), "positions": n, "rounds": args.rounds,
               "ns_per_position": {f"{k}/{'canonical' if c else 'exact'}": v for (k, c), v in med.items()}}
    write_results(results, rows, args.json)


if __name__ == "__main__":
    main()
