"""Batch interface to the native bitboard engine.

Every call works on whole batches of games and runs in C++ with the GIL released::

    >>> from mothello_data import engine
    >>> games = engine.generate(1000, seed=7, threads=2)
    >>> games.moves.shape, int(games.lengths[0]) <= 60
    ((1000, 60), True)
    >>> labels = engine.replay(games.moves, games.lengths)
    >>> engine.perft(5)
    1396

Game ``i`` of a run is a pure function of ``(seed, i)`` (counter-based SplitMix64, see
:data:`RNG_ID`), so a batch made with ``first_game_index=k`` continues a run exactly and results
never depend on the thread count.

Rule variants (issue #15; csrc/board.hpp owns them): ``classic``; ``nomidflip`` (legal as classic,
only the first and last disc of each flanked run flip); ``delflank`` (open start, black c3 f6, white
f3 c6; legal on any empty square next to an own disc; flanked runs are removed). With
``pass_token=True`` a forced pass is a ply of its own, written as :data:`PASS_MOVE`; ``max_plies``
cuts a game (then ``ended`` is False).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional, Sequence, Union

import numpy as np

from . import _core
from .rng import RNG_ID  # the engine's stream; mothello_data.rng owns the name  # noqa: F401
from .engine_rules import RULES, max_plies_default, replay_kwargs, rule_args, rule_id  # noqa: F401

PAD_SQUARE: int = int(_core.PAD_SQUARE)  # fills move rows past a game's end
MAX_PLIES: int = int(_core.MAX_PLIES)  # row width of classic games without written passes
PASS_MOVE: int = int(_core.PASS_MOVE)  # a written pass (pass_token=True)
MAX_WIDTH: int = int(_core.MAX_WIDTH)  # largest max_plies (lengths are uint8)

EMPTY, MINE, THEIRS = 0, 1, 2  # board_planes values, relative to the player to move
BLACK, WHITE = 0, 1


# Bytes per ply of the label arrays (bindings_engine.cpp add_label_arrays): two boards of two
# uint64 per ply, legal and flipped uint64, player and passed uint8.
LABEL_BYTES_PER_PLY = 2 * 16 + 8 + 8 + 1 + 1
LABEL_BYTES_PER_GAME = MAX_PLIES * LABEL_BYTES_PER_PLY  # rows of 60 plies


def physical_memory() -> Optional[int]:
    """Bytes of physical memory of this machine (``None`` where the system does not say)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        return None


def _check_fits(what: str, n_games: int, bytes_per_game: int) -> None:
    """Refuse, before allocating, output arrays larger than this machine's memory."""
    need, have = n_games * bytes_per_game, physical_memory()
    if have is not None and need > have:
        raise ValueError(f"{what} of {n_games:,} games needs {need / 2**30:,.1f} GiB of output arrays, more than "
                         f"this machine's {have / 2**30:,.1f} GiB; use smaller batches")


