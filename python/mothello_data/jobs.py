"""Splitting one run across machines: ``--shard-index I --num-shards N`` and ``finalize``.

Job ``I`` of ``N`` writes the shards at positions ``I, I + N, I + 2N, ...`` of the plan's shard list
(so every job gets a similar mix of splits) into a shared output folder, and a small record per
finished shard under ``.mothello-parts/``. The first job also writes ``.mothello-plan.json``; every
other job must have the same arguments (checked, differences named). A job that is run again skips
its finished shards, so a failed array task is simply resubmitted. When all jobs are done,
``mothello-gen finalize DIR`` checks that every shard is there and writes the manifest, the dataset
card and ``vocab.json`` exactly as a single-machine run would.
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Optional

from .card import write_atomic, write_sidecars
from .engine import RNG_ID
from .languages import LanguageSpec
from .plan import Plan, Shard, identity_diffs
from .shards import ShardRecord, file_sha256, remove_stale_temporaries

PLAN_FILE = ".mothello-plan.json"
PARTS_DIR = ".mothello-parts"
_SHARD_FLAGS = ("--shard-index", "--num-shards", "--backend", "--scheduler", "--threads", "--quiet", "--resume")


class JobError(Exception):
    """A job or a finalize that cannot proceed; the message is one line."""


def plan_from_identity(identity: dict) -> Plan:
    """Rebuild the :class:`Plan` that :meth:`Plan.identity` describes."""
    if identity.get("rng") != RNG_ID:
        raise JobError(f"the run used RNG {identity.get('rng')!r}, this version has {RNG_ID!r}")
    return Plan(spec=LanguageSpec.from_dict(identity["languages"]), games=identity["games"], seed=identity["seed"],
                splits=dict(identity["splits"]), games_per_shard=identity["games_per_shard"],
                labels=list(identity["labels"]), parallel=identity["parallel"])


def plan_from_argv(argv: list[str]) -> Plan:
    """The :class:`Plan` that ``mothello-gen`` builds from these arguments (for driving
    :func:`mothello_data.shards.generate_shard` from your own scheduler)."""
    from .cli import build_parser, plan_from_args  # the CLI imports this module

    return plan_from_args(build_parser().parse_args(list(argv)))


def job_shards(plan: Plan, index: int, count: int) -> list[Shard]:
    """Shards of job ``index`` (0-based) out of ``count``: every ``count``-th from ``index``."""
    if count < 1 or not 0 <= index < count:
        raise JobError(f"--shard-index must be in 0..{count - 1} for --num-shards {count}, got {index}")
    return plan.shards()[index::count]


def _record_path(out: str, filename: str) -> str:
    return os.path.join(out, PARTS_DIR, os.path.basename(filename) + ".json")


def _strip_job_flags(argv: list[str]) -> list[str]:
    """The run's arguments without the per-job ones (for the manifest)."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        name = arg.split("=", 1)[0]
        if name in _SHARD_FLAGS:
            skip = "=" not in arg and name not in ("--quiet", "--resume")
            continue
        out.append(arg)
    return out


def prepare_job(out: str, plan: Plan, argv: list[str], overwrite: bool) -> None:
    """Check ``out`` for a job of a split run and record the plan there (first job) or compare."""
    if overwrite:
        raise JobError("--overwrite cannot be combined with --shard-index (other jobs may be writing); remove the folder first")
    if os.path.exists(out) and not os.path.isdir(out):
        raise JobError(f"--out {out} exists and is not a folder")
    if os.path.exists(os.path.join(out, "manifest.json")):
        raise JobError(f"{out} holds a finished dataset (manifest.json); use a new folder")
    plan_path = os.path.join(out, PLAN_FILE)
    identity = plan.identity()
    if os.path.exists(plan_path):
        with open(plan_path) as f:
            previous = json.load(f)["plan"]
        detail = identity_diffs(previous, identity, "other jobs", "this job")
        if detail:
            raise JobError(f"{out} belongs to a run with different arguments ({detail})")
    elif os.path.isdir(out) and os.listdir(out):
        raise JobError(f"--out {out} is not empty and holds no split run ({PLAN_FILE} missing)")
    try:
        os.makedirs(os.path.join(out, PARTS_DIR), exist_ok=True)
        os.makedirs(os.path.join(out, "data"), exist_ok=True)
        if not os.path.exists(plan_path):  # concurrent first jobs write the same bytes atomically
            write_atomic(plan_path, json.dumps({"plan": identity, "argv": _strip_job_flags(argv)}, indent=1))
    except OSError as exc:
        raise JobError(f"cannot write to --out {out}: {exc.strerror}") from None


def finished_record(out: str, shard: Shard, check_hash: bool = True) -> Optional[dict]:
    """The record of a finished shard, or None if it is missing or its file does not match."""
    path = _record_path(out, shard.filename)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        record = json.load(f)
    data = os.path.join(out, shard.filename)
    if not os.path.exists(data) or os.path.getsize(data) != record["bytes"]:
        return None
    if check_hash and file_sha256(data)[0] != record["sha256"]:
        return None
    return record


def save_record(out: str, record: ShardRecord) -> None:
    write_atomic(_record_path(out, record.file), json.dumps(record.to_json(), indent=1))


def finalize(out: str, check_hash: bool = False) -> tuple[Plan, list[ShardRecord]]:
    """Merge the per-shard records of a split run into the manifest, card and vocab.

    Refuses (naming what is missing) unless every shard of the plan is finished. ``check_hash``
    re-hashes every shard (slow on big runs; sizes are always checked; ``mothello-gen verify``
    checks everything afterwards)."""
    plan_path = os.path.join(out, PLAN_FILE)
    if not os.path.exists(plan_path):
        if os.path.exists(os.path.join(out, "manifest.json")):
            raise JobError(f"{out} is already finalized (manifest.json exists)")
        raise JobError(f"{out} holds no split run ({PLAN_FILE} missing; was it made with --shard-index?)")
    with open(plan_path) as f:
        saved = json.load(f)
    plan = plan_from_identity(saved["plan"])
    records, missing = [], []
    for shard in plan.shards():
        rec = finished_record(out, shard, check_hash)
        if rec is None:
            missing.append(shard.filename)
        else:
            records.append(ShardRecord(**rec))
    if missing:
        names = ", ".join(os.path.basename(m) for m in missing[:4]) + (", ..." if len(missing) > 4 else "")
        raise JobError(f"{len(missing)} of {len(plan.shards())} shards are not finished ({names}); rerun their jobs, then finalize")
    remove_stale_temporaries(os.path.join(out, "data"))  # every job is done: temporaries are stale
    write_sidecars(out, plan, saved["argv"], records)
    shutil.rmtree(os.path.join(out, PARTS_DIR))
    os.remove(plan_path)
    return plan, records
