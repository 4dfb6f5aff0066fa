"""``mothello-gen``: generate a multilingual Othello dataset as Parquet shards.

Also ``python -m mothello_data``. ``mothello-gen verify DIR`` checks a finished dataset.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from typing import Optional

from . import __version__, engine
from .backends import BACKENDS, BackendError, require_dask, run_shards
from .jobs import JobError
from .card import write_atomic, write_sidecars
from .config import from_settings, load_experiment
from .languages import LANGUAGE_TYPES, LanguageSpec, SpecError, resolve_types
from .plan import DEFAULT_GAMES, DEFAULT_GAMES_PER_SHARD, DEFAULT_SPLITS, Plan, identity_diffs, parse_splits
from .schema import LABEL_KINDS, parse_labels
from .shards import ShardRecord, file_sha256, remove_stale_temporaries

RUN_FILE = ".mothello-run.json"  # the plan of an unfinished run, for --resume
OUTPUTS = ("data", "README.md", "vocab.json", "manifest.json", RUN_FILE)

EXAMPLES = """examples:
  mothello-gen --langs 4 --anchors 0.1 --out data/
      2 million games, each in one of 4 atomic languages sharing 6 anchor moves
  mothello-gen --games 20000000 --langs 1 --out othello-world/
      the Othello-GPT synthetic corpus (one language, Othello-World token ids)
  mothello-gen --langs 3 --lang-types atomic,split,compositional --parallel --out par/
      every game in all 3 languages, for alignment probes
  mothello-gen --config experiment.toml --out exp/      (JSON, TOML or a mOthello config file)
  mothello-gen verify data/
  mothello-gen --games 1000000000 --langs 4 --out /shared/big --shard-index $I --num-shards 64
      job I of a 64-job array (any order, any machine); then: mothello-gen finalize /shared/big
  mothello-gen --langs 4 --out /shared/d --backend dask --scheduler tcp://head:8786

subcommands: mothello-gen verify DIR (check a dataset), mothello-gen finalize DIR (merge a
split run); each has --help.

Load the result with datasets.load_dataset("parquet", data_dir="data/data") or
datasets.load_dataset("data/"); train from it with mothello_data.torch.make_loader("data/")
(padded batches, unified or next-token targets, probing labels). Same arguments give byte-identical shards on any machine and
any --threads; an interrupted run is finished with --resume.
"""


class UsageError(Exception):
    """Bad arguments or a refused output folder: one line on stderr, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line (no usage block)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="mothello-gen",
        description="Generate uniformly random Othello games in several artificial languages "
        "(the mOthello / Othello-GPT setups) as Parquet shards with a dataset card.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"mothello-data {__version__}")
    g = p.add_argument_group("games")
    g.add_argument("--games", type=int, help=f"number of games (default {DEFAULT_GAMES:,}, or the sum of --splits counts)")
    g.add_argument("--seed", type=int, help="seed of the games; game i is a pure function of (seed, i) (default 0)")
    g.add_argument("--splits", help=f"split sizes as fractions or counts (default {DEFAULT_SPLITS})")
    l = p.add_argument_group("languages")
    l.add_argument("--langs", type=int, help="number of languages (default 1)")
    l.add_argument("--lang-types", help=f"one type for all languages or a comma list ({', '.join(LANGUAGE_TYPES)}; default atomic)")
    l.add_argument("--anchors", type=float, help="fraction of the 60 moves whose token all languages share (default 0)")
    l.add_argument("--anchor-moves", help="comma list of anchored squares instead, e.g. c4,d3,19")
    l.add_argument("--language-seed", type=int, help="seed of split lengths and anchor choice (default: --seed)")
    l.add_argument("--lang-tags", action="store_true", help="start every sequence with a language tag token")
    l.add_argument("--config", metavar="FILE", help="experiment file (JSON, TOML or mOthello dict); flags override it")
    o = p.add_argument_group("output")
    o.add_argument("--out", metavar="DIR", help="output folder (required)")
    o.add_argument("--games-per-shard", type=int, help=f"games per Parquet file (default {DEFAULT_GAMES_PER_SHARD:,})")
    o.add_argument("--labels", help=f"per-ply label columns: none, all or a comma list of {', '.join(LABEL_KINDS)} (default none)")
    o.add_argument("--parallel", action="store_true", help="write every game in every language (default: one language per game)")
    o.add_argument("--overwrite", action="store_true", help="replace an existing dataset in --out")
    o.add_argument("--resume", action="store_true", help="finish an interrupted run with the same arguments")
    r = p.add_argument_group("run")
    r.add_argument("--threads", type=int, default=engine.default_threads(), help="worker threads (default: all cores, %(default)s here)")
    r.add_argument("--backend", choices=BACKENDS, default="threads",
                   help="threads in this process (default) or dask: shards as tasks on a Dask cluster (pip install \"mothello-data[dask]\")")
    r.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://head:8786 (default: a local cluster of --threads worker processes)")
    r.add_argument("--shard-index", type=int, metavar="I", help="write only the shards of job I (0-based) of --num-shards N; run finalize when all jobs are done")
    r.add_argument("--num-shards", type=int, metavar="N", help="number of jobs the run is split into (with --shard-index)")
    r.add_argument("--dry-run", action="store_true", help="print the plan and exit without writing")
    r.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    return p


