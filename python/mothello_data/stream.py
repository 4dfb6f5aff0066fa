"""Training without a dataset: batches of fresh games played by the engine on the fly (numpy only;
:class:`mothello_data.torch.StreamDataset` is the PyTorch wrapper).

Game ``g`` of a stream is game ``g`` of the run with the stream's seed (the engine's pure function
of ``(seed, g)``), tokenised in language ``shards.language_of_games`` -- the writer's
single-language rule -- so a stream row equals a written dataset's row for the same seed, spec and
game id. (The shard loaders' per-epoch draw, :mod:`mothello_data.recode`, is the same rule with a
seed chained from the epoch; a stream plays each game once, so it keeps the writer's draw.)
Parallel corpora (one row per language) are not streamed.

Which consumer plays which games: game ids from ``first_game`` on are cut into blocks of
``block_games``; consumer ``c`` of ``C`` (rank x worker, as in ``GameDataset``) takes blocks
``c, c + C, c + 2C, ...``. So consumers never share a game, and with ``games`` set (ids
``first_game .. first_game + games``) the union over consumers is the same set for any ``C``.
A consumer's position is the id of the next game it would play; resuming from it yields exactly
the batches that would have come next.

Held-out hygiene: given a written dataset (folder or ``manifest.json``), the stream skips the id
ranges of its splits other than ``train`` and drops any game whose move sequence is one of theirs
(``held_out.HeldOutIndex``, the rule ``mothello-gen`` applies between splits); ``first_game``
defaults to the dataset's end, so the stream never repeats the dataset's training games either.
"""

from __future__ import annotations

import os
from typing import Iterator, Optional, Sequence, Union

import numpy as np

from . import engine, loader
from .card import ManifestError, read_manifest
from .config import load_experiment
from .shard_index import LoaderError
from .held_out import HeldOutIndex
from .shards import language_of_games, opening_splits
from .policies import UNIFORM, Policy, parse_policy
from .rules import CLASSIC_RULES, RuleSet, parse_rules
from .sources import ranged_moves
from .splits import parse_split_by
from .spec import LanguageSpec, SpecError
from .vocabulary import Vocabulary

__all__ = ["GameStream", "HeldOut", "load_vocabulary"]

STREAM_FORMAT = "mothello-stream-v1"  # the checkpoint's format tag


def _policy(text: str) -> "Policy":
    try:
        return parse_policy(text)
    except SpecError as exc:
        raise LoaderError(str(exc)) from None


def load_vocabulary(source: Union[str, os.PathLike, Vocabulary, LanguageSpec]) -> Vocabulary:
    """A :class:`Vocabulary` from itself, a spec, a dataset folder or ``vocab.json``, or an experiment file."""
    if isinstance(source, Vocabulary):
        return source
    if isinstance(source, LanguageSpec):
        return Vocabulary(source)
    path = os.fspath(source)
    if os.path.isdir(path):
        path = os.path.join(path, "vocab.json")
        if not os.path.isfile(path):
            raise LoaderError(f"{os.fspath(source)}: no vocab.json (give a dataset folder, vocab.json or an experiment file)")
    if os.path.basename(path) == "vocab.json":
        return Vocabulary.load(path)
    return Vocabulary(load_experiment(path)[0])


class HeldOut:
    """A written dataset's held-out games: the id ranges of its splits other than ``train``, the
    run's seed and total game count, and the move-sequence index of those games (up to the start's
    symmetries for a ``--dedupe symmetric`` dataset). For a ``--split-by opening:K`` dataset, whose
    held-out games are not (seed, id)'s, the rule is its own: a streamed game must have an opening
    that the dataset's split rule gives to ``train``, so no held-out opening reaches training."""

    def __init__(self, source: Union[str, os.PathLike]) -> None:
        try:
            doc = read_manifest(os.fspath(source))
        except ManifestError as exc:
            raise LoaderError(str(exc)) from None
        self.seed = int(doc["seed"])
        config = doc["config"]
        self.end_game = int(sum(config["splits"].values()))
        self.ranges = sorted((int(s["first_game"]), int(s["end_game"])) for s in doc["shards"] if s["split"] != "train")
        self.split_by, self.sizes = parse_split_by(config.get("split_by")), list(config["splits"].values())
        if self.split_by and "train" not in config["splits"]:
            raise LoaderError(f"{source}: split by opening without a train split: no opening is free to stream")
        self.train = list(config["splits"]).index("train") if self.split_by else None
        symmetric = config.get("dedupe") == "symmetric"
        self.policy = Policy.from_json(config.get("policy"))  # how the dataset's games were played
        self.rules = RuleSet.from_json(config.get("rules"))  # and under which rules
        self.index = None if self.split_by else HeldOutIndex.from_ranges(
            self.seed, self.ranges, symmetric, lambda lo, n: ranged_moves(config, self.seed, lo, n))

    def excluded(self, game_ids: np.ndarray, moves: np.ndarray) -> np.ndarray:
        """Mask of games inside a held-out id range or repeating a held-out game's moves."""
        ids = np.asarray(game_ids, dtype=np.uint64)
        inside = np.zeros(len(ids), dtype=bool)
        for lo, hi in self.ranges:
            inside |= (ids >= lo) & (ids < hi)
        if self.split_by:  # the dataset's own rule: only openings it gives to train
            lengths = (np.asarray(moves) != engine.PAD_SQUARE).sum(axis=1)
            return inside | (opening_splits(moves, lengths, self.split_by, self.seed, self.sizes) != self.train)
        return inside | self.index.repeats(moves, self.seed)


