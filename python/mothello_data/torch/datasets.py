"""Iterable datasets over shards (:class:`GameDataset`) and fresh games (:class:`StreamDataset`), the
loader that moves their worker batches (:class:`GameLoader`), and the distributed world they split by."""

from __future__ import annotations

import os
from typing import Iterator, Optional, Sequence, Union

import torch
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from .. import loader as _loader
from ..engine import default_threads
from ..loader import NO_VOCABULARY, LoaderError, PieceReader, ShardIndex, check_options, find_vocabulary
from ..moves import CLASSIC
from ..shard_index import open_shard
from ..recode import choose_tokens
from ..rng import Permutations
from ..stream import GameStream
from .transfer import _PACKED, _pack, _unpack, to_tensors

_SHUFFLE_STREAM = 0xB0FF  # the shuffle buffer's permutations: (seed, epoch, consumer, this key, fill)


def distributed_world(rank: Optional[int] = None, world_size: Optional[int] = None) -> tuple[int, int]:
    """(rank, world size): given values, else ``torch.distributed`` when initialised, else the
    ``RANK`` / ``WORLD_SIZE`` environment variables of torchrun, else (0, 1)."""
    if rank is not None or world_size is not None:
        if rank is None or world_size is None:
            raise LoaderError("give both rank and world_size, or neither")
    elif torch.distributed.is_available() and torch.distributed.is_initialized():
        rank, world_size = torch.distributed.get_rank(), torch.distributed.get_world_size()
    else:
        rank, world_size = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    if world_size < 1 or not 0 <= rank < world_size:
        raise LoaderError(f"rank {rank} is outside a world of {world_size}")
    return int(rank), int(world_size)


def _consumer(rank: int, world_size: int) -> tuple[int, int]:
    """(this consumer, consumers): rank x DataLoader worker, rank-major."""
    info = get_worker_info()
    worker, workers = (info.id, info.num_workers) if info is not None else (0, 1)
    return rank * workers + worker, world_size * workers


def _check_options(batch_size: int, targets: str, labels: Sequence[str], balance: str) -> None:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise LoaderError(f"batch_size must be a positive integer, got {batch_size!r}")
    check_options(targets, labels, balance)