def default_threads() -> int:
    """Number of CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _threads(threads: Optional[int]) -> int:
    """``None`` means every core; the range (>= 1) is checked by the bindings."""
    return default_threads() if threads is None else _integer("threads", threads)


@dataclass
class PlyLabels:
    """Per-ply labels, one row of ``width`` plies per game (60 for classic games without written
    passes; else ``max_plies`` or the replayed row width); entries past a game's length are 0.

    Boards are packed bitboards (bit ``i`` = square ``i``) in absolute colours:
    ``board_before[g, t] == (black, white)`` discs before ply ``t``. ``player`` is the player to
    move at that ply (0 black, 1 white), read from the game, never from ply parity; ``passed`` is 1
    when the other side had no move just before the ply. ``legal`` is the legal-move set of the
    player to move and ``flipped`` the flips or removals of the ply: the discs it turned over
    (delflank: the discs it removed). A written pass ply (move 64): ``board_before`` the position
    with the passing side to move, ``player`` the passing side, ``legal`` and ``flipped`` 0,
    ``board_after`` the same discs.
    """

    board_before: np.ndarray  # (n, width, 2) uint64
    board_after: np.ndarray  # (n, width, 2) uint64
    legal: np.ndarray  # (n, width) uint64
    flipped: np.ndarray  # (n, width) uint64
    player: np.ndarray  # (n, width) uint8
    passed: np.ndarray  # (n, width) uint8

    @classmethod
    def _from(cls, raw: dict) -> Optional["PlyLabels"]:
        if "board_before" not in raw:
            return None
        return cls(**{name: raw[name] for name in cls.__dataclass_fields__})

    def board_planes(self, after: bool = False) -> np.ndarray:
        """Board per ply as int8 ``(n, width, 64)``: 0 empty, 1 mine, 2 theirs, relative to the player
        to move at that ply (``after=True``: the board after the ply, same player's view)."""
        return board_planes(self.board_after if after else self.board_before, self.player)


@dataclass
class Games:
    """A batch of games: ``moves`` is ``(n, max_plies)`` uint8 squares (:data:`PASS_MOVE` a
    written pass) padded with :data:`PAD_SQUARE`, ``lengths`` the number of written moves per
    game; ``labels`` when asked for; ``ended`` (n,) bool: True when the game is over, False when it
    was cut at ``max_plies``."""

    moves: np.ndarray
    lengths: np.ndarray
    labels: Optional[PlyLabels] = None
    ended: Optional[np.ndarray] = None

    def __len__(self) -> int:
        return int(self.lengths.shape[0])

    def game(self, i: int) -> list[int]:
        """Squares of game ``i`` as a list."""
        return self.moves[i, : self.lengths[i]].tolist()


@dataclass
class Replay:
    """Result of :func:`replay`: lengths, whether each game is finished, and the labels."""

    lengths: np.ndarray
    ended: np.ndarray  # (n,) bool: neither side can move after the last ply
    labels: Optional[PlyLabels] = None


def generate(
    n_games: int,
    seed: int = 0,
    first_game_index: int = 0,
    threads: Optional[int] = None,
    labels: bool = False,
    policy=None,
    white_policy=None,
    opening_plies: int = 0,
    rules: Union[str, np.ndarray, Sequence[int]] = "classic",
    pass_token: bool = False,
    max_plies: Optional[int] = None,
) -> Games:
    """Play ``n_games`` games, by default uniformly random (each move uniform among the legal moves).

    Game ``k`` of the batch is game ``first_game_index + k`` of the run with ``seed``.
    ``threads=None`` uses every core; the output is identical for any thread count. ``policy``, a
    :class:`mothello_data.policies.Policy` (``None``: uniform), chooses the moves instead; with
    ``white_policy`` too, a match: ``policy`` plays black and ``white_policy`` white;
    ``opening_plies`` (0..60) first uniformly random moves, the same for any policies.

    ``rules``: a name of :data:`RULES` for every game, or a uint8 array of one rule id per game.
    ``pass_token``: a forced pass is written as :data:`PASS_MOVE` and counts as a ply.
    ``max_plies`` (1..255, the row width): a game stops after that many plies (then
    ``ended[k]`` is False); default :func:`max_plies_default` of the rules present (pass it
    explicitly for a batch mixing rules, so that a game never depends on the others' rules).
    Game ``k`` depends only on (seed, its index, its rule, pass_token, max_plies); a written pass
    draws nothing from the game's random stream, so removing the 64s from a game played with
    ``pass_token=True`` gives the same game played without (when neither is cut).
    """
    n = _integer("n_games", n_games)  # n >= 0 is checked by the bindings
    seed = _uint64("seed", seed)
    first = _uint64("first_game_index", first_game_index)
    if n > 0 and first + n > 2**64:
        raise ValueError("first_game_index + n_games exceeds 2**64")
    core_rules, names = rule_args(rules, n)
    width = max_plies_default(names, bool(pass_token)) if max_plies is None else _integer("max_plies", max_plies)
    if not 1 <= width <= MAX_WIDTH:
        raise ValueError(f"max_plies must be in 1..{MAX_WIDTH}, got {width}")
    _check_fits("generate", n, width + 2 + (width * LABEL_BYTES_PER_PLY if labels else 0))
    from .policies import UNIFORM

    extra = {} if (policy is None or policy.is_uniform) and white_policy is None else (policy or UNIFORM).engine_args()
    if white_policy is not None:
        extra.update({"white_" + k: v for k, v in white_policy.engine_args().items()})
    if opening_plies:
        extra["opening_plies"] = _integer("opening_plies", opening_plies)  # 0..60: checked in C++
    raw = _core.generate(n, seed, first, _threads(threads), bool(labels), **extra, **core_rules,
                         pass_token=bool(pass_token), max_plies=width)
    return Games(raw["moves"], raw["lengths"], PlyLabels._from(raw), raw["ended"].astype(bool))


def replay(
    moves: Union[np.ndarray, Sequence[Sequence[int]]],
    lengths: Optional[Union[np.ndarray, Sequence[int]]] = None,
    threads: Optional[int] = None,
    labels: bool = True,
    rules: Union[str, np.ndarray, Sequence[int]] = "classic",
    pass_token: bool = False,
) -> Replay:
    """Replay move lists from the start position and compute per-ply labels in bulk.

    ``moves`` is a 2-D integer array (games x plies) or a list of move lists. Without
    ``lengths`` a row ends at its first :data:`PAD_SQUARE` (255) or negative entry. ``rules`` as
    in :func:`generate`. Every move is checked under its game's rule; without ``pass_token``
    passes are implicit (a 64 is an error), with it a 64 must sit exactly where the side to move
    has no legal move. A bad move raises ``ValueError`` naming the game and the ply. Label rows
    have the width of ``moves``.
    """
    padded, lens = _as_move_rows(moves, lengths)
    kwargs = replay_kwargs(rules, pass_token, len(lens))
    _check_fits("replay", len(lens), 2 + padded.shape[1] * (LABEL_BYTES_PER_PLY if labels else 0))
    raw = _core.replay(padded, lens, _threads(threads), bool(labels), **kwargs)
    return Replay(raw["lengths"], raw["ended"].astype(bool), PlyLabels._from(raw))


def perft(depth: int, rule: str = "classic") -> int:
    """Leaf count of the game tree from the start position of ``rule`` (a pass counts as a move,
    a finished game is a leaf)."""
    return int(_core.perft(_integer("depth", depth), rule_id(rule)))  # depth >= 0: checked in C++


def kernel() -> str:
    """The engine kernel chosen at run time: ``"bmi2"`` or ``"generic"``.

    ``MOTHELLO_KERNEL=generic`` or ``bmi2`` forces one; another value, or ``bmi2`` on a CPU without
    BMI2/POPCNT, raises ``ValueError`` here and at every engine call."""
    return str(_core.kernel())


def build_type() -> str:
    """CMake build type of the compiled engine (benchmarks refuse anything but Release)."""
    return str(_core.build_type())


def bits_to_mask(bitboards: np.ndarray) -> np.ndarray:
    """Unpack uint64 bitboards to bool arrays with a trailing axis of 64 squares."""
    bb = np.ascontiguousarray(bitboards, dtype="<u8")
    bits = np.unpackbits(bb.view(np.uint8).reshape(*bb.shape, 8), axis=-1, bitorder="little")
    return bits.astype(bool)


def board_planes(boards: np.ndarray, player: np.ndarray) -> np.ndarray:
    """Relative board planes from ``(..., 2)`` (black, white) bitboards and the player to move:
    int8 ``(..., 64)`` with 0 empty, 1 the mover's disc ("mine"), 2 the opponent's ("theirs")."""
    boards = np.asarray(boards, dtype=np.uint64)
    player = np.asarray(player).astype(bool)
    mine = np.where(player, boards[..., 1], boards[..., 0])
    theirs = np.where(player, boards[..., 0], boards[..., 1])
    return bits_to_mask(mine).astype(np.int8) * MINE + bits_to_mask(theirs).astype(np.int8) * THEIRS


# ---- input conversion ----------------------------------------------------------------------
# Python-side conveniences only: turning Python values into what the bindings take. Ranges,
# shapes and lengths that protect memory are checked once, in the bindings (csrc/bindings_*.cpp).


def _integer(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    return int(value)


def _uint64(name: str, value) -> int:
    """A value for a C uint64 argument (pybind11 would raise a bare TypeError)."""
    value = _integer(name, value)
    if not 0 <= value < 2**64:
        raise ValueError(f"{name} must be in 0..2**64-1, got {value}")
    return value


def _as_move_rows(moves, lengths) -> tuple[np.ndarray, np.ndarray]:
    """Move rows as C-contiguous uint8 (games x width) plus uint8 lengths (lists are padded)."""
    if isinstance(moves, np.ndarray):
        rows = moves
    else:
        seqs = [list(m) for m in moves]
        width = max((len(s) for s in seqs), default=0)
        rows = np.full((len(seqs), width), -1, dtype=np.int64)
        for i, s in enumerate(seqs):
            try:
                rows[i, : len(s)] = s
            except OverflowError:  # a Python int beyond int64: out of range, not an end marker
                raise ValueError(f"game {i}: a square is out of range 0..63") from None
        if lengths is None:
            lengths = [len(s) for s in seqs]
    if rows.ndim != 2:
        raise ValueError(f"moves must be 2-D (games x plies), got shape {rows.shape}")
    if rows.size and not np.issubdtype(rows.dtype, np.integer):
        raise ValueError(f"moves must hold integers, got dtype {rows.dtype}")
    shown = rows  # the values as given, for messages
    if np.issubdtype(rows.dtype, np.unsignedinteger) and rows.dtype.itemsize == 8:
        # uint64 values >= 2**63 would turn negative (an end marker) in int64: make them 256
        rows = np.where(rows > 255, np.uint64(256), rows)
    rows = rows.astype(np.int64, copy=False)
    if lengths is None:
        is_pad = (rows < 0) | (rows == PAD_SQUARE)
        lens = np.where(is_pad.any(axis=1), is_pad.argmax(axis=1), rows.shape[1])
    else:
        lens = np.asarray(lengths)
        if lens.shape != (rows.shape[0],) or (lens.size and not np.issubdtype(lens.dtype, np.integer)):
            raise ValueError(f"lengths must be {rows.shape[0]} integers, one per game")
        # Only what the uint8 cast would lose; length <= width is the bindings' check.
        bad = np.flatnonzero((lens < 0) | (lens > 255))
        if bad.size:
            g = int(bad[0])
            raise ValueError(f"game {g}: length {int(lens[g])} is outside 0..{rows.shape[1]}")
    lens = lens.astype(np.int64)
    inside = np.arange(rows.shape[1]) < lens[:, None]
    # Squares that do not fit uint8; 64..255 are refused by the engine's replay (same message).
    bad = inside & ((rows < 0) | (rows > 255))
    if bad.any():
        g, t = (int(x) for x in np.argwhere(bad)[0])
        raise ValueError(f"game {g}, ply {t}: square {int(shown[g, t])} is out of range 0..63")
    clean = np.where(inside, rows, PAD_SQUARE).astype(np.uint8)
    return np.ascontiguousarray(clean), lens.astype(np.uint8)
