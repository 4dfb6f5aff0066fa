"""Probing labels per token position (board state, legal moves, flipped discs, player to move).

A token sequence interleaves moves of 1-3 tokens (and maybe a leading language tag), so labels are
defined per *state*: state ``k`` is the position after ``k`` completed moves (state 0 is the start,
state ``length`` the final position). Token position ``t`` sees state ``s(t)`` = the number of moves
completed at or before ``t``: a tag sees state 0, the first token of a two-token move still sees the
state before that move, the token completing ply ``p`` sees state ``p + 1``.

Per position, for state ``s``:

* ``board_state`` int8 ``(n, T, 64)``: 0 empty, 1 mine, 2 theirs, relative to the player to move in
  ``s`` (read from the game, so a pass is handled; never ply parity). Pads: -100 (ignore index).
* ``legal_moves`` bool ``(n, T, 60)``: multi-hot over the move index of the legal moves of that
  player, i.e. the set the next move is drawn from (empty in the final position).
* ``flipped`` bool ``(n, T, 64)``: discs turned over by the move that produced ``s`` (none in state 0).
* ``player`` int8 ``(n, T)``: the player to move in ``s`` (0 black, 1 white). In the final position
  of a finished game nobody can move; by convention it is the opponent of the last mover. (A
  replayed unfinished game's last state has whoever moves next, as at every other state.)

Two ways in: :func:`replay_position_labels` replays the games in C++ straight into these arrays
(the loader's default); :class:`StateLabels` + :func:`position_labels` start from per-ply labels
stored in the shards (``mothello-gen --labels all``), which hold complete games only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from . import _core

LABEL_NAMES = ("board_state", "legal_moves", "flipped", "player")


@dataclass
class StateLabels:
    """Labels of states ``0 .. 60`` per game (``(n, 61, ...)``), built from per-ply labels."""

    boards: np.ndarray  # (n, 61, 2) uint64 (black, white)
    player: np.ndarray  # (n, 61) uint8
    legal: np.ndarray  # (n, 61) uint64
    flipped: np.ndarray  # (n, 61) uint64

    @classmethod
    def from_plies(cls, board_before: np.ndarray, legal: np.ndarray, flipped: np.ndarray,
                   player: np.ndarray, moves: np.ndarray, lengths: np.ndarray) -> "StateLabels":
        """From per-ply labels (``(n, 60)``, as :class:`engine.PlyLabels` or the shard columns)."""
        n, P = legal.shape
        lengths = np.asarray(lengths, dtype=np.int64)
        boards = np.zeros((n, P + 1, 2), dtype=np.uint64)
        boards[:, :P] = board_before
        players = np.zeros((n, P + 1), dtype=np.uint8)
        players[:, :P] = player
        legal_s = np.zeros((n, P + 1), dtype=np.uint64)
        legal_s[:, :P] = legal
        flipped_s = np.zeros((n, P + 1), dtype=np.uint64)
        flipped_s[:, 1:] = flipped
        # Final position = before the last ply, plus the placed disc and its flips.
        g = np.flatnonzero(lengths > 0)
        last = lengths[g] - 1
        mover = player[g, last].astype(np.int64)
        square = np.asarray(moves)[g, last].astype(np.uint64)
        flips = flipped[g, last]
        before = board_before[g, last]
        mine = np.take_along_axis(before, mover[:, None], axis=1)[:, 0] | flips | (np.uint64(1) << square)
        theirs = np.take_along_axis(before, (1 - mover)[:, None], axis=1)[:, 0] & ~flips
        end = np.empty((len(g), 2), dtype=np.uint64)
        end[np.arange(len(g)), mover] = mine
        end[np.arange(len(g)), 1 - mover] = theirs
        boards[g, lengths[g]] = end
        players[g, lengths[g]] = 1 - mover
        legal_s[g, lengths[g]] = 0
        return cls(boards, players, legal_s, flipped_s)


def token_states(token_ply: np.ndarray, completes: np.ndarray) -> np.ndarray:
    """State index seen at each token position: moves completed at or before it (pads: 0)."""
    ply = token_ply.astype(np.int64)
    return np.where(completes, ply + 1, np.maximum(ply, 0))


def _position_args(token_ply: np.ndarray, completes: np.ndarray, n_tokens: np.ndarray,
                   which: Optional[Sequence[str]], threads: int) -> tuple[tuple, dict]:
    """The arguments both C++ label kernels share: state per position, lengths, what to write."""
    which = tuple(which or LABEL_NAMES)
    states = token_states(token_ply, completes).astype(np.int16)
    flags = dict(board="board_state" in which, legal_moves="legal_moves" in which,
                 flipped_discs="flipped" in which, player_to_move="player" in which, threads=threads)
    return (states, np.asarray(n_tokens, dtype=np.int64)), flags


def position_labels(states: StateLabels, token_ply: np.ndarray, completes: np.ndarray,
                    n_tokens: np.ndarray, which: Optional[Sequence[str]] = None, threads: int = 1) -> dict:
    """Labels per token position ``(n, T, ...)`` (expanded in C++); positions ``t >= n_tokens``
    are pads. ``which`` picks among ``board_state``, ``legal_moves``, ``flipped``, ``player``."""
    args, flags = _position_args(token_ply, completes, n_tokens, which, threads)
    return _core.position_labels(states.boards, states.player, states.legal, states.flipped, *args, **flags)


def replay_position_labels(moves: np.ndarray, lengths: np.ndarray, token_ply: np.ndarray, completes: np.ndarray,
                           n_tokens: np.ndarray, which: Optional[Sequence[str]] = None, threads: int = 1) -> dict:
    """Like :func:`position_labels`, replaying the games (``moves`` ``(n, 60)`` uint8, 255-padded)
    in C++ straight into the per-position labels. An illegal move raises ``ValueError``."""
    args, flags = _position_args(token_ply, completes, n_tokens, which, threads)
    return _core.replay_position_labels(np.ascontiguousarray(moves, dtype=np.uint8),
                                        np.ascontiguousarray(lengths, dtype=np.uint8), *args, **flags)
