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
  of a finished game nobody can move; by convention it is the opponent of the last mover. (An
  unfinished game's last state has whoever moves next, as at every other state; both paths below
  share this rule, csrc/board.hpp resolve_pass.)

Two ways in, one C++ path each, both following the same rule for the final state:
:func:`replay_position_labels` replays the games in the engine's game loop (the loader's default);
:func:`stored_position_labels` reads the per-ply labels stored in the shards (``mothello-gen
--labels all``) and builds only the final state with the board verbs.
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

import numpy as np

from . import _core, engine
from .schema import ALL_LABEL_COLUMNS, LABEL_KINDS, WORLD_LABEL_KINDS

LABEL_NAMES = LABEL_KINDS  # the label kinds computed here (names owned by mothello_data.schema)
#: The world-model labels the loader computes per position (:mod:`mothello_data.world_labels`):
#: the stored world kinds of mothello_data.schema plus those only computed on the fly.
WORLD_LABEL_NAMES: tuple[str, ...] = WORLD_LABEL_KINDS + ("flip_count", "age", "last_move", "final_count", "winner")
#: Every label name the loader accepts.
ALL_LABEL_NAMES: tuple[str, ...] = LABEL_NAMES + WORLD_LABEL_NAMES


def token_states(token_ply: np.ndarray, completes: np.ndarray) -> np.ndarray:
    """State index seen at each token position: moves completed at or before it (pads: 0)."""
    ply = token_ply.astype(np.int64)
    return np.where(completes, ply + 1, np.maximum(ply, 0))


def _position_args(token_ply: np.ndarray, completes: np.ndarray, n_tokens: np.ndarray,
                   which: Optional[Sequence[str]], threads: int, packed: bool,
                   legal_squares: bool = False) -> tuple[tuple, dict]:
    """The arguments both C++ label kernels share: state per position, lengths, what to write."""
    which = tuple(which or LABEL_NAMES)
    states = token_states(token_ply, completes).astype(np.int16)
    flags = {name: name in which for name in LABEL_NAMES}
    flags["threads"], flags["states"] = threads, packed
    if legal_squares:
        flags["legal_squares"] = True
    return (states, np.asarray(n_tokens, dtype=np.int64)), flags


#: The packed form of each label kind: per-state bitboards (int64 views, bit i = square i) that
#: ``mothello_data.torch.expand_labels`` turns into the per-position labels where the batch lands.
PACKED_KEYS = {"board_state": ("state_mine", "state_theirs"), "legal_moves": ("state_legal",),
               "flipped": ("state_flipped",), "player": ("state_player",)}


def _packed(states: dict, args: tuple, which: Optional[Sequence[str]], legal_squares: bool = False) -> dict:
    """The C++ per-state rows as the packed batch keys: ``label_state`` ``(n, T)`` int16 (the state
    each position sees) and, per requested kind, its :data:`PACKED_KEYS` ``(n, 61)`` (8 bytes per
    state and plane instead of 60-64 per position): boards relative to the player to move."""
    which = tuple(which or LABEL_NAMES)
    out = {"label_state": args[0]}
    player = states["state_player"]
    if "board_state" in which:
        black, white = states["state_boards"][..., 0], states["state_boards"][..., 1]
        out["state_mine"] = np.where(player == 0, black, white).view(np.int64)
        out["state_theirs"] = np.where(player == 0, white, black).view(np.int64)
    if "legal_moves" in which:
        out["state_legal"] = states["state_legal"].view(np.int64)
        # which squares legal_moves lists (64: a move space with every square), one per row
        out["label_legal_squares"] = np.full(len(args[0]), 64 if legal_squares else 60, dtype=np.int8)
    if "flipped" in which:
        out["state_flipped"] = states["state_flipped"].view(np.int64)
    if "player" in which:
        out["state_player"] = player.astype(np.int8)
    return out


def replay_position_labels(moves: np.ndarray, lengths: np.ndarray, token_ply: np.ndarray, completes: np.ndarray,
                           n_tokens: np.ndarray, which: Optional[Sequence[str]] = None, threads: int = 1,
                           packed: bool = False, rules="classic", pass_token: bool = False,
                           legal_squares: bool = False) -> dict:
    """Labels per token position ``(n, T, ...)``, replaying the games (``moves`` ``(n, W)`` uint8,
    255-padded) in C++ straight into them; positions ``t >= n_tokens`` are pads. ``which`` picks
    among :data:`LABEL_NAMES` (default: all). ``packed``: the packed form instead (see
    :data:`PACKED_KEYS`). ``rules`` and ``pass_token`` as for :func:`mothello_data.engine.replay`.
    ``legal_squares``: ``legal_moves`` over the 64 squares instead of the 60-move index (needed
    for delflank games). An illegal move raises ``ValueError``."""
    args, flags = _position_args(token_ply, completes, n_tokens, which, threads, packed, legal_squares)
    out = _core.replay_position_labels(np.ascontiguousarray(moves, dtype=np.uint8),
                                       np.ascontiguousarray(lengths, dtype=np.uint8), *args, **flags,
                                       **engine.replay_kwargs(rules, pass_token, len(lengths)))
    return _packed(out, args, which, legal_squares) if packed else out


PLY_COLUMNS = ALL_LABEL_COLUMNS  # the stored per-ply columns, each (n, 60) (mothello_data.schema)


def stored_position_labels(plies: Mapping[str, np.ndarray], moves: np.ndarray, lengths: np.ndarray,
                           token_ply: np.ndarray, completes: np.ndarray, n_tokens: np.ndarray,
                           which: Optional[Sequence[str]] = None, threads: int = 1, packed: bool = False,
                           rules="classic", pass_token: bool = False, legal_squares: bool = False) -> dict:
    """Like :func:`replay_position_labels`, from the per-ply label columns stored in the shards:
    ``plies`` maps :data:`PLY_COLUMNS` to ``(n, 60)`` arrays. States before the last move are read
    from the columns; the final state is made in C++ by the board verbs (of the game's rule) and
    the pass rule."""
    args, flags = _position_args(token_ply, completes, n_tokens, which, threads, packed, legal_squares)
    boards = np.stack([np.asarray(plies["board_black"], dtype=np.uint64),
                       np.asarray(plies["board_white"], dtype=np.uint64)], axis=-1)
    out = _core.stored_position_labels(boards, np.ascontiguousarray(plies["legal"], dtype=np.uint64),
                                       np.ascontiguousarray(plies["flipped"], dtype=np.uint64),
                                       np.ascontiguousarray(plies["player"], dtype=np.uint8),
                                       np.ascontiguousarray(moves, dtype=np.uint8),
                                       np.ascontiguousarray(lengths, dtype=np.uint8), *args, **flags,
                                       **engine.replay_kwargs(rules, pass_token, len(lengths)))
    return _packed(out, args, which, legal_squares) if packed else out
