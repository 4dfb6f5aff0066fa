"""A plain, readable pure-Python Othello engine, used only as an independent oracle in tests.

It shares nothing with the C++ engine: the board is a list of 64 cells and flanked runs are found
by walking the 8 rays from the played square, one square at a time. Squares use the package
numbering (``8 * row + col``, a1 = 0).

Three rule sets (MetaOthello's worlds, restated from their rules):

- ``classic``: Othello. A move is an empty square that flanks at least one run of opponent discs
  (contiguous opponent discs along a ray, ended by a disc of the mover); every flanked run flips.
- ``nomidflip``: legal moves as in classic, but of each flanked run only the first and the last disc
  flip (a run of one flips that disc, a run of two both).
- ``delflank``: open start (black c3 and f6, white f3 and c6). A move is any empty square next to
  (8-adjacent) a disc of the mover, no flanking needed; every flanked run is removed (its squares
  become empty and can be played again).

In all three, black moves first, a side with no legal move passes when the other side can move,
and the game is over when neither side can move. Random games, replays and perft over these rules
are in :mod:`mothello_data.reference_games`; ``perft`` is here.
"""

from __future__ import annotations

from typing import Optional

BLACK, WHITE = 0, 1  # players and disc colours, as in mothello_data.engine
EMPTY = -1  # a cell with no disc
PASS = 64  # the move code of a written pass
DIRECTIONS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
RULES = ("classic", "nomidflip", "delflank")

# start positions per rule: (square, colour) of the four discs
START_DISCS = {
    "classic": [(27, WHITE), (36, WHITE), (28, BLACK), (35, BLACK)],  # d4 e5 white, e4 d5 black
    "nomidflip": [(27, WHITE), (36, WHITE), (28, BLACK), (35, BLACK)],
    "delflank": [(18, BLACK), (45, BLACK), (21, WHITE), (42, WHITE)],  # c3 f6 black, f3 c6 white
}


def neighbours(square: int) -> list[int]:
    """The squares 8-adjacent to ``square`` that lie on the board."""
    row, col = divmod(square, 8)
    return [(row + dr) * 8 + col + dc for dr, dc in DIRECTIONS if 0 <= row + dr < 8 and 0 <= col + dc < 8]


