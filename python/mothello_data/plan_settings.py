"""Turning parsed ``mothello-gen`` arguments and an experiment file (``--config``) into a :class:`Plan`.

Owns the rules that combine flags with the file (flags override it; the file's values are checked
even when a flag overrides them) and :func:`describe`, the plan as ``--dry-run`` prints it. The flags
themselves are :mod:`mothello_data.arguments`'.
"""

from __future__ import annotations

import argparse
from typing import Optional

from .config import load_experiment
from .plan import DEFAULT_SPLITS, MAX_GAMES, MAX_GAMES_PER_SHARD, DEFAULT_GAMES_PER_SHARD, Plan, parse_splits
from .policies import parse_policy
from .rules import RULE_SETTINGS, combined_rules, language_settings
from .schema import parse_labels
from .shards import check_split_by
from .splits import check_dedupe, parse_split_by
from .spec import MAX_LANGUAGE_SEED, LanguageSpec, SpecError, require_bool, require_int, resolve_types


def _setting(args: argparse.Namespace, settings: dict, name: str, config: Optional[str], rule: tuple, default=None):
    """The flag ``--name`` if given, else the config file's ``name``, else ``default``; each given
    value (the file's too, even when the flag overrides it) must be an integer in ``rule`` =
    ``(lo, hi, hi_text)``."""
    flag = "--" + name.replace("_", "-")
    if name in settings:
        _integer(settings[name], f"{config}: {name}", *rule)
    _integer(getattr(args, name), flag, *rule)
    return getattr(args, name) if getattr(args, name) is not None else settings.get(name, default)


def _integer(value, where: str, lo: int, hi: int, hi_text: str) -> None:
    """:func:`~mothello_data.spec.require_int` for a setting that was given (``None``: not given)."""
    if value is not None:
        require_int(value, where, lo, hi, hi_text)


def _comma_list(text: str, flag: str) -> list[str]:
    """The items of a comma list flag; an empty item is refused."""
    items = [x.strip() for x in text.split(",")]
    if not all(items):
        raise SpecError(f"{flag}: empty item in {text!r}")
    return items


def plan_from_args(args: argparse.Namespace) -> Plan:
    """The :class:`Plan` of parsed ``mothello-gen`` arguments: ``--config`` first, flags override it."""
    settings: dict = {}
    spec: Optional[LanguageSpec] = None
    if args.config:
        spec, settings = load_experiment(args.config, _rule_flags(args))
    lang_flags = any(v is not None for v in (args.langs, args.lang_types, args.anchors, args.anchor_moves, args.language_seed,
                                             args.input_languages)) or args.lang_tags
    seed = _setting(args, settings, "seed", args.config, (0, 2**64 - 1, "2**64-1"), 0)
    _integer(args.language_seed, "--language-seed", 0, MAX_LANGUAGE_SEED, "2**32-1")  # the file's: LanguageSpec
    if spec is None or lang_flags:
        base = spec.to_dict() if spec is not None else {}
        if args.langs is not None or args.lang_types is not None:
            listed = len(args.lang_types.split(",")) if args.lang_types and "," in args.lang_types else 0
            n = args.langs if args.langs is not None else listed or len(base.get("types", [])) or 1
            if n != len(base.get("types", [])):
                base.pop("input_languages", None)  # another set of languages: the file's choice is void
            base["types"] = resolve_types(n, args.lang_types)
        if args.anchors is not None and args.anchor_moves is not None:
            raise SpecError("give --anchors or --anchor-moves, not both")
        if args.anchors is not None:
            base["anchors"] = args.anchors
        if args.anchor_moves is not None:
            base["anchors"] = _comma_list(args.anchor_moves, "--anchor-moves")
        if args.language_seed is None and "seed" not in base and seed > MAX_LANGUAGE_SEED:
            raise SpecError(f"--seed {seed} is above 2**32-1, the largest language seed (numpy's legacy generator, "
                            "as in the paper): give --language-seed too")
        base["seed"] = args.language_seed if args.language_seed is not None else base.get("seed", seed)
        if args.input_languages is not None:
            base["input_languages"] = parse_input_languages(args.input_languages)
        if args.lang_tags:
            base["lang_tags"] = True
        base.setdefault("types", ["atomic"])
        spec = LanguageSpec.from_dict(language_settings(base, _rules(args, settings)))
    elif spec is not None:
        spec = LanguageSpec.from_dict(language_settings(spec.to_dict(), _rules(args, settings)))
    if spec.n_languages == 1 and spec.anchor_squares_from_anchors():
        raise SpecError("anchors need at least 2 languages (--langs): with one language no move is shared")
    games = _setting(args, settings, "games", args.config, (1, MAX_GAMES, "2**64 (game ids are 64-bit)"))
    split_text = settings.get("splits", DEFAULT_SPLITS)
    if isinstance(split_text, dict):
        split_text = ",".join(f"{k}={v}" for k, v in split_text.items())
    if not isinstance(split_text, str):
        raise SpecError(f"{args.config}: splits must be text like train=0.98,test=0.02 or a table, got {split_text!r}")
    split_text = args.splits if args.splits is not None else split_text
    splits, games = parse_splits(split_text, games)
    if games < 1:
        raise SpecError("--splits: the splits hold no games")
    if games > MAX_GAMES:
        raise SpecError(f"--splits: the splits hold {games:,} games, more than 2**64 (game ids are 64-bit)")
    per_shard = _setting(args, settings, "games_per_shard", args.config, (1, MAX_GAMES_PER_SHARD, "2**63-1"),
                         DEFAULT_GAMES_PER_SHARD)
    try:
        labels = parse_labels(settings.get("labels"))
    except SpecError as exc:
        raise SpecError(f"{args.config}: {exc}") from None
    if args.labels is not None:
        labels = parse_labels(args.labels)
    parallel, moves_only = settings.get("parallel", False), settings.get("moves_only", False)
    require_bool(parallel, f"{args.config}: parallel")
    require_bool(moves_only, f"{args.config}: moves_only")
    flags = getattr(args, "policy", None), getattr(args, "epsilon", None)  # import has neither
    in_file = flags == (None, None) and ("policy" in settings or "epsilon" in settings)
    policy = _checked(args.config if in_file else None, "policy", parse_policy,
                      flags[0] if flags[0] is not None else settings.get("policy", "uniform"),
                      flags[1] if flags[1] is not None else settings.get("epsilon"))
    rules = _rules(args, settings)
    split_by = _checked(args.config, "split_by", parse_split_by, settings.get("split_by"))
    dedupe = _checked(args.config, "dedupe", check_dedupe, settings.get("dedupe"))
    plan = Plan(spec=spec, games=games, seed=seed, splits=splits, games_per_shard=per_shard, labels=labels,
                parallel=args.parallel or parallel, moves_only=args.moves_only or moves_only,
                split_by=parse_split_by(args.split_by) if args.split_by is not None else split_by,
                dedupe=check_dedupe(args.dedupe) if args.dedupe is not None else dedupe, policy=policy, rules=rules)
    check_split_by(plan)
    return plan


