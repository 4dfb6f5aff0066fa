"""Writing files safely: atomic replacement, the disk-full message, hashing, temporaries.

Every file the package writes goes to a temporary name first and is renamed into place, so a
reader (or a killed run's ``--resume``) sees a whole file or none; a full disk is reported naming
the file and the folder.
"""

from __future__ import annotations

import errno
import hashlib
import os


class DiskFullError(OSError):
    """The disk filled up while writing: the message names the file and the folder and says that
    running again with ``--resume`` (a job: the same job again) finishes the run."""


def check_disk_full(exc: BaseException, path: str, out_dir: str) -> None:
    """Raise :class:`DiskFullError` for ``path`` if ``exc`` is "no space left on device" (an
    ``OSError`` with errno ENOSPC, or pyarrow's ``[errno 28]`` text); else return."""
    if isinstance(exc, OSError) and (exc.errno == errno.ENOSPC or "[errno 28]" in str(exc).lower()
                                     or "no space left on device" in str(exc).lower()):
        raise DiskFullError(errno.ENOSPC, f"no space left on device writing {os.path.relpath(path, out_dir)} in {out_dir}; "
                            "finished shards are kept: free some space, then run again with --resume "
                            "(a job: run the same job again) to finish the run") from None


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary name and a rename: readers see all or nothing."""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.remove(tmp)
        check_disk_full(exc, path, os.path.dirname(os.path.abspath(path)))
        raise


def remove_stale_temporaries(data_dir: str) -> None:
    """Delete the temporary files a killed writer left (only call when no writer is running)."""
    for name in os.listdir(data_dir) if os.path.isdir(data_dir) else []:
        if name.startswith(".") and ".tmp-" in name:
            os.remove(os.path.join(data_dir, name))


def file_sha256(path: str) -> tuple[str, int]:
    """(sha256 hex digest, size in bytes) of a file, read in 1 MiB blocks."""
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size
