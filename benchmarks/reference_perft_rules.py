"""Perft table and uniform-random-play statistics per rule set, from the pure-Python reference
engine (mothello_data.reference; an independent cross-check of the C++ engine's figures).

    python benchmarks/reference_perft_rules.py perft --seconds 60
    python benchmarks/reference_perft_rules.py stats --games 3000 --seed 1 --delflank-cut 400

perft: a forced pass counts as a move, a finished game is a leaf; each rule goes one depth deeper
while the previous depth took under seconds/8 (a depth costs about 6-18x the one before).
stats: placements = squares played, passes = forced passes, early end = over before 60 placements.
Prints markdown tables.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from mothello_data.reference import RULES, perft
from mothello_data.reference_games import random_game


def perft_table(seconds: float, max_depth: int) -> None:
    rows: dict[str, list[tuple[int, float]]] = {}
    for rule in RULES:
        rows[rule] = []
        for depth in range(1, max_depth + 1):
            t0 = time.perf_counter()
            count = perft(depth, rule)
            took = time.perf_counter() - t0
            rows[rule].append((count, took))
            print(f"# {rule} depth {depth}: {count} ({took:.1f} s)", file=sys.stderr, flush=True)
            if took > seconds / 8:
                break
    depth_cols = max(len(r) for r in rows.values())
    print("| rule | " + " | ".join(f"depth {d}" for d in range(1, depth_cols + 1)) + " |")
    print("|---|" + "---:|" * depth_cols)
    for rule, row in rows.items():
        cells = [f"{c:,}" for c, _ in row] + ["-"] * (depth_cols - len(row))
        print(f"| {rule} | " + " | ".join(cells) + " |")


def random_stats(games: int, seed: int, delflank_cut: int) -> None:
    print("| rule | games | mean placements | sd | min | max | games with a pass | mean passes | early end (< 60 placements) | cut |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    long_rows = []
    for k, rule in enumerate(RULES):
        rng = random.Random(seed * 1000 + k)
        cut = delflank_cut if rule == "delflank" else None
        t0 = time.perf_counter()
        played = [random_game(rng, rule, max_plies=cut) for _ in range(games)]
        took = time.perf_counter() - t0
        lengths = [len(g.moves) for g in played]
        with_pass = sum(g.passes > 0 for g in played)
        early = sum(g.over and len(g.moves) < 60 for g in played)
        cut_n = sum(not g.over for g in played)
        print(
            f"| {rule} | {games} | {statistics.mean(lengths):.3f} | {statistics.pstdev(lengths):.2f} | {min(lengths)} | {max(lengths)} "
            f"| {with_pass / games:.4f} | {statistics.mean(g.passes for g in played):.3f} | {early / games:.4f} | {cut_n / games:.4f} |"
        )
        print(f"# {rule}: {games} games in {took:.1f} s", file=sys.stderr, flush=True)
        if rule == "delflank":
            qs = statistics.quantiles(lengths, n=20)
            no_discs = sum(0 in (g.board.cells.count(0), g.board.cells.count(1)) for g in played)
            long_rows.append(
                f"delflank (cut {cut}): placements median {statistics.median(lengths):.0f}, 5%/25%/75%/95% "
                f"{qs[0]:.0f}/{qs[4]:.0f}/{qs[14]:.0f}/{qs[18]:.0f}; games over 60: {sum(n > 60 for n in lengths) / games:.4f}, "
                f"over 120: {sum(n > 120 for n in lengths) / games:.4f}, over 200: {sum(n > 200 for n in lengths) / games:.4f}, "
                f"cut at {cut}: {cut_n / games:.4f}; final position with one side wiped out: {no_discs / games:.4f}"
            )
        # MetaOthello's generator: tokens = placements + passes (+ 2 final passes when over), cut at 60,
        # and its data script keeps only games of exactly 60 tokens
        kept = sum((len(g.moves) + g.passes + (2 if g.over else 0)) >= 60 for g in played)
        long_rows.append(f"{rule}: share of games MetaOthello's 60-token filter keeps: {kept / games:.4f}")
    print()
    for line in long_rows:
        print("- " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("perft")
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--max-depth", type=int, default=8)
    s = sub.add_parser("stats")
    s.add_argument("--games", type=int, default=3000)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--delflank-cut", type=int, default=400)
    args = parser.parse_args()
    if args.what == "perft":
        perft_table(args.seconds, args.max_depth)
    else:
        random_stats(args.games, args.seed, args.delflank_cut)


if __name__ == "__main__":
    main()
