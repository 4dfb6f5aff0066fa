"""Imported games: existing games (WTHOR files, move lists) turned into a plan's game source.

Owns reading the input files into one table of games, the accounting of what was not imported and
the record of an import in a plan's identity (``config.import`` of the manifest):

* every game is replayed by the engine; a record with a malformed or illegal move is not imported,
  and is counted and listed (``rejected``: file, record or line, reason); it never stops the import;
* a game that is a repeat of an earlier one in the import (same moves) is listed (``repeats``) and,
  with ``drop_repeats``, not imported;
* games that end before the board is decided (resignations, time) are kept and counted
  (``unfinished``);
* game ``i`` (the ``game_id``) is the i-th imported game, in file order then record order.

WTHOR imports add the columns of :data:`mothello_data.wthor.COLUMNS`. The files are identified by
path and sha256, so every job of a split run, ``--resume`` and ``verify`` read the same games.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from . import engine, wthor
from .files import file_sha256
from .movelists import read_move_lists
from .spec import SpecError

FORMATS = ("auto", "wthor", "moves")
_REPLAY_ERROR = re.compile(r"game (\d+), ply (\d+): (.*)")


@dataclass
class ImportedGames:
    """The imported games: ``moves`` ``(n, 60)`` uint8 padded with 255, ``lengths``, the extra
    columns (WTHOR fields, by name) and the report that goes into the plan's identity."""

    moves: np.ndarray
    lengths: np.ndarray
    extras: dict
    report: dict


def file_format(path: str, fmt: str = "auto") -> str:
    """``wthor`` or ``moves`` for ``path`` (``auto``: ``.wtb`` files are WTHOR, the rest move lists)."""
    if fmt not in FORMATS:
        raise SpecError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt != "auto":
        return fmt
    return "wthor" if path.lower().endswith(".wtb") else "moves"


def _read_file(path: str, fmt: str):
    """(records, notes): records are ``(where, squares or None, problem, fields)``."""
    if fmt == "wthor":
        f = wthor.read_wthor(path)
        return [(f"record {g.record}", g.moves, g.problem, g.fields) for g in f.games], f.notes
    return [(f"line {n}", sq, why, {}) for n, sq, why in read_move_lists(path)], []


def read_games(paths: Sequence[str], fmt: str = "auto", drop_repeats: bool = False) -> ImportedGames:
    """Read, replay and account for every game in ``paths`` (see the module docstring). Raises
    :class:`~mothello_data.spec.SpecError` (one line) for a missing or unreadable file, a file that
    is not of its format, or WTHOR files mixed with move lists (their columns differ)."""
    if not paths:
        raise SpecError("import: give at least one file of games (.wtb or move lists)")
    formats = []
    for p in paths:
        if not os.path.isfile(p):
            raise SpecError(f"import: {p}: {'is a folder' if os.path.isdir(p) else 'no such file'}")
        formats.append(file_format(p, fmt))
    if len(set(formats)) > 1:
        raise SpecError("import: WTHOR files and move lists cannot be mixed in one dataset (their columns differ)")
    files, rejected, candidates = [], [], []  # candidates: (file index, where, squares, fields)
    for i, (path, kind) in enumerate(zip(paths, formats)):
        try:
            records, notes = _read_file(path, kind)
        except ValueError as exc:
            raise SpecError(f"import: {exc}") from None
        files.append({"path": os.path.abspath(path), "sha256": file_sha256(path)[0], "format": kind,
                      "records": len(records), "notes": notes})
        for k, (where, squares, problem, fields) in enumerate(records):
            if squares is not None and len(squares) > engine.MAX_PLIES:
                squares, problem = None, f"{len(squares)} moves (a game has at most 60)"
            if squares is None:
                rejected.append(((i, k), {"file": path, "at": where, "reason": problem}))
            else:
                candidates.append((i, where, squares, fields, k))
    legal = _legal(candidates, paths, rejected)
    rejected = [r for _, r in sorted(rejected, key=lambda item: item[0])]  # in file and record order
    kept, repeats, first_of = [], [], {}
    for c in legal:
        key = bytes(c[2])
        if key in first_of:
            j = first_of[key]
            repeats.append({"file": paths[c[0]], "at": c[1], "same_as": {"file": paths[j[0]], "at": j[1]}})
            if drop_repeats:
                continue
        else:
            first_of[key] = c
        kept.append(c)
    moves = np.full((len(kept), engine.MAX_PLIES), engine.PAD_SQUARE, dtype=np.uint8)
    lengths = np.zeros(len(kept), dtype=np.uint8)
    for k, (_, _, squares, _, _) in enumerate(kept):
        moves[k, : len(squares)] = squares
        lengths[k] = len(squares)
    ended = engine.replay(moves, lengths, labels=False).ended if len(kept) else np.zeros(0, bool)
    columns = [name for name, _ in wthor.COLUMNS] if formats[0] == "wthor" else []
    extras = {name: np.array([c[3][name] for c in kept], dtype=dtype) for name, dtype in wthor.COLUMNS if name in columns}
    report = {"files": files, "drop_repeats": bool(drop_repeats), "games": len(kept), "columns": columns,
              "n_rejected": len(rejected), "rejected": rejected, "n_repeats": len(repeats),
              "repeats_dropped": bool(drop_repeats), "repeats": repeats, "unfinished": int((~ended).sum())}
    return ImportedGames(moves, lengths, extras, report)


