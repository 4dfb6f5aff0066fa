"""``mothello-gen import FILES ...``: real games (WTHOR ``.wtb`` files, move lists) as a dataset.

The generator's own options (languages, anchors, ``--parallel``, ``--labels``, splits, shards,
``--resume``, split jobs, backends) apply unchanged; the games come from the files
(:mod:`mothello_data.importer`) instead of the engine, so ``--games``, ``--policy`` and
``--epsilon`` are refused. :func:`import_plan` turns the arguments into a plan; ``mothello-gen``
(:mod:`mothello_data.cli`) runs it like a generation plan.
"""

from __future__ import annotations

import argparse
import sys

from .arguments import PROG, UsageError, build_parser, check_run_args, plan_from_args
from .importer import FORMATS, read_games
from .shards import check_split_by
from .spec import SpecError

EPILOG = """examples:
  mothello-gen import WTH_2019.wtb WTH_2020.wtb WTH_2021.wtb --langs 4 --out wthor/
      three years of WTHOR tournament games in 4 languages (adds year, tournament, players, scores)
  mothello-gen import games.txt --drop-repeats --splits train=0.9,test=0.1 --out mine/
      one game per line: f5d6c3d3c4... or a JSON list like ["f5", "d6"] or [37, 43]
  mothello-gen verify wthor/

Every game is replayed; a record with a malformed or illegal move is not imported, is counted and
listed in manifest.json (config.import.rejected) and never stops the import. Repeats (the same
moves as an earlier game of the import) are listed and, with --drop-repeats, left out. game_id is
the game's position in the import (file order, then record order); the source files are recorded by
path and sha256, and --resume, split jobs and verify read them again.
"""


def build_import_parser() -> argparse.ArgumentParser:
    """The parser of ``mothello-gen import``: the generator's options plus the files and import flags."""
    p = build_parser()
    p.prog = f"{PROG} import"
    p.description = ("Turn existing Othello games into a dataset with the same schema, languages, labels, splits,\n"
                     "manifest, card and verify as generated ones. --out must be empty, or hold an\n"
                     "interrupted run (--resume) or a dataset to replace (--overwrite).")
    p.epilog = EPILOG
    for action in p._actions:  # the games come from the files: hide what does not apply (refused if given)
        if action.dest in ("games", "policy", "epsilon"):
            action.help = argparse.SUPPRESS
        elif action.dest == "seed":
            action.help = "seed of the language each game is written in (default 0)"
    g = p.add_argument_group("import")
    g.add_argument("files", nargs="+", metavar="FILE", help="WTHOR .wtb files or move-list files (one game per line)")
    g.add_argument("--format", choices=FORMATS, default="auto",
                   help="how to read the files: auto (.wtb is WTHOR, anything else move lists; default), wthor or moves")
    g.add_argument("--drop-repeats", action="store_true", help="leave out games whose moves repeat an earlier game of the import")
    return p


def import_plan(argv: list[str]):
    """``(args, plan, command)`` of ``mothello-gen import FILES [options]``: the parsed arguments,
    the plan of the imported games and the command line for the manifest. Raises like the
    generator's parsing (one-line errors)."""
    args = build_import_parser().parse_args(argv)
    for flag in ("games", "policy", "epsilon", "rules", "max_plies"):
        if getattr(args, flag) is not None:
            raise UsageError(f"--{flag.replace('_', '-')} does not apply to an import (the games come from the files)")
    if args.pass_token:
        raise UsageError("--pass-token does not apply to an import (real games are written with implicit passes)")
    check_run_args(args)
    imported = read_games(args.files, args.format, args.drop_repeats)
    rep = imported.report
    if not rep["games"]:
        raise SpecError(f"import: no game could be imported ({rep['n_rejected']} records rejected; first: "
                        f"{_first_reason(rep)})")
    args.games = rep["games"]
    plan = plan_from_args(args)
    plan.imported = rep
    check_split_by(plan)  # plan_from_args checked it before the plan knew it is an import
    if not args.quiet:
        print(f"import: {rep['games']:,} games from {len(rep['files'])} file(s); {rep['n_rejected']:,} records rejected, "
              f"{rep['n_repeats']:,} repeats {'dropped' if rep['repeats_dropped'] else 'kept'}, {rep['unfinished']:,} "
              "unfinished (listed in manifest.json, config.import)", file=sys.stderr)
    return args, plan, [PROG, "import", *argv]


def _first_reason(rep: dict) -> str:
    if rep["rejected"]:
        r = rep["rejected"][0]
        return f"{r['file']} {r['at']}: {r['reason']}"
    return "the files hold no games"