def plan_from_args(args: argparse.Namespace) -> Plan:
    settings: dict = {}
    spec: Optional[LanguageSpec] = None
    if args.config:
        spec, settings = load_experiment(args.config)
    lang_flags = any(v is not None for v in (args.langs, args.lang_types, args.anchors, args.anchor_moves, args.language_seed)) or args.lang_tags
    seed = args.seed if args.seed is not None else settings.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
        raise SpecError(f"--seed must be an integer in 0..2**64-1, got {seed}")
    if spec is None or lang_flags:
        base = spec.to_dict() if spec is not None else {}
        if args.langs is not None or args.lang_types is not None:
            n = args.langs if args.langs is not None else len(base.get("types", [])) or 1
            base["types"] = resolve_types(n, args.lang_types)
        if args.anchors is not None and args.anchor_moves is not None:
            raise SpecError("give --anchors or --anchor-moves, not both")
        if args.anchors is not None:
            base["anchors"] = args.anchors
        if args.anchor_moves is not None:
            base["anchors"] = [x.strip() for x in args.anchor_moves.split(",") if x.strip()]
        base["seed"] = args.language_seed if args.language_seed is not None else base.get("seed", seed)
        if args.lang_tags:
            base["lang_tags"] = True
        base.setdefault("types", ["atomic"])
        spec = LanguageSpec.from_dict(base)
    games = args.games if args.games is not None else settings.get("games")
    if games is not None and (isinstance(games, bool) or not isinstance(games, int) or games < 1):
        raise SpecError(f"--games must be a positive integer, got {games}")
    split_text = args.splits or settings.get("splits") or DEFAULT_SPLITS
    if isinstance(split_text, dict):
        split_text = ",".join(f"{k}={v}" for k, v in split_text.items())
    splits, games = parse_splits(str(split_text), games)
    if games < 1:
        raise SpecError("--splits: the splits hold no games")
    per_shard = args.games_per_shard if args.games_per_shard is not None else settings.get("games_per_shard", DEFAULT_GAMES_PER_SHARD)
    if isinstance(per_shard, bool) or not isinstance(per_shard, int) or per_shard < 1:
        raise SpecError(f"--games-per-shard must be a positive integer, got {per_shard}")
    labels = parse_labels(args.labels if args.labels is not None else settings.get("labels"))
    parallel = args.parallel or bool(settings.get("parallel", False))
    return Plan(spec=spec, games=games, seed=seed, splits=splits, games_per_shard=per_shard, labels=labels, parallel=parallel)


def describe(plan: Plan) -> str:
    shards = plan.shards()
    lines = [
        f"games: {plan.games:,} (seed {plan.seed}), rows: {plan.games * plan.rows_per_game():,}",
        f"languages: {', '.join(f'L{i}={t}' for i, t in enumerate(plan.spec.types))}; anchors: {len(plan.spec.overlap)} squares; vocabulary {plan.vocab.size} tokens",
        f"splits: {', '.join(f'{k}={v:,}' for k, v in plan.splits.items())}",
        f"shards: {len(shards)} ({shards[0].filename} ... {shards[-1].filename})",
        f"labels: {', '.join(plan.labels) or 'none'}; {'parallel corpus' if plan.parallel else 'one language per game'}",
    ]
    return "\n".join(lines)