class ReferenceBoard:
    """Position under a rule set: ``cells[sq]`` is EMPTY, BLACK or WHITE; ``to_move`` is BLACK or WHITE."""

    def __init__(self, rule: str = "classic") -> None:
        if rule not in RULES:
            raise ValueError(f"unknown rule {rule!r}; expected one of {', '.join(RULES)}")
        self.rule = rule
        self.cells = [EMPTY] * 64
        for square, color in START_DISCS[rule]:
            self.cells[square] = color
        self.to_move = BLACK

    def copy(self) -> "ReferenceBoard":
        """An independent copy of the position (same rule)."""
        other = ReferenceBoard(self.rule)
        other.cells = list(self.cells)
        other.to_move = self.to_move
        return other

    @staticmethod
    def opponent(color: int) -> int:
        """The other player."""
        return 1 - color

    def flanked_runs(self, square: int, color: Optional[int] = None) -> list[list[int]]:
        """The runs of opponent discs that ``color`` (default: side to move) would flank by playing
        ``square``: one list per direction that has one, ordered outwards from ``square``."""
        color = self.to_move if color is None else color
        if self.cells[square] != EMPTY:
            return []
        them = self.opponent(color)
        row, col = divmod(square, 8)
        runs: list[list[int]] = []
        for dr, dc in DIRECTIONS:
            line = []
            r, c = row + dr, col + dc
            while 0 <= r < 8 and 0 <= c < 8 and self.cells[r * 8 + c] == them:
                line.append(r * 8 + c)
                r, c = r + dr, c + dc
            if line and 0 <= r < 8 and 0 <= c < 8 and self.cells[r * 8 + c] == color:
                runs.append(line)
        return runs

    def is_legal(self, square: int, color: Optional[int] = None) -> bool:
        """Whether ``color`` (default: side to move) may play ``square`` under the board's rule."""
        color = self.to_move if color is None else color
        if not 0 <= square < 64 or self.cells[square] != EMPTY:
            return False
        if self.rule == "delflank":
            return any(self.cells[n] == color for n in neighbours(square))
        return bool(self.flanked_runs(square, color))

    def flips(self, square: int, color: Optional[int] = None) -> list[int]:
        """The squares the move changes besides the played one, sorted: flipped discs (classic:
        every flanked disc; nomidflip: the ends of each flanked run) or removed discs (delflank:
        every flanked disc). [] if the move is illegal (and, in delflank, for a legal move that
        flanks nothing: use ``is_legal`` for legality)."""
        color = self.to_move if color is None else color
        if not self.is_legal(square, color):
            return []
        changed: list[int] = []
        for run in self.flanked_runs(square, color):
            if self.rule == "nomidflip":
                changed.extend({run[0], run[-1]})  # a run of one: that disc once
            else:
                changed.extend(run)
        return sorted(changed)

    def legal_moves(self, color: Optional[int] = None) -> list[int]:
        """Squares ``color`` (default: side to move) may play, in increasing order."""
        color = self.to_move if color is None else color
        return [sq for sq in range(64) if self.is_legal(sq, color)]

    def must_pass(self) -> bool:
        """The side to move has no move but the other side has one."""
        return not self.legal_moves() and bool(self.legal_moves(self.opponent(self.to_move)))

    def game_over(self) -> bool:
        """Neither side can move."""
        return not self.legal_moves(BLACK) and not self.legal_moves(WHITE)

    def pass_turn(self) -> None:
        """Play a pass: legal only when the side to move must pass."""
        if not self.must_pass():
            raise ValueError("pass while the side to move has a move" if self.legal_moves() else "pass after the game is over")
        self.to_move = self.opponent(self.to_move)

    def play(self, square: int) -> list[int]:
        """Play ``square`` for the side to move (after any forced pass); returns the flipped (or,
        in delflank, removed) squares."""
        if self.must_pass():
            self.to_move = self.opponent(self.to_move)
        if not self.is_legal(square):
            raise ValueError(f"illegal move {square}")
        changed = self.flips(square)
        new_color = EMPTY if self.rule == "delflank" else self.to_move
        for sq in changed:
            self.cells[sq] = new_color
        self.cells[square] = self.to_move
        self.to_move = self.opponent(self.to_move)
        return changed

    def relative_planes(self) -> list[int]:
        """64 values: 0 empty, 1 the side to move's disc, 2 the other side's."""
        return [0 if c == EMPTY else (1 if c == self.to_move else 2) for c in self.cells]


def perft(board: "ReferenceBoard | int", depth: "int | str | None" = None, passed: bool = False, *, rule: Optional[str] = None) -> int:
    """Leaf count with a forced pass counted as a move and a finished game as a leaf.

    Two forms: ``perft(board, depth)`` counts from a position (under its rule);
    ``perft(depth, rule)`` (or ``perft(depth, rule=...)``) counts from the rule's start position.
    """
    if isinstance(board, int):  # the perft(depth, rule) form
        return _perft(ReferenceBoard(depth if isinstance(depth, str) else (rule or "classic")), board, False)
    if not isinstance(depth, int):
        raise TypeError("perft(board, depth) needs an integer depth")
    return _perft(board, depth, passed)


def _perft(board: ReferenceBoard, depth: int, passed: bool) -> int:
    if depth < 0:
        raise ValueError("perft depth must be >= 0")
    if depth == 0:
        return 1
    moves = board.legal_moves()
    if not moves:
        if passed:
            return 1
        child = board.copy()
        child.to_move = board.opponent(board.to_move)
        return _perft(child, depth - 1, True)
    total = 0
    for sq in moves:
        child = board.copy()
        child.play(sq)
        total += _perft(child, depth - 1, False)
    return total
