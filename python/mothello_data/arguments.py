"""The ``mothello-gen`` command line: its argument parsers, their help and examples.

Turning parsed arguments into a :class:`Plan` is :mod:`mothello_data.plan_settings`' job (re-exported
here); :func:`plan_from_argv` is exactly what ``mothello-gen`` builds from an argument list.
"""

from __future__ import annotations

import argparse
from typing import Sequence

from . import __version__, engine
from .backends import BACKENDS
from .plan import DEFAULT_GAMES, DEFAULT_GAMES_PER_SHARD, DEFAULT_SPLITS, Plan
from .plan_settings import describe, parse_input_languages, plan_from_args  # noqa: F401 (re-exported)
from .policies import MAX_DEPTH
from .rules import MAX_PLIES_LIMIT, RULE_TEXT
from .schema import LABEL_KINDS, WORLD_LABEL_KINDS
from .spec import LANGUAGE_TYPES

PROG = "mothello-gen"
MAX_THREADS = 1024

EXAMPLES = """examples:
  mothello-gen --langs 4 --anchors 0.1 --out data/
      2 million games, each in one of 4 atomic languages sharing 6 anchor moves
  mothello-gen --games 20000000 --langs 1 --out othello-world/
      the Othello-GPT synthetic corpus (one language, Othello-World token ids)
  mothello-gen --langs 3 --lang-types atomic,split,compositional --parallel --out par/
      every game in all 3 languages, for alignment probes
  mothello-gen --config experiment.toml --out exp/      (JSON, TOML or a mOthello config file)
  mothello-gen --config exp_configs/multiple_lang_types_unified_output.txt --out paper/
      the mOthello paper's languages and ids exactly (unified output: games in languages 1..4)
  mothello-gen --games 20000000 --moves-only --out moves/
      moves only; the loader encodes them per epoch into any experiment's languages
  mothello-gen --langs 4 --out data/ --resume
      finish a run that was interrupted (same arguments; finished shards are kept)
  mothello-gen --policy search:3 --epsilon 0.05 --games 1000000 --out strong/
      engine-played games: alpha-beta to depth 3, a random move at 5% of plies
  mothello-gen import WTHOR_2023.wtb WTHOR_2024.wtb --langs 4 --out wthor/
      real games (WTHOR or move-list files) in the same schema (mothello-gen import --help)
  mothello-gen --rules classic,nomidflip,delflank --pass-token --games 3000000 --out worlds/
      MetaOthello's worlds in one dataset: a rule column, passes written as moves, 64-square moves
  mothello-gen --lang-types atomic,iago --pass-token --out iago/
      MetaOthello's iago: a second language writing every move with another move's token
  mothello-gen verify data/
  mothello-gen --games 2000000 --split-by opening:6 --dedupe symmetric --labels hash,canonical_hash --out wm/
      world-model tests: no opening (up to symmetry) in two splits, position hashes per ply
  mothello-gen --games 1000000000 --langs 4 --out /shared/big --job-index $I --num-jobs 64
      job I of a 64-job array (any order, any machine); then: mothello-gen finalize /shared/big
  mothello-gen --langs 4 --out /shared/d --backend dask --scheduler tcp://head:8786

subcommands: mothello-gen verify DIR (check a dataset), mothello-gen finalize DIR (merge the jobs
of a split run), mothello-gen stats DIR (a report: stats.json, plots, a card section); each has --help.

Load the result with datasets.load_dataset("parquet", data_dir="data/data") or
datasets.load_dataset("data/"); train from it with mothello_data.torch.make_loader("data/")
(padded batches, unified or next-token targets, probing labels). Same arguments give byte-identical
shards on any machine and any --threads; an interrupted run is finished with --resume.
"""

FINALIZE_EPILOG = """example:
  mothello-gen finalize /shared/big      after every job of
  mothello-gen ... --out /shared/big --job-index I --num-jobs N   (I = 0 .. N-1) has finished

Refuses, listing them, while shards are missing; a failed job is simply run again.
"""


