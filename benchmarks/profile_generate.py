"""Where the time of ``mothello-gen`` goes, per chunk of 131,072 games (one Parquet row group).

    python benchmarks/profile_generate.py                     # mothello-gen --langs 4 --anchors 0.1
    python benchmarks/profile_generate.py --json results/profile_generate.json

CPU times (median of ``--repeats``; CPU rather than wall time, so other programs on a shared machine
count less), on one thread, of each step of :func:`mothello_data.shards.chunk_table` and of writing
its table: playing the games, the held-out index (repeats of later splits), the language of each
game, encoding the tokens (C++), building the Arrow table, and the Parquet write as
:mod:`mothello_data.shards` does it (shard format 3), whole and column by column; then the write of
shard format 2 (the same columns declared nullable), of shard format 1 (0.3: dictionary pages, with the ``token_ply`` column) and under other settings, each
with its bytes per game; and what the loader pays instead for the column it no longer reads
(:func:`mothello_data.loader.derive_token_ply`). ``mothello-gen`` runs one shard per core, so
games/s end to end is about cores / (sum of the per-game steps).
"""

from __future__ import annotations

import argparse
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import machine, median_cpu_seconds, require_release_build, write_results  # noqa: E402

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from mothello_data import engine, loader, schema  # noqa: E402
from mothello_data.arguments import plan_from_argv  # noqa: E402
from mothello_data.held_out import HeldOutIndex  # noqa: E402
from mothello_data.shards import chunk_table, language_of_games, parquet_encodings, write_slices  # noqa: E402

WRITER = dict(compression="zstd", write_statistics=["game_id", "lang", "length"], write_page_checksum=True)
VARIANTS = {  # on top of the writer's own settings
    "no page checksums": dict(write_page_checksum=False),
    "data page v2": dict(data_page_version="2.0"),
    "lz4 instead of zstd": dict(compression="lz4"),
    "write_batch_size 65536": dict(write_batch_size=65536),
}


def write_seconds(table, repeats: int, whole: bool = False, **settings) -> tuple[float, int]:
    """CPU seconds and bytes of writing ``table`` as one row group, handed over in the writer's
    slices (``whole``: in one piece, as before version 0.5)."""
    size = [0]
    table = table if whole else write_slices(table)
    settings = {**WRITER, **parquet_encodings(table.schema), **settings}
    settings["write_statistics"] = [c for c in settings["write_statistics"] if c in table.column_names]

    def write():
        buf = io.BytesIO()
        with pq.ParquetWriter(buf, table.schema, **settings) as writer:
            writer.write_table(table, row_group_size=table.num_rows)
        size[0] = buf.tell()

    return median_cpu_seconds(write, repeats), size[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", help="write results to this JSON file (and a .md table beside it)")
    args = parser.parse_args()
    build = require_release_build()
    n = 131_072
    plan = plan_from_argv(["--langs", "4", "--anchors", "0.1", "--games", "2000000"])
    arrow = schema.arrow_schema(plan.labels, plan.spec.types)
    held = HeldOutIndex.for_split(plan, "train")
    games = engine.generate(n, plan.seed, 0)
    ids = np.arange(n, dtype=np.uint64)
    langs = language_of_games(ids, plan.spec.inputs, plan.seed)
    steps = {
        "play the games (engine, 1 thread)": lambda: engine.generate(n, plan.seed, 0, threads=1),
        "held-out index (repeats of later splits)": lambda: held.repeats(games.moves, plan.seed),
        "language of each game": lambda: language_of_games(ids, plan.spec.inputs, plan.seed),
        "encode tokens (C++)": lambda: plan.vocab.encode_flat(games.moves, games.lengths, langs, with_ply=False),
        "chunk_table (all of the above + Arrow table)": lambda: chunk_table(plan, arrow, 0, n, 1, held),
    }
    results = {"machine": machine(), "build_type": build, "games_per_chunk": n, "clock": "process CPU time"}
    rows = []

    def add(key, seconds, extra=""):
        results[key] = {"ms": seconds * 1e3, "us_per_game": seconds / n * 1e6}
        rows.append((key, f"{seconds * 1e3:.1f} ms ({seconds / n * 1e6:.2f} us/game){extra}"))

    for key, fn in steps.items():
        add(key, median_cpu_seconds(fn, args.repeats))
    table = chunk_table(plan, arrow, 0, n, 1, held)[0]
    seconds, size = write_seconds(table, args.repeats)
    add("Parquet write (shard format 3, as written today)", seconds, f", {size / n:.1f} B/game")
    seconds, size = write_seconds(table, args.repeats, whole=True)
    add("the same handed to Parquet in one piece (0.4)", seconds, f", {size / n:.1f} B/game")
    nullable = table.cast(pa.schema([pa.field(f.name, pa.list_(f.type.value_type) if pa.types.is_list(f.type) else f.type)
                                     for f in table.schema], metadata=table.schema.metadata))
    seconds, size = write_seconds(nullable, args.repeats)
    add("write shard format 2 (the same, list columns nullable)", seconds, f", {size / n:.1f} B/game")
    seconds, size = write_seconds(nullable, args.repeats, whole=True)
    add("write shard format 2 in one piece (as 0.4 did)", seconds, f", {size / n:.1f} B/game")
    for column in table.column_names:
        seconds, size = write_seconds(table.select([column]), args.repeats)
        add(f"  column {column}", seconds, f", {size / n:.1f} B/game")
    for name, settings in VARIANTS.items():
        seconds, size = write_seconds(table, args.repeats, **settings)
        add(f"write with {name}", seconds, f", {size / n:.1f} B/game")
    # shard format 1 (mothello-data 0.3): the same rows plus token_ply, every column dictionary-encoded
    moves, _ = loader._pad(table.column("moves"), engine.MAX_PLIES, engine.PAD_SQUARE, np.uint8)
    length, lang = table.column("length").to_numpy(), table.column("lang").to_numpy()
    flat = plan.vocab.encode_flat(moves, length, lang)
    ply = pa.ListArray.from_arrays(pa.array(flat.offsets.astype(np.int32)), pa.array(flat.ply))
    old = nullable.append_column(pa.field("token_ply", pa.list_(pa.int8())), ply)
    dictionary = dict(use_dictionary=True, column_encoding=None)
    seconds, size = write_seconds(old, args.repeats, **dictionary)
    add("write shard format 1 (dictionary pages, with token_ply)", seconds, f", {size / n:.1f} B/game")
    seconds, size = write_seconds(table, args.repeats, **dictionary)
    add("write format 3's columns with dictionary pages", seconds, f", {size / n:.1f} B/game")
    seconds, size = write_seconds(old, args.repeats)
    add("write with byte-stream split, with token_ply", seconds, f", {size / n:.1f} B/game")
    tokens, n_tokens = loader._pad(table.column("tokens"), None, 0, np.uint16)
    add("loader: derive token_ply (encode again + check)",
        median_cpu_seconds(lambda: loader.derive_token_ply(plan.vocab, moves, length, lang, tokens, n_tokens), args.repeats))
    stored = _write(old.select(["token_ply"]))
    add("loader: read format 1's token_ply column (decode + pad)",
        median_cpu_seconds(lambda: loader._pad(pq.read_table(io.BytesIO(stored)).column(0), tokens.shape[1], -1, np.int8),
                           args.repeats))
    write_results(results, rows, args.json)


def _write(table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd", write_page_checksum=True)
    return buf.getvalue()


if __name__ == "__main__":
    main()
