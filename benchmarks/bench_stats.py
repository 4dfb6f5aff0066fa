"""`mothello-gen stats` against generating the same data, in one run (issue 13).

    python benchmarks/bench_stats.py                      # 2M games, 3 rounds
    python benchmarks/bench_stats.py --games 20000000 --repeats 1
    python benchmarks/bench_stats.py --json benchmarks/results/stats.json
    python benchmarks/bench_stats.py --steps --games 200000   # where one-thread stats time goes
    python benchmarks/bench_stats.py --compare OTHER/.venv/bin/python   # A/B against another build

Each round generates the dataset (``mothello-gen --langs 4 --anchors 0.1 --games N``) into a
temporary folder, then runs ``mothello-gen stats`` on it (default ``--max-ply 32`` and
``--threads``, its temporary files in a folder of their own), each as a child process: wall time,
CPU time (user + system) and peak RSS of that child (``os.wait4``), and the peak size of the
stats run's temporary files (sampled every 0.5 s). Reported: the median over rounds, the stats /
generate ratios, and the load average before and after (the machine may be shared). The datasets
are removed. ``--compare PYTHON`` also runs ``stats`` on each dataset with another environment's
Python (another build), the two runs in alternating order, and reports both and their ratio.
``--steps`` instead times the steps of one ``stats`` pass in this process, on one thread
(CPU time per game of each step).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import machine, require_release_build, write_results  # noqa: E402


def folder_bytes(path: str) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:  # removed while walking
                pass
    return total


def run_child(cmd: list, env: dict | None = None, watch: str | None = None) -> dict:
    """Wall, CPU (user + system) and peak RSS of one child; with ``watch``, the peak size of that folder."""
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            peak[0] = max(peak[0], folder_bytes(watch))

    sampler = threading.Thread(target=sample) if watch else None
    start = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    if sampler:
        sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    if sampler:
        sampler.join()
    if status != 0:
        sys.exit(f"error: {' '.join(cmd)} failed ({status})")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mib": usage.ru_maxrss / 1024,
            **({"temp_disk_peak_gb": peak[0] / 1e9} if watch else {})}


def steps(games: int, tmpdir: str | None) -> None:
    """CPU time per game of each step of a one-thread ``stats`` pass (functions wrapped with timers of
    the calling thread's CPU; the total is the process's, reading thread included)."""
    from mothello_data import engine, stats, transpositions

    spent: dict = {}

    def timed(owner, name: str, label: str) -> None:
        fn = getattr(owner, name)

        def wrapper(*a, **k):
            start = time.thread_time()  # this thread's: the reading runs ahead on another
            try:
                return fn(*a, **k)
            finally:
                spent[label] = spent.get(label, 0.0) + time.thread_time() - start
        setattr(owner, name, wrapper)

    timed(stats, "world_ply_columns", "replay: passes and the canonical hash up to ply 32 (C++)")
    timed(stats, "canonical_rows", "symmetric rows (duplicates, openings)")
    timed(stats, "passes_per_game", "passes (counted by the replay)")
    timed(stats, "game_hashes", "game hashes (duplicates)")
    timed(stats._OpeningCounter, "add", "openings")
    timed(transpositions.TranspositionFinder, "add", "the searches' nodes, with their partition file writes (C++)")
    timed(transpositions.TranspositionFinder, "counts", "sorting and counting the partitions (C++)")
    root = tempfile.mkdtemp(prefix="mothello-stats-steps-", dir=tmpdir)
    try:
        data = os.path.join(root, "ds")
        subprocess.run([sys.executable, "-m", "mothello_data", "--langs", "4", "--anchors", "0.1", "--games", str(games),
                        "--out", data, "--quiet"], check=True)
        start = time.process_time()
        stats.collect(data, 32, threads=1, progress=False)
        total = time.process_time() - start
    finally:
        shutil.rmtree(root, ignore_errors=True)
    order = sorted(spent, key=lambda k: -spent[k])
    rows = [(label, f"{spent[label] / games * 1e6:.2f} us/game") for label in order]
    rows.append(("everything else (reading the shards on its thread, tokens, labels, ...)",
                 f"{(total - sum(spent.values())) / games * 1e6:.2f} us/game"))
    rows.append((f"total, one thread ({games:,} games; engine kernel {engine.kernel()})", f"{total / games * 1e6:.2f} us/game"))
    write_results({"machine": machine(), "games": games, "cpu_s": spent, "total_cpu_s": total}, rows, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--games", type=int, default=2_000_000, help="games per dataset (default 2000000)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of generate + stats (median reported)")
    parser.add_argument("--tmpdir", help="where the datasets and stats' temporary files go (default: TMPDIR)")
    parser.add_argument("--json", help="write results to this JSON file (and a .md table beside it)")
    parser.add_argument("--steps", action="store_true", help="time the steps of one one-thread stats pass instead")
    parser.add_argument("--compare", metavar="PYTHON", help="also run stats with this Python (another build's environment) "
                        "on each dataset, interleaved with this one's; reports both and the ratio")
    args = parser.parse_args()
    build = require_release_build()
    if args.steps:
        return steps(args.games, args.tmpdir)
    gen = [sys.executable, "-m", "mothello_data"]
    rounds, load_before = [], os.getloadavg()
    for _ in range(args.repeats):
        root = tempfile.mkdtemp(prefix="mothello-stats-bench-", dir=args.tmpdir)
        try:
            data, scratch = os.path.join(root, "ds"), os.path.join(root, "tmp")
            os.makedirs(scratch)
            g = run_child(gen + ["--langs", "4", "--anchors", "0.1", "--games", str(args.games), "--out", data, "--quiet"])
            g["dataset_gb"] = folder_bytes(data) / 1e9
            runs = {"stats": sys.executable, **({"compare": args.compare} if args.compare else {})}
            order = list(runs) if len(rounds) % 2 == 0 else list(runs)[::-1]  # alternate which runs first
            done = {}
            for step in order:
                out = os.path.join(root, f"out-{step}")
                done[step] = run_child([runs[step], "-m", "mothello_data", "stats", data, "--quiet", "--out", out],
                                       env=dict(os.environ, TMPDIR=scratch), watch=scratch)
            rounds.append({"generate": g, **done})
        finally:
            shutil.rmtree(root, ignore_errors=True)
    steps_run = ("generate", "stats", "compare") if args.compare else ("generate", "stats")
    med = {step: {k: statistics.median(r[step][k] for r in rounds) for k in rounds[0][step]} for step in steps_run}
    results = {"machine": machine(), "build": build, "games": args.games, "rounds": rounds, "median": med,
               "stats_over_generate": {"wall": med["stats"]["wall_s"] / med["generate"]["wall_s"],
                                       "cpu": med["stats"]["cpu_s"] / med["generate"]["cpu_s"]},
               "loadavg_before": load_before, "loadavg_after": os.getloadavg()}
    g, s = med["generate"], med["stats"]
    rows = [(f"generate {args.games:,} games (`--langs 4 --anchors 0.1`)",
             f"{g['wall_s']:.1f} s wall, {g['cpu_s']:.1f} s CPU, {g['peak_rss_mib']:.0f} MiB peak RSS, {g['dataset_gb']:.2f} GB"),
            ("`mothello-gen stats` on it",
             f"{s['wall_s']:.1f} s wall, {s['cpu_s']:.1f} s CPU, {s['peak_rss_mib']:.0f} MiB peak RSS, "
             f"{s['temp_disk_peak_gb']:.2f} GB temporary disk at most"),
            ("stats / generate", f"{results['stats_over_generate']['wall']:.2f} x wall, {results['stats_over_generate']['cpu']:.2f} x CPU"),
            *([(f"`stats` with {args.compare}", f"{med['compare']['wall_s']:.1f} s wall, {med['compare']['cpu_s']:.1f} s CPU, "
                f"{med['compare']['peak_rss_mib']:.0f} MiB peak RSS"),
               ("stats / the compared build's", f"{s['wall_s'] / med['compare']['wall_s']:.3f} x wall, "
                f"{s['cpu_s'] / med['compare']['cpu_s']:.3f} x CPU")] if args.compare else []),
            ("load average before / after", f"{load_before[0]:.2f} / {results['loadavg_after'][0]:.2f}")]
    write_results(results, rows, args.json)


if __name__ == "__main__":
    main()
