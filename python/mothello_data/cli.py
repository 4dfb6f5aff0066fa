"""``mothello-gen`` (also ``python -m mothello_data``): parse, dispatch, report.

Dispatches to generation (:mod:`mothello_data.jobs`), ``verify`` (:mod:`mothello_data.verify`),
``stats`` (:mod:`mothello_data.stats`), ``finalize`` and ``import`` (:mod:`mothello_data.import_cli`), and turns their errors into one line on stderr and an exit status: 2 for bad
arguments or a refused run, 1 for a failing file system, 130 when interrupted.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Optional

# Arrow's allocator (mimalloc) keeps the memory it frees instead of returning it to the kernel after
# 10 ms: reading shards frees and takes back the same batch buffers all run long, and each return
# cost page faults on the next batch (stats spent 5-10% of its time there). Read by mimalloc when
# libarrow loads, so set before anything imports pyarrow; a value in the environment is kept.
if "pyarrow" not in sys.modules:
    os.environ.setdefault("MIMALLOC_PURGE_DELAY", "-1")

from . import engine  # noqa: E402
from .arguments import PROG, UsageError, build_finalize_parser, build_parser, check_run_args, describe, plan_from_args  # noqa: E402
from .backends import BackendError, require_dask  # noqa: E402
from .jobs import finalize, job_shards, prepare_out, run, run_job  # noqa: E402
from .spec import SpecError  # noqa: E402
from .symmetry import hash_kernel  # noqa: E402
from .records import RunError  # noqa: E402

REFUSALS = (SpecError, UsageError, BackendError, RunError)  # exit status 2


def generate_main(argv: list[str]) -> int:
    """``mothello-gen [options]``: a whole run, or one job of a split run."""
    args = build_parser().parse_args(argv)
    check_run_args(args)
    return execute(args, plan_from_args(args), [PROG, *argv])


def execute(args, plan, command: list[str]) -> int:
    """Carry out a planned run as the parsed ``args`` say (``--dry-run``, a job of a split run, or a
    whole run); ``command`` (with the program name) goes into the manifest. Shared by generation
    and ``mothello-gen import``."""
    try:
        engine.kernel()  # MOTHELLO_KERNEL and MOTHELLO_HASH_KERNEL are checked here, before anything is written
        hash_kernel()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    split = args.num_jobs is not None
    mine = job_shards(plan, args.job_index, args.num_jobs) if split else None  # checks the job range
    if args.dry_run:
        print(describe(plan))
        if split:
            print(f"job {args.job_index} of {args.num_jobs}: {mine.size:,} shards" + (f" ({mine[0].filename} ...)" if mine else ""))
        return 0
    if args.backend == "dask":
        require_dask(args.scheduler)
    if not args.out:
        raise UsageError("--out DIR is required (where the dataset goes)")
    start = time.perf_counter()
    steer = dict(threads=args.threads, backend=args.backend, scheduler=args.scheduler, quiet=args.quiet)
    if split:
        prepare_out(args.out, plan, command, overwrite=args.overwrite, resume=args.resume, job=True)
        records = run_job(plan, args.out, args.job_index, args.num_jobs, **steer)
        if not args.quiet:
            print(f"job {args.job_index} of {args.num_jobs}: wrote {len(records)} shards to {args.out} in "
                  f"{time.perf_counter() - start:.1f} s; run `{PROG} finalize {args.out}` when every job is done",
                  file=sys.stderr)
        return 0
    records = run(plan, args.out, command, overwrite=args.overwrite, resume=args.resume, **steer)
    if not args.quiet:
        secs = time.perf_counter() - start
        print(f"wrote {sum(r.rows for r in records):,} rows in {len(records)} shards to {args.out} in {secs:.1f} s "
              f"({plan.games / secs:,.0f} games/s)", file=sys.stderr)
    return 0


def finalize_main(argv: list[str]) -> int:
    """``mothello-gen finalize DIR``: merge the jobs of a split run into one dataset."""
    args = build_finalize_parser().parse_args(argv)
    _, records = finalize(args.dir, check_hash=args.check_hashes)
    print(f"finalized {args.dir}: {len(records)} shards, {sum(r.rows for r in records):,} rows", file=sys.stderr)
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    """Entry point of ``mothello-gen``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["verify"]:
        from .verify import main as verify_main  # verify is self-contained: no need to load it for a run

        return verify_main(argv[1:])
    if argv[:1] == ["stats"]:
        from .stats import main as stats_main  # the dataset report (issue #13)

        return stats_main(argv[1:])
    command, action = (f"{PROG} finalize", finalize_main) if argv[:1] == ["finalize"] else (PROG, generate_main)
    if argv[:1] == ["import"]:
        from .import_cli import import_plan

        command, action = f"{PROG} import", lambda rest: execute(*import_plan(rest))
    try:
        return action(argv if action is generate_main else argv[1:])
    except REFUSALS as exc:
        print(f"{command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{command}: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{command}: interrupted; finished shards are kept: finish with --resume (a job: run it again)", file=sys.stderr)
        return 130


def entry() -> None:
    """The ``mothello-gen`` program (and ``python -m mothello_data``): :func:`main`, then exit with
    its status. After ``stats`` the process ends at once: everything is written and closed by then,
    and Python's teardown of the modules it loaded (matplotlib's) took 0.2-0.3 s."""
    code = main()
    if sys.argv[1:2] == ["stats"]:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe: nothing more to say
                pass
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
