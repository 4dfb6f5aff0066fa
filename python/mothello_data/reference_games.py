"""Whole games on the pure-Python reference engine (test oracle only): uniform random games,
replays of move lists, and a ply-by-ply record of a game, for every rule set.

Move lists follow the package's conventions: squares 0..63; with ``pass_token=True`` a pass is
written as move code 64 (``PASS``) at its ply and counts as a ply; without it passes are implicit.
The end of a game is never written (no trailing passes). ``max_plies`` cuts a game after that many
written moves (written passes count); a cut game is not over.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterator, Optional, Sequence

from mothello_data.reference import PASS, ReferenceBoard


@dataclass
class RandomGame:
    """A uniform random game: its written moves and how it stopped."""

    moves: list[int]
    over: bool  # the game ended (neither side can move); False: cut at max_plies
    passes: int  # passes played (written or implicit)
    board: ReferenceBoard  # the final position


def random_game(
    rng: random.Random,
    rule: str = "classic",
    pass_token: bool = False,
    max_plies: Optional[int] = None,
) -> RandomGame:
    """Play uniformly random legal moves (``rng.choice`` over the sorted legal squares) from the
    rule's start until the game is over or ``max_plies`` moves are written."""
    if max_plies is not None and max_plies < 1:
        raise ValueError("max_plies must be >= 1")
    board, moves, passes = ReferenceBoard(rule), [], 0
    while max_plies is None or len(moves) < max_plies:
        legal = board.legal_moves()
        if not legal:
            if not board.legal_moves(board.opponent(board.to_move)):
                return RandomGame(moves, True, passes, board)
            board.pass_turn()
            passes += 1
            if pass_token:
                moves.append(PASS)
            continue
        square = rng.choice(legal)
        board.play(square)
        moves.append(square)
    return RandomGame(moves, board.game_over(), passes, board)


@dataclass
class Ply:
    """One written move of a game and the position it was played from."""

    before: ReferenceBoard  # the position, side to move = the player of this ply
    player: int  # BLACK or WHITE
    legal: list[int]  # the player's legal squares ([] at a written pass)
    move: int  # the square, or PASS
    changed: list[int]  # flipped (delflank: removed) squares; [] at a pass
    passed: bool  # an implicit pass (no pass tokens) came right before this ply


def replay_plies(moves: Sequence[int], rule: str = "classic", pass_token: bool = False) -> Iterator[Ply]:
    """Replay a move list, checking every move, and yield one :class:`Ply` per written move.

    Raises ValueError for an illegal square, a pass code without ``pass_token``, a written pass
    when the side to move has a move or the game is over, or (with ``pass_token``) a missing pass.
    """
    board = ReferenceBoard(rule)
    for t, move in enumerate(moves):
        move = int(move)
        if move == PASS:
            if not pass_token:
                raise ValueError(f"ply {t}: pass code {PASS} without pass tokens")
            before = board.copy()
            try:
                board.pass_turn()
            except ValueError as err:
                raise ValueError(f"ply {t}: {err}") from None
            yield Ply(before, before.to_move, [], PASS, [], False)
            continue
        passed = False
        if board.must_pass():
            if pass_token:
                raise ValueError(f"ply {t}: the side to move must pass but plays {move}")
            board.to_move = board.opponent(board.to_move)
            passed = True
        before = board.copy()
        legal = board.legal_moves()
        if move not in legal:
            raise ValueError(f"ply {t}: illegal move {move}" + (" (game over)" if not legal else ""))
        changed = board.play(move)
        yield Ply(before, before.to_move, legal, move, changed, passed)


def replay(moves: Sequence[int], rule: str = "classic", pass_token: bool = False) -> ReferenceBoard:
    """The position after a checked replay of ``moves`` (see :func:`replay_plies`)."""
    board = ReferenceBoard(rule)
    for ply in replay_plies(moves, rule, pass_token):
        board = ply.before
        if ply.move == PASS:
            board.pass_turn()
        else:
            board.play(ply.move)
    return board
