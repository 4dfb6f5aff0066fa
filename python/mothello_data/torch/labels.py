"""Packed probing labels expanded where the batch lands (CPU or GPU).

A loader built with ``pack_labels=True`` ships, instead of ``board_state`` / ``legal_moves`` /
``flipped`` / ``player`` per token position (60-64 bytes each), the state each position sees
(``label_state``) and one 8-byte bitboard per state and plane (:data:`mothello_data.probing.PACKED_KEYS`):
a few times less to build and to move between processes. :func:`expand_labels` turns them into
exactly the tensors the loader would have made, with a few tensor operations on the batch's device.
It is meant for a GPU: on the CPU the loader's own C++ labels (``pack_labels=False``) are faster.
"""

from __future__ import annotations

import torch

from ..probing import PACKED_KEYS
from ..squares import PLAYABLE_SQUARES
from ..targets import IGNORE_INDEX  # board_state pads, as the C++ labels write them


def _bits(values: torch.Tensor) -> torch.Tensor:
    """``(B, T)`` int64 bitboards -> ``(B, T, 64)`` 0/1 uint8 (bit i = square i), byte by byte (the
    int64 is read as its 8 little-endian bytes: 8x less memory traffic than shifting int64s)."""
    octets = values.contiguous().view(torch.uint8).view(*values.shape, 8, 1)
    shifts = torch.arange(8, device=values.device, dtype=torch.uint8)
    return ((octets >> shifts) & 1).view(*values.shape, 64)


def expand_labels(batch: dict) -> dict:
    """The batch with its packed labels expanded: ``board_state`` (B, T, 64) int8 (0 empty, 1 mine,
    2 theirs; -100 on pads), ``legal_moves`` (B, T, 60) bool (64 for a dataset whose moves are all
    64 squares: ``label_legal_squares``), ``flipped`` (B, T, 64) bool,
    ``player`` (B, T) int8, for the kinds present; other keys pass through. A batch without packed
    labels is returned as it is. Call it after moving the batch to the device::

        batch = expand_labels({k: v.to("cuda", non_blocking=True) for k, v in batch.items()})
    """
    if "label_state" not in batch:
        return batch
    packed = {key for keys in PACKED_KEYS.values() for key in keys}
    out = {k: v for k, v in batch.items() if k not in packed and k not in ("label_state", "label_legal_squares")}
    states = next(batch[k].shape[1] for k in sorted(packed) if k in batch)  # width + 1 of the rows
    index = batch["label_state"].long().clamp_(0, states - 1)
    real = batch["attention_mask"].bool()

    def at(key: str) -> torch.Tensor:  # the state's value at every position, (B, T)
        return torch.gather(batch[key], 1, index)

    if "state_mine" in batch:
        board = (_bits(at("state_mine")) + 2 * _bits(at("state_theirs"))).to(torch.int8)
        out["board_state"] = board.masked_fill_(~real.unsqueeze(-1), IGNORE_INDEX)
    if "state_legal" in batch:
        legal = _bits(at("state_legal")).bool() & real.unsqueeze(-1)
        squares = batch.get("label_legal_squares")
        if squares is None or int(squares.reshape(-1)[0]) == 60:  # the 60-move index
            legal = legal.index_select(-1, torch.tensor(PLAYABLE_SQUARES, device=index.device))
        out["legal_moves"] = legal
    if "state_flipped" in batch:
        out["flipped"] = _bits(at("state_flipped")).bool() & real.unsqueeze(-1)
    if "state_player" in batch:
        out["player"] = at("state_player").masked_fill(~real, 0)
    return out
