"""Running a generation: jobs, ``--resume`` and ``finalize``; a single run is job 0 of 1.

Job ``I`` of ``N`` writes the shards at positions ``I, I + N, I + 2N, ...`` of the plan's shard list
(so every job gets a similar mix of splits) into a shared output folder, skipping the shards that
are already finished (their records in :mod:`mothello_data.records` match their files by sha256),
and records every shard it finishes. :func:`finalize` checks that every shard is finished and
writes ``manifest.json``, the ``README.md`` card and ``vocab.json``. A single run is
:func:`~mothello_data.outdir.prepare_out`, job 0 of 1, :func:`finalize`; a split run is the same
steps spread over processes, so both write the same bytes.

From your own scheduler::

    from mothello_data.jobs import finalize, job_shards, plan_from_argv, prepare_out, save_record
    from mothello_data.shards import generate_shard

    plan = plan_from_argv(argv)
    prepare_out(out, plan, ["mothello-gen", *argv], job=True)
    for shard in job_shards(plan, index, count):
        save_record(out, generate_shard(plan, shard, out))
    finalize(out)  # once, when every job is done
"""

from __future__ import annotations

import os
import sys
from typing import Callable, Optional

from .arguments import plan_from_argv
from .backends import run_shards
from .card import write_sidecars
from .lock import hold_folder, hold_job, holds_exclusive, release, remove_lock_files
from .outdir import prepare_out
from .plan import Plan, Shard
from .records import (PLAN_FILE, RunError, end_run, finished_record, load_run, plan_from_identity, remove_temporaries,
                      save_record)
from .shards import ShardRecord, use_writer_memory_pool

__all__ = ["finalize", "job_shards", "plan_from_argv", "prepare_job", "prepare_out", "run", "run_job", "save_record",
           "plan_from_identity", "RunError", "JobError"]

JobError = RunError  # the name before runs and jobs shared one error


def job_shards(plan: Plan, index: int, count: int) -> list[Shard]:
    """Shards of job ``index`` (0-based) out of ``count``: every ``count``-th from ``index``."""
    if count < 1:
        raise RunError(f"--num-jobs must be at least 1, got {count}")
    if not 0 <= index < count:
        raise RunError(f"--job-index must be in 0..{count - 1} for --num-jobs {count}, got {index}")
    return plan.shards()[index::count]


def prepare_job(out: str, plan: Plan, argv: list[str], overwrite: bool = False) -> None:
    """Deprecated name of ``prepare_out(out, plan, argv, overwrite=overwrite, job=True)``."""
    prepare_out(out, plan, argv, overwrite=overwrite, job=True)


def _progress_bar(total: int, initial: int, quiet: bool):
    if quiet or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    return tqdm(total=total, initial=initial, unit=" games", unit_scale=True, file=sys.stderr)


def run_job(plan: Plan, out: str, index: int = 0, count: int = 1, *, threads: int = 1, backend: str = "threads",
            scheduler: Optional[str] = None, quiet: bool = True) -> list[ShardRecord]:
    """Generate the unfinished shards of job ``index`` of ``count`` into ``out`` (prepared by
    :func:`prepare_out`), recording each as it finishes; returns the records of the shards it wrote.

    A shard whose file no longer matches its record (sha256) is generated again. Unless this
    process runs the whole run (folder lock held exclusively), it holds the folder lock shared
    and job ``index``'s lock: a second copy of the same job is refused (:mod:`mothello_data.lock`)."""
    mine = job_shards(plan, index, count)
    if not holds_exclusive(out):
        hold_folder(out, exclusive=False)
        hold_job(out, index)
    todo = [s for s in mine if finished_record(out, s, check_hash=True) is None]
    use_writer_memory_pool()
    bar = _progress_bar(sum(s.n_games for s in mine), sum(s.n_games for s in mine if s not in todo), quiet)
    progress: Optional[Callable[[int], None]] = bar.update if bar else None
    try:
        return run_shards(plan, todo, out, threads, backend, scheduler, lambda r: save_record(out, r), progress)
    finally:
        if bar:
            bar.close()


def finalize(out: str, check_hash: bool = False) -> tuple[Plan, list[ShardRecord]]:
    """Turn the finished run in ``out`` into a dataset: manifest, card and vocab, then drop the
    run's records. Returns the plan and the records of all shards.

    Refuses (naming what is missing) unless every shard of the plan is finished. Sizes are always
    checked against the records; ``check_hash`` re-hashes every shard too (slow on big runs, and
    jobs already hash when they decide a shard is finished; ``mothello-gen verify`` checks
    everything afterwards). Holds the folder lock exclusively (refused while a job runs) and
    removes the lock files when done."""
    if not os.path.isdir(out):
        raise RunError(f"{out} is not a folder" if os.path.exists(out) else f"{out}: no such folder")
    took = not holds_exclusive(out)
    if took:
        hold_folder(out, exclusive=True, what="mothello-gen finalize")
    try:
        result = _finalize(out, check_hash)
    except BaseException:
        if took:
            release(out, undo=True)  # a refused finalize leaves no lock file behind it made
        raise
    if took:
        release(out)
    return result


def _finalize(out: str, check_hash: bool) -> tuple[Plan, list[ShardRecord]]:
    saved = load_run(out)
    if saved is None:
        if os.path.exists(os.path.join(out, "manifest.json")):
            raise RunError(f"{out} is already finalized (manifest.json exists)")
        raise RunError(f"{out} holds no unfinished run ({PLAN_FILE} missing; was it made with --job-index?)")
    plan = plan_from_identity(saved["plan"])
    records, missing = [], []
    for shard in plan.shards():
        record = finished_record(out, shard, check_hash)
        if record is None:
            missing.append(shard.filename)
        else:
            records.append(record)
    if missing:
        names = ", ".join(os.path.basename(m) for m in missing[:4]) + (", ..." if len(missing) > 4 else "")
        raise RunError(f"{len(missing)} of {len(plan.shards())} shards are not finished ({names}); "
                       "run their jobs (again), then finalize")
    remove_temporaries(out)  # every shard is finished: whatever temporary is left is stale
    write_sidecars(out, plan, saved["argv"], records)
    end_run(out)
    remove_lock_files(out)  # a finished dataset holds none
    return plan, records


def run(plan: Plan, out: str, argv: list[str], *, overwrite: bool = False, resume: bool = False, threads: int = 1,
        backend: str = "threads", scheduler: Optional[str] = None, quiet: bool = True) -> list[ShardRecord]:
    """A whole run in one process: prepare ``out``, run job 0 of 1, finalize. ``argv`` (with the
    program name) goes into the manifest. Returns the records of all shards."""
    prepare_out(out, plan, argv, overwrite=overwrite, resume=resume)  # holds the folder lock exclusively
    try:
        run_job(plan, out, 0, 1, threads=threads, backend=backend, scheduler=scheduler, quiet=quiet)
        return finalize(out)[1]
    finally:
        release(out)
