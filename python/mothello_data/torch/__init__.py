"""PyTorch bridge: the only part of the package that imports torch (``pip install
"mothello-data[torch]"``): this package, split by job into :mod:`.datasets` (iterable datasets and
the loader), :mod:`.mapstyle` (``collate_fn`` and the paper's dataset) and :mod:`.transfer`
(batches as tensors, and as one buffer between processes).

Ways in:

* :class:`GameDataset` (iterable, the fast path) reads shards by row group, splits the work across
  DataLoader workers and distributed ranks, shuffles per epoch and yields ready, padded batches;
  :func:`make_loader` wraps it in a :class:`GameLoader` (a ``DataLoader`` that moves worker batches
  as one buffer)::

      from mothello_data.torch import make_loader
      loader = make_loader("data/", split="train", batch_size=256, targets="unified",
                           labels=["board_state", "legal_moves"], num_workers=2)
      for epoch in range(3):
          loader.dataset.set_epoch(epoch)
          for batch in loader:
              logits = model(batch["input_ids"], attention_mask=batch["attention_mask"])

* :class:`StreamDataset` plays fresh games on the fly instead (no dataset, no epochs), keeping
  clear of a written dataset's held-out games: ``GameLoader(StreamDataset(held_out="data/"))``.

* :class:`GameCollator`, a ``collate_fn`` for map-style datasets, e.g. Hugging Face ``datasets``
  (``DataLoader(ds, batch_size=256, shuffle=True, collate_fn=GameCollator(vocabulary="data"))``).

All give the same batch: see :func:`mothello_data.loader.build_batch` for every key.
:class:`CharDataset` is a drop-in for the mOthello paper's dataset (its ``(x, y)`` tensors).
"""


from __future__ import annotations

try:
    import torch  # noqa: F401  (checked here, so that the message names the extra)
except ImportError:  # torch is an optional extra
    raise ImportError('mothello_data.torch needs PyTorch: pip install "mothello-data[torch]" '
                      "(or torch==2.13.0 for the CPU build)") from None

from .datasets import GameDataset, GameLoader, StreamDataset, distributed_world, make_loader
from .labels import expand_labels
from .mapstyle import CharDataset, GameCollator
from .transfer import to_tensors

__all__ = ["GameDataset", "StreamDataset", "GameLoader", "GameCollator", "CharDataset", "make_loader", "to_tensors",
           "distributed_world", "expand_labels"]
