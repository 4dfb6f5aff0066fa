"""Square numbering shared by the engine, the languages and the datasets.

A square's index is ``8 * row + col``: row 0..7 is rank 1..8 and col 0..7 is file a..h, so
``a1 = 0``, ``h1 = 7``, ``d3 = 19``, ``a8 = 56``, ``h8 = 63``. This is the row-major 0..63
numbering of Othello-World and mOthello. Names use standard Othello notation (file letter, rank
digit). The four centre squares d4, e4, d5, e5 (27, 28, 35, 36) start occupied and are never
played, which leaves 60 playable squares.

The *move index* 0..59 numbers the playable squares in increasing square order; it is the
language-neutral move space (Othello-World token ``k`` is move index ``k - 1``).
"""

from __future__ import annotations

import numpy as np

CENTER_SQUARES: tuple[int, ...] = (27, 28, 35, 36)
PLAYABLE_SQUARES: tuple[int, ...] = tuple(sq for sq in range(64) if sq not in CENTER_SQUARES)
NUM_MOVES = 60

#: square (0..63) -> move index (0..59), -1 for the centre squares
SQUARE_TO_MOVE = np.full(64, -1, dtype=np.int16)
SQUARE_TO_MOVE[list(PLAYABLE_SQUARES)] = np.arange(NUM_MOVES, dtype=np.int16)
#: move index (0..59) -> square (0..63)
MOVE_TO_SQUARE = np.array(PLAYABLE_SQUARES, dtype=np.uint8)


def square_name(square: int) -> str:
    """Name of a square index, e.g. ``square_name(19) == "d3"``."""
    if not 0 <= int(square) < 64:
        raise ValueError(f"square must be in 0..63, got {square}")
    return "abcdefgh"[square % 8] + str(square // 8 + 1)


def parse_square(name: str) -> int:
    """Index of a square name such as ``"d3"`` (case-insensitive)."""
    text = name.strip().lower()
    if len(text) != 2 or text[0] not in "abcdefgh" or text[1] not in "12345678":
        raise ValueError(f"not a square name: {name!r} (expected a1..h8)")
    return (int(text[1]) - 1) * 8 + "abcdefgh".index(text[0])

