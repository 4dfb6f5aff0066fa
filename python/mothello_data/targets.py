"""Training targets and move-completion flags per token position: one C++ pass owns both.

Two target modes over padded token rows ``(n, T)``:

* **unified output** (mOthello): the target space is the language-neutral move index of the
  dataset's move space (:class:`mothello_data.moves.MoveSpace`: 0..59 for the classic 60 squares). At the token that *completes* ply ``p`` (and at a
  leading language tag, which predicts ply 0) the target is the move index of ply ``p + 1``; every
  other position, and the last move, get :data:`IGNORE_INDEX`.
* **next token**: token ``t + 1`` at position ``t``; the last token and pads get :data:`IGNORE_INDEX`.

A token *completes* its move when it belongs to a move (ply >= 0) and the next token belongs to
another move or the sequence ends. That rule is written once, in ``csrc/targets.cpp``; everything
in Python (the vocabulary's padded batches, the loader) asks :func:`token_targets`.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from . import _core
from .moves import CLASSIC, MoveSpace

IGNORE_INDEX: int = int(_core.IGNORE_INDEX)  # -100, PyTorch's default ignore_index (csrc/targets.hpp)
TARGET_MODES = ("unified", "next_token")



class TokenRows(Protocol):
    """Padded token rows, e.g. :class:`mothello_data.vocabulary.EncodedBatch`."""

    tokens: np.ndarray  # (n, T) token ids
    token_ply: np.ndarray  # (n, T) ply of each token, -1 for tags and pads
    lengths: np.ndarray  # (n,) tokens per row
_PAD_SQUARE = int(_core.PAD_SQUARE)  # 255: move rows past a game's end


def token_targets(tokens: np.ndarray, token_ply: np.ndarray, n_tokens: np.ndarray, moves: np.ndarray,
                  lengths: np.ndarray, unified: bool, space: MoveSpace = CLASSIC) -> tuple[np.ndarray, np.ndarray]:
    """``(targets, completes)`` for padded token rows ``(n, T)`` in one C++ pass.

    ``token_ply`` ``(n, T)``: the ply of each token (-1 for a tag; pads ignored past ``n_tokens``);
    ``moves`` ``(n, W)`` move codes, 255 past the end, and ``lengths`` ``(n,)``: only read for
    unified targets, as move indices of ``space``. Returns int64 targets and bool completion flags,
    both ``(n, T)``.
    """
    made = _core.token_targets(np.ascontiguousarray(tokens, dtype=np.uint16),
                               np.ascontiguousarray(token_ply, dtype=np.int8),
                               np.asarray(n_tokens, dtype=np.int64), np.ascontiguousarray(moves, dtype=np.uint8),
                               np.asarray(lengths, dtype=np.int64), space.code_to_index(), unified=bool(unified))
    return made["targets"], made["completes"]


def completes(token_ply: np.ndarray, n_tokens: np.ndarray) -> np.ndarray:
    """Bool ``(n, T)``: the token completes its move (see the module docstring)."""
    n, T = np.shape(token_ply)
    no_moves = np.full((n, 1), _PAD_SQUARE, dtype=np.uint8)  # next-token mode reads no moves
    return token_targets(np.zeros((n, T), np.uint16), token_ply, n_tokens, no_moves, np.zeros(n, np.int64), False)[1]


def next_token_targets(batch: TokenRows) -> np.ndarray:
    """Next-token targets in the input language: token ``t + 1`` at ``t``, :data:`IGNORE_INDEX` at
    the last token and on pads. int64 ``(n, T)``."""
    no_moves = np.full((len(batch.lengths), 1), _PAD_SQUARE, dtype=np.uint8)
    return token_targets(batch.tokens, batch.token_ply, batch.lengths, no_moves, np.zeros(len(batch.lengths)), False)[0]


def unified_targets(batch: TokenRows, moves: np.ndarray, lengths: np.ndarray, space: MoveSpace = CLASSIC) -> np.ndarray:
    """Unified output space: at the token that completes ply ``t`` (and at a leading tag) the move
    index (in ``space``: 0..59 for the classic squares) of ply ``t + 1``; elsewhere
    :data:`IGNORE_INDEX`. ``moves`` are move codes, any width; entries outside the space count as
    padding. int64 ``(n, T)``."""
    moves = np.asarray(moves)
    rows = np.full((moves.shape[0], max(1, moves.shape[1])), _PAD_SQUARE, dtype=np.uint8)
    rows[:, : moves.shape[1]] = np.where((moves >= 0) & (moves < _PAD_SQUARE), moves, _PAD_SQUARE)
    return token_targets(batch.tokens, batch.token_ply, batch.lengths, rows, lengths, True, space)[0]
