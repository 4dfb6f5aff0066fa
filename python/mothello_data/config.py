"""Experiment files: one file describes the languages (and optionally the generation run).

Three formats, chosen by content and extension:

* JSON (``.json``) or TOML (``.toml``) with our keys, e.g.::

      # experiment.toml
      types = ["atomic", "split", "compositional"]   # or: languages = 4, lang_types = "atomic"
      anchors = 0.1            # fraction of the 60 moves, or a list of squares ["c4", 19]
      language_seed = 0        # split lengths and anchor choice (default: seed)
      lang_tags = false
      unified_output = true
      [groups]                 # explicit anchor groups: square -> language groups
      a5 = [[0, 1], [2, 3]]
      # generation settings are read by mothello-gen (see `mothello-gen --help`):
      games = 1000000
      seed = 0

* The mOthello repository's experiment files as they are: a Python-literal dict (optionally
  assigned to a name) with ``language_types``, ``overlap_toks`` (square 0..63 -> language
  groups), ``train_seed`` and ``unified_output``. Other keys of those files (model and training
  settings) are ignored; values that are not literals are skipped.
"""

from __future__ import annotations

import ast
import json
import os
from typing import Any

from .spec import SPEC_KEYS, LanguageSpec, SpecError

# In a config file ``seed`` is the seed of the games, so the spec's seed is spelled ``language_seed``.
LANGUAGE_KEYS = set(SPEC_KEYS) - {"seed"}
GENERATION_KEYS = {"games", "seed", "splits", "games_per_shard", "labels", "parallel"}
MOTHELLO_KEYS = {"language_types", "overlap_toks", "train_seed", "unified_output"}


def load_experiment(path: str) -> tuple[LanguageSpec, dict[str, Any]]:
    """Read an experiment file: the language spec and the generation settings it names."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as exc:
        raise SpecError(f"cannot read config {path}: {exc.strerror}") from None
    ext = os.path.splitext(path)[1].lower()
    if ext == ".json":
        data = _parse_json(text, path)
    elif ext == ".toml":
        data = _parse_toml(text, path)
    else:
        data = _parse_python_literal(text, path)
    if not isinstance(data, dict):
        raise SpecError(f"{path}: expected a table/dict at the top level")
    if "language_types" in data:
        return _from_mothello(data), {}
    return from_settings(data, path)


def from_settings(data: dict, where: str = "config") -> tuple[LanguageSpec, dict[str, Any]]:
    """Split a settings dict (our keys) into the language spec and the generation settings."""
    unknown = sorted(set(data) - LANGUAGE_KEYS - GENERATION_KEYS - {"language_seed"})
    if unknown:
        raise SpecError(f"{where}: unknown setting(s): {', '.join(unknown)}")
    lang = {k: v for k, v in data.items() if k in LANGUAGE_KEYS}
    lang["seed"] = data.get("language_seed", data.get("seed", 0))
    generation = {k: v for k, v in data.items() if k in GENERATION_KEYS}
    return LanguageSpec.from_dict(lang), generation


def _from_mothello(data: dict) -> LanguageSpec:
    groups = data.get("overlap_toks") or {}
    if not isinstance(groups, dict):
        raise SpecError("overlap_toks must map a square to a list of language groups")
    return LanguageSpec(
        types=list(data["language_types"]),
        groups={int(k) if str(k).isdigit() else k: v for k, v in groups.items()},
        seed=int(data.get("train_seed", 0)),
        unified_output=bool(data.get("unified_output", True)),
    )


def _parse_json(text: str, path: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(f"{path}: invalid JSON: {exc}") from None


def _parse_toml(text: str, path: str):
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:  # pragma: no cover - older Pythons
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: invalid TOML: {exc}") from None


def _parse_python_literal(text: str, path: str) -> dict:
    """The first dict literal in the file that has ``language_types`` (or the only dict)."""
    try:
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise SpecError(f"{path}: not JSON, TOML or a Python dict literal ({exc.msg}, line {exc.lineno})") from None
    dicts = [node for node in ast.walk(tree) if isinstance(node, ast.Dict)]
    for node in dicts:
        keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
        if "language_types" in keys or len(dicts) == 1:
            out = {}
            for k, v in zip(node.keys, node.values):
                if not isinstance(k, ast.Constant):
                    continue
                try:
                    out[k.value] = ast.literal_eval(v)
                except ValueError:
                    continue  # e.g. a function call in a training setting we do not need
            return out
    raise SpecError(f"{path}: no dict with 'language_types' found")
