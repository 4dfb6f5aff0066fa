"""Policy-vs-policy matches: the strength of the move policies of :mod:`mothello_data.policies`.

A match of ``n`` games plays game ids ``0 .. ceil(n / 2) - 1`` with policy ``a`` as black and ``b``
as white, and ids ``0 .. floor(n / 2) - 1`` again with the colours swapped. The first
``opening`` plies of every game are uniformly random moves drawn from the counter RNG of (seed, id),
the same for both colourings, so each opening is played once from each side (paired games) and
deterministic policies do not replay one game over and over. The result counts wins, draws and
losses of ``a`` by final disc count.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from . import engine
from .policies import Policy


def final_discs(games: engine.Games, threads: Optional[int] = None) -> np.ndarray:
    """``(n, 2)`` black and white disc counts at the end of each game (replayed by the engine)."""
    rep = engine.replay(games.moves, games.lengths, threads=threads, labels=True)
    last = games.lengths.astype(np.int64) - 1
    boards = rep.labels.board_after[np.arange(len(games)), last]  # (n, 2) black, white
    bits = np.unpackbits(boards.astype("<u8").view(np.uint8).reshape(len(games), 2, 8), axis=-1)
    return bits.sum(axis=-1).astype(np.int64)


def play_match(a: Policy, b: Policy, n_games: int, seed: int = 0, threads: Optional[int] = None,
               opening: int = 6) -> dict:
    """Play ``n_games`` games of ``a`` against ``b`` (paired colours and random openings of
    ``opening`` plies, see the module docstring).

    Returns a dict: games, wins, draws, losses (of ``a``), ``disc_margin`` (mean final disc
    difference, ``a`` minus ``b``) and ``distinct`` (distinct move sequences among the games)."""
    if n_games < 2:
        raise ValueError(f"a match needs at least 2 games (one per colour), got {n_games}")
    half_black = engine.generate((n_games + 1) // 2, seed, 0, threads=threads, policy=a, white_policy=b, opening_plies=opening)
    half_white = engine.generate(n_games // 2, seed, 0, threads=threads, policy=b, white_policy=a, opening_plies=opening)
    d_black = final_discs(half_black, threads)
    d_white = final_discs(half_white, threads)
    margin = np.concatenate([d_black[:, 0] - d_black[:, 1], d_white[:, 1] - d_white[:, 0]])
    return {"games": int(margin.size), "wins": int((margin > 0).sum()), "draws": int((margin == 0).sum()),
            "losses": int((margin < 0).sum()), "disc_margin": float(margin.mean()),
            "distinct": len({row.tobytes() for g in (half_black, half_white) for row in g.moves})}