class GameDataset(IterableDataset):
    """Batches of games from mothello-data shards, for ``DataLoader(ds, batch_size=None)``.

    Args:
        source: dataset directory (as written by ``mothello-gen``), directory of shards, or files.
        split: keep shards of this split (``None``: every shard given).
        languages: keep rows in these language ids (``None``: all), or ``"sample"``: draw each game's
            language afresh every epoch among the vocabulary's input languages and encode its moves
            in it (the mOthello regime; see :mod:`mothello_data.recode`).
        vocabulary: with ``"sample"``, the languages to encode in (a vocabulary, ``vocab.json``,
            dataset folder or experiment file; default: the dataset's ``vocab.json``).
        batch_size: rows per batch; the last batch of a consumer may be smaller unless ``drop_last``.
        targets: ``"unified"`` (next move index 0..59 at move-completing tokens) or ``"next_token"``;
            default: the recorded experiment's (``unified_output``).
        labels: any of ``board_state``, ``legal_moves``, ``flipped``, ``player`` (per position,
            see :mod:`mothello_data.probing`); computed by C++ replay per batch, or read from the
            shards when they store them (``mothello-gen --labels all``); also the world-model labels
            of :mod:`mothello_data.world_labels` (``hash``, ``canonical_hash``, ``disc_count``,
            ``mobility``, ``flip_count``, ``age``, ``last_move``, ``final_count``, ``winner``), always
            by C++ replay.
        shuffle: shuffle row-group order per epoch and rows through a buffer of ``buffer_size``.
        seed: shuffle seed; the order depends only on (seed, epoch, rank, worker, world size).
        balance: ``"pad"`` (every rank and worker gets the same number of rows, repeating a few),
            ``"drop"`` (same, leaving the remainder out) or ``"none"`` (each row exactly once; ranks
            may differ by a row, which can stall DDP).
        rank, world_size: override the distributed world (default: torch.distributed, then the
            ``RANK``/``WORLD_SIZE`` environment variables).
        threads: engine threads per consumer for label replay.
        pack_labels: ship the four board labels packed (per-state bitboards; several times less to
            make and to move from worker processes) and expand them where the batch lands with
            :func:`mothello_data.torch.expand_labels` (on the GPU, after ``.to(device)``).

    Call :meth:`set_epoch` before each epoch (with ``persistent_workers=False``, the default, each
    epoch's workers get the new value).
    """

    def __init__(self, source: Union[str, os.PathLike, Sequence], split: Optional[str] = "train",
                 languages: Union[None, str, Sequence[int]] = None, batch_size: int = 256, targets: Optional[str] = None,
                 labels: Sequence[str] = (), shuffle: bool = True, buffer_size: int = 16_384, seed: int = 0,
                 drop_last: bool = False, balance: str = "pad", rank: Optional[int] = None,
                 world_size: Optional[int] = None, label_source: str = "auto", threads: int = 1, vocabulary=None,
                 pack_labels: bool = False) -> None:
        super().__init__()
        labels = tuple(labels)
        _check_options(batch_size, targets or "unified", labels, balance)
        if label_source not in ("auto", "replay", "stored"):
            raise LoaderError(f"label_source must be auto, replay or stored, got {label_source!r}")
        self.index = ShardIndex.build(source, split, None if isinstance(languages, str) else languages)
        keep, self.recoder, targets, self.vocab = choose_tokens(self.index.files, self.index.has_tokens, languages,
                                                                vocabulary, seed, targets)
        if self.recoder is None and self.vocab is None and "token_ply" not in open_shard(self.index.files[0]).schema_arrow.names:
            raise LoaderError(NO_VOCABULARY)  # shard format 2 stores no token_ply to fall back on
        if self.recoder is not None and keep is not None:  # "sample" over a parallel corpus: one row per game
            self.index = ShardIndex.build(source, split, keep)
        known = self.vocab or (self.recoder.vocab if self.recoder is not None else None) or find_vocabulary(self.index.files)
        self.space = known.space if known is not None else CLASSIC  # the unified targets' move space
        if self.index.total_rows == 0:
            raise LoaderError(f"no rows in split {split!r}" + ("" if languages is None else f" with languages {list(languages)}"))
        if label_source == "stored" and not self.index.has_stored_labels:
            raise LoaderError("the shards do not store labels (generate with --labels all), use label_source='replay'")
        use_stored = bool(labels) and self.index.has_stored_labels and label_source != "replay"
        self.label_source = "stored" if use_stored else "replay"
        self.batch_size, self.targets, self.labels = batch_size, targets, labels
        self.shuffle, self.buffer_size, self.seed = bool(shuffle), int(buffer_size), int(seed)
        self.drop_last, self.balance, self.threads = bool(drop_last), balance, int(threads)
        self.pack_labels = bool(pack_labels)
        self.rank, self.world_size = distributed_world(rank, world_size)
        self.epoch = 0
        self.pack_in_workers = False  # set by GameLoader, which unpacks

    def set_epoch(self, epoch: int) -> None:
        """Select the epoch's shuffle (call on every rank before iterating)."""
        self.epoch = int(epoch)

    def batches_per_epoch(self, num_workers: int = 0) -> int:
        """Batches this rank yields per epoch with ``num_workers`` DataLoader workers (for LR
        schedules and progress bars; equal on every rank unless ``balance="none"``)."""
        workers = max(1, num_workers)
        total = 0
        for worker in range(workers):
            rows = self.index.consumer_rows(self.rank * workers + worker, self.world_size * workers, self.balance)
            total += rows // self.batch_size if self.drop_last else -(-rows // self.batch_size)
        return total

    def __iter__(self) -> Iterator[dict]:
        consumer, n_consumers = _consumer(self.rank, self.world_size)
        pieces = self.index.pieces(self.epoch, self.seed, self.shuffle, consumer, n_consumers, self.balance)
        # pyarrow's decode threads help a lone process; worker processes already fill the cores.
        reader = PieceReader(self.index, use_stored_labels=self.label_source == "stored",
                             use_threads=get_worker_info() is None, vocab=self.vocab, tokens=self.recoder is None)
        rng = Permutations(self.seed, self.epoch, consumer, _SHUFFLE_STREAM) if self.shuffle else None
        pack = self.pack_in_workers and get_worker_info() is not None
        blocks = reader.read(pieces)
        if self.recoder is not None:
            blocks = (self.recoder(block, self.epoch) for block in blocks)
        for rows in _loader.shuffled_batches(blocks, self.batch_size, self.buffer_size, rng, self.drop_last):
            batch = _loader.build_batch(rows, self.targets, self.labels, self.label_source, self.threads, self.pack_labels,
                                        self.space)
            yield _pack(batch) if pack else to_tensors(batch)