# ---- output folder --------------------------------------------------------------------------


def prepare_out(out: str, plan: Plan, overwrite: bool, resume: bool) -> dict[str, dict]:
    """Check --out, handle --overwrite / --resume; returns records of shards already finished."""
    if overwrite and resume:
        raise UsageError("give --overwrite or --resume, not both")
    if os.path.exists(out) and not os.path.isdir(out):
        raise UsageError(f"--out {out} exists and is not a folder")
    identity = plan.identity()
    done: dict[str, dict] = {}
    if os.path.isdir(out) and os.listdir(out):
        run_path = os.path.join(out, RUN_FILE)
        if resume:
            if not os.path.exists(run_path):
                if os.path.exists(os.path.join(out, "manifest.json")):
                    raise UsageError(f"{out} holds a finished dataset; nothing to resume (use --overwrite to replace it)")
                raise UsageError(f"{out} holds no unfinished mothello-gen run to resume")
            with open(run_path) as f:
                previous = json.load(f)
            detail = identity_diffs(previous["plan"], identity)
            if detail:
                raise UsageError(f"--resume with different arguments ({detail})")
            remove_stale_temporaries(os.path.join(out, "data"))  # left by the killed run
            for rec in previous.get("finished", []):
                path = os.path.join(out, rec["file"])
                if os.path.exists(path) and file_sha256(path)[0] == rec["sha256"]:
                    done[rec["file"]] = rec
            return done
        if not overwrite:
            raise UsageError(f"--out {out} is not empty; use --overwrite to replace it or --resume to finish a run")
        for name in OUTPUTS:
            path = os.path.join(out, name)
            if os.path.isdir(path):
                shutil.rmtree(path)
            elif os.path.exists(path):
                os.remove(path)
    try:
        os.makedirs(os.path.join(out, "data"), exist_ok=True)
        probe = os.path.join(out, f".write-test-{os.getpid()}")
        with open(probe, "w"):
            pass
        os.remove(probe)
    except OSError as exc:
        raise UsageError(f"cannot write to --out {out}: {exc.strerror}") from None
    write_atomic(os.path.join(out, RUN_FILE), json.dumps({"plan": identity, "finished": []}, indent=1))
    return done


class RunJournal:
    """Records finished shards in the run file, so --resume can skip them."""

    def __init__(self, out: str, plan: Plan, done: dict[str, dict]) -> None:
        self.path = os.path.join(out, RUN_FILE)
        self.identity = plan.identity()
        self.finished = list(done.values())
        self.lock = threading.Lock()

    def add(self, record: ShardRecord) -> None:
        with self.lock:
            self.finished.append(record.to_json())
            write_atomic(self.path, json.dumps({"plan": self.identity, "finished": self.finished}, indent=1))


def use_system_memory_pool() -> None:
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        # Arrow's default mimalloc pool keeps freed pages per writer thread: peak RSS grew with the
        # number of shards (1.2 GiB for 2M games on 2 threads); the system pool stays flat.
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())


def progress_bar(total: int, initial: int, quiet: bool):
    if quiet or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    return tqdm(total=total, initial=initial, unit=" games", unit_scale=True, file=sys.stderr)


def run(plan: Plan, out: str, threads: int, argv: list[str], quiet: bool, done: dict[str, dict],
        backend: str = "threads", scheduler: Optional[str] = None) -> list[ShardRecord]:
    use_system_memory_pool()
    shards = plan.shards()
    todo = [s for s in shards if s.filename not in done]
    journal = RunJournal(out, plan, done)
    bar = progress_bar(plan.games, sum(s.n_games for s in shards if s.filename in done), quiet)
    try:
        fresh = {r.file: r for r in run_shards(plan, todo, out, threads, backend, scheduler, journal.add,
                                               bar.update if bar else None)}
    finally:
        if bar:
            bar.close()
    records = [fresh[s.filename] if s.filename in fresh else ShardRecord(**done[s.filename]) for s in shards]
    write_sidecars(out, plan, argv, records)
    os.remove(os.path.join(out, RUN_FILE))
    return records