def _rule_flags(args: argparse.Namespace) -> dict:
    """``--rules``, ``--pass-token``, ``--max-plies`` as given (``import`` has none of them)."""
    return {k: getattr(args, k, None) for k in RULE_SETTINGS}


def _rules(args: argparse.Namespace, settings: dict):
    """The :class:`~mothello_data.rules.RuleSet` of the flags over the config file's settings (the
    file's are checked, naming the file, even where a flag overrides them)."""
    in_file = {k: settings[k] for k in RULE_SETTINGS if k in settings}
    if in_file:
        try:
            combined_rules(in_file)
        except SpecError as exc:
            raise SpecError(f"{args.config}: {exc}") from None
    return combined_rules(in_file, _rule_flags(args))


def _checked(config: Optional[str], name: str, parse, *values):
    """``parse(*values)`` for a setting read from the ``--config`` file: its error names the file
    (``config`` None: the values came from flags, whose errors name the flag)."""
    try:
        return parse(*values)
    except SpecError as exc:
        if config is None:
            raise
        raise SpecError(f"{config}: {name}: {str(exc).split(': ', 1)[-1]}") from None


def parse_input_languages(text: str) -> Optional[list[int]]:
    """``--input-languages``: ``all`` (``None``) or a comma list of languages and ``a-b`` ranges."""
    if text.strip() == "all":
        return None
    out: list[int] = []
    for item in _comma_list(text, "--input-languages"):
        lo, dash, hi = item.partition("-")
        if not lo.strip().isdigit() or (dash and not hi.strip().isdigit()):
            raise SpecError(f"--input-languages: {item!r} is not a language number or a range like 1-4")
        first, last = int(lo), int(hi) if dash else int(lo)
        if last < first:
            raise SpecError(f"--input-languages: the range {item!r} is empty")
        out += range(first, last + 1)
    return out


def describe(plan: Plan) -> str:
    """The plan in a few lines, as ``--dry-run`` prints it."""
    shards = plan.shards()
    lines = [
        f"games: {plan.games:,} (seed {plan.seed}), rows: {plan.games * plan.rows_per_game():,}",
        (f"source: import of {len(plan.imported['files'])} file(s): {plan.imported['n_rejected']:,} records rejected, "
         f"{plan.imported['n_repeats']:,} repeats {'dropped' if plan.imported['repeats_dropped'] else 'kept'}") if plan.imported
        else f"policy: {plan.policy.name}" + (f", epsilon {plan.policy.epsilon:g}" if plan.policy.epsilon else ""),
        f"languages: {', '.join(f'L{i}={t}' for i, t in enumerate(plan.spec.types))}; anchors: {len(plan.spec.overlap)} squares; vocabulary {plan.vocab.size} tokens",
        f"splits: {', '.join(f'{k}={v:,}' for k, v in plan.splits.items())}"
        + (f"; by opening of {plan.split_by} moves" if plan.split_by else "") + ("; symmetric dedupe" if plan.dedupe != "exact" else ""),
        f"shards: {shards.size:,} ({shards[0].filename} ... {shards[-1].filename})",
        *([f"rules: {plan.rules.describe()}; moves: {plan.spec.move_space.describe()}"] if not plan.rules.is_classic
          or not plan.spec.move_space.is_classic else []),
        f"labels: {', '.join(plan.labels) or 'none'}; "
        + ("moves only (no token columns)" if plan.moves_only else "parallel corpus" if plan.parallel else "one language per game")
        + ("" if plan.spec.input_languages is None else f" (input languages {', '.join(map(str, plan.spec.inputs))})"),
    ]
    return "\n".join(lines)
