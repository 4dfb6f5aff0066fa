"""``mothello-gen verify DIR``: prove a dataset is what its manifest says.

Checks every shard's sha256 and row count against ``manifest.json``, that no data file is missing
or extra, and for a sample of rows per shard: the game regenerates from (seed, game_id), it
replays legally to the end (or to the ``--max-plies`` cut) in the engine under its rule, its
``rule`` is the run's draw for its id, and its tokens decode to its moves in ``vocab.json``.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys

import numpy as np
import pyarrow.parquet as pq

from . import engine
from .schema import BASE_COLUMN_NAMES
from .vocabulary import Vocabulary
from .card import ManifestError, read_manifest
from .rules import RuleSet
from .sources import expected_moves
from .files import file_sha256


class VerifyError(Exception):
    """A dataset that is not what its manifest says; the message is one line (with several bad
    shards, a summary after each was reported)."""


def _shard_problem(out: str, shard: dict, vocab: Vocabulary, seed: int, sample: int, config=None) -> tuple[str, int]:
    """What is wrong with one listed shard (``""`` if nothing) and the rows checked in depth."""
    path = os.path.join(out, shard["file"])
    if not os.path.exists(path):
        return "missing", 0
    digest, size = file_sha256(path)
    expected = shard.get("bytes")
    with open(path, "rb") as f:
        head = f.read(4)
        f.seek(max(0, size - 4))
        tail = f.read(4)
    if head != b"PAR1":
        return f"not a Parquet file ({size:,} bytes; replaced or overwritten)", 0
    if expected is not None and size < expected and tail != b"PAR1":  # the footer is cut off
        return f"truncated ({size:,} of {expected:,} bytes)", 0
    if digest != shard["sha256"]:
        detail = f"{size:,} bytes, manifest says {expected:,}" if expected is not None and size != expected else "same size"
        return f"changed (sha256 {digest[:16]}... does not match the manifest; {detail})", 0
    try:
        pf = pq.ParquetFile(path, page_checksum_verification=True)
        if pf.metadata.num_rows != shard["rows"]:
            return f"{pf.metadata.num_rows} rows, manifest says {shard['rows']}", 0
        present = set(pf.schema_arrow.names)
        table = pf.read(columns=[c for c in (*BASE_COLUMN_NAMES, "rule") if c in present])  # moves-only: no token columns
    except (OSError, ValueError) as exc:  # ValueError: pyarrow's ArrowInvalid
        return f"unreadable ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})", 0
    idx = np.linspace(0, table.num_rows - 1, num=min(sample, table.num_rows)).astype(np.int64) if table.num_rows else np.zeros(0, np.int64)
    rows = table.take(idx).to_pydict()
    ids = np.array(rows["game_id"], dtype=np.uint64)
    if ids.size and (ids.min() < shard["first_game"] or ids.max() >= shard["end_game"]):
        return f"game_id outside its range {shard['first_game']}..{shard['end_game'] - 1}", 0
    config = config or {}
    rules = RuleSet.from_json(config.get("rules"))
    if ("rule" in rows) == rules.is_classic:
        return "a rule column " + ("without rule variants in the manifest" if rules.is_classic else "is missing"), 0
    if "rule" in rows and seed is not None and ids.size and \
            not np.array_equal(np.asarray(rows["rule"]), rules.rule_of_games(ids, seed)):
        return "a game's rule is not the run's draw for its game_id", 0
    if any(len(m) > rules.max_plies for m in rows["moves"]):
        return f"a game is longer than the run's {rules.max_plies} moves", 0
    moves = np.full((len(idx), rules.max_plies), engine.PAD_SQUARE, dtype=np.uint8)
    for i, m in enumerate(rows["moves"]):
        moves[i, : len(m)] = m
    lengths = np.array(rows["length"], dtype=np.uint8)
    if any(len(m) != n for m, n in zip(rows["moves"], lengths)):
        return "a row's length does not match its moves", 0
    again = expected_moves(config, seed, ids) if seed is not None else None  # (seed, policy, game_id), or an import's files
    for i, gid in enumerate(ids if again is not None else []):
        if not np.array_equal(again[i], moves[i]):
            what = "is not the imported game" if config.get("import") else "does not regenerate from seed"
            return f"game {int(gid)} {what} {seed if not config.get('import') else 'in the source files'}", 0
    try:
        played = rules.rule_ids()[np.asarray(rows["rule"], dtype=np.int64)] if "rule" in rows else "classic"
        rep = engine.replay(moves, lengths, labels=False, rules=played, pass_token=rules.pass_token)
    except ValueError as exc:
        return str(exc), 0
    finished = rep.ended | ((lengths == rules.max_plies) & rules.may_cut)  # a cut game stops at --max-plies
    if not config.get("import") and not finished.all():  # real games may end early (resignations)
        return "a game stops before the end", 0
    for i, toks in enumerate(rows.get("tokens", ())):
        try:
            decoded = vocab.decode(toks, rows["lang"][i])
        except ValueError:
            decoded = None
        if decoded != rows["moves"][i]:
            return f"game {int(ids[i])}: tokens do not decode to its moves in language {rows['lang'][i]}", 0
    return "", len(idx)


def verify(out: str, sample: int = 1000, log=print, report=None) -> int:
    """Check every shard of the dataset in ``out``; returns the number of rows checked in depth.

    Each bad shard (missing, truncated, changed, unreadable, wrong content) and each data file not
    in the manifest (extra) is passed to ``report`` as one line ``FILE: what`` and checking goes
    on; then :class:`VerifyError` summarises. A missing or unreadable manifest or vocabulary
    raises at once."""
    manifest_path = os.path.join(out, "manifest.json")
    if not os.path.exists(manifest_path):
        raise VerifyError(f"{out}: no manifest.json (not a finished mothello-gen dataset)")
    try:
        manifest = read_manifest(manifest_path)
    except ManifestError as exc:
        raise VerifyError(str(exc)) from None
    seed, shards = int(manifest["seed"]), list(manifest["shards"])
    config = manifest["config"]
    vocab_path = os.path.join(out, "vocab.json")
    if not os.path.exists(vocab_path):
        raise VerifyError(f"{vocab_path}: missing (rewrite it with `mothello-gen --resume` or regenerate)")
    try:
        vocab = Vocabulary.load(vocab_path)
    except (ValueError, KeyError, TypeError) as exc:  # SpecError is a ValueError
        text = str(exc)
        raise VerifyError(text if "token layout" in text else f"{vocab_path}: unreadable ({exc})") from None
    report = report or (lambda line: print(line, file=sys.stderr))
    listed = {s["file"] for s in shards}
    present = {os.path.relpath(p, out) for p in glob.glob(os.path.join(out, "data", "*.parquet"))}
    bad = [f"{name}: extra (not in the manifest)" for name in sorted(present - listed)]
    for line in bad:
        report(line)
    checked = 0
    for shard in shards:
        # --split-by opening:K replaces games by fresh candidates: those do not regenerate from (seed, id)
        regen = None if manifest.get("config", {}).get("split_by") else seed
        problem, n = _shard_problem(out, shard, vocab, regen, sample, config)
        if problem:
            bad.append(f"{shard['file']}: {problem}")
            report(bad[-1])
        else:
            checked += n
            log(f"ok {shard['file']} ({shard['rows']:,} rows, {n} checked)")
    if bad:
        raise VerifyError(f"{len(bad)} problem(s) in {out} ({len(shards)} shards in the manifest); "
                          "shards are deterministic: rerun mothello-gen with manifest.json's argv into a new folder to get them back")
    return checked


def main(argv=None) -> int:
    """``mothello-gen verify DIR``; returns the exit status (0 verified, 1 a mismatch, 2 bad arguments)."""
    from .arguments import OneLineParser  # one-line usage errors, like the other subcommands

    p = OneLineParser(
        prog="mothello-gen verify",
        description="Check that a dataset written by mothello-gen is what its manifest.json says: every\n"
        "shard's sha256 and row count, no data file missing or extra, and for a sample of rows per\n"
        "shard that the game regenerates from (seed, game_id), replays legally to its end and that\n"
        "its tokens decode to its moves.",
        epilog="examples:\n  mothello-gen verify data/\n  mothello-gen verify /shared/big --sample 100 --quiet\n\n"
        "Exit status 0 when everything matches, 1 otherwise: one line per bad shard on stderr\n"
        "(missing, truncated, changed, unreadable, extra), then a summary.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", help="dataset folder written by mothello-gen")
    p.add_argument("--sample", type=int, default=1000, help="rows checked in depth per shard (default %(default)s)")
    p.add_argument("--quiet", action="store_true", help="print only errors")
    args = p.parse_args(argv)
    if args.sample < 0:
        p.error(f"--sample must be >= 0 (rows checked per shard; 0 checks hashes and row counts only), got {args.sample}")
    try:
        n = verify(args.dir, args.sample, log=(lambda *_: None) if args.quiet else print,
                   report=lambda line: print(f"mothello-gen verify: {line}", file=sys.stderr))
    except (VerifyError, OSError, ValueError, KeyError) as exc:
        print(f"mothello-gen verify: error: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"verified {args.dir}: hashes match, {n} sampled games regenerate, replay and decode")
    return 0
