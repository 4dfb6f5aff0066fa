"""The files next to the data: ``manifest.json``, ``vocab.json`` and the ``README.md`` card."""

from __future__ import annotations

import json
import os

from . import __version__
from .rng import RNG_ID
from .plan import Plan
from .schema import KIND_COLUMNS, SHARD_FORMAT, WORLD_LABEL_KINDS, canonical_labels, feature_columns, language_names
from .files import write_atomic
from .shards import ShardRecord
from .rules import RULE_TEXT
from .sources import describe as describe_source, extra_fields, rule_names
from .squares import square_name
from .vocabulary import TOKEN_LAYOUT

MANIFEST_FORMAT = "mothello-manifest-v1"


class ManifestError(ValueError):
    """A ``manifest.json`` that cannot be read or lacks what readers use; the message is one line."""


def read_manifest(path: str) -> dict:
    """The :func:`manifest` document of a dataset folder (or of a ``manifest.json`` path), checked
    for the fields readers use: ``seed``, ``config.splits`` and per shard ``file``, ``split``,
    ``first_game``, ``end_game``, ``bytes``. Raises :class:`ManifestError` naming the file."""
    file = os.path.join(path, "manifest.json") if os.path.isdir(path) else path
    try:
        with open(file, encoding="utf-8") as f:
            doc = json.load(f)
        int(doc["seed"]), dict(doc["config"]["splits"])
        for shard in doc["shards"]:
            shard["file"], shard["split"], int(shard["first_game"]), int(shard["end_game"]), int(shard["bytes"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ManifestError(f"{file}: not a mothello-gen manifest ({reason})") from None
    return doc


def manifest(plan: Plan, argv: list[str], records: list[ShardRecord]) -> dict:
    """The ``manifest.json`` document: version, argv, the plan's identity and every shard's record."""
    return {
        "format": MANIFEST_FORMAT,
        "package": "mothello-data",
        "version": __version__,
        "argv": argv,
        "config": plan.identity(),
        "rng": RNG_ID,
        "token_layout": TOKEN_LAYOUT,
        "shard_format": SHARD_FORMAT,
        "seed": plan.seed,
        "rows": sum(r.rows for r in records),
        **({"split_hygiene": split_hygiene(plan, records)} if plan.split_by or plan.dedupe != "exact" else {}),
        **({"games_cut": games_cut(records)} if plan.rules.may_cut else {}),
        "shards": [r.to_json() for r in records],
    }


def split_hygiene(plan: Plan, records: list[ShardRecord]) -> dict:
    """What ``--split-by opening:K`` / ``--dedupe symmetric`` removed or prevented (issue #13): games
    dropped as repeats of a later split (``dropped_repeats``: exact or up to the start's symmetries;
    with ``--dedupe symmetric``, ``dropped_symmetric_repeats`` of them only up to a symmetry) and
    candidate games turned away because their opening belongs to another split."""
    hygiene = {"split_by": f"opening:{plan.split_by}" if plan.split_by else "id", "dedupe": plan.dedupe,
               "dropped_repeats": sum(len(r.dropped_games) for r in records),  # exact and symmetric together
               "opening_rejected": sum(r.opening_rejected or 0 for r in records)}
    if plan.dedupe == "symmetric":  # of dropped_repeats, those equal to a later split's game only up to a symmetry
        hygiene["dropped_symmetric_repeats"] = sum(r.dropped_symmetric or 0 for r in records)
    return hygiene


def games_cut(records: list[ShardRecord]) -> int:
    """Games stopped by ``--max-plies`` before their end (rows of a parallel corpus counted once)."""
    return sum(r.cut_games or 0 for r in records)


def _rules_text(plan: Plan, records: list[ShardRecord], rule: str) -> str:
    """The card's procedure line on the rules, passes and the cut."""
    rules = plan.rules
    if rules.is_classic:
        return (f"Standard 8x8 Othello from the 4-disc start, black first. {rule}; a side without a move passes "
                "(passes are implicit, not tokens); a game ends when\n  neither side can move.")
    names = ", ".join(f"`{n}` ({RULE_TEXT[n]})" for n in rules.names)
    text = (f"8x8 Othello under MetaOthello's rule set{'s' if len(rules.names) > 1 else ''} {names}; black first. "
            f"{rule}; a side without a move passes; a game ends when neither side can move.")
    if len(rules.names) > 1:
        text += (" Each game plays one rule (column `rule`): one of each in every block of "
                 f"{len(rules.names)} consecutive game ids, in a seeded order.")
    text += (" A pass is written as a move of its own (move code 64, one token in every language, a move index,"
             " a ply)." if rules.pass_token else " Passes are implicit (not tokens).")
    if rules.may_cut:
        text += (f" A game is cut after {rules.max_plies} written moves (`--max-plies`): {games_cut(records):,} games"
                 " were cut (`games_cut` in `manifest.json`); a cut game is not over.")
    return text


def _hygiene_note(plan: Plan, records: list[ShardRecord]) -> str:
    if not (plan.split_by or plan.dedupe != "exact"):
        return ""
    h = split_hygiene(plan, records)
    text = chr(10) + "- Split hygiene (`split_hygiene` in `manifest.json`): "
    if plan.split_by:
        text += (f"a game's split is decided by its first {plan.split_by} moves up to the start position's symmetries "
                 f"(identity, half turn, both diagonal reflections), so no opening occurs in two splits; "
                 f"{h['opening_rejected']:,} candidate games were turned away because their opening belongs to another "
                 "split and replaced by fresh games (`game_id` is the row's id; such a game is not (seed, id)'s game). ")
    if plan.dedupe == "symmetric":
        text += "Repeats of a later split's game up to those symmetries are dropped as well as exact ones. "
    text += f"Games dropped as repeats: {h['dropped_repeats']:,}"
    if "dropped_symmetric_repeats" in h:
        text += f" ({h['dropped_repeats'] - h['dropped_symmetric_repeats']:,} exact, {h['dropped_symmetric_repeats']:,} only up to symmetry)"
    return text + "."


def rules_label_note(plan: Plan) -> str:
    """The card's sentence on labels under rule variants, or "" for classic runs without labels."""
    if plan.rules.is_classic or not plan.labels:
        return ""
    text = ""
    if "delflank" in plan.rules.names:
        text += " Under delflank `flipped` holds the discs the ply removed."
    if plan.rules.pass_token:
        text += " A written pass is a ply of its own: the passing side to move, `legal` and `flipped` 0, the board unchanged."
    return text


def world_label_note(labels) -> str:
    """The card's sentence on stored world-model columns (issue #13), or "" when there are none."""
    if not set(labels) & set(WORLD_LABEL_KINDS):
        return ""
    return (" World-model columns hold the position *after* the ply (pass rule resolved): `hash` and "
            "`canonical_hash` are mothello-position-hash-v1 of (black, white, player to move), "
            "`mix64(mix64(mix64(0x243F6A8885A308D3 ^ black) ^ white) ^ player)` with mix64 the SplitMix64 "
            "finaliser, and its least value over the 8 board symmetries (colours kept); `count_*` are disc "
            "counts and `mobility_*` legal-move counts of each colour.")


def _yaml_features(plan: Plan) -> list[str]:
    lines = ["  features:"]
    for name, kind, dtype in feature_columns(plan.labels, plan.moves_only, extra_fields(plan), rule_names(plan)):
        lines.append(f"  - name: {name}")
        if kind == "class":
            names = rule_names(plan) if name == "rule" else language_names(plan.spec.types)
            lines += ["    dtype:", "      class_label:", "        names:"]
            lines += [f"          '{i}': {n}" for i, n in enumerate(names)]
        elif kind == "list":
            lines.append(f"    sequence: {dtype}")
        else:
            lines.append(f"    dtype: {dtype}")
    return lines


def empty_splits(plan: Plan, records: list[ShardRecord]) -> dict[str, str]:
    """Splits of ``plan`` without a single row, each with the reason: too few games for the split
    (no shard is written) or every game dropped as a repeat of a later split. They are left out
    of the card's ``configs``, ``dataset_info`` and split table (``datasets`` cannot load a split
    without rows); the loader and ``verify`` find no rows for them either."""
    rows: dict[str, int] = {}
    for r in records:
        rows[r.split] = rows.get(r.split, 0) + r.rows
    return {name: ("0 games" if not n else f"all {n:,} games were repeats of later splits")
            for name, n in plan.splits.items() if not rows.get(name)}


def _moves_text(plan: Plan) -> str:
    if plan.rules.is_classic and plan.spec.move_space.is_classic:
        return """- `length` (uint8): placements in the game; `moves` (list of uint8): squares 0..63, row-major
  (`8 * row + col`, a1 = 0, d3 = 19), the language-neutral form."""
    return ("- `length` (uint8): written moves in the game; `moves` (list of uint8): squares 0..63, row-major\n"
            "  (`8 * row + col`, a1 = 0, d3 = 19)" + (", and 64 for a written pass" if plan.rules.pass_token else "")
            + ", the language-neutral form." + ("\n- `rule` (ClassLabel): the rule set the game was played under."
                                                if rule_names(plan) else ""))


def _token_columns_text(plan: Plan) -> str:
    if plan.moves_only:
        return ("- Moves only (`--moves-only`): no `lang` or `tokens` columns. `mothello_data.torch` encodes\n"
                "  the moves per epoch (`languages=\"sample\"`) into the languages of `vocab.json` or of any experiment.")
    return f"""- `tokens` (list of uint16): the game in language `lang` (`vocab.json`). The move (0-based ply)
  each token belongs to is not stored (shard format {SHARD_FORMAT}): `mothello_data` derives it by encoding
  `moves` in `lang` again; a token completes its move when the next token belongs to another ply
  (the position that carries a unified-output target)."""


def input_text(spec) -> str:
    """How games are assigned languages, in one sentence of the card."""
    if spec.input_languages is None:
        return "each game in one language, balanced over languages"
    text = f"each game in one of languages {', '.join(map(str, spec.inputs))}, balanced over them"
    if spec.unified_output and 0 not in spec.inputs:
        text += (" (the mOthello unified-output regime: language 0 is the output space, never an input;"
                 " the loader's unified targets are language-neutral move indices)")
    return text


def dataset_card(plan: Plan, records: list[ShardRecord]) -> str:
    """The dataset card (``README.md``): Hugging Face YAML header, procedure, columns, token map."""
    by_split: dict[str, list[ShardRecord]] = {}
    for r in records:
        by_split.setdefault(r.split, []).append(r)
    empty = empty_splits(plan, records)
    by_split = {s: rs for s, rs in by_split.items() if s not in empty}  # datasets refuses a split with no rows
    total_bytes = sum(r.bytes for r in records)
    yaml = ["---", "license: cc0-1.0", "pretty_name: mOthello synthetic Othello games", "tags:", "- othello", "- synthetic", "- world-models", "- multilingual"]
    yaml += ["configs:", "- config_name: default", "  data_files:"]
    for split in by_split:
        yaml += [f"  - split: {split}", f"    path: data/{split}-*"]
    yaml += ["dataset_info:"] + _yaml_features(plan) + ["  splits:"]
    for split, rs in by_split.items():
        yaml += [f"  - name: {split}", f"    num_bytes: {sum(r.bytes for r in rs)}", f"    num_examples: {sum(r.rows for r in rs)}"]
    yaml += [f"  download_size: {total_bytes}", f"  dataset_size: {total_bytes}", "---", ""]

    spec = plan.spec
    vocab = plan.vocab
    lang_rows = "\n".join(
        f"| {i} | `{name}` | {t} | {vocab.blocks[i][0]}..{vocab.blocks[i][1] - 1} |" for i, (t, name) in enumerate(zip(spec.types, language_names(spec.types)))
    )
    anchors = ", ".join(f"{square_name(sq)} {[list(g) for g in gs]}" for sq, gs in spec.overlap.items()) or "none"
    splits = "\n".join(f"| {s} | {sum(r.rows for r in rs):,} | {min(r.first_game for r in rs):,}..{max(r.end_game for r in rs) - 1:,} | {len(rs)} |" for s, rs in by_split.items())
    mode = (("every game in every language (parallel corpus)" if spec.input_languages is None else
             f"every game in each of languages {', '.join(map(str, spec.inputs))} (parallel corpus)") if plan.parallel else
            "none stored (moves only); a loader draws each game's language per epoch" if plan.moves_only else input_text(spec))
    kind, rule, game_line = describe_source(plan)
    body = f"""# mOthello synthetic Othello games

{kind} Othello games written in {spec.n_languages} artificial language(s), made by
[mothello-data](https://pypi.org/project/mothello-data/) {__version__} for research on Othello-GPT
world models and on cross-lingual alignment (mOthello). Every byte can be regenerated from
`manifest.json`.

## Procedure
- {_rules_text(plan, records, rule)}
- {game_line}
- Splits own disjoint game-id ranges, and a game whose exact move sequence also occurs in a later
  split is dropped from the earlier one (listed in `manifest.json` as `dropped_games`).{_hygiene_note(plan, records)}
- Languages: {mode}.

| split | rows | game ids | shards |
| --- | --- | --- | --- |
{splits}
{"" if not empty else chr(10) + "Empty splits (no rows, left out of this card's configs): " + "; ".join(f"`{s}` ({why})" for s, why in empty.items()) + "." + chr(10)}
## Columns
- `game_id` (uint64): the game's RNG counter. `lang` (ClassLabel): the language of `tokens`.
{_moves_text(plan)}
{_token_columns_text(plan)}
{"- Labels per ply (packed bitboards, bit i = square i): " + ", ".join(f"`{n}`" for lab in canonical_labels(plan.labels) for n, _ in KIND_COLUMNS[lab]) + ". Boards are before the ply in absolute colours; `player` is the player to move (0 black, 1 white)." if plan.labels else "- No per-ply label columns (compute them with `mothello_data.engine.replay`)."}{world_label_note(plan.labels)}{rules_label_note(plan)}

## Token map
Vocabulary of {vocab.size} ids (full table in `vocab.json`), token layout {TOKEN_LAYOUT}: 0 is pad, then the
mOthello paper's ids + 1 (its `CharDataset` ids), handed out language by language{", then one tag per language" if spec.lang_tags else ""}.

| language | name | type | ids |
| --- | --- | --- | --- |
{lang_rows}

Anchored squares (square: groups of languages sharing its tokens; every member writes it with the
tokens, and ids, of the group's lowest language): {anchors}.
Language seed: {spec.seed}. Default training target: {f"unified output (next move index 0..{spec.move_space.size - 1} at move-completing tokens)" if spec.unified_output else "next token"}.{"" if spec.move_space.is_classic else chr(10) + f"Move space: {spec.move_space.describe()}."}

## Loading
```python
from datasets import load_dataset
ds = load_dataset("parquet", data_dir="data")   # or load_dataset(<this folder>)
```
`game_id`, `moves` and `tokens` are written with Parquet's BYTE_STREAM_SPLIT encoding (for integers
since Parquet format 2.11): readers need pyarrow >= 16 (or another reader that supports it).
Shards carry Parquet page checksums; `datasets` checks them only when asked (datasets >= 4.2):
`load_dataset(<this folder>, fragment_scan_options=pyarrow.dataset.ParquetFragmentScanOptions(page_checksum_verification=True))`.
`mothello-gen verify <this folder>` checks every shard against `manifest.json`.
For training, `mothello_data.torch` (`pip install "mothello-data[torch]"`) streams padded batches
with unified or next-token targets and on-the-fly probing labels (board state relative to the
player to move, legal moves, flipped discs), split across DataLoader workers and DDP ranks:
```python
from mothello_data.torch import make_loader
loader = make_loader(<this folder>, split="train", batch_size=256, labels=["board_state", "legal_moves"])
```
"""
    return "\n".join(yaml) + body


def write_sidecars(out_dir: str, plan: Plan, argv: list[str], records: list[ShardRecord]) -> None:
    """Write ``vocab.json``, the card and ``manifest.json`` (last: its presence marks a finished dataset)."""
    plan.vocab.save(os.path.join(out_dir, "vocab.json"))
    write_atomic(os.path.join(out_dir, "README.md"), dataset_card(plan, records))
    write_atomic(os.path.join(out_dir, "manifest.json"), json.dumps(manifest(plan, argv, records), indent=1) + "\n")
