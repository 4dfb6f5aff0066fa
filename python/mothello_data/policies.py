"""Move policies: how the engine chooses each move of a generated game (``--policy``, ``--epsilon``).

Owns the policy names, their parsing and their record in plans and manifests; the rules themselves
live in C++ (``csrc/policies.hpp``, one owner) and are summarised here for the card and ``--help``:

* ``uniform`` (the default): every legal move equally likely (the Othello-GPT synthetic corpus).
* ``greedy``: the move that flips the most discs.
* ``mobility``: the move that leaves the opponent the fewest legal moves.
* ``search:D`` (D = 1..8): alpha-beta negamax to depth D with the evaluation of :data:`EVALUATION`.

Ties between equally good moves are broken uniformly with the counter RNG, and ``--epsilon E``
plays a uniformly random legal move with probability E at each ply, so game ``i`` stays a pure
function of (seed, policy, epsilon, i). The draws of one ply, in order: a 64-bit word ``w`` only
when E > 0 (random move iff ``w >> 32 < round(E * 2**32)``, then one draw picks the move among the
legal ones), otherwise one draw picks among the best moves (made even when one move is best).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Optional

from .spec import SpecError

#: policy name -> the engine's code (``PolicyKind`` in csrc/policies.hpp)
KINDS = {"uniform": 0, "greedy": 1, "mobility": 2, "search": 3}
MAX_DEPTH = 8
EVALUATION = ("from the side to move: a finished game scores 1000 x disc difference; otherwise the sum of a "
              "square table over own discs minus the opponent's (corners 100, next to corners -20/-50, edges "
              "5/10, centre -1/-2) plus 5 x (own legal moves - opponent's legal moves)")
DESCRIPTIONS = {
    "uniform": "each move drawn uniformly among the legal moves",
    "greedy": "each move flips the most discs (ties broken uniformly at random)",
    "mobility": "each move leaves the opponent the fewest legal moves (ties broken uniformly at random)",
    "search": "each move is the best of an alpha-beta search to depth {depth} (ties broken uniformly at random); "
              "evaluation " + EVALUATION,
}


@dataclass(frozen=True)
class Policy:
    """A move policy: ``kind`` (a :data:`KINDS` name), search ``depth`` (0 unless search) and ``epsilon``."""

    kind: str = "uniform"
    depth: int = 0
    epsilon: float = 0.0

    @property
    def name(self) -> str:
        """The ``--policy`` spelling: ``uniform``, ``greedy``, ``mobility`` or ``search:D``."""
        return f"search:{self.depth}" if self.kind == "search" else self.kind

    @property
    def is_uniform(self) -> bool:
        """Whether this is the default policy (uniform random moves, the bytes of earlier versions)."""
        return self.kind == "uniform"

    def epsilon_threshold(self) -> int:
        """``round(epsilon * 2**32)``: the engine's integer form of ``epsilon``."""
        return int(round(self.epsilon * 2**32))

    def engine_args(self) -> dict:
        """Keyword arguments of ``_core.generate`` for this policy."""
        return {"policy": KINDS[self.kind], "depth": self.depth, "epsilon_threshold": self.epsilon_threshold()}

    def to_json(self) -> Optional[dict]:
        """The record in a plan identity and manifest (``None`` for uniform: identities of the default
        policy stay those of earlier versions)."""
        return None if self.is_uniform else {"name": self.name, "epsilon": self.epsilon}

    @classmethod
    def from_json(cls, doc: Optional[dict]) -> "Policy":
        """The policy of a :meth:`to_json` record (``None``: uniform)."""
        if doc is None:
            return UNIFORM
        return parse_policy(doc["name"], doc.get("epsilon", 0.0))

    def describe(self) -> str:
        """One sentence for the dataset card and ``--dry-run``."""
        text = DESCRIPTIONS[self.kind].format(depth=self.depth)
        if self.epsilon:
            text += f"; with probability {self.epsilon:g} a uniformly random legal move instead"
        return text


UNIFORM = Policy()


def parse_policy(text, epsilon=None) -> Policy:
    """The :class:`Policy` of ``--policy`` text (``uniform``, ``greedy``, ``mobility``, ``search:D``)
    and ``--epsilon`` (a number in 0..1, ``None``: 0). Raises :class:`SpecError` (one line)."""
    if not isinstance(text, str):
        raise SpecError(f"--policy: expected a policy name, got {text!r}")
    name = text.strip()
    m = re.fullmatch(r"search:(\d+)", name)
    if m:
        depth = int(m.group(1))
        if not 1 <= depth <= MAX_DEPTH:
            raise SpecError(f"--policy: search depth must be in 1..{MAX_DEPTH}, got {depth}")
        kind = "search"
    elif name in KINDS and name != "search":
        kind, depth = name, 0
    else:
        raise SpecError(f"--policy: unknown policy {text!r} (choose uniform, greedy, mobility or search:D with D in 1..{MAX_DEPTH})")
    if epsilon is None:
        epsilon = 0.0
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or not math.isfinite(epsilon) or not 0 <= epsilon <= 1:
        raise SpecError(f"--epsilon must be a number in 0..1, got {epsilon!r}")
    if kind == "uniform" and epsilon:
        raise SpecError("--epsilon needs a policy other than uniform (uniform moves are random already)")
    return Policy(kind, depth, float(epsilon))