class GameStream:
    """Batches (the keys of :func:`mothello_data.loader.build_batch`) of games played on the fly.

    Args:
        vocabulary: a :class:`Vocabulary`, a spec, a dataset folder or its ``vocab.json``, or an
            experiment file (default: the ``held_out`` dataset's vocabulary).
        seed: the run's seed (game ``g`` is game ``g`` of this run; default: the ``held_out``
            dataset's seed, so the stream continues its run, else 0).
        batch_size, targets, labels: as for ``GameDataset`` (labels by C++ replay per batch; each
            game in one of the vocabulary's input languages, as the writer assigns them).
        held_out: a written dataset (folder or manifest) whose held-out games the stream never yields.
        first_game: first game id (default: the held-out dataset's end, else 0).
        games: stream only ids ``first_game .. first_game + games`` (default: unbounded).
        block_games: consecutive ids a consumer plays before the next consumer's turn.
        threads: engine threads per consumer.
        pack_labels: labels packed, as for ``GameDataset`` (``mothello_data.torch.expand_labels``).
        policy: how moves are chosen (a policy name such as ``"search:2"``, or a
            :class:`~mothello_data.policies.Policy`; default: the ``held_out`` dataset's, else uniform).
        rules: the rule set(s) played (a :class:`~mothello_data.rules.RuleSet`, or a ``--rules``
            text such as ``"classic,nomidflip"``; default: the ``held_out`` dataset's, else classic);
            game ``g`` plays the rule the writer draws for it. Passes are written as moves when the
            vocabulary has a pass token.
    """

    def __init__(self, vocabulary=None, seed: Optional[int] = None, batch_size: int = 256, targets: Optional[str] = None,
                 labels: Sequence[str] = (), held_out=None, first_game: Optional[int] = None,
                 games: Optional[int] = None, block_games: int = 4096, threads: int = 1,
                 pack_labels: bool = False, policy=None, rules=None) -> None:
        for name, value, low in (("batch_size", batch_size, 1), ("block_games", block_games, 1), ("threads", threads, 1),
                                 ("seed", seed, 0), ("first_game", first_game, 0), ("games", games, 0)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < low):
                raise LoaderError(f"{name} must be an integer >= {low}, got {value!r}")
        self.labels = tuple(labels)
        loader.check_options(targets or "unified", self.labels)
        self.held_out = None if held_out is None else HeldOut(held_out)
        if vocabulary is None:
            if held_out is None:
                raise LoaderError("give a vocabulary (spec, vocab.json, experiment file) or a held_out dataset")
            vocabulary = held_out
        self.vocab = load_vocabulary(vocabulary)
        if first_game is None:
            first_game = self.held_out.end_game if self.held_out is not None else 0
        if seed is None:
            seed = self.held_out.seed if self.held_out is not None else 0
        targets = targets or self.vocab.spec.default_targets  # the experiment's, as in GameDataset
        self.seed, self.batch_size, self.targets, self.threads = seed, batch_size, targets, threads
        self.first_game, self.block_games, self.pack_labels = first_game, block_games, bool(pack_labels)
        if isinstance(policy, str):
            policy = _policy(policy)
        self.policy = policy or (self.held_out.policy if self.held_out is not None else UNIFORM)
        self.rules = self._rules(rules)
        self.end_game = None if games is None else first_game + games
        if (self.end_game or first_game) > 2**64:
            raise LoaderError("first_game + games exceeds the 64-bit game counter")

    def _rules(self, rules) -> RuleSet:
        """``rules`` as a RuleSet whose move space the vocabulary covers (one line if not)."""
        space = self.vocab.space
        try:
            if rules is None:
                rules = self.held_out.rules if self.held_out is not None else \
                    parse_rules(None, space.pass_move) if space.pass_move else CLASSIC_RULES
            elif isinstance(rules, str):
                rules = parse_rules(rules, space.pass_move)
        except SpecError as exc:
            raise LoaderError(str(exc)) from None
        problem = rules.space_problem(space)
        if problem:
            raise LoaderError(problem)
        return rules

    # ---- which consumer plays which games ----------------------------------------------------

    def game_of(self, ordinal: int, consumer: int, n_consumers: int) -> int:
        """Game id of the ``ordinal``-th game (0-based) of ``consumer`` of ``n_consumers``."""
        B = self.block_games
        return self.first_game + ((ordinal // B) * n_consumers + consumer) * B + ordinal % B

    def consumer_of(self, game_id: int, n_consumers: int) -> int:
        """The consumer of ``n_consumers`` that plays ``game_id`` (-1 before ``first_game``)."""
        rel = int(game_id) - self.first_game
        return -1 if rel < 0 else rel // self.block_games % n_consumers

    def ordinal_of(self, game_id: int, consumer: int, n_consumers: int) -> int:
        """Inverse of :meth:`game_of`; refuses a game that is not this consumer's."""
        B, rel = self.block_games, int(game_id) - self.first_game
        if self.consumer_of(game_id, n_consumers) != consumer:
            raise LoaderError(f"game {game_id} is not played by consumer {consumer} of {n_consumers}")
        return (rel // B) // n_consumers * B + rel % B

    def next_game(self, last_game: int, consumer: int, n_consumers: int) -> int:
        """The position after ``last_game``: the consumer's next game id."""
        return self.game_of(self.ordinal_of(last_game, consumer, n_consumers) + 1, consumer, n_consumers)

    # ---- rows and batches ------------------------------------------------------------------

    def rows(self, lo: int, hi: int) -> loader.RowBlock:
        """Padded rows of games ``lo .. hi`` of the run, held-out games left out."""
        games = engine.generate(hi - lo, self.seed, lo, threads=self.threads, policy=self.policy,
                                **self.rules.engine_args(lo, hi - lo, self.seed))
        ids = np.arange(lo, hi, dtype=np.uint64)
        if self.held_out is not None:
            keep = ~self.held_out.excluded(ids, games.moves)
            ids, moves, lengths = ids[keep], games.moves[keep], games.lengths[keep]
        else:
            moves, lengths = games.moves, games.lengths
        langs = language_of_games(ids, self.vocab.spec.inputs, self.seed)
        enc = self.vocab.encode_batch(moves, lengths, langs)
        rule = None if self.rules.is_classic else self.rules.rule_ids()[self.rules.rule_of_games(ids, self.seed)]
        return loader.RowBlock(enc.tokens, enc.token_ply, enc.lengths, moves, lengths, langs, ids, None, rule)

    def _blocks(self, consumer: int, n_consumers: int, ordinal: int) -> Iterator[loader.RowBlock]:
        B = self.block_games
        while True:
            lo = self.game_of(ordinal, consumer, n_consumers)
            hi = lo - ordinal % B + B
            if self.end_game is not None:
                if lo >= self.end_game:
                    return
                hi = min(hi, self.end_game)
            if hi > 2**64:
                return
            yield self.rows(lo, hi)
            ordinal += B - ordinal % B

    def batches(self, consumer: int = 0, n_consumers: int = 1, next_game: Optional[int] = None) -> Iterator[dict]:
        """Batches of ``consumer`` of ``n_consumers`` from position ``next_game`` (default: its first game)."""
        if not 0 <= consumer < n_consumers:
            raise LoaderError(f"consumer {consumer} is outside {n_consumers} consumers")
        start = 0 if next_game is None else self.ordinal_of(next_game, consumer, n_consumers)
        for rows in loader.shuffled_batches(self._blocks(consumer, n_consumers, start), self.batch_size, 0, None):
            yield loader.build_batch(rows, self.targets, self.labels, "replay", self.threads, self.pack_labels,
                                     self.vocab.space)

    def identity(self, n_consumers: int) -> dict:
        """What a checkpoint's positions mean: they resume only a stream with the same identity."""
        return {"format": STREAM_FORMAT, "seed": self.seed, "first_game": self.first_game,
                "block_games": self.block_games, "consumers": n_consumers,
                **({"policy": self.policy.to_json()} if not self.policy.is_uniform else {}),
                **({"rules": self.rules.to_json()} if not self.rules.is_classic else {})}
