"""Experiment files: one file describes the languages (and optionally the generation run).

Three formats: ``.json`` is read as JSON and ``.toml`` as TOML; any other file by content (JSON,
else TOML, else a Python dict literal), always whole or not at all:

* JSON (``.json``) or TOML (``.toml``) with our keys, e.g.::

      # experiment.toml
      types = ["atomic", "split", "compositional"]   # or: languages = 4, lang_types = "atomic"
      anchors = 0.1            # fraction of the 60 moves, or a list of squares ["c4", 19]
      language_seed = 0        # split lengths and anchor choice (default: seed)
      lang_tags = false
      unified_output = true
      # generation settings are read by mothello-gen (see `mothello-gen --help`); also
      # splits, games_per_shard, labels, parallel, moves_only, policy, epsilon, split_by, dedupe
      games = 1000000
      seed = 0
      [groups]                 # explicit anchor groups: square -> language groups (a TOML table
      a5 = [[0, 1], [2, 3]]    # comes last: keys after it belong to it)

* The mOthello repository's experiment files as they are (``exp_configs/*.txt``): a Python-literal
  dict (optionally assigned to a name) with exactly the paper's four keys, ``language_types``,
  ``overlap_toks`` (square 0..63 -> language groups), ``train_seed`` (0..2**32-1: numpy's legacy
  seed) and ``unified_output``; a missing or extra key is refused, as the paper refuses it. The
  same four keys are read from a JSON or TOML file that has ``language_types``, which may also
  carry our generation settings (``games``, ``seed``, ...; any other key is refused). With
  ``unified_output: True`` language 0 is the paper's output space, so games are written in
  languages 1..n-1 only (``input_languages``; ``mothello-gen --input-languages`` overrides).

A file that cannot be read, is empty or holds a bad value is refused with a
:class:`~mothello_data.spec.SpecError` that names the file and the field.
"""

from __future__ import annotations

import ast
import json
import os
from typing import Any, Optional

from .rules import combined_rules, language_settings
from .spec import MAX_LANGUAGE_SEED, SPEC_KEYS, LanguageSpec, SpecError, require_bool, require_int

# In a config file ``seed`` is the seed of the games, so the spec's seed is spelled ``language_seed``.
LANGUAGE_KEYS = set(SPEC_KEYS) - {"seed", "pass_token"}  # the pass token is a rule setting (--pass-token)
GENERATION_KEYS = {"games", "seed", "splits", "games_per_shard", "labels", "parallel", "moves_only", "policy", "epsilon",
                   "split_by", "dedupe", "rules", "pass_token", "max_plies"}
MOTHELLO_KEYS = {"language_types", "overlap_toks", "train_seed", "unified_output"}
_PAPER_KEYS_TEXT = "a mOthello experiment file has exactly the keys " + ", ".join(sorted(MOTHELLO_KEYS))


class _Unparsable(SpecError):
    """The text is not in this format (the next format may read it)."""


def load_experiment(path: str, rule_flags: Optional[dict] = None) -> tuple[LanguageSpec, dict[str, Any]]:
    """Read an experiment file: the language spec and the generation settings it names.
    ``rule_flags``: command-line ``rules``/``pass_token``/``max_plies`` that override the file's,
    so that the spec is built, and checked, in the move space of the rules actually played."""
    if os.path.isdir(path):
        raise SpecError(f"cannot read config {path}: it is a folder")
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8-sig")  # a leading byte-order mark is not content
    except OSError as exc:
        raise SpecError(f"cannot read config {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path}: not a text file (invalid UTF-8 at byte {exc.start})") from None
    ext = os.path.splitext(path)[1].lower()
    literal = False  # a Python dict literal: the paper's own file format
    if ext == ".json":
        data = _parse_json(text, path)
    elif ext == ".toml":
        data = _parse_toml(text, path)
    else:
        data, literal = _parse_any(text, path)
    if not isinstance(data, dict):
        raise SpecError(f"{path}: expected a table/dict at the top level")
    if not data:
        raise SpecError(f"{path}: the file holds no settings")
    try:
        if "language_types" in data:  # the paper's keys; in JSON/TOML also our generation settings
            ours = {} if literal else {k: v for k, v in data.items() if k in GENERATION_KEYS}
            return _from_mothello({k: v for k, v in data.items() if k not in ours}), ours
        return from_settings(data, path, rule_flags)
    except SpecError as exc:
        message = str(exc)
        raise SpecError(message if message.startswith(f"{path}:") else f"{path}: {message}") from None


