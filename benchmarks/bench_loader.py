"""Loader throughput: games per second into padded tensors, with a baseline in the same run.

    python benchmarks/bench_loader.py                 # makes a 500k-game dataset in a temp dir
    python benchmarks/bench_loader.py --data DIR      # an existing mothello-gen output (train split)
    python benchmarks/bench_loader.py --json benchmarks/results/loader.json

Measures, median of several full passes over the train split, batch 512, one process unless said:
``GameDataset`` with unified targets; with on-the-fly ``board_state`` + ``legal_moves`` labels (C++
replay per batch); the same packed (``pack_labels=True``), without and with ``expand_labels`` on the
CPU, in 1 process and through ``GameLoader`` with 2 workers; with all four labels; through ``GameLoader`` with 2 worker processes (with and
without labels) and through a plain ``DataLoader`` with 2 workers; and the baseline
``datasets.load_dataset("parquet").with_format("torch")`` + ``DataLoader(collate_fn=GameCollator())``;
and ``StreamDataset`` (fresh games from the engine, as many per pass as the train split has rows), with
and without ``board_state`` + ``legal_moves``, in 1 process and through ``GameLoader`` with 2 workers.
Targets from issue 5: at least 200,000 games/s without labels, 50,000 with labels, one process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import machine, median_seconds, require_release_build, write_results  # noqa: E402


def make_dataset(games: int, lang_types: str) -> str:
    out = os.path.join(tempfile.mkdtemp(prefix="mothello-loader-bench-"), "ds")
    langs = len(lang_types.split(","))
    subprocess.run([sys.executable, "-m", "mothello_data", "--games", str(games), "--langs", str(langs),
                    "--lang-types", lang_types, "--anchors", "0.1", "--out", out, "--quiet"], check=True)
    return out


def remove_generated(given: str, data: str) -> None:
    """Delete the dataset :func:`make_dataset` made (``given``: the ``--data`` folder, never deleted)."""
    if not given:
        shutil.rmtree(os.path.dirname(data), ignore_errors=True)


def pass_rate(make_iter, repeats: int) -> float:
    """Games per second of a full pass (median of ``repeats`` after a warm-up pass)."""
    count = [0]

    def one_pass():
        n = 0
        for batch in make_iter():
            n += len(batch["lang"])
        count[0] = n

    seconds = median_seconds(one_pass, repeats)
    return count[0] / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="existing dataset directory (default: generate one)")
    parser.add_argument("--games", type=int, default=500_000, help="games to generate (default 500000)")
    parser.add_argument("--lang-types", default="atomic,atomic,atomic,atomic",
                        help="language types of the generated dataset (default 4 atomic)")
    parser.add_argument("--batch-size", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3, help="passes per measurement (median reported)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the datasets baseline")
    parser.add_argument("--json", help="write results to this JSON file (and a .md table beside it)")
    args = parser.parse_args()

    build = require_release_build()
    from torch.utils.data import DataLoader

    from mothello_data.torch import GameCollator, GameDataset, GameLoader, StreamDataset, expand_labels

    data = args.data or make_dataset(args.games, args.lang_types)
    try:
        bs = args.batch_size
        results = {"machine": machine(), "build_type": build, "batch_size": bs, "data": args.data or f"generated: {args.games} games, {args.lang_types}"}
        rows = []

        def measure(key, label, make_iter, repeats=args.repeats):
            rate = pass_rate(make_iter, repeats)
            results[key] = rate
            rows.append((label, f"{rate:,.0f} games/s"))
            print(f"{label}: {rate:,.0f} games/s", file=sys.stderr)
            return rate

        plain = GameDataset(data, split="train", batch_size=bs)
        results["train_rows"] = plain.index.total_rows
        measure("games_per_s", "GameDataset, unified targets, 1 process", lambda: iter(plain))
        labelled = GameDataset(data, split="train", batch_size=bs, labels=["board_state", "legal_moves"])
        measure("games_per_s_labels", "GameDataset + board_state + legal_moves (C++ replay), 1 process", lambda: iter(labelled))
        every = GameDataset(data, split="train", batch_size=bs, labels=["board_state", "legal_moves", "flipped", "player"])
        measure("games_per_s_all_labels", "GameDataset + all four labels, 1 process", lambda: iter(every))
        # Packed labels (issue 16): shipped as per-state bitboards; expand_labels on the consumer's side
        # (here the CPU of the main process; on a GPU it is a few kernel launches per batch).
        packed = GameDataset(data, split="train", batch_size=bs, labels=["board_state", "legal_moves"], pack_labels=True)
        measure("games_per_s_packed_labels", "GameDataset + board_state + legal_moves packed (not expanded), 1 process",
                lambda: iter(packed))
        measure("games_per_s_packed_labels_expanded", "the same + expand_labels on the CPU, 1 process",
                lambda: (expand_labels(b) for b in packed))
        measure("games_per_s_2_workers_packed_labels", "GameLoader with 2 workers + board_state + legal_moves packed",
                lambda: iter(GameLoader(packed, num_workers=2)))
        measure("games_per_s_2_workers_packed_labels_expanded", "the same + expand_labels on the CPU (main process)",
                lambda: (expand_labels(b) for b in GameLoader(packed, num_workers=2)))
        measure("games_per_s_2_workers", "GameLoader with 2 worker processes",
                lambda: iter(GameLoader(plain, num_workers=2)))
        measure("games_per_s_2_workers_labels", "GameLoader with 2 worker processes + board_state + legal_moves",
                lambda: iter(GameLoader(labelled, num_workers=2)))
        plain.pack_in_workers = False  # what a plain DataLoader gets: one shared-memory segment per tensor
        measure("games_per_s_2_workers_plain_dataloader", "plain DataLoader(batch_size=None) with 2 worker processes",
                lambda: iter(DataLoader(plain, batch_size=None, num_workers=2)))

        # The stream (issue 17): as many fresh games per pass as the train split has rows, played by
        # the engine after the dataset's last game id, its held-out games excluded.
        def stream_pass(ds, workers):
            def make_iter():
                ds.positions = {}  # each pass from the start (a pass moves the positions to the end)
                return iter(GameLoader(ds, num_workers=workers))
            return make_iter

        for key, label, labels in (("", "", ()), ("_labels", " + board_state + legal_moves", ("board_state", "legal_moves"))):
            stream = StreamDataset(held_out=data, batch_size=bs, games=results["train_rows"], labels=labels)
            measure(f"stream_games_per_s{key}", f"StreamDataset (fresh games){label}, 1 process", stream_pass(stream, 0))
            measure(f"stream_games_per_s_2_workers{key}", f"StreamDataset (fresh games){label}, GameLoader with 2 workers",
                    stream_pass(stream, 2))

        if not args.no_baseline:
            try:
                import datasets
            except ImportError:
                print("datasets is not installed: baseline skipped", file=sys.stderr)
            else:
                ds = datasets.load_dataset("parquet", data_dir=os.path.join(data, "data"), split="train").with_format("torch")
                n = min(len(ds), 50_000)  # it is slow: time a slice
                sub = ds.select(range(n))
                base = measure("baseline_datasets_collator", "baseline: datasets with_format('torch') + GameCollator, 1 process",
                               lambda: iter(DataLoader(sub, batch_size=bs, collate_fn=GameCollator())), repeats=1)
                results["speedup_vs_datasets"] = results["games_per_s"] / base
                rows.append(("GameDataset / datasets baseline", f"{results['speedup_vs_datasets']:.1f}x"))

        print(f"# {results['machine']['cpu']}, {results['machine']['cores']} cores, {build} build, "
              f"{results['train_rows']:,} train rows, batch {bs}, median of {args.repeats}")
        write_results(results, rows, args.json)
    finally:
        remove_generated(args.data, data)


if __name__ == "__main__":
    main()