def _legal(candidates: list, paths: Sequence[str], rejected: list, chunk: int = 256) -> list:
    """The candidates that replay legally; the others go to ``rejected`` with the engine's reason.
    Replayed in chunks from one padded array, so a bad record costs at most one chunk's replay."""
    rows = np.full((len(candidates), engine.MAX_PLIES), engine.PAD_SQUARE, dtype=np.uint8)
    lengths = np.zeros(len(candidates), dtype=np.uint8)
    for k, c in enumerate(candidates):
        rows[k, : len(c[2])] = c[2]
        lengths[k] = len(c[2])
    good = []
    for lo in range(0, len(candidates), chunk):
        start, end = lo, min(lo + chunk, len(candidates))
        while start < end:
            try:
                engine.replay(rows[start:end], lengths[start:end], threads=1, labels=False)
                good += candidates[start:end]
                break
            except ValueError as exc:
                m = _REPLAY_ERROR.match(str(exc))
                if not m:
                    raise
                g = start + int(m.group(1))
                bad = candidates[g]
                rejected.append(((bad[0], bad[4]), {"file": paths[bad[0]], "at": bad[1],
                                                    "reason": f"ply {m.group(2)}: {m.group(3)}"}))
                good += candidates[start:g]
                start = g + 1
    return good


def extra_fields(report: Optional[dict]) -> list:
    """(name, dtype) of the extra columns of an import (none for move lists or generated runs)."""
    names = set((report or {}).get("columns", []))
    return [(name, dtype) for name, dtype in wthor.COLUMNS if name in names]


_cache: dict = {}
_lock = threading.Lock()


def load(report: dict, check: bool = True) -> ImportedGames:
    """The games of an import recorded in a plan identity (read again from its files, once per
    process). Raises :class:`~mothello_data.spec.SpecError` when a file is missing or changed."""
    key = tuple((f["path"], f["sha256"]) for f in report["files"]) + (report["drop_repeats"],)
    with _lock:
        if key not in _cache:
            for f in report["files"]:
                if not os.path.isfile(f["path"]):
                    raise SpecError(f"import: source file {f['path']} is gone (the run reads its games from it)")
                if check and file_sha256(f["path"])[0] != f["sha256"]:
                    raise SpecError(f"import: source file {f['path']} changed since the run started (sha256 differs)")
            games = read_games([f["path"] for f in report["files"]], report["files"][0]["format"], report["drop_repeats"])
            _cache[key] = games
        return _cache[key]