def run_job(plan: Plan, args: argparse.Namespace, argv: list[str]) -> list[ShardRecord]:
    """One job of a split run: this job's unfinished shards, a record per shard, no manifest."""
    from .jobs import finished_record, job_shards, prepare_job, save_record

    mine = job_shards(plan, args.shard_index, args.num_shards)
    prepare_job(args.out, plan, ["mothello-gen"] + argv, args.overwrite)
    use_system_memory_pool()
    todo = [s for s in mine if finished_record(args.out, s) is None]
    bar = progress_bar(sum(s.n_games for s in mine), sum(s.n_games for s in mine if s not in todo), args.quiet)
    try:
        return run_shards(plan, todo, args.out, args.threads, args.backend, args.scheduler,
                          lambda r: save_record(args.out, r), bar.update if bar else None)
    finally:
        if bar:
            bar.close()


def finalize_main(argv: list[str]) -> int:
    from .jobs import finalize

    p = OneLineParser(prog="mothello-gen finalize",
                      description="Merge the shards of a split run (--shard-index/--num-shards) into one dataset: "
                      "checks every shard is finished, then writes manifest.json, README.md and vocab.json.")
    p.add_argument("dir", help="the shared --out folder of the jobs")
    p.add_argument("--check-hashes", action="store_true", help="re-hash every shard against its record (slow on big runs)")
    args = p.parse_args(argv)
    try:
        plan, records = finalize(args.dir, check_hash=args.check_hashes)
    except JobError as exc:
        print(f"mothello-gen finalize: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"mothello-gen finalize: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    print(f"finalized {args.dir}: {len(records)} shards, {sum(r.rows for r in records):,} rows", file=sys.stderr)
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["verify"]:
        from .verify import main as verify_main

        return verify_main(argv[1:])
    if argv[:1] == ["finalize"]:
        return finalize_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        plan = plan_from_args(args)
        if args.threads < 1:
            raise UsageError(f"--threads must be >= 1, got {args.threads}")
        split_run = args.shard_index is not None or args.num_shards is not None
        if split_run and (args.shard_index is None or args.num_shards is None):
            raise UsageError("give --shard-index and --num-shards together")
        if args.scheduler and args.backend != "dask":
            raise UsageError("--scheduler needs --backend dask")
        if args.backend == "dask" and not args.dry_run:
            require_dask(args.scheduler)
        if args.dry_run:
            print(describe(plan))
            if split_run:
                from .jobs import job_shards

                mine = job_shards(plan, args.shard_index, args.num_shards)
                print(f"job {args.shard_index} of {args.num_shards}: {len(mine)} shards" + (f" ({mine[0].filename} ...)" if mine else ""))
            return 0
        if not args.out:
            raise UsageError("--out DIR is required (where the dataset goes)")
        start = time.perf_counter()
        if split_run:
            records = run_job(plan, args, argv)
            if not args.quiet:
                print(f"job {args.shard_index} of {args.num_shards}: wrote {len(records)} shards to {args.out} in "
                      f"{time.perf_counter() - start:.1f} s; run `mothello-gen finalize {args.out}` when every job is done",
                      file=sys.stderr)
            return 0
        done = prepare_out(args.out, plan, args.overwrite, args.resume)
        records = run(plan, args.out, args.threads, ["mothello-gen"] + argv, args.quiet, done, args.backend, args.scheduler)
        if not args.quiet:
            secs = time.perf_counter() - start
            rows = sum(r.rows for r in records)
            print(f"wrote {rows:,} rows in {len(records)} shards to {args.out} in {secs:.1f} s ({plan.games / secs:,.0f} games/s)", file=sys.stderr)
        return 0
    except (SpecError, UsageError, BackendError, JobError) as exc:
        print(f"mothello-gen: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"mothello-gen: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mothello-gen: interrupted; finished shards are kept, finish with --resume", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
