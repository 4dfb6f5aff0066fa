"""Which tokens a loader feeds: the stored ones, or the moves encoded afresh every epoch.

The mOthello paper draws a new language for every game each time it is read. With
``languages="sample"`` the loaders do the same, deterministically: game ``g``'s language in epoch
``e`` is :func:`mothello_data.shards.language_of_games` over the vocabulary's input languages with a
seed chained from (loader seed, ``e``), so it is the same on every rank and worker, balanced over
the languages (each appears once in every block of that many consecutive game ids), and different
from epoch to epoch. The game's stored ``moves`` are then encoded in that language by the C++
encoder, into this dataset's languages or any other experiment's (a vocabulary given to the loader),
which is what a moves-only dataset (``mothello-gen --moves-only``) is for.

Stored tokens are only fed with the vocabulary they were written in: a loader given another
vocabulary without ``"sample"`` is refused in one line. The default target mode comes from the
vocabulary's recorded experiment (``unified_output``).
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from .card import read_manifest
from .loader import LoaderError, RowBlock, find_vocabulary
from .rng import draw_int
from .rules import RuleSet
from .shard_index import find_sidecar
from .shards import language_of_games
from .stream import load_vocabulary
from .vocabulary import Vocabulary

SAMPLE = "sample"
_EPOCH_STREAM = 0x5A3E  # the per-epoch language draw: (seed, this key, epoch)


def epoch_languages(game_ids: np.ndarray, languages: Sequence[int], seed: int, epoch: int) -> np.ndarray:
    """Language of each game in ``epoch``: one of ``languages``, a pure function of (seed, epoch, game id)."""
    return language_of_games(game_ids, languages, draw_int(seed, _EPOCH_STREAM, epoch))


def default_targets(vocab: Optional[Vocabulary]) -> str:
    """The recorded experiment's target mode (``unified`` without a vocabulary)."""
    return "unified" if vocab is None else vocab.spec.default_targets


class Recoder:
    """Encodes the moves of row blocks in per-epoch languages of ``vocab``."""

    def __init__(self, vocab: Vocabulary, seed: int) -> None:
        self.vocab, self.seed = vocab, int(seed)
        self.languages = vocab.spec.inputs

    def __call__(self, rows: RowBlock, epoch: int) -> RowBlock:
        """``rows`` with tokens, ``token_ply``, ``n_tokens`` and ``lang`` of this epoch's draw."""
        langs = epoch_languages(rows.game_id, self.languages, self.seed, epoch)
        enc = self.vocab.encode_batch(rows.moves, rows.length, langs)
        return RowBlock(enc.tokens, enc.token_ply, enc.lengths, rows.moves, rows.length, langs, rows.game_id, rows.plies,
                        rows.rule)


def _config(files: Sequence[str]) -> dict:
    """The ``config`` of the dataset's ``manifest.json`` (beside the shards or one level up), or {}."""
    path = find_sidecar(files, "manifest.json")
    return {} if path is None else read_manifest(path).get("config", {})


def _is_parallel(files: Sequence[str]) -> bool:
    """Whether the dataset's manifest says parallel corpus."""
    return bool(_config(files).get("parallel"))


def _check_space(files: Sequence[str], vocab: Vocabulary) -> None:
    """Refuse, at construction, a vocabulary that cannot write the dataset's moves (its rules'
    squares, its written passes): the one check of :meth:`mothello_data.rules.RuleSet.space_problem`."""
    problem = RuleSet.from_json(_config(files).get("rules")).space_problem(vocab.space)
    if problem:
        raise LoaderError(f"vocabulary: {problem}")


def choose_tokens(files: Sequence[str], has_tokens: bool, languages, vocabulary, seed: int,
                  targets: Optional[str]) -> tuple[Optional[Sequence[int]], Optional[Recoder], str, Optional[Vocabulary]]:
    """Resolve a loader's ``languages`` / ``vocabulary`` / ``targets`` options for these shards:
    (language filter for the stored rows: with ``"sample"`` one row per game of a parallel corpus;
    recoder or ``None``; target mode; the stored tokens' vocabulary, to derive their ``token_ply``
    (:func:`mothello_data.loader.derive_token_ply`), ``None`` when they are not fed or none is
    known). Refuses, in one line, a moves-only dataset without ``"sample"`` and a vocabulary that is
    not the stored tokens'."""
    stored = find_vocabulary(files)
    given = None if vocabulary is None else load_vocabulary(vocabulary)
    vocab = given if given is not None else stored
    if isinstance(languages, str):
        if languages != SAMPLE:
            raise LoaderError(f"languages must be a list of language ids, None or {SAMPLE!r}, got {languages!r}")
        if vocab is None:
            raise LoaderError("languages='sample' needs a vocabulary: no vocab.json beside the shards, give vocabulary=")
        # A parallel corpus holds each game once per language: read one row per game.
        _check_space(files, vocab)
        keep = [stored.spec.inputs[0]] if stored is not None and _is_parallel(files) else None
        return keep, Recoder(vocab, seed), targets or default_targets(vocab), None
    if not has_tokens:
        raise LoaderError("these shards store moves only (mothello-gen --moves-only): pass languages='sample' to "
                          "encode them per epoch")
    if given is not None and stored is not None and (given.names != stored.names or not np.array_equal(given.seq, stored.seq)):
        raise LoaderError("the vocabulary given is not the one the stored tokens were written in: pass "
                          "languages='sample' to encode the stored moves in it")
    return languages, None, targets or default_targets(vocab), vocab

