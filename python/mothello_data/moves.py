"""The move space of a dataset: which move codes its languages write and the language-neutral index.

A *move code* is what the engine writes in a move row: a square 0..63, or :data:`PASS_MOVE` (64) for
a pass written as a move of its own (``--pass-token``), or 255 past a game's end. A dataset's
*move space* is the ordered list of codes its languages have tokens for; the *move index* of a code
is its position in that list, the unified output space of the training targets.

* ``squares=60`` (classic and nomidflip rules): the 60 playable squares in increasing order: the
  move index is Othello-World's (token ``k`` is move index ``k - 1``); with a pass token the pass
  is move index 60.
* ``squares=64`` (delflank, whose centre squares are playable, or a permuted language that needs
  every square): all 64 squares, move index = square; with a pass token the pass is move index 64.

This module is the one owner of that mapping; the vocabulary, the targets and the loaders ask it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from .squares import PLAYABLE_SQUARES, parse_square, square_name

#: Move code of a written pass.
PASS_MOVE = 64  # equals engine.PASS_MOVE (csrc); tests/test_move_space.py checks it
#: Rows of the per-code tables (squares 0..63 and the pass).
N_CODES = 65
SQUARE_COUNTS = (60, 64)


@dataclass(frozen=True)
class MoveSpace:
    """The move codes a dataset's languages write, in move-index order.

    ``squares``: 60 (the playable squares of the classic start) or 64 (every square);
    ``pass_move``: whether a pass is written as a move (code :data:`PASS_MOVE`, the last index).
    """

    squares: int = 60
    pass_move: bool = False

    def __post_init__(self) -> None:
        if self.squares not in SQUARE_COUNTS:
            raise ValueError(f"a move space has 60 or 64 squares, got {self.squares!r}")

    @property
    def square_codes(self) -> tuple[int, ...]:
        """The squares of the space, in increasing order."""
        return PLAYABLE_SQUARES if self.squares == 60 else tuple(range(64))

    @property
    def codes(self) -> tuple[int, ...]:
        """Every move code of the space in move-index order (the pass last)."""
        return self.square_codes + ((PASS_MOVE,) if self.pass_move else ())

    @property
    def size(self) -> int:
        """Number of moves: the size of the unified output space."""
        return self.squares + int(self.pass_move)

    @property
    def is_classic(self) -> bool:
        """The space of every dataset before rule variants (60 squares, passes implicit)."""
        return self.squares == 60 and not self.pass_move

    def code_to_index(self) -> np.ndarray:
        """``(65,)`` int16: move code -> move index, -1 for a code outside the space."""
        table = np.full(N_CODES, -1, dtype=np.int16)
        table[list(self.codes)] = np.arange(self.size, dtype=np.int16)
        return table

    def index_to_code(self) -> np.ndarray:
        """``(size,)`` uint8: move index -> move code."""
        return np.array(self.codes, dtype=np.uint8)

    def contains(self, code: int) -> bool:
        """Whether ``code`` is a move of this space."""
        return int(code) in self.codes

    def describe(self) -> str:
        """One line for ``vocab.json``, the card and ``--dry-run``."""
        squares = ("playable squares in increasing order" if self.squares == 60  # the 0.3 text, kept byte for byte
                   else "all 64 squares in increasing order (move index = square)")
        return f"move index 0..{self.size - 1} = {squares}" + (f", then the pass ({self.size - 1})" if self.pass_move else "")

    def to_dict(self) -> dict:
        """Plain JSON values (stored only when the space is not the classic one)."""
        return {"squares": self.squares, "pass_move": self.pass_move}


CLASSIC = MoveSpace()


def code_name(code: int) -> str:
    """Name of a move code: a square name such as ``d3``, or ``pass``."""
    return "pass" if int(code) == PASS_MOVE else square_name(int(code))


def parse_code(text: str) -> int:
    """Move code of a name: ``pass`` or a square name / index."""
    value = str(text).strip().lower()
    if value == "pass":
        return PASS_MOVE
    if value.isdigit():
        code = int(value)
        if not 0 <= code <= PASS_MOVE:
            raise ValueError(f"move code {code} is out of range 0..64")
        return code
    return parse_square(value)


def metaothello_iago_permutation(space: MoveSpace) -> list[int]:
    """MetaOthello's ``iago`` token order over ``space`` (64 squares and the pass): the move with
    code ``i`` is written with the token of code ``(47 * i + 13) % 65``, the codes being the 64
    squares in square order then the pass (its ``SQUARES + [None]``). Returned as
    ``perm[index] = index of the move whose token is borrowed``."""
    if space.squares != 64 or not space.pass_move:
        raise ValueError("the MetaOthello iago order covers all 64 squares and the pass: it needs a move space of 64 "
                         "squares with the pass token (--pass-token)")
    return [(47 * i + 13) % N_CODES for i in range(N_CODES)]


def check_permutation(perm: Iterable[int], space: MoveSpace, where: str) -> list[int]:
    """``perm`` as a list if it is a permutation of the move indices of ``space``; else one line."""
    try:
        out = [int(x) for x in perm]
    except (TypeError, ValueError):
        raise ValueError(f"{where}: a permutation is a list of move indices") from None
    if sorted(out) != list(range(space.size)):
        raise ValueError(f"{where}: not a permutation of the move indices 0..{space.size - 1} "
                         f"({len(out)} entries given)")
    return out


def resolve_orders(types: Sequence[str], given, space: MoveSpace, permuted_types: Sequence[str]) -> dict[int, tuple[int, list[int]]]:
    """language -> (base language, order of move indices) for every language whose type is in
    ``permuted_types``, from ``given`` (language -> ``{"base": language, "order": list or
    "metaothello-iago"}``; an ``iago`` language defaults to MetaOthello's order over base 0).
    Raises ``ValueError`` with one line naming the language."""
    if not isinstance(given, Mapping):
        raise ValueError("permutations must map a language to {base, order}")
    n = len(types)
    chosen = {}
    for key, value in given.items():
        lang = int(key) if isinstance(key, str) and key.strip().isdigit() else key
        if isinstance(lang, bool) or not isinstance(lang, int) or not 0 <= lang < n:
            raise ValueError(f"permutations: language {key!r} does not exist (languages are 0..{n - 1})")
        if types[lang] not in permuted_types:
            raise ValueError(f"permutations[{lang}]: language {lang} is {types[lang]}, not permuted")
        chosen[lang] = value
    out = {}
    for lang, kind in enumerate(types):
        if kind not in permuted_types:
            continue
        value = chosen.get(lang, {})
        if not isinstance(value, Mapping) or set(value) - {"base", "order"}:
            raise ValueError(f"permutations[{lang}] must be {{\"base\": language, \"order\": [...]}}, got {value!r}")
        base = value.get("base", 0)
        if isinstance(base, bool) or not isinstance(base, int) or not 0 <= base < lang or types[base] in permuted_types:
            raise ValueError(f"language {lang} ({kind}): its base must be a lower language that is not permuted, got {base!r}")
        order = value.get("order", "metaothello-iago" if kind == "iago" else None)
        try:
            if order == "metaothello-iago":
                order = metaothello_iago_permutation(space)
            elif order is None:
                raise ValueError("a permuted language needs an order (a list of move indices or 'metaothello-iago')")
            out[lang] = (int(base), check_permutation(order, space, f"permutations[{lang}]"))
        except ValueError as exc:
            raise ValueError(f"language {lang} ({kind}): {exc}") from None
    return out
