"""Writing one shard: a pure, idempotent function of (plan, shard).

Each shard is generated in chunks of about 128k games (64k with labels), one Parquet row group per
chunk, written to a temporary name and renamed when complete, so a reader never sees half a file.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import engine, schema, sources
from .files import check_disk_full, file_sha256
from .held_out import HeldOutIndex, game_hashes  # noqa: F401 (game_hashes: also reached from here)
from .plan import Plan, Shard
from .rng import balanced_choice
from .spec import SpecError
from .splits import assign_splits, attempt_seed, canonical_openings
from .world_labels import world_ply_columns

_U64 = np.uint64
_LANGUAGE_STREAM = 0x1A9E
#: Rows per slice handed to the Parquet writer (see generate_shard).
WRITE_SLICE_ROWS = 4096
_SCALAR_COLUMNS = [name for name, kind, _ in schema.BASE_COLUMNS if kind != "list"]


def language_of_games(game_ids: np.ndarray, languages: Sequence[int], seed: int) -> np.ndarray:
    """Language of each game in single-language mode, one of ``languages`` (the spec's input
    languages): within every block of ``len(languages)`` consecutive game ids each appears once,
    rotated by a seeded offset per block. The writer passes the run's seed; the loader's per-epoch
    draw passes a seed chained with the epoch."""
    return np.asarray(languages, dtype=np.int64)[balanced_choice(game_ids, len(languages), seed, _LANGUAGE_STREAM)]


def parquet_encodings(arrow: pa.Schema) -> dict:
    """The writer's column encodings (shard formats 2 and 3): :data:`mothello_data.schema.BYTE_STREAM_SPLIT_COLUMNS`
    byte-stream split (a list column by its leaf path), every other column dictionary-encoded."""
    split = [c for c in schema.BYTE_STREAM_SPLIT_COLUMNS if c in arrow.names]
    leaf = {c: f"{c}.list.element" if pa.types.is_list(arrow.field(c).type) else c for c in split}
    return {"use_dictionary": [c for c in arrow.names if c not in split],
            "column_encoding": {leaf[c]: "BYTE_STREAM_SPLIT" for c in split}}


def use_writer_memory_pool() -> None:
    """Make Arrow allocate from jemalloc, else the system pool (unless the user chose one with
    ``ARROW_DEFAULT_MEMORY_POOL``)."""
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        # Arrow's default mimalloc pool keeps freed pages per writer thread: peak RSS grew with the
        # number of shards (1.2 GiB for 2M games on 2 threads). The system pool stays flat but
        # faults its pages in again for every chunk (a sixth of the run's CPU in the kernel);
        # jemalloc reuses them and stays flat (README, Speed).
        pool = pa.system_memory_pool()
        if "jemalloc" in pa.supported_memory_backends():
            try:  # compiled in is not the same as working: it fails on 64K-page kernels (arm64)
                candidate = pa.jemalloc_memory_pool()
                pa.allocate_buffer(1 << 16, memory_pool=candidate)
                pool = candidate
            except (pa.ArrowException, MemoryError, NotImplementedError):
                pass
        pa.set_memory_pool(pool)


def write_slices(table: pa.Table) -> pa.Table:
    """``table`` as slices of :data:`WRITE_SLICE_ROWS` rows (no copy), the way the writer hands a chunk's
    row group to Parquet: its per-column scratch (values widened to int32, the levels) then stays in
    cache, and the write costs about a third less than in one piece (same row groups)."""
    return pa.Table.from_batches(table.to_batches(max_chunksize=WRITE_SLICE_ROWS), table.schema)


def _arrow(values: np.ndarray) -> pa.Array:
    """A 1-D numpy array of numbers as an Arrow array without a copy. (``pa.array`` on numpy
    imports pandas when it is installed, checking for its types: 0.2 s of CPU per process.)"""
    values = np.ascontiguousarray(values)
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(values)])


def _list_array(offsets: np.ndarray, values: np.ndarray, arrow: pa.Schema, name: str) -> pa.Array:
    """Column ``name`` of ``arrow`` (a list type) from offsets and values, built as that type."""
    return pa.ListArray.from_arrays(_arrow(offsets.astype(np.int32)), _arrow(values), type=arrow.field(name).type)


# ---- one shard -------------------------------------------------------------------------------


@dataclass
class ShardRecord:
    """What a finished shard is: its file, split, game ids, rows, dropped repeats, sha256 and size."""

    file: str
    split: str
    first_game: int
    end_game: int
    rows: int
    dropped_games: list
    sha256: str
    bytes: int
    opening_rejected: Optional[int] = None  # --split-by opening:K only: candidates of other splits' openings
    cut_games: Optional[int] = None  # rules that may cut a game only: games stopped by --max-plies
    dropped_symmetric: Optional[int] = None  # --dedupe symmetric only: dropped games equal up to a symmetry only

    def to_json(self) -> dict:
        """The record as plain JSON values (manifest entries and per-shard record files)."""
        return {k: v for k, v in self.__dict__.items()
                if v is not None or k not in ("opening_rejected", "cut_games", "dropped_symmetric")}


def opening_splits(moves: np.ndarray, lengths: np.ndarray, k: int, seed: int, sizes: Sequence[int]) -> np.ndarray:
    """Split index of each game under ``--split-by opening:K``: its canonical first ``k`` moves,
    hashed, drawn into the splits by their sizes (:func:`mothello_data.splits.assign_splits`). The
    writer, its sample check and the stream's held-out rule all call this."""
    return assign_splits(game_hashes(canonical_openings(moves, lengths, k)), seed, list(sizes))


