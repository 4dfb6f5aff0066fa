"""Generation throughput of the native engine, with baselines measured in the same run.

    python benchmarks/bench_generate.py            # full run (about a minute)
    python benchmarks/bench_generate.py --quick    # smaller counts
    python benchmarks/bench_generate.py --json results/generate.json --plot results/threads.png
    python benchmarks/bench_generate.py --quick --compare /path/to/other-build   # A/B against another build

Reports the median of several runs in games per second for: moves only and with per-ply labels
(packed bitboards), on 1 thread and on all cores; the portable "generic" kernel (no BMI2) as the
baseline for the run-time dispatched kernel; and the pure-Python Othello-World-style generator
(benchmarks/python_baseline.py) for the speed-up per core.

``--compare DIR`` measures the engine (1 thread, moves only and with labels) and ``mothello-gen``
end to end (2 threads) of this build and of the ``mothello_data`` package found in DIR (e.g. a build
of an older commit), each in a child process with that folder first on PYTHONPATH, alternating
between the two (ABBA order), and reports both figures and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from typing import Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import machine, median_seconds, require_release_build, write_results  # noqa: E402

from mothello_data import engine  # noqa: E402


# An editable install (pip install -e) finds this checkout's package through an import hook ahead of
# PYTHONPATH: a child measuring another build drops that hook first.
_NO_EDITABLE = ("sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in type(f).__module__.lower()"
                " and 'skbc' not in type(f).__module__.lower()];")


def _own_core(path: str) -> bool:
    """Whether the folder holds a built ``mothello_data/_core`` of its own (another build, not this
    editable checkout, whose ``_core`` lives with the install)."""
    import glob

    return any(glob.glob(os.path.join(path, "mothello_data", "_core*" + ext)) for ext in (".so", ".pyd"))


def engine_rate(n: int, threads: int, labels: bool, repeats: int) -> float:
    return n / median_seconds(lambda: engine.generate(n, seed=1, threads=threads, labels=labels), repeats)


def generic_kernel_rate(n: int, repeats: int) -> float:
    """The same measurement in a child process with the portable kernel forced."""
    code = (
        "import sys; sys.path.insert(0, %r);"
        "from bench_generate import engine_rate; from mothello_data import engine;"
        "assert engine.kernel() == 'generic'; print(engine_rate(%d, 1, False, %d))"
    ) % (os.path.dirname(os.path.abspath(__file__)), n, repeats)
    env = dict(os.environ, MOTHELLO_KERNEL="generic")
    return float(subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout)


def build_rate(path: str, n: int, labels: bool, repeats: int) -> tuple[float, str]:
    """Engine games/s (1 thread) of the mothello_data package under `path`, in a child process."""
    code = (
        "import sys; sys.path[:0] = [%r, %r];" + (_NO_EDITABLE if _own_core(path) else "") +
        "import mothello_data; assert mothello_data.__file__.startswith(%r), mothello_data.__file__;"
        "from bench_generate import engine_rate; from mothello_data import engine;"
        "print(engine_rate(%d, 1, %r, %d), engine.kernel())"
    ) % (path, os.path.dirname(os.path.abspath(__file__)), os.path.abspath(path), n, labels, repeats)
    env = dict(os.environ, PYTHONPATH=path)
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    rate, kernel = out.split()
    return float(rate), kernel


def compare(other: str, n: int, repeats: int, e2e_games: int, rounds: int = 5, json_path: Optional[str] = None) -> None:
    """This build against the build in `other`: the engine (median over alternating rounds, 1
    thread), then ``mothello-gen`` end to end (median of 3 alternating runs, 2 threads)."""
    import mothello_data

    this = os.path.dirname(os.path.dirname(os.path.abspath(mothello_data.__file__)))
    results, rows = {"machine": machine(), "this": this, "other": other, "games_per_call": n}, []
    for labels in (False, True):
        kind = "labels" if labels else "moves"
        runs = {"this": [], "other": []}
        for r in range(rounds):
            pair = [("other", other), ("this", this)]
            for name, path in pair[:: 1 if r % 2 == 0 else -1]:  # ABBA: neither build always goes first
                rate, kernel = build_rate(path, n, labels, repeats)
                runs[name].append(rate)
        a, b = statistics.median(runs["this"]), statistics.median(runs["other"])
        results[f"{kind}_1t"] = {"this": a, "other": b, "ratio": a / b}
        label = "moves + labels" if labels else "moves only"
        rows.append((f"other build ({other}), {label}, 1 thread, {kernel}", f"{b:,.0f} games/s"))
        rows.append((f"this build ({this}), {label}, 1 thread, {kernel}", f"{a:,.0f} games/s"))
        rows.append((f"this / other, {label}", f"{a / b:.3f}x"))
    e2e, cpu = {"this": [], "other": []}, {"this": [], "other": []}
    for r in range(3):  # end to end, 2 threads, alternating like above
        pair = [("other", other), ("this", this)]
        for name, path in pair[:: 1 if r % 2 == 0 else -1]:
            e2e[name].append(end_to_end(e2e_games, 2, 1, build=path, cpu_per_game=cpu[name])[0])
    a, b = statistics.median(e2e["this"]), statistics.median(e2e["other"])
    ca, cb = statistics.median(cpu["this"]), statistics.median(cpu["other"])
    results["end_to_end"] = {"this": a, "other": b, "ratio": a / b, "games": e2e_games,
                             "cpu_us_per_game": {"this": ca, "other": cb}}
    rows.append((f"other build, mothello-gen end to end ({e2e_games:,} games, 2 threads)", f"{b:,.0f} games/s, {cb:.2f} us CPU/game"))
    rows.append((f"this build, mothello-gen end to end ({e2e_games:,} games, 2 threads)", f"{a:,.0f} games/s, {ca:.2f} us CPU/game"))
    rows.append(("this / other, end to end", f"{a / b:.3f}x games/s, {cb / ca:.3f}x less CPU per game"))
    print(f"# {results['machine']['cpu']}, median of {rounds} alternating rounds x {repeats} runs of {n:,} games, "
          f"load average {results['machine']['loadavg_1min']} at the start")
    write_results(results, rows, json_path)


# Runs mothello-gen and prints its peak RSS (VmHWM, in kB) last on stderr. VmHWM belongs to the
# exec'd process alone; ru_maxrss would also count the benchmark's pages inherited at fork.
_RUN_AND_REPORT = (
    "import os, sys;"
    "exec(%r) if os.environ.get('MOTHELLO_BENCH_BUILD') else None;" % _NO_EDITABLE +
    "from mothello_data.cli import main; rc = main(sys.argv[1:]);"
    "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0];"
    "print(hwm, file=sys.stderr); sys.exit(rc)"
)


def end_to_end(games: int, threads: int, repeats: int, build: Optional[str] = None,
               paired: Optional[list] = None, cpu_per_game: Optional[list] = None) -> tuple[float, float]:
    """mothello-gen --langs 4 --anchors 0.1 (atomic, moves + tokens, zstd Parquet): median games/s
    and the largest peak RSS (MiB) over the runs; ``build``: a folder holding another
    ``mothello_data`` package to run instead of this one; ``paired``: a list that gets, per run,
    (end-to-end games/s, the engine's moves-only games/s on ``threads`` threads measured just
    before it, CPU microseconds per game of the run), for ratios that hold on a shared machine;
    ``cpu_per_game``: a list that gets each run's CPU microseconds per game."""
    import resource
    import shutil
    import tempfile

    rates, peaks = [], []
    for _ in range(repeats):
        engine_now = engine_rate(400_000, threads, False, 3) if paired is not None else None
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = tempfile.mkdtemp(prefix="mothello-bench-")
        try:
            cmd = [sys.executable, "-c", _RUN_AND_REPORT, "--langs", "4", "--anchors", "0.1", "--games", str(games),
                   "--threads", str(threads), "--quiet", "--overwrite", "--out", out]
            start = time.perf_counter()
            env = dict(os.environ, PYTHONPATH=build, MOTHELLO_BENCH_BUILD="1" if _own_core(build) else "") if build else None
            res = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
            rates.append(games / (time.perf_counter() - start))
            peaks.append(int(res.stderr.split()[-1]) / 1024)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - cpu_before.ru_utime + after.ru_stime - cpu_before.ru_stime) / games * 1e6
            if paired is not None:
                paired.append((rates[-1], engine_now, cpu))
            if cpu_per_game is not None:
                cpu_per_game.append(cpu)
        finally:
            shutil.rmtree(out, ignore_errors=True)
    return statistics.median(rates), max(peaks)


