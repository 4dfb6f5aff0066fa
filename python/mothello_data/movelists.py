"""Reading plain move-list files: one game per line, in ``f5d6c3...`` notation or as a JSON list.

A line is either the usual notation (file letter a..h then rank 1..8 per move, any case, spaces,
commas or dashes between moves allowed: ``f5 d6 c3`` or ``F5D6C3``) or a JSON list of squares, each
a name (``"f5"``) or a package square number 0..63 (``8 * row + col``, a1 = 0). A whole file that is
one JSON list of such lists is read as one game per item. Blank lines and lines starting with
``#`` are skipped. Decoding only: legality is :mod:`mothello_data.importer`'s to check.
"""

from __future__ import annotations

import json
import re
from typing import Optional

from .squares import parse_square

_SEPARATORS = re.compile(r"[\s,;\-]+")


def square_of(token) -> Optional[int]:
    """A square from a name ``"f5"`` (any case; :func:`mothello_data.squares.parse_square`) or an
    int 0..63; None when it is neither."""
    if isinstance(token, bool):
        return None
    if isinstance(token, int):
        return token if 0 <= token < 64 else None
    if isinstance(token, str):
        try:
            return parse_square(token)
        except ValueError:
            return None
    return None


def parse_line(line: str) -> tuple[Optional[list], str]:
    """The squares of one game line, or (None, why it is malformed)."""
    text = line.strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except ValueError as exc:
            return None, f"not a JSON list ({str(exc).splitlines()[0]})"
        return parse_items(items)
    compact = _SEPARATORS.sub("", text)
    if len(compact) % 2:
        return None, "odd number of characters (expected moves like f5d6c3)"
    squares = []
    for i in range(0, len(compact), 2):
        sq = square_of(compact[i:i + 2])
        if sq is None:
            return None, f"move {i // 2 + 1}: {compact[i:i + 2]!r} is not a square a1..h8"
        squares.append(sq)
    return squares, ""


def parse_items(items) -> tuple[Optional[list], str]:
    """The squares of a JSON list of names or numbers, or (None, why)."""
    if not isinstance(items, list):
        return None, "not a list of squares"
    squares = []
    for i, item in enumerate(items):
        sq = square_of(item)
        if sq is None:
            return None, f"move {i + 1}: {item!r} is not a square (a1..h8 or 0..63)"
        squares.append(sq)
    return squares, ""


def read_move_lists(path: str) -> list[tuple[int, Optional[list], str]]:
    """Every game of the file as ``(line number (1-based; item number for a JSON file), squares or
    None, problem)``. Raises ``ValueError`` for a file that is not UTF-8 text."""
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a UTF-8 text file of move lists") from None
    stripped = text.strip()
    if stripped.startswith("[[") or stripped.startswith("[ ["):
        try:
            whole = json.loads(stripped)
        except ValueError:
            whole = None
        if isinstance(whole, list):
            return [(k + 1, *parse_items(items)) for k, items in enumerate(whole)]
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            out.append((number, *parse_line(line)))
    return out
