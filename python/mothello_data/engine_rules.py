"""The engine's rule variants seen from Python (issue #15): their names and ids, the default row
width, and the keyword arguments that carry rules to the compiled calls. Re-exported by
:mod:`mothello_data.engine` (use them from there); csrc/board.hpp owns the rules themselves.
"""

from __future__ import annotations

from typing import Sequence, Union

import numpy as np

from . import _core

RULES: tuple[str, ...] = ("classic", "nomidflip", "delflank")  # rule ids 0, 1, 2 (board.hpp RuleId)
_MAX_PLIES = int(_core.MAX_PLIES)


def rule_id(name: str) -> int:
    """The id (0, 1, 2) of a rule name; ``ValueError`` naming the valid ones for anything else."""
    if name not in RULES:
        raise ValueError(f"unknown rule {name!r}; use one of {', '.join(RULES)}")
    return RULES.index(name)


def max_plies_default(rule_names: Union[str, Sequence[str]], pass_token: bool) -> int:
    """Default row width: 60 for classic and nomidflip without written passes, 120 with them (a
    game can never be cut then), and 60 (MetaOthello's MAX_STEPS) whenever delflank is among the
    rules, whose games are unbounded."""
    names = [rule_names] if isinstance(rule_names, str) else list(rule_names)
    for name in names:
        rule_id(name)
    if "delflank" in names:
        return _MAX_PLIES
    return 2 * _MAX_PLIES if pass_token else _MAX_PLIES


def rule_args(rules, n: int) -> tuple[dict, list[str]]:
    """Keyword arguments of the ``_core`` functions (``rule=`` or ``rules=``) for ``rules`` (a name
    of :data:`RULES`, or one integer rule id per game of a batch of ``n``) and the rule names
    present. ``ValueError`` in one line for an unknown name or id, or an array of another length."""
    if isinstance(rules, str):
        return {"rule": rule_id(rules)}, [rules]
    ids = np.asarray(rules)
    if ids.shape != (n,) or (ids.size and not np.issubdtype(ids.dtype, np.integer)):
        raise ValueError(f"rules must be a rule name or {n} integer rule ids, one per game")
    bad = np.flatnonzero((ids < 0) | (ids >= len(RULES)))
    if bad.size:
        raise ValueError(f"game {int(bad[0])}: rule id {int(ids[bad[0]])} is not a rule; use 0 classic, 1 nomidflip, 2 delflank")
    ids = np.ascontiguousarray(ids, dtype=np.uint8)
    return {"rules": ids}, [RULES[i] for i in np.unique(ids)]


def replay_kwargs(rules, pass_token: bool, n: int) -> dict:
    """The compiled replays' keyword arguments for ``rules`` (a name, or a rule id per game) and
    written passes (empty for classic games with implicit passes: the compiled defaults). Used by
    :func:`mothello_data.engine.replay` and the label replays (:mod:`mothello_data.probing`, :mod:`mothello_data.world_labels`)."""
    if isinstance(rules, str) and rules == "classic" and not pass_token:
        return {}
    return {**rule_args(rules, n)[0], "pass_token": bool(pass_token)}
