"""A plain, readable pure-Python Othello engine, used only as an independent oracle in tests.

It shares nothing with the C++ engine: the board is a list of 64 cells and flips are found by
walking the 8 rays from the played square, one square at a time. Squares use the package
numbering (``8 * row + col``, a1 = 0).
"""

from __future__ import annotations

from typing import Optional

BLACK, WHITE = 0, 1  # players and disc colours, as in mothello_data.engine
EMPTY = -1  # a cell with no disc
DIRECTIONS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


class ReferenceBoard:
    """Othello position: ``cells[sq]`` is EMPTY, BLACK or WHITE; ``to_move`` is BLACK or WHITE."""

    def __init__(self) -> None:
        self.cells = [EMPTY] * 64
        self.cells[27] = self.cells[36] = WHITE  # d4, e5
        self.cells[28] = self.cells[35] = BLACK  # e4, d5
        self.to_move = BLACK

    def copy(self) -> "ReferenceBoard":
        """An independent copy of the position."""
        other = ReferenceBoard()
        other.cells = list(self.cells)
        other.to_move = self.to_move
        return other

    @staticmethod
    def opponent(color: int) -> int:
        """The other player."""
        return 1 - color

    def flips(self, square: int, color: Optional[int] = None) -> list[int]:
        """Squares flipped if ``color`` (default: side to move) plays ``square``; [] if illegal."""
        color = self.to_move if color is None else color
        if self.cells[square] != EMPTY:
            return []
        them = self.opponent(color)
        row, col = divmod(square, 8)
        flipped: list[int] = []
        for dr, dc in DIRECTIONS:
            line = []
            r, c = row + dr, col + dc
            while 0 <= r < 8 and 0 <= c < 8 and self.cells[r * 8 + c] == them:
                line.append(r * 8 + c)
                r, c = r + dr, c + dc
            if line and 0 <= r < 8 and 0 <= c < 8 and self.cells[r * 8 + c] == color:
                flipped.extend(line)
        return sorted(flipped)

    def legal_moves(self, color: Optional[int] = None) -> list[int]:
        """Squares ``color`` (default: side to move) may play, in increasing order."""
        color = self.to_move if color is None else color
        return [sq for sq in range(64) if self.flips(sq, color)]

    def must_pass(self) -> bool:
        """The side to move has no move but the other side has one."""
        return not self.legal_moves() and bool(self.legal_moves(self.opponent(self.to_move)))

    def game_over(self) -> bool:
        """Neither side can move."""
        return not self.legal_moves(BLACK) and not self.legal_moves(WHITE)

    def play(self, square: int) -> list[int]:
        """Play ``square`` for the side to move (after any forced pass); returns the flipped squares."""
        if self.must_pass():
            self.to_move = self.opponent(self.to_move)
        flipped = self.flips(square)
        if not flipped:
            raise ValueError(f"illegal move {square}")
        for sq in flipped + [square]:
            self.cells[sq] = self.to_move
        self.to_move = self.opponent(self.to_move)
        return flipped

    def relative_planes(self) -> list[int]:
        """64 values: 0 empty, 1 the side to move's disc, 2 the other side's."""
        return [0 if c == EMPTY else (1 if c == self.to_move else 2) for c in self.cells]


def perft(board: ReferenceBoard, depth: int, passed: bool = False) -> int:
    """Leaf count with a forced pass counted as a move and a finished game as a leaf."""
    if depth == 0:
        return 1
    moves = board.legal_moves()
    if not moves:
        if passed:
            return 1
        child = board.copy()
        child.to_move = board.opponent(board.to_move)
        return perft(child, depth - 1, True)
    total = 0
    for sq in moves:
        child = board.copy()
        child.play(sq)
        total += perft(child, depth - 1)
    return total