def check_split_by(plan: Plan, sample: int = 100_000) -> None:
    """Refuse (one line, before anything is written) a ``--split-by opening:K`` under which a
    non-empty split gets no opening among the openings of ``sample`` games of the run (K too small:
    every game opens the same way up to symmetry when K = 1)."""
    if not plan.split_by:
        return
    if plan.imported or not plan.policy.is_uniform or not plan.rules.is_classic:
        raise SpecError("--split-by opening:K draws fresh uniform candidates for each split: it cannot be combined "
                        "with --policy, --rules/--pass-token/--max-plies or an import yet (use the default id splits)")
    games = engine.generate(sample, plan.seed, 0)
    got = np.bincount(opening_splits(games.moves, games.lengths, plan.split_by, plan.seed, plan.splits.values()),
                      minlength=len(plan.splits))
    for (name, size), hits in zip(plan.splits.items(), got):
        if size and not hits:
            raise SpecError(f"--split-by opening:{plan.split_by}: no opening of {plan.split_by} moves falls to split {name!r} "
                            f"(in {sample:,} sample games); use a larger K or a larger split")


def opening_games(plan: Plan, split: str, lo: int, n: int, threads: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Moves, lengths and the rejected-candidate count of ids ``lo .. lo + n`` of ``split`` under
    ``--split-by opening:K`` (the rule is :mod:`mothello_data.splits`'): each row takes the first
    candidate, round by round, whose canonical opening is assigned to ``split``."""
    target, sizes = list(plan.splits).index(split), list(plan.splits.values())
    moves = np.full((n, engine.MAX_PLIES), engine.PAD_SQUARE, dtype=np.uint8)
    lengths = np.zeros(n, dtype=np.uint8)
    missing, rejected, attempt = np.arange(n), 0, 0
    while len(missing):
        cand = engine.generate(len(missing), attempt_seed(plan.seed, attempt), lo, threads=threads)
        ok = opening_splits(cand.moves, cand.lengths, plan.split_by, plan.seed, sizes) == target
        moves[missing[ok]], lengths[missing[ok]] = cand.moves[ok], cand.lengths[ok]
        rejected += int((~ok).sum())
        missing, attempt = missing[~ok], attempt + 1
        if len(missing) == n and rejected >= 200_000:
            raise SpecError(f"--split-by opening:{plan.split_by}: no opening of {plan.split_by} moves falls to split "
                            f"{split!r} in {rejected:,} games; use a larger K or a larger split")
    return moves, lengths, rejected


def chunk_table(plan: Plan, arrow: pa.Schema, lo: int, n: int, threads: int,
                held_out: HeldOutIndex) -> tuple[pa.Table, list, Optional[int], int, int]:
    """Rows for games ``lo .. lo + n`` of the run, with the repeats of later splits removed; also the
    dropped ids, (``--split-by opening:K`` only) the count of candidates turned away, how many
    dropped games repeat a later split's game only up to a start symmetry (``--dedupe symmetric``)
    and how many kept games were cut by ``--max-plies``."""
    rejected = None
    if plan.split_by:
        split = next(name for name, first, end in _split_ranges(plan) if first <= lo < end)
        g_moves, g_lengths, rejected = opening_games(plan, split, lo, n, threads)
        rep = engine.replay(g_moves, g_lengths, threads=threads, labels=bool(plan.labels))
        games = engine.Games(g_moves, g_lengths, rep.labels)
    else:
        games = sources.games(plan, lo, n, threads=threads, labels=bool(plan.labels))
    ids = np.arange(lo, lo + n, dtype=_U64)
    repeat, exact = held_out.repeat_kinds(games.moves, plan.seed)
    keep, symmetric_only = ~repeat, int((repeat & ~exact).sum())
    dropped = ids[~keep].tolist()
    cut = int((~games.ended[keep]).sum()) if games.ended is not None and plan.rules.may_cut else 0
    if not keep.all():  # (usually nothing is dropped: no copies then)
        keep = np.flatnonzero(keep)
        moves, lengths, ids = games.moves[keep], games.lengths[keep], ids[keep]
    else:
        keep = slice(None)
        moves, lengths = games.moves, games.lengths
    L = len(plan.spec.inputs)
    if plan.parallel:  # every game in every input language (all languages unless the spec says otherwise)
        row_game = np.repeat(np.arange(len(ids)), L)
        langs = np.tile(np.asarray(plan.spec.inputs, dtype=np.int64), len(ids))
    else:
        row_game = slice(None)  # one row per game: views, no copies
        langs = language_of_games(ids, plan.spec.inputs, plan.seed)
    moves_r, lengths_r = moves[row_game], lengths[row_game]
    move_offsets = np.zeros(len(lengths_r) + 1, dtype=np.int64)
    np.cumsum(lengths_r, out=move_offsets[1:])
    valid = (np.arange(moves.shape[1])[None, :] < lengths[:, None]) if plan.moves_only or plan.labels else None
    if plan.moves_only:
        columns = {"game_id": _arrow(ids), "length": _arrow(lengths), "moves": _list_array(move_offsets, moves[valid], arrow, "moves")}
    else:
        flat = plan.vocab.encode_flat(moves_r, lengths_r, langs, with_ply=False)
        columns = {
            "game_id": _arrow(ids[row_game]),
            "lang": _arrow(langs),
            "length": _arrow(lengths_r),
            "moves": _list_array(move_offsets, flat.moves, arrow, "moves"),
            "tokens": _list_array(flat.offsets, flat.values, arrow, "tokens"),
        }
    if sources.rule_names(plan):
        columns["rule"] = pa.array(plan.rules.rule_of_games(ids, plan.seed)[row_game])
    columns.update({name: pa.array(v) for name, v in sources.extra_columns(plan, ids[row_game]).items()})
    if plan.labels:
        lab = games.labels
        source = schema.ply_label_columns(lab)
        replayed = {k: v for k, v in plan.rules.engine_args(lo, n, plan.seed).items() if k != "max_plies"}
        source.update(world_ply_columns(games.moves, games.lengths, plan.labels, threads, **replayed))
        for label in schema.canonical_labels(plan.labels):
            for name, _ in schema.KIND_COLUMNS[label]:
                per_game = source[name][keep]
                columns[name] = _list_array(move_offsets, per_game[row_game][valid[row_game]], arrow, name)
    return pa.Table.from_pydict(columns, schema=arrow), dropped, rejected, symmetric_only, cut


def _split_ranges(plan: Plan) -> list:
    """(name, first id, end id) of each split, in id order."""
    out, first = [], 0
    for name, size in plan.splits.items():
        out.append((name, first, first + size))
        first += size
    return out


def chunk_games(plan: Plan) -> int:
    """Games per chunk (and Parquet row group): smaller with labels, to bound memory."""
    return 65_536 if plan.labels else 131_072


def generate_shard(
    plan: Plan,
    shard: Shard,
    out_dir: str,
    threads: int = 1,
    progress: Optional[Callable[[int], None]] = None,
) -> ShardRecord:
    """Write ``shard`` of ``plan`` under ``out_dir`` (atomically) and return its record.

    The bytes depend only on (plan, shard): any machine, any thread count, any order.
    """
    final = os.path.join(out_dir, shard.filename)
    os.makedirs(os.path.dirname(final), exist_ok=True)
    tmp = os.path.join(os.path.dirname(final), f".{os.path.basename(final)}.tmp-{os.getpid()}-{threading.get_ident()}")
    held_out = HeldOutIndex.for_split(plan, shard.split)
    rows, dropped, rejected, symmetric_only, cut = 0, [], None, 0, 0
    try:
        # Statistics only on the scalar columns: min/max of list items help no reader and cost ~10%.
        arrow = schema.arrow_schema(plan.labels, plan.spec.types, plan.moves_only, sources.extra_fields(plan),
                                    sources.rule_names(plan))
        # Page checksums (CRC32): a reader that verifies them (our loader) notices a damaged page.
        # One writer thread per shard: chunk k is written (pyarrow releases the GIL) while chunk k + 1
        # is made; writes stay in order, so the bytes are those of writing each chunk in turn.
        with pq.ParquetWriter(tmp, arrow, compression="zstd", **parquet_encodings(arrow),
                              write_statistics=[c for c in _SCALAR_COLUMNS if c in arrow.names], write_page_checksum=True) as writer, \
                ThreadPoolExecutor(1, thread_name_prefix="mothello-write") as write_pool:
            step, writing = chunk_games(plan), None
            for lo in range(shard.first_game, shard.first_game + shard.n_games, step):
                n = min(step, shard.first_game + shard.n_games - lo)
                table, gone, turned_away, gone_symmetric, stopped = chunk_table(plan, arrow, lo, n, threads, held_out)
                cut += stopped
                if writing is not None:
                    writing.result()  # re-raises a failed write (disk full) here
                writing = write_pool.submit(writer.write_table, write_slices(table), row_group_size=max(1, table.num_rows))
                rows += table.num_rows
                dropped += gone
                symmetric_only += gone_symmetric
                if turned_away is not None:
                    rejected = (rejected or 0) + turned_away
                if progress:
                    progress(n)
            if writing is not None:
                writing.result()
        digest, size = file_sha256(tmp)
        os.replace(tmp, final)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.remove(tmp)
        check_disk_full(exc, final, out_dir)
        raise
    return ShardRecord(shard.filename, shard.split, shard.first_game, shard.first_game + shard.n_games, rows, dropped,
                       digest, size, rejected, cut if plan.rules.may_cut else None,
                       symmetric_only if plan.dedupe == "symmetric" else None)
