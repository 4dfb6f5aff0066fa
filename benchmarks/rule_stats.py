"""Random-play statistics per rule set (issue #15): mean placements, pass share, early-end share, cuts.

    python benchmarks/rule_stats.py [--games 1000000] [--max-plies 120]

Plays uniformly random games with the engine for each rule, with written passes (so passes can be
counted) and a generous cut, and prints a markdown table plus ``benchmarks/results/rule_stats.json``.
"Early end": the game is over before the board is full (classic/nomidflip: fewer than 60
placements; delflank: over before the cut). The plain-Python reference engine's figures on a few
thousand games (``benchmarks/reference_perft_rules.py stats``) are the independent cross-check.
"""

from __future__ import annotations

import argparse
import json
import os

import numpy as np

from mothello_data import engine


def rule_stats(rule: str, games: int, max_plies: int, seed: int = 1) -> dict:
    g = engine.generate(games, seed=seed, rules=rule, pass_token=True, max_plies=max_plies)
    rows = g.moves
    passes = ((rows == engine.PASS_MOVE) & (np.arange(rows.shape[1])[None, :] < g.lengths[:, None])).sum(axis=1)
    placements = g.lengths.astype(np.int64) - passes
    full = placements == (64 - 4 if rule != "delflank" else 10**9)  # delflank never fills by placements alone
    return {
        "rule": rule, "games": games, "max_plies": max_plies,
        "mean_placements": float(placements.mean()),
        "mean_written_moves": float(g.lengths.mean()),
        "pass_share": float((passes > 0).mean()),
        "mean_passes": float(passes.mean()),
        "early_end_share": float((g.ended & ~full).mean()),
        "cut_share": float((~g.ended).mean()),
        "max_written_moves": int(g.lengths.max()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--games", type=int, default=1_000_000)
    ap.add_argument("--max-plies", type=int, default=120)
    args = ap.parse_args()
    results = [rule_stats(rule, args.games, args.max_plies) for rule in engine.RULES]
    print(f"| rule | games | mean placements | games with a pass | early end | cut at {args.max_plies} |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(f"| {r['rule']} | {r['games']:,} | {r['mean_placements']:.2f} | {100 * r['pass_share']:.1f}% | "
              f"{100 * r['early_end_share']:.2f}% | {100 * r['cut_share']:.1f}% |")
    os.makedirs(os.path.join(os.path.dirname(__file__), "results"), exist_ok=True)
    with open(os.path.join(os.path.dirname(__file__), "results", "rule_stats.json"), "w") as f:
        json.dump({"command": f"python benchmarks/rule_stats.py --games {args.games} --max-plies {args.max_plies}",
                   "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
