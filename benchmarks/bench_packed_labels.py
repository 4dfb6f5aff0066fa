"""Packed vs per-position probing labels through the loader, measured in the same run (ABAB).

    python benchmarks/bench_packed_labels.py                # makes a 200k-game, 4-language dataset
    python benchmarks/bench_packed_labels.py --data DIR --json results/packed_labels.json

For ``board_state`` + ``legal_moves``, batch 512: games per second of a full pass over the train
split with the loader's C++ per-position labels (``pack_labels=False``) and with packed labels
(``pack_labels=True``, not expanded: what a GPU run moves before ``expand_labels`` on the device),
in one process and through ``GameLoader`` with 2 worker processes; also packed + ``expand_labels`` on
the CPU. Alternates the variants and reports the median of ``--repeats`` passes of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import machine, require_release_build, write_results  # noqa: E402
from bench_loader import make_dataset, remove_generated  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="existing dataset directory (default: generate one)")
    parser.add_argument("--games", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", help="write results to this JSON file (and a .md table beside it)")
    args = parser.parse_args()
    build = require_release_build()
    from mothello_data.torch import GameDataset, GameLoader, expand_labels

    data = args.data or make_dataset(args.games, "atomic,atomic,atomic,atomic")
    try:
        kwargs = dict(split="train", batch_size=512, labels=["board_state", "legal_moves"], shuffle=False)
        plain, packed = GameDataset(data, **kwargs), GameDataset(data, pack_labels=True, **kwargs)
        variants = {
            "per_position_1_process": (plain, 0, False), "packed_1_process": (packed, 0, False),
            "per_position_2_workers": (plain, 2, False), "packed_2_workers": (packed, 2, False),
            "packed_expanded_on_cpu_1_process": (packed, 0, True),
        }
        rates: dict = {k: [] for k in variants}
        for _ in range(args.repeats):
            for key, (ds, workers, expand) in variants.items():
                start, n = time.perf_counter(), 0
                for batch in GameLoader(ds, num_workers=workers):
                    n += len((expand_labels(batch) if expand else batch)["lang"])
                rates[key].append(n / (time.perf_counter() - start))
        results = {"machine": machine(), "build_type": build, "games": plain.index.total_rows}
        rows = []
        for key, values in rates.items():
            results[key] = statistics.median(values)
            rows.append((key.replace("_", " "), f"{results[key]:,.0f} games/s"))
        for where in ("1_process", "2_workers"):
            ratio = results[f"packed_{where}"] / results[f"per_position_{where}"]
            results[f"packed_over_per_position_{where}"] = ratio
            rows.append((f"packed / per position, {where.replace('_', ' ')}", f"{ratio:.2f}x"))
        write_results(results, rows, args.json)
    finally:
        remove_generated(args.data, data)


if __name__ == "__main__":
    main()
