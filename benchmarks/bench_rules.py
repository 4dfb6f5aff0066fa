"""Generation speed per rule variant (issue #15), against classic measured in the same run.

    python benchmarks/bench_rules.py                 # about a minute
    python benchmarks/bench_rules.py --quick         # smaller counts
    python benchmarks/bench_rules.py --json results/rules.json

Reports games per second on one thread (per core) for each rule (classic, nomidflip, delflank),
without and with written passes, moves only, at the default ``max_plies`` of the rule
(:func:`mothello_data.engine.max_plies_default`), and the ratio to classic without passes. The
configurations are measured in interleaved rounds (every round times each of them once, in a
rotating order) and each figure is the median over the rounds, so load from other processes hits
all of them alike. Also: mean written moves per game and the share of games cut at max_plies.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import machine, require_release_build, write_results  # noqa: E402

from mothello_data import engine  # noqa: E402

CONFIGS = [(rule, passes) for rule in engine.RULES for passes in (False, True)]


def timed(n: int, rule: str, passes: bool) -> float:
    start = time.perf_counter()
    engine.generate(n, seed=1, threads=1, rules=rule, pass_token=passes)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller counts")
    ap.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 7, quick 3)")
    ap.add_argument("--json", help="write the results as JSON (and a .md table next to it)")
    args = ap.parse_args(argv)
    require_release_build()
    n = 20_000 if args.quick else 100_000
    rounds = args.rounds or (3 if args.quick else 7)
    for rule, passes in CONFIGS:  # warm-up
        timed(1000, rule, passes)
    times: dict = {c: [] for c in CONFIGS}
    for r in range(rounds):
        k = r % len(CONFIGS)
        for c in CONFIGS[k:] + CONFIGS[:k]:
            times[c].append(timed(n, *c))
    base = n / statistics.median(times[("classic", False)])
    results = {"machine": machine(), "kernel": engine.kernel(), "games_per_call": n, "rounds": rounds,
               "loadavg": os.getloadavg(), "rules": []}
    rows = []
    for rule, passes in CONFIGS:
        rate = n / statistics.median(times[(rule, passes)])
        games = engine.generate(20_000, seed=2, threads=1, rules=rule, pass_token=passes)
        mean_len = float(games.lengths.mean())
        cut = float(1 - games.ended.mean())
        width = engine.max_plies_default(rule, passes)
        results["rules"].append({"rule": rule, "pass_token": passes, "max_plies": width, "games_per_s": rate,
                                 "ratio_to_classic": rate / base, "mean_moves": mean_len, "cut_share": cut})
        name = f"{rule}{' +pass' if passes else ''} (max_plies {width})"
        rows.append((f"{name}: games/s, 1 thread", f"{rate:,.0f} ({rate / base:.2f}x classic)"))
        rows.append((f"{name}: mean written moves, cut share", f"{mean_len:.2f}, {cut:.1%}"))
    rows.append(("kernel, load average at the end", f"{engine.kernel()}, {os.getloadavg()[0]:.2f}"))
    write_results(results, rows, args.json)


if __name__ == "__main__":
    main()