class StreamDataset(IterableDataset):
    """Batches of fresh games played by the engine on the fly (see :mod:`mothello_data.stream`),
    for :class:`GameLoader`; infinite unless ``games`` is set. Each rank and DataLoader worker plays
    its own blocks of game ids.

    ``kwargs`` go to :class:`mothello_data.stream.GameStream` (``vocabulary``, ``seed``,
    ``batch_size``, ``targets``, ``labels``, ``held_out``, ``first_game``, ``games``, ...);
    ``threads`` (engine threads) defaults to every core in a lone process and 1 per worker process.
    :meth:`state_dict` is the next game id of each of this rank's consumers, taken from the batches
    that came out (through :class:`GameLoader` with workers, or by iterating in-process);
    :meth:`load_state_dict` resumes each consumer exactly there (with the same ``num_workers``).
    """

    def __init__(self, rank: Optional[int] = None, world_size: Optional[int] = None, threads: Optional[int] = None,
                 **kwargs) -> None:
        super().__init__()
        self.stream = GameStream(threads=threads or 1, **kwargs)
        self.threads = threads  # None: every core in a lone process (as pyarrow decodes shards), 1 per worker
        self.rank, self.world_size = distributed_world(rank, world_size)
        self.num_workers = 0  # set by GameLoader
        self.pack_in_workers = False
        self.positions: dict = {}  # consumer -> next game id

    def _n_consumers(self) -> int:
        return self.world_size * max(1, self.num_workers)

    def observe(self, batch: dict) -> None:
        """Advance the position of the consumer that made ``batch`` past its last game."""
        if len(batch["game_id"]):
            last, n = int(batch["game_id"][-1]), self._n_consumers()
            consumer = self.stream.consumer_of(last, n)
            self.positions[consumer] = self.stream.next_game(last, consumer, n)

    def state_dict(self) -> dict:
        """The stream's identity and this rank's consumer positions (plain ints, JSON-ready)."""
        return {**self.stream.identity(self._n_consumers()), "next_game": {str(c): g for c, g in sorted(self.positions.items())}}

    def load_state_dict(self, state: dict) -> None:
        """Resume from :meth:`state_dict` (refused for another seed, start or block size, and, when
        iteration starts, for another number of consumers)."""
        mine = self.stream.identity(int(state.get("consumers", 0)))
        theirs = {k: state.get(k) for k in mine}
        if theirs != mine:
            raise LoaderError(f"the checkpoint is for another stream: {theirs}, this one is {mine}")
        self.positions = {int(c): int(g) for c, g in state["next_game"].items()}
        self._resume_consumers = mine["consumers"]

    def check_world(self) -> None:
        """Refuse to resume positions saved with another number of ranks x workers."""
        saved = getattr(self, "_resume_consumers", None)
        if saved is not None and saved != self._n_consumers():
            raise LoaderError(f"the checkpoint is for {saved} consumers (ranks x workers), this run has {self._n_consumers()}")

    def __iter__(self) -> Iterator[dict]:
        consumer, n_consumers = _consumer(self.rank, self.world_size)
        in_process = get_worker_info() is None
        if in_process:
            self.check_world()
        if self.threads is None:  # results do not depend on the thread count
            self.stream.threads = default_threads() if in_process else 1
        pack = self.pack_in_workers and not in_process
        for batch in self.stream.batches(consumer, n_consumers, self.positions.get(consumer)):
            if in_process:
                self.observe(batch)
            yield _pack(batch) if pack else to_tensors(batch)


class GameLoader(DataLoader):
    """``DataLoader`` for a :class:`GameDataset` or :class:`StreamDataset`: batches come ready from the dataset, and from
    worker processes as one shared buffer each (several times faster than a tensor per key)."""

    def __init__(self, dataset: IterableDataset, num_workers: int = 0, pin_memory: bool = False, **kwargs) -> None:
        if kwargs.get("persistent_workers"):
            # Persistent workers keep their copy of the dataset: set_epoch() would never reach them
            # and every epoch would repeat the first one's order.
            raise LoaderError("persistent_workers=True would repeat the first epoch's shuffle; leave it off")
        if kwargs.get("batch_size") is not None or kwargs.get("collate_fn") is not None:
            raise LoaderError("the dataset batches by itself: set batch_size on the dataset, not on the loader")
        dataset.pack_in_workers = num_workers > 0
        dataset.num_workers = num_workers
        super().__init__(dataset, batch_size=None, num_workers=num_workers, pin_memory=pin_memory, **kwargs)

    def __iter__(self):
        observe = getattr(self.dataset, "observe", None)  # a StreamDataset tracks its position
        if hasattr(self.dataset, "check_world"):
            self.dataset.check_world()
        for batch in super().__iter__():
            batch = _unpack(batch) if _PACKED in batch else batch
            if observe is not None:
                observe(batch)
            yield batch

    def __len__(self) -> int:
        """Batches per epoch on this rank (a stream has no epochs: ``TypeError``, as for any
        iterator without a length)."""
        if not hasattr(self.dataset, "batches_per_epoch"):
            raise TypeError("a StreamDataset has no length: it yields batches until `games` runs out, or forever")
        return self.dataset.batches_per_epoch(self.num_workers)


def make_loader(source, split: Optional[str] = "train", batch_size: int = 256, num_workers: int = 0,
                pin_memory: bool = False, **kwargs) -> GameLoader:
    """A :class:`GameLoader` over a :class:`GameDataset` (``kwargs`` go to the dataset)."""
    return GameLoader(GameDataset(source, split=split, batch_size=batch_size, **kwargs),
                      num_workers=num_workers, pin_memory=pin_memory)
