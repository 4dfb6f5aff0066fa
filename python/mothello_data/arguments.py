"""The ``mothello-gen`` command line: its argument parsers and turning arguments into a :class:`Plan`.

Owns the flags, their help and examples, and the rules that combine flags with an experiment file
(``--config``): :func:`plan_from_argv` is exactly what ``mothello-gen`` builds from an argument list.
Nothing here touches the file system except reading ``--config``.
"""

from __future__ import annotations

import argparse
from typing import Optional, Sequence

from . import __version__, engine
from .backends import BACKENDS
from .config import load_experiment
from .policies import MAX_DEPTH, parse_policy
from .schema import LABEL_KINDS, WORLD_LABEL_KINDS, parse_labels
from .shards import check_split_by
from .splits import check_dedupe, parse_split_by
from .spec import LANGUAGE_TYPES, MAX_LANGUAGE_SEED, LanguageSpec, SpecError, require_bool, require_int, resolve_types
from .plan import DEFAULT_GAMES, DEFAULT_GAMES_PER_SHARD, DEFAULT_SPLITS, MAX_GAMES, MAX_GAMES_PER_SHARD, Plan, parse_splits

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
    l = p.add_argument_group("languages")
    l.add_argument("--langs", type=int, help="number of languages (default 1)")
    l.add_argument("--lang-types", help=f"one type for all languages or a comma list ({', '.join(LANGUAGE_TYPES)}; default atomic)")
    l.add_argument("--anchors", type=float, help="fraction of the 60 moves whose token all languages share (default 0)")
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


def _setting(args: argparse.Namespace, settings: dict, name: str, config: Optional[str], rule: tuple, default=None):
    """The flag ``--name`` if given, else the config file's ``name``, else ``default``; each given
    value (the file's too, even when the flag overrides it) must be an integer in ``rule`` =
    ``(lo, hi, hi_text)``."""
    flag = "--" + name.replace("_", "-")
    if name in settings:
        _integer(settings[name], f"{config}: {name}", *rule)
    _integer(getattr(args, name), flag, *rule)
    return getattr(args, name) if getattr(args, name) is not None else settings.get(name, default)


def _integer(value, where: str, lo: int, hi: int, hi_text: str) -> None:
    """:func:`~mothello_data.spec.require_int` for a setting that was given (``None``: not given)."""
    if value is not None:
        require_int(value, where, lo, hi, hi_text)


def _comma_list(text: str, flag: str) -> list[str]:
    """The items of a comma list flag; an empty item is refused."""
    items = [x.strip() for x in text.split(",")]
    if not all(items):
        raise SpecError(f"{flag}: empty item in {text!r}")
    return items


def plan_from_args(args: argparse.Namespace) -> Plan:
    """The :class:`Plan` of parsed ``mothello-gen`` arguments: ``--config`` first, flags override it."""
    settings: dict = {}
    spec: Optional[LanguageSpec] = None
    if args.config:
        spec, settings = load_experiment(args.config)
    lang_flags = any(v is not None for v in (args.langs, args.lang_types, args.anchors, args.anchor_moves, args.language_seed,
                                             args.input_languages)) or args.lang_tags
    seed = _setting(args, settings, "seed", args.config, (0, 2**64 - 1, "2**64-1"), 0)
    _integer(args.language_seed, "--language-seed", 0, MAX_LANGUAGE_SEED, "2**32-1")  # the file's: LanguageSpec
    if spec is None or lang_flags:
        base = spec.to_dict() if spec is not None else {}
        if args.langs is not None or args.lang_types is not None:
            n = args.langs if args.langs is not None else len(base.get("types", [])) or 1
            if n != len(base.get("types", [])):
                base.pop("input_languages", None)  # another set of languages: the file's choice is void
            base["types"] = resolve_types(n, args.lang_types)
        if args.anchors is not None and args.anchor_moves is not None:
            raise SpecError("give --anchors or --anchor-moves, not both")
        if args.anchors is not None:
            base["anchors"] = args.anchors
        if args.anchor_moves is not None:
            base["anchors"] = _comma_list(args.anchor_moves, "--anchor-moves")
        if args.language_seed is None and "seed" not in base and seed > MAX_LANGUAGE_SEED:
            raise SpecError(f"--seed {seed} is above 2**32-1, the largest language seed (numpy's legacy generator, "
                            "as in the paper): give --language-seed too")
        base["seed"] = args.language_seed if args.language_seed is not None else base.get("seed", seed)
        if args.input_languages is not None:
            base["input_languages"] = parse_input_languages(args.input_languages)
        if args.lang_tags:
            base["lang_tags"] = True
        base.setdefault("types", ["atomic"])
        spec = LanguageSpec.from_dict(base)
    if spec.n_languages == 1 and spec.anchor_squares_from_anchors():
        raise SpecError("anchors need at least 2 languages (--langs): with one language no move is shared")
    games = _setting(args, settings, "games", args.config, (1, MAX_GAMES, "2**64 (game ids are 64-bit)"))
    split_text = settings.get("splits", DEFAULT_SPLITS)
    if isinstance(split_text, dict):
        split_text = ",".join(f"{k}={v}" for k, v in split_text.items())
    if not isinstance(split_text, str):
        raise SpecError(f"{args.config}: splits must be text like train=0.98,test=0.02 or a table, got {split_text!r}")
    split_text = args.splits if args.splits is not None else split_text
    splits, games = parse_splits(split_text, games)
    if games < 1:
        raise SpecError("--splits: the splits hold no games")
    if games > MAX_GAMES:
        raise SpecError(f"--splits: the splits hold {games:,} games, more than 2**64 (game ids are 64-bit)")
    per_shard = _setting(args, settings, "games_per_shard", args.config, (1, MAX_GAMES_PER_SHARD, "2**63-1"),
                         DEFAULT_GAMES_PER_SHARD)
    try:
        labels = parse_labels(settings.get("labels"))
    except SpecError as exc:
        raise SpecError(f"{args.config}: {exc}") from None
    if args.labels is not None:
        labels = parse_labels(args.labels)
    parallel, moves_only = settings.get("parallel", False), settings.get("moves_only", False)
    require_bool(parallel, f"{args.config}: parallel")
    require_bool(moves_only, f"{args.config}: moves_only")
    flags = getattr(args, "policy", None), getattr(args, "epsilon", None)  # import has neither
    in_file = flags == (None, None) and ("policy" in settings or "epsilon" in settings)
    policy = _checked(args.config if in_file else None, "policy", parse_policy,
                      flags[0] if flags[0] is not None else settings.get("policy", "uniform"),
                      flags[1] if flags[1] is not None else settings.get("epsilon"))
    split_by = _checked(args.config, "split_by", parse_split_by, settings.get("split_by"))
    dedupe = _checked(args.config, "dedupe", check_dedupe, settings.get("dedupe"))
    plan = Plan(spec=spec, games=games, seed=seed, splits=splits, games_per_shard=per_shard, labels=labels,
                parallel=args.parallel or parallel, moves_only=args.moves_only or moves_only,
                split_by=parse_split_by(args.split_by) if args.split_by is not None else split_by,
                dedupe=check_dedupe(args.dedupe) if args.dedupe is not None else dedupe, policy=policy)
    check_split_by(plan)
    return plan


