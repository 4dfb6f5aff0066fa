"""``mothello-gen verify DIR``: prove a dataset is what its manifest says.

Checks every shard's sha256 and row count against ``manifest.json``, that no data file is missing
or extra, and for a sample of rows per shard: the game regenerates from (seed, game_id), it
replays legally to the end in the engine, and its tokens decode to its moves in ``vocab.json``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys

import numpy as np
import pyarrow.parquet as pq

from . import engine
from .schema import BASE_COLUMN_NAMES
from .vocabulary import Vocabulary
from .shards import file_sha256


class VerifyError(Exception):
    """The first way a dataset differs from its manifest; the message is one line."""


def verify(out: str, sample: int = 1000, log=print) -> int:
    """Raise :class:`VerifyError` on the first mismatch; returns the number of rows checked."""
    manifest_path = os.path.join(out, "manifest.json")
    if not os.path.exists(manifest_path):
        raise VerifyError(f"{out}: no manifest.json (not a finished mothello-gen dataset)")
    with open(manifest_path) as f:
        manifest = json.load(f)
    vocab = Vocabulary.load(os.path.join(out, "vocab.json"))
    seed = int(manifest["seed"])
    listed = {s["file"] for s in manifest["shards"]}
    present = {os.path.relpath(p, out) for p in glob.glob(os.path.join(out, "data", "*.parquet"))}
    if present - listed:
        raise VerifyError(f"files not in the manifest: {', '.join(sorted(present - listed))}")
    checked = 0
    for shard in manifest["shards"]:
        path = os.path.join(out, shard["file"])
        if not os.path.exists(path):
            raise VerifyError(f"{shard['file']}: missing")
        digest, _ = file_sha256(path)
        if digest != shard["sha256"]:
            raise VerifyError(f"{shard['file']}: sha256 {digest} does not match the manifest")
        meta = pq.ParquetFile(path).metadata
        if meta.num_rows != shard["rows"]:
            raise VerifyError(f"{shard['file']}: {meta.num_rows} rows, manifest says {shard['rows']}")
        table = pq.read_table(path, columns=list(BASE_COLUMN_NAMES))
        idx = np.linspace(0, table.num_rows - 1, num=min(sample, table.num_rows)).astype(np.int64) if table.num_rows else np.zeros(0, np.int64)
        rows = table.take(idx).to_pydict()
        ids = np.array(rows["game_id"], dtype=np.uint64)
        if ids.size and (ids.min() < shard["first_game"] or ids.max() >= shard["end_game"]):
            raise VerifyError(f"{shard['file']}: game_id outside its range {shard['first_game']}..{shard['end_game'] - 1}")
        moves = np.full((len(idx), engine.MAX_PLIES), engine.PAD_SQUARE, dtype=np.uint8)
        for i, m in enumerate(rows["moves"]):
            moves[i, : len(m)] = m
        lengths = np.array(rows["length"], dtype=np.uint8)
        if any(len(m) != n for m, n in zip(rows["moves"], lengths)):
            raise VerifyError(f"{shard['file']}: a row's length does not match its moves")
        for i, gid in enumerate(ids):  # the same game comes back from (seed, game_id)
            again = engine.generate(1, seed, int(gid))
            if not np.array_equal(again.moves[0], moves[i]):
                raise VerifyError(f"{shard['file']}: game {int(gid)} does not regenerate from seed {seed}")
        try:
            rep = engine.replay(moves, lengths, labels=False)
        except ValueError as exc:
            raise VerifyError(f"{shard['file']}: {exc}") from None
        if not rep.ended.all():
            raise VerifyError(f"{shard['file']}: a game stops before the end")
        for i, toks in enumerate(rows["tokens"]):
            try:
                decoded = vocab.decode(toks, rows["lang"][i])
            except ValueError:
                decoded = None
            if decoded != rows["moves"][i]:
                raise VerifyError(f"{shard['file']}: game {int(ids[i])}: tokens do not decode to its moves in language {rows['lang'][i]}")
        checked += len(idx)
        log(f"ok {shard['file']} ({shard['rows']:,} rows, {len(idx)} checked)")
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
        "Exit status 0 when everything matches, 1 at the first mismatch (named on stderr).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", help="dataset folder written by mothello-gen")
    p.add_argument("--sample", type=int, default=1000, help="rows checked in depth per shard (default %(default)s)")
    p.add_argument("--quiet", action="store_true", help="print only errors")
    args = p.parse_args(argv)
    if args.sample < 0:
        p.error(f"--sample must be >= 0 (rows checked per shard; 0 checks hashes and row counts only), got {args.sample}")
    try:
        n = verify(args.dir, args.sample, log=(lambda *_: None) if args.quiet else print)
    except (VerifyError, OSError, ValueError, KeyError) as exc:
        print(f"mothello-gen verify: error: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"verified {args.dir}: hashes match, {n} sampled games regenerate, replay and decode")
    return 0
