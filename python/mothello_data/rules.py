"""The rule sets a run plays (MetaOthello's worlds), written passes and the ply cut.

A :class:`RuleSet` is the generation-side answer to "which game is this": one or several of the
engine's rules (``classic``, ``nomidflip``, ``delflank``: :data:`mothello_data.engine.RULES`),
whether a pass is written as a move (:data:`~mothello_data.moves.PASS_MOVE`) and the ply cut. The
plan, the writer, ``verify``, the stream and the card ask it; the engine owns the rules themselves.

* Several rules (``--rules classic,nomidflip``): game ``i``'s rule is drawn like its language, one
  of each rule in every block of ``len(rules)`` consecutive ids, rotated by a seeded offset per block
  (its own stream, independent of the language draw), and stored in a ``rule`` ClassLabel column.
* The move space follows: 64 squares when delflank is played (its centre squares are moves), the
  pass as a move with ``pass_token``.
* ``max_plies``: a game stops after that many written moves (a cut game is not over); the default
  is the longest game the rules allow without a cut (60 placements, 120 with written passes), and
  60 (MetaOthello's cut) when delflank, whose games need not end, is played
  (:func:`mothello_data.engine.max_plies_default`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence, Union

import numpy as np

from .engine_rules import RULES, max_plies_default, rule_id
from .moves import PASS_MOVE, MoveSpace
from .rng import balanced_choice
from .schema import RULE_COLUMN, arrow_numpy, class_names
from .spec import SpecError, require_bool

#: Longest ``--max-plies``: 120 rows hold any classic game with written passes (and token plies are
#: int8: :data:`mothello_data.vocabulary.MAX_TOKEN_PLIES`).
MAX_PLIES_LIMIT = 120
_RULE_STREAM = 0x2B1E

RULE_TEXT = {
    "classic": "Othello: a move flanks, every flanked run flips",
    "nomidflip": "a move flanks as in Othello, but only the first and the last disc of each flanked run flip",
    "delflank": "open start (black c3 f6, white f3 c6); a move is any empty square next to an own disc; "
                "flanked runs are removed, not flipped (squares are emptied and can be played again)",
}


@dataclass(frozen=True)
class RuleSet:
    """``names``: the rules played (each game one of them); ``pass_token``: passes written as moves;
    ``max_plies``: the cut in written moves (``None``: :func:`default_max_plies`)."""

    names: tuple = ("classic",)
    pass_token: bool = False
    max_plies: Optional[int] = None

    def __post_init__(self) -> None:
        names = tuple(self.names)
        if not names:
            raise SpecError("--rules: give at least one rule")
        for name in names:
            if name not in RULES:
                raise SpecError(f"--rules: unknown rule {name!r} (choose from {', '.join(RULES)})")
        if len(set(names)) != len(names):
            raise SpecError(f"--rules: a rule is listed twice in {','.join(names)}")
        object.__setattr__(self, "names", names)
        if not isinstance(self.pass_token, bool):
            raise SpecError(f"pass_token must be true or false, got {self.pass_token!r}")
        cut = max_plies_default(names, self.pass_token) if self.max_plies is None else self.max_plies
        if isinstance(cut, bool) or not isinstance(cut, int) or not 1 <= cut <= MAX_PLIES_LIMIT:
            raise SpecError(f"--max-plies must be an integer in 1..{MAX_PLIES_LIMIT}, got {cut!r}")
        bound = max_plies_default("classic", self.pass_token)
        if "delflank" not in names and cut > bound:
            raise SpecError(f"--max-plies {cut}: {' and '.join(names)} games have at most {bound} moves"
                            + ("" if self.pass_token else " (120 with --pass-token)"))
        object.__setattr__(self, "max_plies", cut)

    @property
    def is_classic(self) -> bool:
        """Every dataset before rule variants: classic rules, implicit passes, no cut."""
        return self.names == ("classic",) and not self.pass_token and self.max_plies == 60

    @property
    def squares(self) -> int:
        """Squares of the move space: 64 when delflank is played, else the 60 playable ones."""
        return 64 if "delflank" in self.names else 60

    @property
    def move_space(self) -> MoveSpace:
        """The moves games under these rules write."""
        return MoveSpace(self.squares, self.pass_token)

    @property
    def may_cut(self) -> bool:
        """Whether some game can be cut by ``max_plies`` (else every game ends by the rules)."""
        return "delflank" in self.names or self.max_plies < max_plies_default("classic", self.pass_token)

    def space_problem(self, space: MoveSpace, exact: bool = False) -> str:
        """Why languages over ``space`` cannot write these rules' games (one line), or ``""``: the
        space must hold every square the rules play and the pass when passes are written; with
        ``exact`` (a dataset's own languages) the pass exactly when passes are written. The writer
        (exact), the stream and re-encoding loaders ask this."""
        if exact and space.pass_move and not self.pass_token:
            return (f"the languages write passes ({space.describe()}; an iago language or pass_token), "
                    "but the games do not: add --pass-token")
        if self.pass_token and not space.pass_move or space.squares < self.squares:
            return f"the languages' moves ({space.describe()}) do not cover the games' ({self.move_space.describe()})"
        return ""

    def rule_ids(self) -> np.ndarray:
        """The engine's id of each of ``names``, in order."""
        return np.array([RULES.index(n) for n in self.names], dtype=np.uint8)

    def rule_of_games(self, game_ids: np.ndarray, seed: int) -> np.ndarray:
        """Index into ``names`` of each game (0 everywhere with one rule)."""
        ids = np.asarray(game_ids, dtype=np.uint64)
        if len(self.names) == 1:
            return np.zeros(len(ids), dtype=np.int64)
        return balanced_choice(ids, len(self.names), seed, _RULE_STREAM, keyed=True)

    def engine_args(self, first_game: int, n: int, seed: int) -> dict:
        """Keyword arguments of :func:`mothello_data.engine.generate` for games ``first_game ..
        first_game + n`` (nothing for classic runs: the engine's defaults)."""
        if self.is_classic:
            return {}
        return {"rules": self.engine_rules(np.arange(first_game, first_game + n, dtype=np.uint64), seed),
                "pass_token": self.pass_token, "max_plies": self.max_plies}

    def engine_rules(self, game_ids: np.ndarray, seed: int) -> Union[str, np.ndarray]:
        """The engine's ``rules`` argument for these games: one name, or a rule id per game."""
        if len(self.names) == 1:
            return self.names[0]
        return self.rule_ids()[self.rule_of_games(game_ids, seed)]

    def class_names(self) -> list[str]:
        """Names of the ``rule`` ClassLabel: the rules in ``--rules`` order."""
        return list(self.names)

    def describe(self) -> str:
        """One line for ``--dry-run`` and the card."""
        parts = [", ".join(self.names)]
        parts.append("passes written as a move" if self.pass_token else "passes implicit")
        parts.append(f"games cut at {self.max_plies} moves" if self.may_cut else "no cut")
        return "; ".join(parts)

    def to_json(self) -> Optional[dict]:
        """Plain JSON values for the plan identity and manifest (``None`` for classic runs, whose
        identities stay those of earlier versions)."""
        if self.is_classic:
            return None
        return {"names": list(self.names), "pass_token": self.pass_token, "max_plies": self.max_plies}

    @classmethod
    def from_json(cls, data: Optional[dict]) -> "RuleSet":
        """Inverse of :meth:`to_json`."""
        if not data:
            return CLASSIC_RULES
        return cls(tuple(data["names"]), bool(data.get("pass_token", False)), data.get("max_plies"))


CLASSIC_RULES = RuleSet()


#: The settings that make a RuleSet, as flags (``--rules``, ``--pass-token``, ``--max-plies``) and file keys.
RULE_SETTINGS = ("rules", "pass_token", "max_plies")


def combined_rules(settings: Mapping, flags: Optional[Mapping] = None) -> RuleSet:
    """The RuleSet of an experiment file's ``settings`` (checked even where a flag overrides them)
    with the command line's ``flags`` over them (a flag that is ``None`` or ``False`` is not given).
    The config reader and the command line both combine them through this."""
    require_bool(settings.get("pass_token", False), "pass_token")
    rules = parse_rules(settings.get("rules"), settings.get("pass_token", False), settings.get("max_plies"))
    given = {k: v for k, v in (flags or {}).items() if v not in (None, False)}
    if not given:
        return rules
    merged = {**{k: settings.get(k) for k in RULE_SETTINGS}, **given}
    return parse_rules(merged["rules"], bool(merged["pass_token"]), merged["max_plies"])


def language_settings(lang: dict, rules: RuleSet) -> dict:
    """Language settings ``lang`` (a spec dict) with the move space ``rules`` play: 64 squares with
    delflank, the pass with written passes. Applied before a spec is built from a config file and
    from flags, so that settings naming centre squares or the pass are checked in the right space."""
    lang = dict(lang)
    if rules.squares == 64:
        lang["squares"] = 64
    if rules.pass_token:
        lang["pass_token"] = True
    else:
        lang.pop("pass_token", None)
    return lang


def replay_args(moves: np.ndarray, rule_ids: Optional[np.ndarray]) -> dict:
    """Keyword arguments of the engine's replays for stored move rows: their rules (engine ids, one
    per row; ``None``: classic) and written passes when a row holds one (a row without a pass replays
    the same either way). The loader and the dataset report replay rows through this."""
    has_pass = bool((np.asarray(moves) == PASS_MOVE).any())
    if rule_ids is None and not has_pass:
        return {}
    return {"rules": "classic" if rule_ids is None else rule_ids, "pass_token": has_pass}


def table_rule_ids(table) -> Optional[np.ndarray]:
    """The engine's rule id of each row of a shard table (pyarrow) from its ``rule`` ClassLabel
    column (names in the shard's ``datasets`` Features), or ``None`` for a table without one (a
    classic dataset). The loader and the dataset reader both read rules through this."""
    if RULE_COLUMN[0] not in table.column_names:
        return None
    ids = np.array([rule_id(name) for name in class_names(table.schema, RULE_COLUMN[0])], dtype=np.uint8)
    return ids[arrow_numpy(table.column(RULE_COLUMN[0]))]


def parse_rules(text: Union[None, str, Sequence[str]], pass_token: bool = False, max_plies: Optional[int] = None) -> RuleSet:
    """``--rules`` (a comma list, or a config file's list) with ``--pass-token`` / ``--max-plies``."""
    if text is None:
        names: Sequence[str] = ("classic",)
    elif isinstance(text, str):
        names = [x.strip() for x in text.split(",")]
        if not all(names):
            raise SpecError(f"--rules: empty item in {text!r}")
    elif isinstance(text, (list, tuple)) and all(isinstance(x, str) for x in text):
        names = text
    else:
        raise SpecError(f"--rules: expected a comma list of rules, got {text!r}")
    return RuleSet(tuple(names), pass_token, max_plies)
