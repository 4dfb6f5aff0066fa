"""Where the time of ``mothello-gen`` goes, per chunk of 131,072 games (one Parquet row group).

    python benchmarks/profile_generate.py                     # mothello-gen --langs 4 --anchors 0.1
    python benchmarks/profile_generate.py --json results/profile_generate.json

Times (median of ``--repeats``), on one thread, each step of :func:`mothello_data.shards.chunk_table`
and of writing its table: playing the games, the held-out index (repeats of later splits), the
language of each game, encoding the tokens (C++), building the Arrow table, and the Parquet write,
whole and column by column; then the write under the settings one could change (checksums, data
page v2, dictionary, codec, batch size, without the derivable ``token_ply`` column), each with its
bytes per game. ``mothello-gen`` runs one shard per core, so games/s end to end is about
cores / (sum of the per-game steps).
"""

from __future__ import annotations

import argparse
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import machine, median_seconds, require_release_build, write_results  # noqa: E402

import numpy as np  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from mothello_data import engine, schema  # noqa: E402
from mothello_data.arguments import plan_from_argv  # noqa: E402
from mothello_data.shards import HeldOutIndex, chunk_table, language_of_games  # noqa: E402

WRITER = dict(compression="zstd", use_dictionary=True, write_statistics=["game_id", "lang", "length"],
              write_page_checksum=True)  # as mothello_data.shards writes
VARIANTS = {
    "no page checksums": dict(write_page_checksum=False),
    "data page v2": dict(data_page_version="2.0"),
    "dictionary for lang and tokens only": dict(use_dictionary=["lang", "tokens"]),
    "no dictionary": dict(use_dictionary=False),
    "lz4 instead of zstd": dict(compression="lz4"),
    "write_batch_size 65536": dict(write_batch_size=65536),
}


def write_seconds(table, repeats: int, **settings) -> tuple[float, int]:
    size = [0]

    def write():
        buf = io.BytesIO()
        with pq.ParquetWriter(buf, table.schema, **{**WRITER, **settings}) as writer:
            writer.write_table(table, row_group_size=table.num_rows)
        size[0] = buf.tell()

    return median_seconds(write, repeats), size[0]


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
        "encode tokens (C++)": lambda: plan.vocab.encode_flat(games.moves, games.lengths, langs),
        "chunk_table (all of the above + Arrow table)": lambda: chunk_table(plan, arrow, 0, n, 1, held),
    }
    results = {"machine": machine(), "build_type": build, "games_per_chunk": n}
    rows = []

    def add(key, seconds, extra=""):
        results[key] = {"ms": seconds * 1e3, "us_per_game": seconds / n * 1e6}
        rows.append((key, f"{seconds * 1e3:.1f} ms ({seconds / n * 1e6:.2f} us/game){extra}"))

    for key, fn in steps.items():
        add(key, median_seconds(fn, args.repeats))
    table = chunk_table(plan, arrow, 0, n, 1, held)[0]
    seconds, size = write_seconds(table, args.repeats)
    add("Parquet write (as written today)", seconds, f", {size / n:.1f} B/game")
    for column in table.column_names:
        seconds, size = write_seconds(table.select([column]), args.repeats)
        add(f"  column {column}", seconds, f", {size / n:.1f} B/game")
    for name, settings in VARIANTS.items():
        seconds, size = write_seconds(table, args.repeats, **settings)
        add(f"write with {name}", seconds, f", {size / n:.1f} B/game")
    seconds, size = write_seconds(table.drop(["token_ply"]), args.repeats)
    add("write without token_ply", seconds, f", {size / n:.1f} B/game")
    write_results(results, rows, args.json)


if __name__ == "__main__":
    main()