class UsageError(Exception):
    """Bad arguments: one line on stderr, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line (no usage block), exit status 2, and takes
    flags only spelled out in full (an abbreviation such as ``--thread`` would slip past the
    manifest's filter of per-process flags)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # type: ignore[override]
        """Print ``prog: error: message (see --help)`` and exit 2."""
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``mothello-gen [options]`` (generation; the subcommands have their own)."""
    p = OneLineParser(
        prog=PROG,
        description="Generate uniformly random Othello games in several artificial languages (the mOthello /\n"
        "Othello-GPT setups) as Parquet shards with a dataset card. --out must be empty, or hold an\n"
        "interrupted run (--resume) or a dataset to replace (--overwrite).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"mothello-data {__version__}")
    g = p.add_argument_group("games")
    g.add_argument("--games", type=int, help=f"number of games (default {DEFAULT_GAMES:,}, or the sum of --splits counts)")
    g.add_argument("--seed", type=int, help="seed of the games; game i is a pure function of (seed, i) (default 0)")
    g.add_argument("--splits", help=f"split sizes as fractions or counts (default {DEFAULT_SPLITS})")
    g.add_argument("--split-by", metavar="id|opening:K",
                   help="id (default): splits own game-id ranges; opening:K: a game's split is decided by its first K moves "
                        "up to the start's symmetries, so no opening occurs in two splits")
    g.add_argument("--dedupe", metavar="exact|symmetric",
                   help="drop a game repeated in a later split: exact repeats (default), or also repeats up to the start's symmetries")
    g.add_argument("--policy", metavar="NAME",
                   help="how moves are chosen: uniform (random legal moves, the default), greedy (most discs flipped), "
                   f"mobility (fewest opponent moves) or search:D (alpha-beta to depth D, 1..{MAX_DEPTH}); ties broken at random")
    g.add_argument("--epsilon", type=float, metavar="E",
                   help="with --policy: play a uniformly random legal move with probability E at each ply (default 0)")
    g.add_argument("--rules", metavar="LIST",
                   help="rule set(s), MetaOthello's worlds: " + "; ".join(f"{k}: {v}" for k, v in RULE_TEXT.items())
                   + ". Default classic; a comma list mixes them, each game one rule, stored in a rule column")
    g.add_argument("--pass-token", action="store_true",
                   help="write a pass as a move of its own (a token in every language, a move index, a ply)")
    g.add_argument("--max-plies", type=int, metavar="N",
                   help=f"cut a game after N written moves, 1..{MAX_PLIES_LIMIT} (default: no cut; 60 with delflank, "
                   "whose games need not end); the card counts the cut games")
    l = p.add_argument_group("languages")
    l.add_argument("--langs", type=int, help="number of languages (default 1, or as many as --lang-types lists)")
    l.add_argument("--lang-types", help=f"one type for all languages or a comma list ({', '.join(LANGUAGE_TYPES)}; default atomic)")
    l.add_argument("--anchors", type=float, help="fraction of the moves (60 squares, 64 with delflank) whose token all languages share (default 0)")
    l.add_argument("--anchor-moves", help="comma list of anchored squares instead, e.g. c4,d3,19")
    l.add_argument("--language-seed", type=int, help="seed of split lengths and anchor choice, 0..2**32-1 (the paper's train_seed; default: --seed)")
    l.add_argument("--input-languages", metavar="LIST",
                   help="languages the games are written in: all, or a list/range like 1-4 or 0,2 (default: all; "
                   "1..n-1 for a mOthello file with unified_output True, language 0 being its output space)")
    l.add_argument("--lang-tags", action="store_true", help="start every sequence with a language tag token")
    l.add_argument("--parallel", action="store_true",
                   help="parallel corpus: every game in every language, one row each (default: each game in one language)")
    l.add_argument("--config", metavar="FILE", help="experiment file (JSON, TOML or mOthello dict); flags override it")
    o = p.add_argument_group("output")
    o.add_argument("--out", metavar="DIR", help="output folder (required); must be empty unless --overwrite or --resume")
    o.add_argument("--games-per-shard", type=int, help=f"games per Parquet file (default {DEFAULT_GAMES_PER_SHARD:,})")
    o.add_argument("--moves-only", action="store_true",
                   help="store moves without token columns (lang, tokens, token_ply): the loader encodes them per "
                   "epoch (languages=\"sample\"), into this run's languages or any experiment's")
    o.add_argument("--labels", help=f"per-ply label columns: none, all (= {', '.join(LABEL_KINDS)}) or a comma list of kinds, "
                   f"also the world-model kinds {', '.join(WORLD_LABEL_KINDS)} (default none)")
    o.add_argument("--overwrite", action="store_true", help="replace the dataset or unfinished run in --out")
    o.add_argument("--resume", action="store_true", help="finish an interrupted run in --out (same arguments; finished shards are kept)")
    r = p.add_argument_group("run")
    r.add_argument("--threads", type=int, default=min(engine.default_threads(), MAX_THREADS), help=f"worker threads, 1..{MAX_THREADS} (default: all cores, %(default)s here)")
    r.add_argument("--backend", choices=BACKENDS, default="threads",
                   help="threads in this process (default) or dask: shards as tasks on a Dask cluster (pip install \"mothello-data[dask]\")")
    r.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://head:8786 (default: a local cluster of --threads worker processes)")
    r.add_argument("--job-index", type=int, metavar="I",
                   help="split run: write only the shards of job I (0-based) of --num-jobs N into a shared --out "
                   "(a job run again skips its finished shards); then run mothello-gen finalize DIR once")
    r.add_argument("--num-jobs", type=int, metavar="N", help="split run: number of jobs (with --job-index)")
    # The old names counted jobs, not shards; kept so existing job scripts keep working.
    r.add_argument("--shard-index", type=int, dest="job_index", help=argparse.SUPPRESS)
    r.add_argument("--num-shards", type=int, dest="num_jobs", help=argparse.SUPPRESS)
    r.add_argument("--dry-run", action="store_true", help="print the plan and exit without writing")
    r.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    return p


def build_finalize_parser() -> argparse.ArgumentParser:
    """The parser of ``mothello-gen finalize DIR``."""
    p = OneLineParser(prog=f"{PROG} finalize",
                      description="Merge the jobs of a split run (--job-index/--num-jobs) into one dataset: checks\n"
                      "that every shard is finished, then writes manifest.json, README.md and vocab.json, byte for\n"
                      "byte what a single run writes.",
                      epilog=FINALIZE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir", help="the shared --out folder of the jobs")
    p.add_argument("--check-hashes", action="store_true",
                   help="re-hash every shard against its record (slow on big runs; sizes are always checked)")
    return p


def check_run_args(args: argparse.Namespace) -> None:
    """Refuse flag combinations that make no sense, before anything is written (the job range is
    :func:`mothello_data.jobs.job_shards`'s check; ``--overwrite`` with ``--resume`` the folder
    policy's)."""
    if not 1 <= args.threads <= MAX_THREADS:
        raise UsageError(f"--threads must be in 1..{MAX_THREADS}, got {args.threads}")
    if (args.job_index is None) != (args.num_jobs is None):
        raise UsageError("give --job-index and --num-jobs together")
    if args.scheduler and args.backend != "dask":
        raise UsageError("--scheduler needs --backend dask")


# Flags that steer one process, not the data: left out of the manifest's argv, so that every job of
# a run, and a single run, record the same arguments.
STEERING_FLAGS = ("--threads", "--backend", "--scheduler", "--job-index", "--num-jobs", "--shard-index",
                  "--num-shards", "--quiet", "--resume", "--overwrite")


def manifest_argv(argv: Sequence[str]) -> list[str]:
    """``argv`` without the :data:`STEERING_FLAGS` (and their values): what the manifest records."""
    takes_value = {opt: action.nargs != 0 for action in build_parser()._actions for opt in action.option_strings}
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        name = arg.split("=", 1)[0]
        if name in STEERING_FLAGS:
            skip = takes_value[name] and "=" not in arg
        else:
            kept.append(arg)
    return kept


def plan_from_argv(argv: Sequence[str]) -> Plan:
    """The :class:`Plan` that ``mothello-gen`` builds from these arguments (without the program
    name), for driving :func:`mothello_data.shards.generate_shard` from your own scheduler."""
    return plan_from_args(build_parser().parse_args([str(a) for a in argv]))


