"""Map-style datasets: :class:`GameCollator` (a ``collate_fn`` for shard rows, e.g. from Hugging Face
``datasets``) and :class:`CharDataset` (the mOthello paper's dataset over our shards)."""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import pyarrow as pa
import torch
from torch.utils.data import Dataset

from .. import loader as _loader
from ..engine import rule_id
from ..loader import LoaderError, RowBlock
from ..moves import CLASSIC
from ..paper import PaperExamples
from ..stream import load_vocabulary
from .datasets import _check_options
from .transfer import to_tensors


class GameCollator:
    """``collate_fn`` for map-style datasets whose items are shard rows (dicts with ``tokens``,
    ``moves``, ``length``, ``lang``, ``game_id``), e.g. from ``datasets``.
    Produces the same keys as :class:`GameDataset`; labels are always computed by replay.

    ``vocabulary``: the dataset folder, its ``vocab.json`` or a :class:`~mothello_data.vocabulary.Vocabulary`,
    to derive the ply of each token (shard format 2 stores none); without it only rows of format-1
    shards (with their ``token_ply``) can be collated. ``rules``: the names of a rule-variant
    dataset's ``rule`` ClassLabel (``ds.features["rule"].names``), so that labels replay each row
    under its rule."""

    def __init__(self, targets: str = "unified", labels: Sequence[str] = (), threads: int = 1, vocabulary=None,
                 rules: Optional[Sequence[str]] = None) -> None:
        _check_options(1, targets, tuple(labels), "pad")
        self.targets, self.labels, self.threads = targets, tuple(labels), threads
        self.vocab = None if vocabulary is None else load_vocabulary(vocabulary)
        try:
            self.rule_ids = None if rules is None else np.array([rule_id(n) for n in rules], dtype=np.uint8)
        except ValueError as exc:
            raise LoaderError(str(exc)) from None

    def __call__(self, examples: Sequence[dict]) -> dict:
        def as_list(key):
            return pa.array([np.asarray(e[key]) for e in examples], type=pa.list_(pa.int64()))

        table = pa.table({
            "tokens": as_list("tokens"), "moves": as_list("moves"),
            **({"token_ply": as_list("token_ply")} if self.vocab is None and examples and "token_ply" in examples[0] else {}),
            "length": pa.array([int(e["length"]) for e in examples], type=pa.int64()),
            "lang": pa.array([int(e["lang"]) for e in examples], type=pa.int64()),
            "game_id": pa.array([int(e["game_id"]) for e in examples], type=pa.uint64()),
        })
        rows = RowBlock.from_table(table, stored_labels=False, vocab=self.vocab)
        if examples and "rule" in examples[0]:
            if self.rule_ids is None:
                raise LoaderError('rows with a rule column: give GameCollator(rules=ds.features["rule"].names)')
            index = np.array([int(e["rule"]) for e in examples], dtype=np.int64)
            if index.size and (index.min() < 0 or index.max() >= len(self.rule_ids)):
                raise LoaderError(f"rule {int(index[(index < 0) | (index >= len(self.rule_ids))][0])} is not one of the "
                                  f"{len(self.rule_ids)} rules given to GameCollator(rules=)")
            rows.rule = self.rule_ids[index]
        space = self.vocab.space if self.vocab is not None else CLASSIC
        return to_tensors(_loader.build_batch(rows, self.targets, self.labels, "replay", self.threads, space=space))


class CharDataset(Dataset):
    """Drop-in for the mOthello paper's ``CharDataset``: its ``(x, y)`` long tensors from our shards
    (arguments and attributes, e.g. ``vocab_size``, ``block_size``: :class:`~mothello_data.paper.PaperExamples`)."""

    def __init__(self, source, split: str = "train", experiment=None, retrieval_mode="uniform") -> None:
        self.examples = PaperExamples(source, split, experiment, retrieval_mode)

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, idx: int):
        return tuple(torch.from_numpy(a) for a in self.examples[idx])

    def __getattr__(self, name: str):
        return getattr(self.__dict__["examples"], name) if "examples" in self.__dict__ else object.__getattribute__(self, name)
