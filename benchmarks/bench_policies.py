"""Speed and strength of the move policies (issue #14), measured in one run.

    python benchmarks/bench_policies.py                        # full run (a few minutes on one core)
    python benchmarks/bench_policies.py --quick                # smaller counts
    python benchmarks/bench_policies.py --json benchmarks/results/policies.json

Speed: games per second on one thread (median of --repeats runs after a warm-up) for each policy,
and its ratio to uniform play measured in the same run; uniform through the policy move source (a
uniform-vs-uniform match, same games) shows what the template keeps out of the default path.
Strength: policy-vs-policy matches (mothello_data.matches: paired colours, 6 random opening plies),
score = (wins + draws / 2) / games of the first policy, with a 95% interval (normal approximation).
"""

from __future__ import annotations

import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import machine, median_seconds, require_release_build, write_results  # noqa: E402

from mothello_data import engine  # noqa: E402
from mothello_data.matches import play_match  # noqa: E402
from mothello_data.policies import UNIFORM, parse_policy  # noqa: E402

# (policy, games per timed run at full size): each run takes a fraction of a second on one core
SPEED = [("uniform", 200_000), ("greedy", 50_000), ("mobility", 40_000), ("search:1", 20_000),
         ("search:2", 4_000), ("search:3", 800), ("search:4", 200)]
# (a, b, games): the ladder, neighbours and long jumps
MATCHES = [("greedy", "uniform", 4000), ("mobility", "uniform", 4000), ("mobility", "greedy", 4000),
           ("search:1", "uniform", 4000), ("search:1", "mobility", 4000), ("search:2", "search:1", 2000),
           ("search:3", "uniform", 1000), ("search:3", "greedy", 1000), ("search:3", "search:1", 1000),
           ("search:3", "search:2", 1000), ("search:4", "search:3", 400)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a quarter of the games")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--match-threads", type=int, default=None, help="threads for the matches (default: all cores)")
    ap.add_argument("--json", help="write results here (and a .md table next to it)")
    args = ap.parse_args()
    build = require_release_build()
    scale = 4 if args.quick else 1
    results: dict = {"machine": machine(), "build": build, "kernel": engine.kernel(), "speed": {}, "matches": []}
    rows = []
    base = None
    for name, n in SPEED:
        n = max(50, n // scale)
        policy = parse_policy(name)
        rate = n / median_seconds(lambda: engine.generate(n, seed=1, threads=1, policy=policy), args.repeats)
        base = base or rate
        results["speed"][name] = {"games_per_s": rate, "ratio_to_uniform": rate / base}
        rows.append((f"{name}: games/s, 1 thread", f"{rate:,.0f} ({rate / base:.4f} x uniform)"))
    n = 200_000 // scale
    via = n / median_seconds(lambda: engine.generate(n, seed=1, threads=1, policy=UNIFORM, white_policy=UNIFORM), args.repeats)
    results["speed"]["uniform via the policy source"] = {"games_per_s": via, "ratio_to_uniform": via / base}
    rows.append(("uniform through the policy source (same games)", f"{via:,.0f} ({via / base:.2f} x the uniform path)"))
    for a, b, games in MATCHES:
        games = max(100, games // scale)
        r = play_match(parse_policy(a), parse_policy(b), games, seed=2026, threads=args.match_threads)
        score = (r["wins"] + 0.5 * r["draws"]) / r["games"]
        half = 1.96 * math.sqrt(max(score * (1 - score), 1e-9) / r["games"])
        results["matches"].append({"a": a, "b": b, **r, "score": score, "ci95": half})
        rows.append((f"{a} vs {b} ({r['games']} games)",
                     f"score {score:.3f} ± {half:.3f}; W/D/L {r['wins']}/{r['draws']}/{r['losses']}; discs {r['disc_margin']:+.1f}"))
    write_results(results, rows, args.json)


if __name__ == "__main__":
    main()