def _checked(config: Optional[str], name: str, parse, *values):
    """``parse(*values)`` for a setting read from the ``--config`` file: its error names the file
    (``config`` None: the values came from flags, whose errors name the flag)."""
    try:
        return parse(*values)
    except SpecError as exc:
        if config is None:
            raise
        raise SpecError(f"{config}: {name}: {str(exc).split(': ', 1)[-1]}") from None


def parse_input_languages(text: str) -> Optional[list[int]]:
    """``--input-languages``: ``all`` (``None``) or a comma list of languages and ``a-b`` ranges."""
    if text.strip() == "all":
        return None
    out: list[int] = []
    for item in _comma_list(text, "--input-languages"):
        lo, dash, hi = item.partition("-")
        if not lo.strip().isdigit() or (dash and not hi.strip().isdigit()):
            raise SpecError(f"--input-languages: {item!r} is not a language number or a range like 1-4")
        first, last = int(lo), int(hi) if dash else int(lo)
        if last < first:
            raise SpecError(f"--input-languages: the range {item!r} is empty")
        out += range(first, last + 1)
    return out


def plan_from_argv(argv: Sequence[str]) -> Plan:
    """The :class:`Plan` that ``mothello-gen`` builds from these arguments (without the program
    name), for driving :func:`mothello_data.shards.generate_shard` from your own scheduler."""
    return plan_from_args(build_parser().parse_args([str(a) for a in argv]))


def describe(plan: Plan) -> str:
    """The plan in a few lines, as ``--dry-run`` prints it."""
    shards = plan.shards()
    lines = [
        f"games: {plan.games:,} (seed {plan.seed}), rows: {plan.games * plan.rows_per_game():,}",
        (f"source: import of {len(plan.imported['files'])} file(s): {plan.imported['n_rejected']:,} records rejected, "
         f"{plan.imported['n_repeats']:,} repeats {'dropped' if plan.imported['repeats_dropped'] else 'kept'}") if plan.imported
        else f"policy: {plan.policy.name}" + (f", epsilon {plan.policy.epsilon:g}" if plan.policy.epsilon else ""),
        f"languages: {', '.join(f'L{i}={t}' for i, t in enumerate(plan.spec.types))}; anchors: {len(plan.spec.overlap)} squares; vocabulary {plan.vocab.size} tokens",
        f"splits: {', '.join(f'{k}={v:,}' for k, v in plan.splits.items())}"
        + (f"; by opening of {plan.split_by} moves" if plan.split_by else "") + ("; symmetric dedupe" if plan.dedupe != "exact" else ""),
        f"shards: {shards.size:,} ({shards[0].filename} ... {shards[-1].filename})",
        f"labels: {', '.join(plan.labels) or 'none'}; "
        + ("moves only (no token columns)" if plan.moves_only else "parallel corpus" if plan.parallel else "one language per game")
        + ("" if plan.spec.input_languages is None else f" (input languages {', '.join(map(str, plan.spec.inputs))})"),
    ]
    return "\n".join(lines)
