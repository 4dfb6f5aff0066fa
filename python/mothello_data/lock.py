"""Who may write in an ``--out`` folder at once: ``flock`` locks on files inside it.

* ``.mothello-lock`` (the folder lock): a single run, ``--overwrite``, ``--resume`` and ``finalize``
  hold it *exclusively* for their whole run (its text names the holder: pid, host, start time);
  each job of a split run holds it *shared*, so jobs run side by side but never next to one of
  the others.
* ``.mothello-job-<index>.lock`` (one per job index, held exclusively by that job): a second copy
  of the same job is refused.

A refused lock raises :class:`LockError` (a :class:`~mothello_data.records.RunError`: one line, exit
status 2) naming the holder. The kernel drops a lock when its process dies, so a killed run
never blocks ``--resume``: only a live holder counts, never a file's existence. A lock is kept per
process and folder (:func:`hold_folder`), released by :func:`release` or at exit; finishing a run
removes the lock files (:func:`remove_lock_files`), so a finished dataset holds none.
"""

from __future__ import annotations

import fcntl
import os
import socket
import threading
import time
from typing import Optional

from .records import RunError

FOLDER_LOCK = ".mothello-lock"
_JOB_PREFIX = ".mothello-job-"

_held: dict[str, tuple] = {}  # realpath(out) -> (fd, "exclusive" | "shared", file created, its text before)
_jobs: dict[tuple[str, int], int] = {}  # (realpath(out), job index) -> fd
_mutex = threading.Lock()


class LockError(RunError):
    """Another live process holds the lock this one needs; the message names it."""


def is_lock_file(name: str) -> bool:
    """True for the lock files kept in ``--out`` (never part of a dataset or a run's outputs)."""
    return name == FOLDER_LOCK or (name.startswith(_JOB_PREFIX) and name.endswith(".lock"))


def _job_lock_name(index: int) -> str:
    return f"{_JOB_PREFIX}{index:05d}.lock"


def _holder_text(what: str) -> str:
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return f"{what}: pid {os.getpid()} on {socket.gethostname()}, since {when}"


def _try_lock(path: str, exclusive: bool) -> Optional[int]:
    """An fd of ``path`` locked as asked, or None if a live holder conflicts. Retries when the file
    was removed or replaced between open and lock (a finishing run removes its lock file)."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # we locked a file that is gone: lock the one now at that name


def _write(fd: int, text: str) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode() + b"\n", 0)


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().strip()
    except OSError:
        return ""


def _running_jobs(out: str) -> list[str]:
    """Texts of the job locks in ``out`` that a live process holds."""
    found = []
    for name in sorted(os.listdir(out)) if os.path.isdir(out) else []:
        if name.startswith(_JOB_PREFIX) and name.endswith(".lock"):
            path = os.path.join(out, name)
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:  # removed by a finishing run meanwhile
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                found.append(_read(path) or name)
            finally:
                os.close(fd)
    return found


def _busy(out: str) -> str:
    jobs = _running_jobs(out)
    if jobs:
        return f"{out} is in use by {len(jobs)} running job(s) of a split run ({'; '.join(jobs)}); wait for them to finish"
    holder = ""
    for _ in range(20):  # a holder writes its name right after taking the lock: give it a moment
        holder = _read(os.path.join(out, FOLDER_LOCK))
        if holder:
            break
        time.sleep(0.025)
    holder = holder or "another mothello-gen process"
    return f"{out} is in use by {holder}; wait for it to finish or use another --out"


def hold_folder(out: str, exclusive: bool, what: str = "a mothello-gen run") -> None:
    """Hold the folder lock of ``out`` (which must exist) in this process until :func:`release`:
    ``exclusive`` for a whole run or finalize (the lock file then names ``what`` and this process),
    shared for a job. A lock this process already holds is kept, or upgraded to exclusive. Raises
    :class:`LockError` naming a live conflicting holder."""
    key = os.path.realpath(out)
    with _mutex:
        if key in _held:
            fd, mode, created, before = _held[key]
            if not exclusive or mode == "exclusive":
                return
            for job_key in [k for k in _jobs if k[0] == key]:  # this process's own jobs are done
                os.close(_jobs.pop(job_key))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LockError(_busy(out)) from None
        else:
            path = os.path.join(out, FOLDER_LOCK)
            existed = os.path.exists(path)
            fd = _try_lock(path, exclusive)
            if fd is None:
                raise LockError(_busy(out))
            created, before = not existed, os.pread(fd, 1 << 16, 0)
        _held[key] = (fd, "exclusive" if exclusive else "shared", created, before)
        if exclusive:
            _write(fd, _holder_text(what))


def announce(out: str) -> None:
    """Once a job is accepted: clear a dead holder's name from the folder lock of ``out`` (held
    shared, so no exclusive holder can be alive)."""
    fd, mode, _, _ = _held[os.path.realpath(out)]
    if mode == "shared":
        os.ftruncate(fd, 0)


def hold_job(out: str, index: int) -> None:
    """Hold the lock of job ``index`` in ``out`` in this process (the folder lock must be held,
    shared); :class:`LockError` if a live process runs the same job."""
    key = (os.path.realpath(out), index)
    with _mutex:
        if key in _jobs:
            return
        path = os.path.join(out, _job_lock_name(index))
        fd = _try_lock(path, exclusive=True)
        if fd is None:
            raise LockError(f"job {index} is already running in {out} ({_read(path) or 'another process'})")
        _write(fd, _holder_text(f"job {index}"))
        _jobs[key] = fd


def holds_exclusive(out: str) -> bool:
    """True if this process holds the folder lock of ``out`` exclusively."""
    return os.path.realpath(out) in _held and _held[os.path.realpath(out)][1] == "exclusive"


def remove_lock_files(out: str) -> None:
    """Delete the lock files in ``out`` (only while holding its folder lock exclusively, so no
    job can be running); the folder lock is still held until :func:`release`."""
    if not holds_exclusive(out):
        raise RuntimeError("remove_lock_files needs the folder lock held exclusively")
    for name in os.listdir(out):
        if is_lock_file(name):
            os.remove(os.path.join(out, name))


def release(out: str, undo: bool = False) -> None:
    """Release every lock this process holds on ``out`` (nothing if none). ``undo`` (a refused
    run) leaves the folder lock file as it was: removed if this process created it, else its old
    text back (only when nobody else holds it)."""
    key = os.path.realpath(out)
    with _mutex:
        for job_key in [k for k in _jobs if k[0] == key]:
            os.close(_jobs.pop(job_key))
        if key in _held:
            fd, _, created, before = _held.pop(key)
            try:
                if undo:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nobody else holds it (or raises)
                    path = os.path.join(out, FOLDER_LOCK)
                    if created and os.fstat(fd).st_ino == os.stat(path).st_ino:
                        os.remove(path)
                    elif not created:
                        os.ftruncate(fd, 0)
                        os.pwrite(fd, before, 0)
            except OSError:  # BlockingIOError: another holder keeps the file
                pass
            finally:
                os.close(fd)
