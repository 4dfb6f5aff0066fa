"""Where a plan's games come from: the engine (a move policy, uniform by default) or an import.

One place answers, for the shard writer, the held-out repeat index, ``verify`` and the card:
the games with ids ``lo .. lo + n`` of a plan (:func:`games`), the extra columns an import adds
(:func:`extra_fields`, :func:`extra_columns`) and how the card describes the games
(:func:`describe`). Generated game ``i`` is a pure function of (seed, policy, i); imported game
``i`` is the i-th game of the import (:mod:`mothello_data.importer`).
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from . import engine, importer
from .plan import Plan
from .policies import Policy
from .rng import RNG_ID
from .rules import RuleSet


def games(plan: Plan, lo: int, n: int, threads: Optional[int] = None, labels: bool = False) -> engine.Games:
    """Games ``lo .. lo + n`` of ``plan`` (with per-ply labels when asked)."""
    if plan.imported:
        src = importer.load(plan.imported)
        moves, lengths = src.moves[lo:lo + n], src.lengths[lo:lo + n]
        lab = engine.replay(moves, lengths, threads=threads, labels=True).labels if labels else None
        return engine.Games(moves, lengths, lab)
    return engine.generate(n, plan.seed, lo, threads=threads, labels=labels, policy=plan.policy,
                           **plan.rules.engine_args(lo, n, plan.seed))


def rule_names(plan: Plan) -> list:
    """The ``rule`` ClassLabel's names (a run with rule variants), else ``[]`` (no rule column)."""
    return [] if plan.rules.is_classic else plan.rules.class_names()


def extra_fields(plan: Plan) -> list:
    """(name, dtype) of the columns an import adds after the base and label columns (WTHOR fields)."""
    return importer.extra_fields(plan.imported)


def extra_columns(plan: Plan, ids: np.ndarray) -> dict:
    """The extra columns' values for the games ``ids`` (one per row)."""
    if not plan.imported or not extra_fields(plan):
        return {}
    src = importer.load(plan.imported)
    idx = np.asarray(ids, dtype=np.int64)
    return {name: src.extras[name][idx] for name, _ in extra_fields(plan)}


def ranged_moves(config: dict, seed: int, lo: int, n: int) -> np.ndarray:
    """The ``(n, W)`` moves of games ``lo .. lo + n`` of the run a manifest's ``config`` describes:
    played from (seed, policy, rules, id), or read from the import's files."""
    if config.get("import"):
        return importer.load(config["import"]).moves[lo: lo + n]
    rules = RuleSet.from_json(config.get("rules"))
    return engine.generate(n, seed, lo, policy=Policy.from_json(config.get("policy")), **rules.engine_args(lo, n, seed)).moves


def expected_moves(config: dict, seed: int, ids: np.ndarray) -> Optional[np.ndarray]:
    """The ``(len(ids), 60)`` moves a manifest's ``config`` says games ``ids`` have: regenerated
    from (seed, policy, id), or read from the import's files (None when they are not available)."""
    if config.get("import"):
        try:
            src = importer.load(config["import"])
        except (ValueError, OSError):  # SpecError: files gone or changed; verify checks the rest
            return None
        return src.moves[np.asarray(ids, dtype=np.int64)]
    policy, rules = Policy.from_json(config.get("policy")), RuleSet.from_json(config.get("rules"))
    rows = [engine.generate(1, seed, int(i), policy=policy, **rules.engine_args(int(i), 1, seed)).moves[0] for i in ids]
    return np.array(rows, dtype=np.uint8).reshape(len(rows), rules.max_plies)


def describe(plan: Plan) -> tuple[str, str, str]:
    """For the card: what the games are (title words), the rule for a move, and the line on what
    ``game_id`` is (the texts of uniform runs are those of earlier versions)."""
    pol = plan.policy
    if plan.imported:
        rep = plan.imported
        files = ", ".join(f"`{f['path'].rsplit('/', 1)[-1]}` ({f['format']})" for f in rep["files"])
        return ("Real (imported)", f"The games were imported from {files} and replayed\n  move by move",
                f"`game_id` `i` is the i-th imported game in file order ({rep['games']:,} games; {rep['n_rejected']:,} "
                f"records rejected, {rep['n_repeats']:,} repeats{' dropped' if rep['repeats_dropped'] else ' kept'}, "
                f"{rep['unfinished']:,} unfinished games; all listed in `manifest.json` under `config.import`)")
    if pol.is_uniform:
        return ("Uniformly random legal", "Each move is drawn uniformly among the\n  legal moves",
                f"Game `i` is a pure function of (seed = {plan.seed}, i): RNG `{RNG_ID}`. `game_id` is that `i`.")
    eps = f", epsilon {pol.epsilon:g}" if pol.epsilon else ""
    return (f"Engine-played (policy `{pol.name}`{eps})", f"Move policy `{pol.name}`: {pol.describe()}\n  (mothello_data.policies)",
            f"Game `i` is a pure function of (seed = {plan.seed}, policy = {pol.name}, epsilon = {pol.epsilon:g}, i): "
            f"RNG `{RNG_ID}`. `game_id` is that `i`.")