def from_settings(data: dict, where: str = "config", rule_flags: Optional[dict] = None) -> tuple[LanguageSpec, dict[str, Any]]:
    """Split a settings dict (our keys) into the language spec and the generation settings (the spec
    in the move space of the file's rules, overridden by ``rule_flags``)."""
    unknown = sorted(map(str, set(data) - LANGUAGE_KEYS - GENERATION_KEYS - {"language_seed"}))
    if unknown:
        raise SpecError(f"{where}: unknown setting(s): {', '.join(unknown)}")
    lang = {k: v for k, v in data.items() if k in LANGUAGE_KEYS}
    lang["seed"] = data.get("language_seed", data.get("seed", 0))
    generation = {k: v for k, v in data.items() if k in GENERATION_KEYS}
    rules = combined_rules(generation, rule_flags)
    return LanguageSpec.from_dict(language_settings(lang, rules)), generation


def _from_mothello(data: dict) -> LanguageSpec:
    """The paper's four keys, exactly (its ``MOthello_Config`` asserts them), as a spec."""
    missing = sorted(MOTHELLO_KEYS - set(data))
    if missing:
        raise SpecError(f"missing key {missing[0]!r}: {_PAPER_KEYS_TEXT}")
    extra = sorted(map(str, set(data) - MOTHELLO_KEYS))
    if extra:
        raise SpecError(f"unexpected key {extra[0]!r}: {_PAPER_KEYS_TEXT}")
    types = data["language_types"]
    if isinstance(types, str) or not isinstance(types, (list, tuple)):
        raise SpecError(f"language_types must be a list of language types, got {types!r}")
    groups = data["overlap_toks"]
    if not isinstance(groups, dict):
        raise SpecError("overlap_toks must map a square to a list of language groups")
    seed = data["train_seed"]
    require_int(seed, "train_seed", 0, MAX_LANGUAGE_SEED, "2**32-1")  # checked here to name the paper's field
    unified = data["unified_output"]
    require_bool(unified, "unified_output")
    inputs = None
    if unified:  # the paper's language 0 is the output space: inputs are drawn from 1..n-1
        if len(types) < 2:
            raise SpecError("unified_output needs at least 2 languages: language 0 is the output space, never an input")
        inputs = list(range(1, len(types)))
    return LanguageSpec(
        types=list(types),
        groups={int(k) if str(k).isdigit() else k: v for k, v in groups.items()},
        seed=seed,
        unified_output=unified,
        input_languages=inputs,
    )


def _parse_json(text: str, path: str):
    def no_repeats(pairs: list) -> dict:
        keys = [k for k, _ in pairs]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise SpecError(f"{path}: {', '.join(repeated)} given twice")
        return dict(pairs)

    try:
        return json.loads(text, object_pairs_hook=no_repeats)
    except json.JSONDecodeError as exc:
        raise _Unparsable(f"{path}: invalid JSON: {exc}") from None
    except RecursionError:
        raise SpecError(f"{path}: nested too deeply") from None


def _parse_toml(text: str, path: str):
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:  # pragma: no cover - older Pythons
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _Unparsable(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise SpecError(f"{path}: nested too deeply") from None


def _parse_any(text: str, path: str):
    """A file of another extension, by content: JSON, else TOML, else a Python dict literal; also
    whether it was the literal."""
    for parse in (_parse_json, _parse_toml):
        try:
            return parse(text, path), False
        except _Unparsable:
            pass
    return _parse_python_literal(text, path), True


def _parse_python_literal(text: str, path: str) -> dict:
    """The first dict literal in the file that has ``language_types`` (or the only dict)."""
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        line = f", line {exc.lineno}" if exc.lineno else ""
        raise SpecError(f"{path}: not JSON, TOML or a Python dict literal ({exc.msg}{line})") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, deep nesting
        raise SpecError(f"{path}: not JSON, TOML or a Python dict literal ({type(exc).__name__})") from None
    dicts = [node for node in ast.walk(tree) if isinstance(node, ast.Dict)]
    for node in dicts:
        keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
        if "language_types" in keys or len(dicts) == 1:
            out = {}
            for k, v in zip(node.keys, node.values):
                if not isinstance(k, ast.Constant):
                    raise SpecError(f"{path}: line {v.lineno}: a key must be a literal")
                if k.value in out:
                    raise SpecError(f"{path}: {k.value} given twice")
                try:
                    out[k.value] = ast.literal_eval(v)
                except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                    raise SpecError(f"{path}: {k.value}: not a literal value (line {v.lineno})") from None
            return out
    raise SpecError(f"{path}: no dict with 'language_types' found")
