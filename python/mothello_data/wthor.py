"""Reading WTHOR database files (``.wtb``), the French Othello federation's game archive.

Format (little-endian), as published: a 16-byte header (byte 0 century and byte 1 year of the
file's creation, bytes 2-3 month and day, bytes 4-7 the number of game records (uint32), bytes 8-9
a count used only by the player and tournament files, bytes 10-11 the year of the games (uint16),
byte 12 the board size (0 or 8 for 8x8), byte 13 the game type, byte 14 the depth of the
theoretical score, byte 15 reserved), then 68-byte records: tournament, black player and white
player numbers (uint16 each), black's real final disc count (byte), the theoretical score (byte),
then 60 move bytes ``10 * rank + file`` (rank and file 1..8, a1 = 11, h8 = 88), 0 after the last
move. Passes are implicit.

This module only decodes bytes; replaying the moves and accounting for bad records is
:mod:`mothello_data.importer`'s.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Optional

HEADER_BYTES = 16
RECORD_BYTES = 68
#: the extra columns a WTHOR import adds to every row: (name, dtype)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("year", "uint16"), ("tournament", "uint16"), ("black_player", "uint16"), ("white_player", "uint16"),
    ("black_score", "uint8"), ("theoretical_score", "uint8"),
)


class WthorError(ValueError):
    """A file that is not a WTHOR game file at all (the message is one line)."""


@dataclass
class WthorGame:
    """One decoded record: ``moves`` in package squares (``8 * row + col``), or ``problem`` (why the
    move bytes are malformed, ``moves`` then None), and the record's fields as :data:`COLUMNS`."""

    record: int
    moves: Optional[list]
    problem: str
    fields: dict


@dataclass
class WthorFile:
    """A decoded file: the header's game count and year, the records, and whole-file notes (a
    truncated last record, a header count that disagrees with the records present)."""

    stated_games: int
    year: int
    games: list
    notes: list


def square_of(byte: int) -> Optional[int]:
    """The package square of a WTHOR move byte ``10 * rank + file`` (None when out of range)."""
    rank, file = divmod(byte, 10)
    if 1 <= rank <= 8 and 1 <= file <= 8:
        return 8 * (rank - 1) + (file - 1)
    return None


def decode_moves(raw: bytes) -> tuple[Optional[list], str]:
    """The 60 move bytes of a record as squares (stopping at the first 0), or (None, why)."""
    squares = []
    for i, byte in enumerate(raw):
        if byte == 0:
            if any(raw[i:]):
                return None, f"move byte {i + 1} is 0 but a later one is not"
            break
        sq = square_of(byte)
        if sq is None:
            return None, f"move {i + 1}: byte {byte} is not a square (10 * rank + file, 11..88)"
        squares.append(sq)
    return squares, ""


def read_wthor(path: str) -> WthorFile:
    """Decode the ``.wtb`` file at ``path``. Raises :class:`WthorError` when it is not one (shorter
    than its header, or a board size other than 8x8); a truncated last record or a header count
    that does not match the records is noted, never fatal."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < HEADER_BYTES:
        raise WthorError(f"{path}: not a WTHOR file ({len(data)} bytes, shorter than the 16-byte header)")
    stated, year, board = struct.unpack_from("<I", data, 4)[0], struct.unpack_from("<H", data, 10)[0], data[12]
    if board not in (0, 8):
        raise WthorError(f"{path}: not a WTHOR 8x8 game file (board size byte {board})")
    body = data[HEADER_BYTES:]
    n, extra = divmod(len(body), RECORD_BYTES)
    notes = []
    if extra:
        notes.append(f"truncated: {extra} bytes after record {n - 1 if n else 'none'} (a partial record, not imported)")
    if stated != n:
        notes.append(f"the header says {stated} games, the file holds {n} complete records")
    games = []
    for k in range(n):
        rec = body[k * RECORD_BYTES:(k + 1) * RECORD_BYTES]
        tournament, black, white, score, theoretical = struct.unpack_from("<HHHBB", rec, 0)
        moves, problem = decode_moves(rec[8:])
        fields = {"year": year, "tournament": tournament, "black_player": black, "white_player": white,
                  "black_score": score, "theoretical_score": theoretical}
        games.append(WthorGame(k, moves, problem, fields))
    return WthorFile(stated, year, games, notes)