def plot_thread_sweep(sweep: dict, path: str, title: str) -> None:
    """PNG of engine games/s against threads, with the ideal linear line (needs matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot", file=sys.stderr)
        return
    threads = sorted(sweep)
    fig, ax = plt.subplots(figsize=(5, 3.5), dpi=120)
    for key, label in (("moves", "moves only"), ("labels", "moves + labels")):
        ax.plot(threads, [sweep[t][key] / 1e3 for t in threads], "o-", label=label)
        ax.plot(threads, [sweep[threads[0]][key] * t / threads[0] / 1e3 for t in threads], ":", color="grey")
    ax.axvline(len(os.sched_getaffinity(0)), color="grey", lw=0.8)
    ax.set_xlabel("engine threads (vertical line: cores)")
    ax.set_ylabel("thousand games / s")
    ax.set_xticks(threads)
    ax.set_title(title, fontsize=8)
    ax.legend(title="dotted: linear", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    print(f"plot written to {path}", file=sys.stderr)


def python_baseline_rate(n: int) -> float:
    from python_baseline import generate_games

    return n / median_seconds(lambda: generate_games(n, seed=1), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller counts, fewer repeats")
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement (median reported)")
    parser.add_argument("--json", help="write results to this JSON file (and a .md table beside it)")
    parser.add_argument("--plot", metavar="PNG", help="also plot games/s against threads 1..cores (needs matplotlib)")
    parser.add_argument("--compare", metavar="DIR",
                        help="only compare this build with the mothello_data package in DIR (engine and end to end)")
    args = parser.parse_args()

    build = require_release_build()
    n = 100_000 if args.quick else 400_000
    repeats = 3 if args.quick else args.repeats
    if args.compare:
        compare(args.compare, n, repeats, 400_000 if args.quick else 2_000_000, json_path=args.json)
        return
    cores = len(os.sched_getaffinity(0))
    results = {"machine": machine(), "build_type": build, "kernel": engine.kernel(), "games_per_call": n}
    rows = []

    for threads in sorted({1, cores}):
        for labels in (False, True):
            rate = engine_rate(n, threads, labels, repeats)
            key = f"engine_{'labels' if labels else 'moves'}_{threads}t"
            results[key] = rate
            rows.append((f"engine ({engine.kernel()}), {'moves + labels' if labels else 'moves only'}, {threads} thread(s)", f"{rate:,.0f} games/s"))
    if cores > 1:
        results["thread_scaling"] = results[f"engine_moves_{cores}t"] / results["engine_moves_1t"]
        rows.append((f"scaling {cores} threads / 1 thread (moves only)", f"{results['thread_scaling']:.2f}x"))

    sweep = {}
    # Throughput against thread count: powers of two up to the core count, the core count, and twice
    # it (oversubscribed: shows where it flattens).
    for threads in sorted({t for t in (1, 2, 4, 8, 16, 32, 64, 128) if t <= cores} | {cores, 2 * cores}):
        sweep[threads] = {
            "moves": results.get(f"engine_moves_{threads}t") or engine_rate(n, threads, False, repeats),
            "labels": results.get(f"engine_labels_{threads}t") or engine_rate(n, threads, True, repeats),
        }
    results["thread_sweep"] = sweep
    if args.plot:
        plot_thread_sweep(sweep, args.plot, f"{results['machine']['cpu']}, {engine.kernel()} kernel, median of {repeats}")

    generic = generic_kernel_rate(n, repeats)
    results["engine_moves_1t_generic"] = generic
    rows.append(("baseline: portable generic kernel, moves only, 1 thread", f"{generic:,.0f} games/s"))
    rows.append(("dispatched kernel / generic kernel", f"{results['engine_moves_1t'] / generic:.2f}x"))

    py_n = 100 if args.quick else 300
    py_rate = python_baseline_rate(py_n)
    results["python_baseline_1t"] = py_rate
    results["speedup_vs_python_per_core"] = results["engine_moves_1t"] / py_rate
    rows.append(("baseline: pure Python (Othello-World style), 1 core", f"{py_rate:,.1f} games/s"))
    rows.append(("speed-up per core over pure Python", f"{results['speedup_vs_python_per_core']:,.0f}x"))

    e2e_games = 500_000 if args.quick else 2_000_000
    paired: list = []
    rate, rss = end_to_end(e2e_games, cores, 1 if args.quick else 3, paired=paired)
    results["end_to_end_games_per_s"] = rate
    results["end_to_end_peak_rss_mib"] = rss
    ratio = rate / results[f"engine_moves_{cores}t"]
    results["end_to_end_over_engine"] = ratio
    results["end_to_end_paired"] = [{"end_to_end": a, f"engine_moves_{cores}t": b, "cpu_us_per_game": c} for a, b, c in paired]
    pair_ratio = statistics.median(a / b for a, b, _ in paired)
    results["end_to_end_over_engine_paired"] = pair_ratio
    cpu_us = statistics.median(c for _, _, c in paired)
    results["end_to_end_cpu_us_per_game"] = cpu_us
    rows.append((f"mothello-gen end to end, 4 atomic languages, 10% anchors, {e2e_games:,} games, {cores} threads",
                 f"{rate:,.0f} games/s ({ratio:.2f} of the engine's {cores}-thread moves-only rate above)"))
    rows.append((f"end to end / engine {cores}-thread rate measured just before each run (median of the pairs)",
                 f"{pair_ratio:.2f}"))
    rows.append(("mothello-gen CPU time per game (user + system, all threads)", f"{cpu_us:.2f} us"))
    rows.append(("mothello-gen peak RSS", f"{rss:,.0f} MiB"))

    print(f"# {results['machine']['cpu']}, {cores} cores, {build} build, kernel {engine.kernel()}, median of {repeats}")
    write_results(results, rows, args.json)


if __name__ == "__main__":
    main()
