"""The shard schema: which columns a mothello-data Parquet shard has, their types, and the label
kinds. The writer (:mod:`mothello_data.shards`), the loader, ``verify`` and the dataset card all
read their column lists from here.

Columns of every shard: ``game_id`` (uint64, the RNG counter), ``lang`` (ClassLabel), ``length``
(uint8 placements), ``moves`` (list of uint8 squares) and ``tokens`` (list of uint16). The ply each
token belongs to is not stored (shard formats 2 and 3, :data:`SHARD_FORMAT`): readers derive it by encoding
the moves again (:func:`mothello_data.loader.derive_token_ply`); format-1 shards (mothello-data 0.1 to
0.3) also hold it as a ``token_ply`` column (list of int8), which readers ignore. A dataset with rule
variants (``--rules``, ``--pass-token``, ``--max-plies``) adds :data:`RULE_COLUMN`, the rule of each
game as a ClassLabel (move codes then include 64 for a written pass). A moves-only shard
(``mothello-gen --moves-only``, for loaders that encode the moves per epoch) leaves out the
:data:`TOKEN_COLUMNS`. With ``--labels``, per-ply label columns (packed bitboards, one entry per ply)
for each chosen label kind.

The four label kinds have one set of names, :data:`LABEL_KINDS`, defined here and used by
:mod:`mothello_data.probing` (which computes them per token position), the loader and the CLI:
``board_state``, ``legal_moves``, ``flipped``, ``player``. The CLI also accepts the short spellings of earlier
versions (``board``, ``legal``).
"""

from __future__ import annotations

import json
from typing import Iterable, Sequence, Union

import numpy as np
import pyarrow as pa

from .spec import SpecError


#: (name, kind, dtype) of the columns every shard has; kind is value, list or class.
BASE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("game_id", "value", "uint64"),
    ("lang", "class", "int64"),
    ("length", "value", "uint8"),
    ("moves", "list", "uint8"),
    ("tokens", "list", "uint16"),
)
BASE_COLUMN_NAMES: tuple[str, ...] = tuple(name for name, _, _ in BASE_COLUMNS)
#: The rule of each game (datasets with rule variants only): a ClassLabel of the run's rules.
RULE_COLUMN: tuple[str, str, str] = ("rule", "class", "int64")
#: The columns that hold a game in a language: all present, or all absent (a moves-only shard).
TOKEN_COLUMNS: tuple[str, ...] = ("lang", "tokens")
#: The shard layout this version writes, recorded in ``manifest.json`` (absent there: 1). Format 2
#: drops format 1's ``token_ply`` column and writes ``game_id``, ``moves`` and ``tokens`` with
#: Parquet's BYTE_STREAM_SPLIT encoding (:data:`BYTE_STREAM_SPLIT_COLUMNS`); format 3 declares the
#: list columns and their items non-null (Parquet "required": fewer definition levels to write).
#: Same ``datasets`` Features and values in all three; readers read every format.
SHARD_FORMAT = 3
#: Columns written with BYTE_STREAM_SPLIT instead of a dictionary (Parquet format 2.11 for integer
#: columns: pyarrow >= 16 reads them): a third cheaper to write than dictionary pages, and as small.
BYTE_STREAM_SPLIT_COLUMNS: tuple[str, ...] = ("game_id", "moves", "tokens")

#: label kind -> its per-ply columns (name, dtype). Boards are before the ply, in absolute colours.
LABEL_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "board_state": (("board_black", "uint64"), ("board_white", "uint64")),
    "legal_moves": (("legal", "uint64"),),
    "flipped": (("flipped", "uint64"),),
    "player": (("player", "uint8"),),
}
#: The label kinds, in schema order.
LABEL_KINDS: tuple[str, ...] = tuple(LABEL_COLUMNS)
#: Every stored label column, in schema order.
ALL_LABEL_COLUMNS: tuple[str, ...] = tuple(name for cols in LABEL_COLUMNS.values() for name, _ in cols)
_ALIASES = {"board": "board_state", "legal": "legal_moves"}  # spellings of earlier versions

