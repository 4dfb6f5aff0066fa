"""The output-folder policy: what ``mothello-gen`` may do with an existing ``--out``.

One function, :func:`prepare_out`, decides for single runs, ``--resume`` and the jobs of a split
run alike, before anything is generated:

===============================  ===========  ===================  =====================  ===========
``--out`` holds                  (no flag)    ``--overwrite``      ``--resume``           a job
===============================  ===========  ===================  =====================  ===========
nothing (missing or empty)       start        start                refused [2]_           start
an unfinished run, same args     refused      replaced             continued              continued
an unfinished run, other args    refused      replaced             refused, diff named    refused, diff named
a finished dataset               refused      replaced             refused                refused
anything else                    refused      ours replaced [1]_   refused                refused
a file, not a folder             refused      refused              refused                refused
===============================  ===========  ===================  =====================  ===========

.. [1] only the files mothello-gen writes are removed; a job refuses ``--overwrite`` outright
   (other jobs may be writing).
.. [2] nothing to resume: a typo in ``--out`` should not silently start a fresh run.

A refusal raises :class:`~mothello_data.records.RunError` with a one-line message and leaves the
folder untouched. While a run or finalize works in ``--out`` it holds the folder's lock
exclusively, each job holds it shared (:mod:`mothello_data.lock`): a second writer is refused,
naming the first, before anything above is decided.
"""

from __future__ import annotations

import os
import shutil

from .lock import announce, hold_folder, is_lock_file, release
from .plan import Plan, identity_diffs
from .records import PARTS_DIR, PLAN_FILE, RunError, load_run, remove_temporaries, start_run

LEGACY_RUN_FILE = ".mothello-run.json"  # how earlier versions kept an unfinished single run
OUTPUTS = ("data", "README.md", "vocab.json", "manifest.json", PLAN_FILE, PARTS_DIR, LEGACY_RUN_FILE)


def prepare_out(out: str, plan: Plan, argv: list[str], *, overwrite: bool = False, resume: bool = False,
                job: bool = False) -> None:
    """Check ``out`` for a run of ``plan`` and get it ready (see the module's table).

    ``argv`` (with the program name) is kept for the manifest. ``job`` is true for one job of a
    split run: it continues a run with the same arguments like ``resume``, but never removes
    temporaries (other jobs may be writing) and refuses ``overwrite``.
    """
    if overwrite and resume:
        raise RunError("give --overwrite or --resume, not both")
    if job and overwrite:
        raise RunError("--overwrite cannot be combined with --job-index (other jobs may be writing); remove the folder first")
    if os.path.exists(out) and not os.path.isdir(out):
        raise RunError(f"--out {out} exists and is not a folder")
    if resume and not job and not (os.path.isdir(out) and any(not is_lock_file(n) for n in os.listdir(out))):
        raise RunError(f"--resume: nothing to resume in {out} ({'empty' if os.path.isdir(out) else 'no such folder'}); drop --resume to start a run")
    try:
        os.makedirs(out, exist_ok=True)
        hold_folder(out, exclusive=not job)  # kept until the run ends
    except OSError as exc:
        raise RunError(f"cannot write to --out {out}: {exc.strerror or exc}") from None
    try:
        if any(not is_lock_file(name) for name in os.listdir(out)):
            if overwrite:
                _remove_outputs(out)
            else:
                _check_continuation(out, plan, resume, job)
                if resume and not job:
                    remove_temporaries(out)  # no other writer holds the lock: the interrupted run is gone
        start_run(out, plan, argv)
        announce(out)
    except OSError as exc:
        release(out, undo=True)
        raise RunError(f"cannot write to --out {out}: {exc.strerror or exc}") from None
    except BaseException:
        release(out, undo=True)
        raise


def _check_continuation(out: str, plan: Plan, resume: bool, job: bool) -> None:
    """Refuse unless ``out`` holds an unfinished run of ``plan`` that may be continued."""
    saved = load_run(out)
    finished = os.path.exists(os.path.join(out, "manifest.json"))
    if not (resume or job):
        raise RunError(f"--out {out} is not empty; use --overwrite to replace it or --resume to finish a run")
    if saved is not None:  # an unfinished run (also when a finalize was cut short after the manifest)
        names = ("other jobs", "this job") if job else ("was", "now")
        detail = identity_diffs(saved["plan"], plan.identity(), *names)
        if detail:
            raise RunError(f"{out} belongs to a run with different arguments ({detail})" if job
                           else f"--resume with different arguments ({detail})")
        return
    if finished:
        raise RunError(f"{out} holds a finished dataset (manifest.json); use a new folder" if job
                       else f"{out} holds a finished dataset; nothing to resume (use --overwrite to replace it)")
    if os.path.exists(os.path.join(out, LEGACY_RUN_FILE)):
        raise RunError(f"{out} holds a run of an older mothello-data that cannot be continued; use --overwrite")
    raise RunError(f"--out {out} is not empty and holds no split run ({PLAN_FILE} missing)" if job
                   else f"{out} holds no unfinished mothello-gen run to resume")


def _remove_outputs(out: str) -> None:
    """Delete what mothello-gen writes in ``out`` (and nothing else)."""
    for name in OUTPUTS:
        path = os.path.join(out, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.remove(path)
    remove_temporaries(out)
