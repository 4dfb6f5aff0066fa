"""Pure-Python random game generator written the way the Othello-World reference does it:
a board as an 8x8 list of lists, legal moves by walking the 8 rays from every empty square,
``random.choice`` among the legal moves. Used only as the speed baseline in bench_generate.py.
"""

from __future__ import annotations

import random

DIRS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def _flips(board, r, c, color):
    out = []
    for dr, dc in DIRS:
        line, rr, cc = [], r + dr, c + dc
        while 0 <= rr < 8 and 0 <= cc < 8 and board[rr][cc] == -color:
            line.append((rr, cc))
            rr, cc = rr + dr, cc + dc
        if line and 0 <= rr < 8 and 0 <= cc < 8 and board[rr][cc] == color:
            out.extend(line)
    return out


def _legal(board, color):
    return [(r, c) for r in range(8) for c in range(8) if board[r][c] == 0 and _flips(board, r, c, color)]


def play_game(rng: random.Random) -> list[int]:
    board = [[0] * 8 for _ in range(8)]
    board[3][3] = board[4][4] = -1  # white d4, e5
    board[3][4] = board[4][3] = 1  # black e4, d5
    color, moves = 1, []
    while True:
        legal = _legal(board, color)
        if not legal:
            color = -color
            legal = _legal(board, color)
            if not legal:
                return moves
        r, c = rng.choice(legal)
        for rr, cc in _flips(board, r, c, color):
            board[rr][cc] = color
        board[r][c] = color
        moves.append(8 * r + c)
        color = -color


def generate_games(n: int, seed: int = 0) -> list[list[int]]:
    rng = random.Random(seed)
    return [play_game(rng) for _ in range(n)]