#: World-model label kinds (issue #13) -> their per-ply columns; each ply holds the position *after*
#: it (pass rule resolved). Asked for by name only: ``--labels all`` keeps meaning the four above.
#: ``hash``/``canonical_hash``: :mod:`mothello_data.symmetry`'s position hashes; ``disc_count``:
#: discs of each colour; ``mobility``: legal moves of each colour.
WORLD_LABEL_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "hash": (("hash", "uint64"),),
    "canonical_hash": (("canonical_hash", "uint64"),),
    "disc_count": (("count_black", "uint8"), ("count_white", "uint8")),
    "mobility": (("mobility_black", "uint8"), ("mobility_white", "uint8")),
}
WORLD_LABEL_KINDS: tuple[str, ...] = tuple(WORLD_LABEL_COLUMNS)
#: Every storable label kind -> its columns, in schema order (the four, then the world-model kinds).
KIND_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {**LABEL_COLUMNS, **WORLD_LABEL_COLUMNS}


class SchemaError(ValueError):
    """A file that is not a mothello-data shard; the message is one line."""


def parse_labels(text: Union[None, str, Sequence[str]]) -> list[str]:
    """``--labels`` text (``none``, ``all`` or a comma list of kinds, where ``all`` stands for the four
    :data:`LABEL_KINDS`), or a list of kinds (a config file's ``labels = ["board", "legal"]``), as
    canonical kinds in :data:`KIND_COLUMNS` order."""
    if text is None or text == "none":
        return []
    if text == "all":
        return list(LABEL_KINDS)
    items = [x.strip() for x in text.split(",")] if isinstance(text, str) else text
    if not isinstance(items, (list, tuple)) or not all(isinstance(x, str) for x in items):
        raise SpecError(f"--labels: expected none, all or a list of label kinds, got {text!r}")
    if not all(items):
        raise SpecError(f"--labels: empty item in {text!r} (choose from {', '.join(KIND_COLUMNS)}, all, none)")
    if "all" in items:  # "all,hash": the four kinds plus world-model kinds
        items = [x for x in items if x != "all"] + list(LABEL_KINDS)
    return canonical_labels(items)


def canonical_labels(labels: Iterable[str]) -> list[str]:
    """Label kinds (old spellings allowed) as canonical names in :data:`LABEL_KINDS` order."""
    chosen = set()
    for x in labels:
        name = _ALIASES.get(x, x)
        if name not in KIND_COLUMNS:
            raise SpecError(f"--labels: unknown label {x!r} (choose from {', '.join(KIND_COLUMNS)}, all, none)")
        chosen.add(name)
    return [x for x in KIND_COLUMNS if x in chosen]


def ply_label_columns(ply_labels) -> dict[str, np.ndarray]:
    """The stored label columns of engine per-ply labels (:class:`mothello_data.engine.PlyLabels`),
    each ``(n, 60)``: boards before the ply split into black and white, then legal, flipped, player."""
    return {
        "board_black": ply_labels.board_before[..., 0],
        "board_white": ply_labels.board_before[..., 1],
        "legal": ply_labels.legal,
        "flipped": ply_labels.flipped,
        "player": ply_labels.player,
    }


def feature_columns(labels: Sequence[str], moves_only: bool = False, extra: Sequence[tuple[str, str]] = (),
                    rules: Sequence[str] = ()) -> list[tuple[str, str, str]]:
    """(name, kind, dtype) of every column of a shard with these label kinds (``moves_only``: without
    the :data:`TOKEN_COLUMNS`; ``rules``: the rule names of a run with rule variants, which adds
    :data:`RULE_COLUMN`), then the ``extra`` (name, dtype) value columns of an import (e.g.
    WTHOR's year and players)."""
    cols = [c for c in BASE_COLUMNS if not (moves_only and c[0] in TOKEN_COLUMNS)]
    cols += [RULE_COLUMN] if rules else []
    for label in canonical_labels(labels):
        cols += [(name, "list", dtype) for name, dtype in KIND_COLUMNS[label]]
    return cols + [(name, "value", dtype) for name, dtype in extra]


def language_names(types: Sequence[str]) -> list[str]:
    """The ``lang`` ClassLabel names: ``L0-atomic``, ``L1-split``, ..."""
    return [f"L{i}-{t}" for i, t in enumerate(types)]


