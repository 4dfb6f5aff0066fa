"""The 8 symmetries of the square board and the position hashes, as seen from Python.

Both rules live in C++ (``csrc/position_hash.hpp``); this module exposes them and derives the
per-square maps the game-level uses need (mapping move lists). Symmetry ``s`` (0..7) mirrors the
files (a <-> h) when ``s & 1``, flips the ranks (1 <-> 8) when ``s & 2``, then transposes (square
``(row, col) -> (col, row)``) when ``s & 4``. :data:`START_SYMMETRIES` (identity, half turn and the
two diagonal reflections) are the four that map the start position to itself, so a game mapped by
one of them is again a legal game from the start.

Position hash (:data:`POSITION_HASH_ID`), with ``mix64`` the SplitMix64 finaliser
(:func:`mothello_data.rng.mix64`)::

    hash(black, white, player) = mix64(mix64(mix64(0x243F6A8885A308D3 ^ black) ^ white) ^ player)
    canonical_hash             = min over s = 0..7 of hash(sym_s(black), sym_s(white), player)

``black``/``white`` are bitboards (bit ``i`` = square ``i``, a1 = 0), ``player`` the side to move
(0 black, 1 white), colours kept under the symmetries.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from . import _core
from .engine import PAD_SQUARE, PASS_MOVE

POSITION_HASH_ID = "mothello-position-hash-v1"
HASH_IV = 0x243F6A8885A308D3
N_SYMMETRIES = 8
START_SYMMETRIES: tuple[int, ...] = (0, 3, 4, 7)


def board_symmetry(boards, s: int) -> np.ndarray:
    """Symmetry ``s`` applied to uint64 bitboards (elementwise, C++)."""
    return _core.board_symmetry(np.ascontiguousarray(boards, dtype=np.uint64), int(s))


def _square_maps() -> np.ndarray:
    singles = np.left_shift(np.uint64(1), np.arange(64, dtype=np.uint64))
    maps = np.zeros((N_SYMMETRIES, 64), dtype=np.uint8)
    for s in range(N_SYMMETRIES):
        images = board_symmetry(singles, s)
        maps[s] = np.log2(images.astype(np.float64)).astype(np.uint8)  # one bit set: exact
    return maps


#: SQUARE_MAPS[s, sq]: the square that ``sq`` goes to under symmetry ``s`` (from the C++ bitboard maps).
SQUARE_MAPS: np.ndarray = _square_maps()


def position_hash(black, white, player, canonical: bool = False, kernel: Optional[str] = None) -> np.ndarray:
    """The position hash (or, with ``canonical``, the symmetry-canonical hash) of each position.
    ``kernel``: one of :func:`hash_kernels` (all give the same values; default :func:`hash_kernel`)."""
    b = np.ascontiguousarray(black, dtype=np.uint64)
    return _core.position_hash(b, np.ascontiguousarray(white, dtype=np.uint64),
                               np.ascontiguousarray(np.broadcast_to(player, b.shape), dtype=np.uint8), bool(canonical),
                               kernel)


def hash_kernel() -> str:
    """The kernel that computes the position hashes in this process: ``"avx512gfni"`` or ``"avx512"``
    (8 positions per vector), ``"avx2"`` (4) or ``"scalar"``, the best the CPU runs; ``MOTHELLO_HASH_KERNEL`` forces
    one (ValueError when the CPU does not run it)."""
    return str(_core.hash_kernel())


def hash_kernels() -> list[str]:
    """The position-hash kernels this build has and this CPU runs, ``"scalar"`` first."""
    return [str(k) for k in _core.hash_kernels()]


def map_moves(moves: np.ndarray, s: int) -> np.ndarray:
    """Move rows ``(n, w)`` (255-padded) with every square mapped by symmetry ``s``; pads stay."""
    moves = np.asarray(moves, dtype=np.uint8)
    table = np.full(256, PAD_SQUARE, dtype=np.uint8)
    table[:64] = SQUARE_MAPS[s]
    table[PASS_MOVE] = PASS_MOVE  # a written pass is the same move in every image
    return np.take(table, moves)  # a faster gather than table[moves]


def canonical_rows(moves: np.ndarray) -> np.ndarray:
    """Each move row ``(n, w)`` as the least (lexicographically, as bytes) of its images under
    :data:`START_SYMMETRIES` (as :func:`map_moves` maps them): two games get the same row iff one is
    the other under a start symmetry (the games, or openings, equal up to symmetry). One C++ pass
    (``_core.canonical_rows``, the square maps from the same bitboard symmetries); a new array."""
    moves = np.ascontiguousarray(moves, dtype=np.uint8)
    if moves.ndim != 2:
        return moves.copy()
    return _core.canonical_rows(moves)
