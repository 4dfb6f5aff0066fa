"""Shared helpers for the benchmark scripts: medians, machine facts, Release check, output."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from typing import Callable


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_cpu_seconds(fn: Callable[[], object], repeats: int) -> float:
    """Median CPU time of this process (all its threads) over ``repeats`` calls after one warm-up
    call: for single-threaded steps on a shared machine, where wall time counts other programs."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        with open("/proc/loadavg") as f:
            load = f.read().split()[0]  # other programs on a shared machine: quote it with the figures
    except OSError:
        load = None
    return {"cpu": cpu, "cores": len(os.sched_getaffinity(0)), "python": platform.python_version(), "loadavg_1min": load}


def require_release_build() -> str:
    from mothello_data import engine

    build = engine.build_type()
    if build != "Release":
        sys.exit(f"error: the engine is a {build!r} build; benchmarks only report Release builds")
    return build


def write_results(results: dict, rows: list[tuple[str, str]], json_path: str | None) -> None:
    """Print a Markdown table and optionally save JSON next to it (``.md`` with the same stem)."""
    table = ["| measurement | result |", "| --- | --- |"] + [f"| {a} | {b} |" for a, b in rows]
    print("\n".join(table))
    if json_path:
        with open(json_path, "w") as f:
            json.dump(results, f, indent=2)
        with open(os.path.splitext(json_path)[0] + ".md", "w") as f:
            f.write("\n".join(table) + "\n")
