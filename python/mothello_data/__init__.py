"""mothello-data: synthetic multilingual Othello datasets (Othello-GPT and mOthello setups).

The native engine lives in :mod:`mothello_data.engine`; square numbering in
:mod:`mothello_data.squares`; the pure-Python oracle in :mod:`mothello_data.reference`; seeded draws
in :mod:`mothello_data.rng`; languages in :mod:`mothello_data.languages` (the spec in
:mod:`~mothello_data.spec`, token ids in :mod:`~mothello_data.vocabulary`, training targets in
:mod:`~mothello_data.targets`); the shard columns in :mod:`mothello_data.schema`; one shard in
:mod:`mothello_data.shards`; reading shards into batches in :mod:`mothello_data.loader` and
:mod:`mothello_data.probing`; fresh games straight from the engine in :mod:`mothello_data.stream`;
the optional PyTorch bridge in :mod:`mothello_data.torch`.
"""

from importlib.metadata import PackageNotFoundError, version

from .engine import Games, PlyLabels, Replay, generate, perft, replay
from .squares import MOVE_TO_SQUARE, PLAYABLE_SQUARES, SQUARE_TO_MOVE, parse_square, square_name

try:
    __version__ = version("mothello-data")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "Games",
    "PlyLabels",
    "Replay",
    "generate",
    "replay",
    "perft",
    "square_name",
    "parse_square",
    "PLAYABLE_SQUARES",
    "SQUARE_TO_MOVE",
    "MOVE_TO_SQUARE",
    "__version__",
]
