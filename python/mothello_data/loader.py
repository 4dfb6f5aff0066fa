"""Reading shards into padded training batches with numpy (no torch here; see
:mod:`mothello_data.torch` for the PyTorch wrapper).

Which consumer reads which row groups is :mod:`mothello_data.shard_index`'s job; this module reads
its pieces (:class:`PieceReader`), mixes rows through a shuffle buffer (:func:`shuffled_batches`)
and builds padded batches with targets and probing labels (:func:`build_batch`).

Columns come out of pyarrow as flat numpy buffers (no Python lists) and are padded in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import _core, engine, schema
from .schema import arrow_numpy  # the one way numbers leave Arrow
from .probing import ALL_LABEL_NAMES, WORLD_LABEL_NAMES, replay_position_labels, stored_position_labels
from .rng import Permutations
from .shard_index import (BALANCE_MODES, LoaderError, ShardIndex, Unit, check_balance, find_shard_files,
                          find_vocabulary, open_shard, read_row_group, split_of)
from .moves import CLASSIC, MoveSpace
from .rules import replay_args, table_rule_ids
from .targets import TARGET_MODES, token_targets
from .vocabulary import Vocabulary
from .world_labels import world_position_labels

__all__ = ["LoaderError", "check_options", "ShardIndex", "Unit", "find_shard_files", "find_vocabulary", "split_of",
           "RowBlock", "derive_token_ply", "PieceReader", "shuffled_batches", "build_batch", "BALANCE_MODES", "TARGET_MODES"]


def check_options(targets: str = "unified", labels: Sequence[str] = (), balance: str = "pad") -> None:
    """Raise :class:`LoaderError` naming the choices for an unknown target mode, label or balance."""
    if targets not in TARGET_MODES:
        raise LoaderError(f"targets must be one of {', '.join(TARGET_MODES)}, got {targets!r}")
    unknown = [x for x in labels if x not in ALL_LABEL_NAMES]
    if unknown:
        raise LoaderError(f"unknown label {unknown[0]!r} (choose from {', '.join(ALL_LABEL_NAMES)})")
    check_balance(balance)


# ---- reading rows -------------------------------------------------------------------------------


def _pad(column: pa.ChunkedArray, width: Optional[int], fill, dtype) -> tuple[np.ndarray, np.ndarray]:
    """A list column (chunked or not) as padded ``(n, width)`` numpy rows of ``dtype`` (``fill`` past each
    row's end; ``width=None``: the longest row) plus row lengths (the offsets' dtype), copied chunk by
    chunk in C++ (:func:`mothello_data._core.pad_lists`), without Python lists."""
    chunks = (column.chunks or [column.combine_chunks()]) if isinstance(column, pa.ChunkedArray) else [column]
    offsets = [arrow_numpy(chunk.offsets) for chunk in chunks]
    lens = np.concatenate([np.diff(o) for o in offsets]) if len(offsets) != 1 else np.diff(offsets[0])
    W = int(lens.max()) if width is None and len(lens) else (width or 0)
    out = np.empty((len(lens), W), dtype=dtype)
    pad, row = np.array(fill, dtype=out.dtype), 0
    for chunk, o in zip(chunks, offsets):
        values = np.ascontiguousarray(arrow_numpy(chunk.values), dtype=out.dtype)
        _core.pad_lists(o, values, out, row, pad)
        row += len(o) - 1
    return out, lens


def move_rows(table: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """A shard table's ``moves`` as padded ``(n, W)`` uint8 rows (255 past the end; W = 60, or the
    longest row of a rule-variant dataset) and its ``length`` column. The loader and the dataset
    reader both read moves through this."""
    length = arrow_numpy(table.column("length"))
    width = max(engine.MAX_PLIES, int(length.max()) if len(length) else 0)
    return _pad(table.column("moves"), width, engine.PAD_SQUARE, np.uint8)[0], length


NO_VOCABULARY = ("the shards store no token_ply (shard format 2 on): it is derived from the moves with the dataset's "
                 "vocab.json, which was not found beside them; give vocabulary= (the dataset folder or its vocab.json)")


def derive_token_ply(vocab: Vocabulary, moves: np.ndarray, lengths: np.ndarray, langs: np.ndarray,
                     tokens: np.ndarray, n_tokens: np.ndarray) -> np.ndarray:
    """The ply (0-based move number) of each stored token, ``(n, W)`` int8 (-1 for tags and pads):
    the rows' moves encoded again in their languages by the one encoder
    (:meth:`~mothello_data.vocabulary.Vocabulary.encode_batch`). Refuses (:class:`LoaderError`, one
    line) tokens that are not that encoding (another vocabulary's)."""
    try:
        enc = vocab.encode_batch(moves, lengths, langs)
    except ValueError as exc:  # a language or square the vocabulary does not have
        raise LoaderError(f"cannot derive token_ply: {exc}") from None
    if not (np.array_equal(enc.lengths, n_tokens) and np.array_equal(enc.tokens, tokens)):
        raise LoaderError("the stored tokens are not the moves encoded in this vocabulary (the dataset's vocab.json "
                          "or the vocabulary given): cannot derive token_ply")
    return enc.token_ply


@dataclass
class RowBlock:
    """Padded rows: ``tokens`` (n, W) uint16 (pad 0), ``token_ply`` (n, W) int8 (-1 past the end),
    ``n_tokens``, ``moves`` (n, P) uint8 move codes (P >= 60; 255 past the end, 64 a written pass),
    ``length``, ``lang``, ``game_id``, ``plies`` (per-ply label columns, only when read from shards)
    and ``rule`` (the engine's rule id of each game; ``None``: classic, a dataset without rule variants)."""

    tokens: np.ndarray
    token_ply: np.ndarray
    n_tokens: np.ndarray
    moves: np.ndarray
    length: np.ndarray
    lang: np.ndarray
    game_id: np.ndarray
    plies: Optional[dict] = None
    rule: Optional[np.ndarray] = None

    def engine_args(self) -> dict:
        """Keyword arguments of the engine's replays for these rows: their rules, and written passes
        when a row holds one (a row without a pass replays the same either way)."""
        return replay_args(self.moves, self.rule)

    def __len__(self) -> int:
        return len(self.lang)

    def take(self, index) -> "RowBlock":
        """Rows by slice (views) or index array (``np.take`` along rows: much faster than fancy
        indexing of 2-D arrays)."""
        pick = (lambda a: a[index]) if isinstance(index, slice) else (lambda a: np.take(a, index, axis=0))
        plies = None if self.plies is None else {k: pick(v) for k, v in self.plies.items()}
        return RowBlock(pick(self.tokens), pick(self.token_ply), pick(self.n_tokens), pick(self.moves),
                        pick(self.length), pick(self.lang), pick(self.game_id), plies,
                        None if self.rule is None else pick(self.rule))

    @staticmethod
    def concat(blocks: Sequence["RowBlock"]) -> "RowBlock":
        """Rows of several blocks, widened to the longest token row."""
        if len(blocks) == 1:
            return blocks[0]
        W = max(b.tokens.shape[1] for b in blocks)
        P = max(b.moves.shape[1] for b in blocks)  # rows of games cut at --max-plies may be wider than 60

        def widen(a, fill, width=W):
            if a.shape[1] == width:
                return a
            out = np.full((a.shape[0], width) + a.shape[2:], fill, dtype=a.dtype)
            out[:, : a.shape[1]] = a
            return out

        plies = None
        if blocks[0].plies is not None:
            plies = {k: np.concatenate([widen(b.plies[k], 0, P) for b in blocks]) for k in blocks[0].plies}
        rule = None
        if any(b.rule is not None for b in blocks):
            rule = np.concatenate([np.zeros(len(b), np.uint8) if b.rule is None else b.rule for b in blocks])
        return RowBlock(
            np.concatenate([widen(b.tokens, 0) for b in blocks]),
            np.concatenate([widen(b.token_ply, -1) for b in blocks]),
            np.concatenate([b.n_tokens for b in blocks]),
            np.concatenate([widen(b.moves, engine.PAD_SQUARE, P) for b in blocks]),
            *(np.concatenate([getattr(b, f) for b in blocks]) for f in ("length", "lang", "game_id")),
            plies, rule,
        )

    @classmethod
    def from_table(cls, table: pa.Table, stored_labels: bool, vocab: Optional[Vocabulary] = None) -> "RowBlock":
        """Pad the list columns of a shard table (and its stored label columns when asked); a
        moves-only table (or one read without its ``tokens``) gets empty token rows and language -1
        (to be encoded per epoch). ``token_ply`` is derived with ``vocab``, the tokens' vocabulary
        (:func:`derive_token_ply`); without one only a format-1 table's stored column will do."""
        moves, length = move_rows(table)
        if "tokens" in table.column_names:
            tokens, n_tokens = _pad(table.column("tokens"), None, 0, np.uint16)
            lang = arrow_numpy(table.column("lang"))
            if vocab is not None:
                token_ply = derive_token_ply(vocab, moves, length, lang, tokens, n_tokens)
            elif "token_ply" in table.column_names:  # shard format 1 read without a vocabulary
                token_ply, _ = _pad(table.column("token_ply"), tokens.shape[1], -1, np.int8)
            else:
                raise LoaderError(NO_VOCABULARY)
        else:
            n = table.num_rows
            tokens, token_ply = np.zeros((n, 0), np.uint16), np.zeros((n, 0), np.int8)
            n_tokens, lang = np.zeros(n, np.int64), np.full(n, -1, np.int64)
        plies = None
        if stored_labels:
            plies = {name: _pad(table.column(name), moves.shape[1], 0, np.dtype(dtype))[0]
                     for columns in schema.LABEL_COLUMNS.values() for name, dtype in columns}
        return cls(tokens, token_ply, n_tokens, moves, length, lang,
                   arrow_numpy(table.column("game_id")), plies, table_rule_ids(table))


class PieceReader:
    """Reads ``(unit, start, stop)`` pieces of a :class:`ShardIndex` as :class:`RowBlock` s."""

    def __init__(self, index: ShardIndex, use_stored_labels: bool = False, max_rows: int = 16_384,
                 use_threads: bool = True, vocab: Optional[Vocabulary] = None, tokens: bool = True) -> None:
        """``vocab``: the stored tokens' vocabulary, to derive ``token_ply``; ``tokens=False``: leave
        the stored tokens unread (they are encoded afresh, :mod:`mothello_data.recode`)."""
        self.index = index
        self.use_threads = use_threads  # pyarrow decodes the columns of a row group in parallel
        self.use_stored = use_stored_labels
        self.max_rows = max_rows
        self.vocab = vocab
        self.columns = [c for c in schema.BASE_COLUMN_NAMES
                        if (index.has_tokens or c not in schema.TOKEN_COLUMNS) and (tokens or c != "tokens")]
        if use_stored_labels:
            self.columns += list(schema.ALL_LABEL_COLUMNS)
        self._files: dict = {}

    def _file(self, path: str) -> pq.ParquetFile:
        if path not in self._files:
            self._files[path] = open_shard(path, memory_map=True)
        return self._files[path]

    def read(self, pieces: Sequence[tuple[int, int, int]]) -> Iterator[RowBlock]:
        """The rows of each piece, in order, in blocks of at most ``max_rows``."""
        for u, start, stop in pieces:
            unit = self.index.units[u]
            pf = self._file(unit.path)
            columns = self.columns
            if self.vocab is None and "tokens" in columns and "token_ply" in pf.schema_arrow.names:
                columns = columns + ["token_ply"]  # shard format 1, no vocabulary to derive it with
            if schema.RULE_COLUMN[0] in pf.schema_arrow.names:
                columns = columns + [schema.RULE_COLUMN[0]]
            table = read_row_group(pf, unit.path, unit.row_group, columns, self.use_threads)
            if self.index.languages is not None:
                keep = np.flatnonzero(np.isin(arrow_numpy(table.column("lang")), self.index.languages))
                table = table.take(pa.array(keep[start:stop]))
            else:
                table = table.slice(start, stop - start)
            for lo in range(0, table.num_rows, self.max_rows):
                yield RowBlock.from_table(table.slice(lo, self.max_rows), self.use_stored, self.vocab)


def _picker(n: int, rng: Optional[Permutations]):
    """Row selector for positions ``a..b``: a permutation's slice, or a plain slice (a view)."""
    if rng is None:
        return slice
    order = rng.permutation(n)
    return lambda a, b: order[a:b]


def shuffled_batches(blocks: Iterator[RowBlock], batch_size: int, buffer_size: int,
                     rng: Optional[Permutations], drop_last: bool = False) -> Iterator[RowBlock]:
    """Batches of ``batch_size`` rows; with ``rng`` rows are mixed through a buffer of about
    ``buffer_size`` rows (filled, permuted, half emitted, refilled), else kept in order."""
    pool: list = []
    pooled = 0
    keep = buffer_size // 2 if rng is not None else 0
    for block in blocks:
        pool.append(block)
        pooled += len(block)
        if pooled < max(buffer_size if rng is not None else 0, batch_size):
            continue
        rows = RowBlock.concat(pool)
        pick = _picker(len(rows), rng)
        emit = (len(rows) - min(keep, len(rows) - batch_size)) // batch_size * batch_size
        for lo in range(0, emit, batch_size):
            yield rows.take(pick(lo, lo + batch_size))
        pool = [rows.take(pick(emit, len(rows)))] if emit < len(rows) else []
        pooled = len(rows) - emit
    if pooled:
        rows = RowBlock.concat(pool)
        pick = _picker(len(rows), rng)
        for lo in range(0, len(rows), batch_size):
            if lo + batch_size <= len(rows) or not drop_last:
                yield rows.take(pick(lo, min(lo + batch_size, len(rows))))


# ---- batches -------------------------------------------------------------------------------------


def build_batch(rows: RowBlock, targets: str = "unified", labels: Sequence[str] = (),
                label_source: str = "replay", threads: int = 1, pack_labels: bool = False,
                space: MoveSpace = CLASSIC) -> dict:
    """A padded batch as numpy arrays, trimmed to the longest sequence in it.

    Keys: ``input_ids`` int64 (pad 0), ``attention_mask`` int64, ``targets`` int64 (ignore -100;
    ``targets="unified"``: move index in ``space`` (0..59 for classic datasets; the vocabulary's
    :attr:`~mothello_data.vocabulary.Vocabulary.space`) of the next move at move-completing positions,
    ``"next_token"``: the next token id), ``completes`` bool (position completes a move),
    ``lang`` int64, ``game_id`` int64, ``length`` int64 (moves), ``rule`` int64 (rule-variant
    datasets only: the engine's rule id, an index into :data:`mothello_data.engine.RULES`), plus the requested ``labels``
    (see :mod:`mothello_data.probing`), computed by replay or read from stored columns; with
    ``pack_labels`` the four board labels come packed (``label_state`` and per-state bitboards,
    :data:`mothello_data.probing.PACKED_KEYS`) for ``mothello_data.torch.expand_labels``.
    """
    check_options(targets, labels)
    T = int(rows.n_tokens.max()) if len(rows) else 0
    tokens = np.ascontiguousarray(rows.tokens[:, :T])
    ply = np.ascontiguousarray(rows.token_ply[:, :T])
    n_tokens = rows.n_tokens.astype(np.int64)
    tgt, completes = token_targets(tokens, ply, n_tokens, rows.moves, rows.length, targets == "unified", space)
    mask = np.arange(T)[None, :] < n_tokens[:, None]
    out = {
        "input_ids": tokens.astype(np.int64),
        "attention_mask": mask.astype(np.int64),
        "targets": tgt,
        "completes": completes,
        "lang": rows.lang.astype(np.int64),
        "game_id": rows.game_id.astype(np.int64),
        "length": rows.length.astype(np.int64),
        **({} if rows.rule is None else {"rule": rows.rule.astype(np.int64)}),  # the engine's id (engine.RULES)
    }
    world = [x for x in labels if x in WORLD_LABEL_NAMES]
    labels = [x for x in labels if x not in WORLD_LABEL_NAMES]
    if labels:
        # legal_moves over the dataset's move space: the 60-move index, or the 64 squares
        over = {"legal_squares": True} if space.squares == 64 else {}
        if label_source == "stored":
            out.update(stored_position_labels(rows.plies, rows.moves, rows.length, ply, completes, n_tokens, labels,
                                              threads, pack_labels, **rows.engine_args(), **over))
        else:
            out.update(replay_position_labels(rows.moves, rows.length, ply, completes, n_tokens, labels, threads,
                                              pack_labels, **rows.engine_args(), **over))
    if world:  # always by replay (mothello_data.world_labels)
        out.update(world_position_labels(rows.moves, rows.length, ply, completes, n_tokens, world, threads,
                                         **rows.engine_args()))
    return out
