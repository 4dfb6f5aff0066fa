"""The mOthello paper's training examples from our shards (``mingpt/dataset.py``'s ``CharDataset``).

:class:`PaperExamples` gives, for a game and a language, exactly the paper's ``(x, y)``: the game's
tokens as model ids (paper id + 1; the paper's ``-100`` is pad 0), padded to ``max_len`` (the
longest full 60-move sequence over the languages), ``x = ids[:-1]``, ``y = ids[1:]``. With
``unified_output`` the targets are language 0's ids: in uniform mode the ``i``-th token of language
0's sequence goes where the input's ``i``-th move starts (so ``y`` carries it on the last token of
the move before), except for an atomic input language, whose ``y`` is language 0's sequence shifted
by one, as is every input in a fixed retrieval mode. (With an atomic language 0 the ``i``-th token
is move ``i``; the paper uses a non-atomic language 0 the same way, token by token, and so do we.)
Pad and ignore are both id 0, as in the paper. The language of an item is drawn like the paper's:
``np.random.randint`` from numpy's global generator over the experiment's input languages (the one
rule, :attr:`~mothello_data.spec.LanguageSpec.inputs`: all of them, or 1..n-1 for the paper's unified
files, where ``randint(0, n - 1)`` + 1 is exactly the paper's ``randint(1, n)``), so seeding as the
paper's ``set_seed`` does reproduces its draws.

``mothello_data.torch.CharDataset`` wraps it as a torch ``Dataset`` whose items are the paper's
tensors, so the paper's ``train_mothello_gpt.py`` trains on our data by swapping the dataset.
"""

from __future__ import annotations

from typing import Union

import numpy as np

from .dataset_reader import iter_games
from .engine import MAX_PLIES
from .loader import LoaderError, find_shard_files, find_vocabulary
from .squares import PLAYABLE_SQUARES
from .stream import load_vocabulary
from .vocabulary import Vocabulary


class PaperExamples:
    """Map-style examples of a dataset split in the paper's format (numpy int64 rows).

    Args:
        source: dataset folder (or shard files) written by ``mothello-gen``, with or without tokens.
        split: the split to read.
        experiment: the languages (an experiment file, ``vocab.json``, dataset folder or
            :class:`~mothello_data.vocabulary.Vocabulary`; default: the dataset's).
        retrieval_mode: ``"uniform"`` (a language drawn per item, as the paper) or a language number.
    """

    def __init__(self, source, split: str = "train", experiment=None, retrieval_mode: Union[str, int] = "uniform") -> None:
        files = find_shard_files(source, split)
        vocab = load_vocabulary(experiment) if experiment is not None else find_vocabulary(files)
        if vocab is None:
            raise LoaderError("no vocab.json beside the shards: give experiment=")
        self.vocab: Vocabulary = vocab
        # One row per game (a parallel corpus holds each game once per language), as numpy rows.
        batches = list(iter_games(files))
        self._moves = np.concatenate([b.moves for b in batches]) if batches else np.zeros((0, MAX_PLIES), np.uint8)
        self._lengths = np.concatenate([b.length for b in batches]) if batches else np.zeros(0, np.uint8)
        spec = vocab.spec
        self.nTokenSpaces = spec.n_languages
        self.unified_output = spec.unified_output
        self.max_len = int(max(vocab.seq_len[lang, PLAYABLE_SQUARES].sum() for lang in range(spec.n_languages)))
        self.block_size = self.max_len - 1
        self.vocab_size = vocab.paper_size
        self.stoi = {-100: 0, **{i: i + 1 for i in range(self.vocab_size - 1)}}  # paper id -> model id
        self.itos = {v: k for k, v in self.stoi.items()}
        self.set_mode(retrieval_mode)

    def set_mode(self, mode: Union[str, int]) -> None:
        """``"uniform"`` or a fixed language number (the paper's ``set_mode``)."""
        if mode != "uniform" and (isinstance(mode, bool) or not isinstance(mode, int) or not 0 <= mode < self.nTokenSpaces):
            raise LoaderError(f"retrieval mode must be 'uniform' or a language 0..{self.nTokenSpaces - 1}, got {mode!r}")
        self.retrieval_mode = mode

    def __len__(self) -> int:
        return len(self._lengths)

    def game(self, idx: int) -> list:
        """The squares of game ``idx`` (the paper's data item)."""
        return self._moves[idx, : int(self._lengths[idx])].tolist()

    def _tokens(self, moves: list, lang: int) -> list:
        seq, seq_len = self.vocab.seq, self.vocab.seq_len
        return [int(t) for sq in moves for t in seq[lang, sq, : seq_len[lang, sq]]]

    def example(self, idx: int, lang: int, fixed_mode: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(x, y)`` of game ``idx`` in input language ``lang`` (``fixed_mode``: as the paper's
        retrieval mode set to a language number)."""
        moves = self.game(idx)
        row = np.zeros(self.max_len, dtype=np.int64)
        source = self._tokens(moves, lang)
        row[: len(source)] = source
        if not self.unified_output:
            return row[:-1], row[1:].copy()
        action = self._tokens(moves, 0)
        target = np.zeros(self.max_len, dtype=np.int64)
        if not fixed_mode and self.vocab.spec.types[lang] != "atomic":
            starts = np.concatenate([[0], np.cumsum(self.vocab.seq_len[lang, moves])[:-1]]).astype(np.int64)
            target[starts] = action[: len(moves)]
        else:
            target[: len(action)] = action
        return row[:-1], target[1:]

    def __getitem__(self, idx: int) -> tuple[np.ndarray, np.ndarray]:
        if self.retrieval_mode != "uniform":
            return self.example(idx, self.retrieval_mode, fixed_mode=True)
        inputs = self.vocab.spec.inputs  # 1..n-1 for the paper's unified files: language 0 is never fed
        return self.example(idx, inputs[np.random.randint(0, len(inputs))])
