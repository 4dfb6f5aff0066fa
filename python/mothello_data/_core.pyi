"""Typed stub of the compiled extension ``mothello_data._core`` (csrc/bindings*.cpp).

Every function takes and returns numpy arrays; the dicts hold the arrays named in each docstring.
"""

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import numpy.typing as npt

PAD_SQUARE: int
MAX_PLIES: int
MAX_WIDTH: int
PASS_MOVE: int
IGNORE_INDEX: int

def generate(
    n_games: int,
    seed: int,
    first_game_index: int = 0,
    threads: int = 1,
    labels: bool = False,
    policy: int = 0,
    depth: int = 0,
    epsilon_threshold: int = 0,
    white_policy: int = -1,
    white_depth: int = 0,
    white_epsilon_threshold: int = 0,
    opening_plies: int = 0,
    rule: int = 0,
    rules: Optional[npt.NDArray[np.uint8]] = None,
    pass_token: bool = False,
    max_plies: int = 60,
) -> Dict[str, np.ndarray]: ...
def replay(
    moves: npt.NDArray[np.uint8],
    lengths: npt.NDArray[np.uint8],
    threads: int = 1,
    labels: bool = True,
    rule: int = 0,
    rules: Optional[npt.NDArray[np.uint8]] = None,
    pass_token: bool = False,
) -> Dict[str, np.ndarray]: ...
def perft(depth: int, rule: int = 0) -> int: ...
def kernel() -> str: ...
def build_type() -> str: ...
def mix64(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]: ...
def row_hashes(rows: npt.NDArray[np.uint8], iv: int) -> npt.NDArray[np.uint64]: ...
def canonical_rows(rows: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]: ...
def merge_counts(
    keys: npt.NDArray[np.uint64], counts: npt.NDArray[np.int64], new_keys: npt.NDArray[np.uint64], new_counts: npt.NDArray[np.int64]
) -> Tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]: ...
def written_passes(moves: npt.NDArray[np.uint8], lengths: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]: ...
def pad_lists(offsets: npt.NDArray[Any], values: npt.NDArray[Any], out: npt.NDArray[Any], row: int, fill: npt.NDArray[Any]) -> None: ...
def encode(
    moves: npt.NDArray[np.uint8],
    lengths: npt.NDArray[np.uint8],
    langs: npt.ArrayLike,
    seq: npt.NDArray[np.uint16],
    seq_len: npt.NDArray[np.uint8],
    tag_ids: Optional[npt.ArrayLike] = None,
    with_ply: bool = True,
) -> Dict[str, np.ndarray]: ...
def token_targets(
    tokens: npt.ArrayLike,
    token_ply: npt.ArrayLike,
    n_tokens: npt.ArrayLike,
    moves: npt.ArrayLike,
    lengths: npt.ArrayLike,
    square_to_move: npt.ArrayLike,
    unified: bool,
) -> Dict[str, np.ndarray]: ...
def replay_position_labels(
    moves: npt.ArrayLike,
    lengths: npt.ArrayLike,
    state_index: npt.ArrayLike,
    n_tokens: npt.ArrayLike,
    board_state: bool = True,
    legal_moves: bool = True,
    flipped: bool = True,
    player: bool = True,
    states: bool = False,
    threads: int = 1,
    rule: int = 0,
    rules: Optional[npt.NDArray[np.uint8]] = None,
    pass_token: bool = False,
    legal_squares: bool = False,
) -> Dict[str, np.ndarray]: ...
def stored_position_labels(
    board_before: npt.ArrayLike,
    legal: npt.ArrayLike,
    ply_flipped: npt.ArrayLike,
    ply_player: npt.ArrayLike,
    moves: npt.ArrayLike,
    lengths: npt.ArrayLike,
    state_index: npt.ArrayLike,
    n_tokens: npt.ArrayLike,
    /,
    board_state: bool = True,
    legal_moves: bool = True,
    flipped: bool = True,
    player: bool = True,
    states: bool = False,
    threads: int = 1,
    rule: int = 0,
    rules: Optional[npt.NDArray[np.uint8]] = None,
    pass_token: bool = False,
    legal_squares: bool = False,
) -> Dict[str, np.ndarray]: ...
def position_hash(
    black: npt.ArrayLike, white: npt.ArrayLike, player: npt.ArrayLike, canonical: bool = False,
    kernel: Optional[str] = None
) -> npt.NDArray[np.uint64]: ...
def canonical_symmetry(
    black: npt.ArrayLike, white: npt.ArrayLike, player: npt.ArrayLike, kernel: Optional[str] = None
) -> npt.NDArray[np.uint8]: ...
def hash_kernel() -> str: ...
def hash_kernels() -> List[str]: ...
def board_symmetry(boards: npt.ArrayLike, symmetry: int) -> npt.NDArray[np.uint64]: ...
def world_ply_labels(
    moves: npt.ArrayLike,
    lengths: npt.ArrayLike,
    hash: bool = True,
    canonical_hash: bool = True,
    count: bool = True,
    mobility: bool = True,
    threads: int = 1,
    rule: int = 0,
    rules: Optional[npt.NDArray[np.uint8]] = None,
    pass_token: bool = False,
    hash_plies: int = -1,
    canonical_symmetry: bool = False,
    passes: bool = False,
) -> Dict[str, np.ndarray]: ...
def world_position_labels(
    moves: npt.ArrayLike,
    lengths: npt.ArrayLike,
    state_index: npt.ArrayLike,
    n_tokens: npt.ArrayLike,
    which: List[str],
    threads: int = 1,
    rule: int = 0,
    rules: Optional[npt.NDArray[np.uint8]] = None,
    pass_token: bool = False,
) -> Dict[str, np.ndarray]: ...

class TranspositionNodes:
    def __init__(self, max_ply: int, partition_bits: int, examples: bool, fds: Sequence[int]) -> None: ...
    @property
    def words(self) -> int: ...
    @property
    def nodes_written(self) -> int: ...
    def add(
        self,
        game_ids: npt.ArrayLike,
        moves: npt.NDArray[np.uint8],
        lengths: npt.NDArray[np.uint8],
        canonical: npt.NDArray[np.uint64],
        symmetry: npt.NDArray[np.uint8],
        exact: Optional[npt.NDArray[np.uint64]] = None,
    ) -> None: ...
    def flush(self) -> None: ...

def count_transpositions(
    nodes: npt.NDArray[np.uint64],
) -> Tuple[Tuple[npt.NDArray[np.int64], int], Tuple[npt.NDArray[np.int64], int]]: ...
def count_transposition_files(
    paths: Sequence[str], words: int, threads: int,
) -> Tuple[Tuple[npt.NDArray[np.int64], int], Tuple[npt.NDArray[np.int64], int]]: ...
def transposition_groups(nodes: npt.NDArray[np.uint64], canonical: bool) -> Dict[str, np.ndarray]: ...
