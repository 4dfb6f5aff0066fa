"""World-model labels (issue #13): position hashes, disc counts, mobility, flip history (times each
square has flipped, the move that last placed or flipped each disc), the last move, and per game
the final disc counts and the winner. Every value is computed in C++ by replaying the moves through
the engine's one game loop (``csrc/world_labels.cpp``, sink ``WorldSink``); this module only shapes
the calls: :func:`world_ply_columns` for the shard writer (``--labels hash,canonical_hash,
disc_count,mobility``), :func:`world_position_labels` for the loader (per token position).

The names are owned elsewhere: the stored kinds by :mod:`mothello_data.schema`
(``WORLD_LABEL_COLUMNS``), the loader-side names by :mod:`mothello_data.probing`
(``WORLD_LABEL_NAMES``); the hash function by :mod:`mothello_data.symmetry`.

Per token position ``t`` (state ``s(t)`` as in :mod:`mothello_data.probing`; relative to the player
to move in ``s``, read from the game, never from ply parity):

* ``hash``, ``canonical_hash`` int64 ``(n, T)``: the 64-bit position hashes (the uint64 bits; view
  as ``np.uint64`` to compare with stored columns).
* ``disc_count``, ``mobility`` int8 ``(n, T, 2)``: (mine, theirs) discs and legal-move counts.
* ``flip_count`` int8 ``(n, T, 64)``: times the disc on each square has been flipped so far.
* ``age`` int8 ``(n, T, 64)``: the move number (1-based ply) that last placed or flipped the disc on
  each square; 0 for a start disc never flipped, -1 for an empty square (its age in moves is
  ``s - age``).
* ``last_move`` int8 ``(n, T)``: square of the move that made ``s``; -1 in state 0.
* ``final_count`` int8 ``(n, 2)``: (black, white) discs in the final position; ``winner`` int8
  ``(n,)``: 0 black, 1 white, 2 draw (per game, absolute colours).

Pad positions (``t >= n_tokens``) are 0.

Per ply only, for the transposition search (:mod:`mothello_data.transpositions`; never stored):
``canonical_symmetry`` uint8 ``(n, 60)``, the least symmetry whose image of the position hashes to
its ``canonical_hash``: equal (canonical hash, canonical symmetry) pairs are equal positions.
Per game, for ``mothello-gen stats`` (never stored): ``passes`` int64 ``(n,)``, the game's passes
as the game loop sees them (:func:`mothello_data.stats_counters.passes_per_game` says which).

Without ``mobility`` the replay generates no legal moves where a move it knows is legal (it flips a
disc): about half the cost of a replay (``csrc/game_loop.hpp``, ``play_game``).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from . import _core, engine
from .probing import WORLD_LABEL_NAMES, token_states
from .schema import WORLD_LABEL_COLUMNS

#: Per-ply kinds of :func:`world_ply_columns` beside the stored ones (for the transposition search).
SEARCH_KINDS: tuple[str, ...] = ("canonical_symmetry",)
#: Per-game kinds of :func:`world_ply_columns` (for ``mothello-gen stats``).
GAME_KINDS: tuple[str, ...] = ("passes",)


def _u8(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.uint8)


def world_ply_columns(moves: np.ndarray, lengths: np.ndarray, kinds: Sequence[str], threads: int = 1,
                      rules="classic", pass_token: bool = False, hash_plies: int = -1) -> dict:
    """The stored per-ply columns ``(n, 60)`` of the world-model kinds among ``kinds`` (the others
    are ignored): ply ``k`` holds the position after the ply, pass rule resolved; 0 past the end.
    Hashes are computed for plies ``k < hash_plies`` only, and their columns (and
    ``canonical_symmetry``'s, :data:`SEARCH_KINDS`) are ``(n, hash_plies)``: a caller that needs
    fewer plies skips the costly canonical hash and gets no columns of zeros.
    ``passes`` (:data:`GAME_KINDS`) is one value per game, ``(n,)``."""
    kinds = [k for k in kinds if k in WORLD_LABEL_COLUMNS or k in SEARCH_KINDS or k in GAME_KINDS]
    if not kinds:
        return {}
    raw = _core.world_ply_labels(_u8(moves), _u8(lengths), hash="hash" in kinds,
                                 canonical_hash="canonical_hash" in kinds, count="disc_count" in kinds,
                                 mobility="mobility" in kinds, threads=threads, hash_plies=hash_plies,
                                 canonical_symmetry="canonical_symmetry" in kinds, passes="passes" in kinds,
                                 **engine.replay_kwargs(rules, pass_token, len(lengths)))
    out = {name: raw[name] for name in ("hash", "canonical_hash", "canonical_symmetry", "passes") if name in raw}
    for key in ("count", "mobility"):
        if key in raw:
            out[f"{key}_black"], out[f"{key}_white"] = raw[key][..., 0], raw[key][..., 1]
    return out


def world_position_labels(moves: np.ndarray, lengths: np.ndarray, token_ply: np.ndarray, completes: np.ndarray,
                          n_tokens: np.ndarray, which: Sequence[str], threads: int = 1, rules="classic",
                          pass_token: bool = False) -> dict:
    """The world-model labels named in ``which`` (any of ``WORLD_LABEL_NAMES``) per token position,
    by one C++ replay (``moves`` ``(n, 60)`` uint8, 255-padded). A bad move raises ``ValueError``.
    Under delflank a removed disc's square is empty again (age -1, flip_count 0)."""
    unknown = [x for x in which if x not in WORLD_LABEL_NAMES]
    if unknown:
        raise ValueError(f"unknown world-model label {unknown[0]!r} (choose from {', '.join(WORLD_LABEL_NAMES)})")
    states = token_states(token_ply, completes).astype(np.int16)
    raw = _core.world_position_labels(_u8(moves), _u8(lengths), states, np.asarray(n_tokens, dtype=np.int64),
                                      list(which), threads, **engine.replay_kwargs(rules, pass_token, len(lengths)))
    for name in ("hash", "canonical_hash"):
        if name in raw:
            raw[name] = raw[name].view(np.int64)  # torch has no uint64 tensors: same bits
    return raw