def hf_features(labels: Sequence[str], types: Sequence[str], moves_only: bool = False,
                extra: Sequence[tuple[str, str]] = (), rules: Sequence[str] = ()) -> dict:
    """The ``datasets`` Features as JSON (``Sequence`` form: read by old and new versions)."""
    out = {}
    for name, kind, dtype in feature_columns(labels, moves_only, extra, rules):
        if kind == "class":
            out[name] = {"names": list(rules) if name == RULE_COLUMN[0] else language_names(types), "_type": "ClassLabel"}
        elif kind == "list":
            out[name] = {"feature": {"dtype": dtype, "_type": "Value"}, "_type": "Sequence"}
        else:
            out[name] = {"dtype": dtype, "_type": "Value"}
    return out


def arrow_schema(labels: Sequence[str], types: Sequence[str], moves_only: bool = False,
                 extra: Sequence[tuple[str, str]] = (), rules: Sequence[str] = ()) -> pa.Schema:
    """The Arrow schema of a shard, carrying the ``datasets`` Features in its metadata (``moves_only``,
    ``extra``, ``rules``: see :func:`feature_columns`)."""
    fields = []
    for name, kind, dtype in feature_columns(labels, moves_only, extra, rules):
        t = pa.from_numpy_dtype(np.dtype(dtype))
        if kind == "list":  # shard format 3: lists and items are never null, and saying so spares
            # Parquet most of their definition levels. (Scalars stay nullable: ``datasets`` takes a
            # column's Features from the metadata only if the field equals theirs, and the ClassLabels
            # are scalars; a list's Features come out the same from the type.)
            t = pa.list_(pa.field("item", t, nullable=False))
        fields.append(pa.field(name, t, nullable=kind != "list"))
    meta = {"huggingface": json.dumps({"info": {"features": hf_features(labels, types, moves_only, extra, rules)}})}
    return pa.schema(fields, metadata=meta)


def check_shard_columns(path: str, names: Iterable[str]) -> None:
    """Raise :class:`SchemaError` unless ``names`` hold every base column (the token columns may
    be absent together: a moves-only shard)."""
    names = set(names)
    required = set(BASE_COLUMN_NAMES) - (set(TOKEN_COLUMNS) if not names & set(TOKEN_COLUMNS) else set())
    missing = sorted(required - names)
    if missing:
        raise SchemaError(f"{path}: not a mothello-data shard (missing {', '.join(missing)})")


def has_tokens(names: Iterable[str]) -> bool:
    """Whether a shard with these columns stores its games as tokens (not moves only)."""
    return set(TOKEN_COLUMNS) <= set(names)


def has_stored_labels(names: Iterable[str]) -> bool:
    """Whether a shard with these columns stores every label column (``--labels all``)."""
    return set(ALL_LABEL_COLUMNS) <= set(names)


def class_names(arrow: pa.Schema, column: str) -> list[str]:
    """The ClassLabel names of ``column`` recorded in a shard schema's ``datasets`` Features."""
    try:
        features = json.loads(arrow.metadata[b"huggingface"])["info"]["features"]
        return list(features[column]["names"])
    except (TypeError, KeyError, ValueError):
        raise SchemaError(f"the shard's schema names no ClassLabel for its {column!r} column") from None


def arrow_numpy(array) -> np.ndarray:
    """A numeric Arrow array or column as numpy, zero-copy where it can be (``np.from_dlpack``, chunk by
    chunk): pyarrow's ``to_numpy`` imports pandas, where installed, on its first call (0.2-0.4 s of
    CPU a process), and a ChunkedArray's uint64 ``to_numpy`` is slow. Nulls or booleans: ``to_numpy``."""
    if isinstance(array, pa.ChunkedArray):
        parts = [arrow_numpy(chunk) for chunk in array.chunks]
        return parts[0] if len(parts) == 1 else np.concatenate(parts) if parts else array.to_numpy()
    if array.null_count == 0 and (pa.types.is_integer(array.type) or pa.types.is_floating(array.type)):
        return np.from_dlpack(array)
    return array.to_numpy(zero_copy_only=False)
