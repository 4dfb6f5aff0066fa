"""Every seeded draw of the package outside the game engine, on one generator.

The engine plays game ``i`` of a run from the counter-based SplitMix64 stream of ``(seed, i)``
(``csrc/rng.hpp``, RNG id :data:`RNG_ID`). Everything else that is seeded (anchor choice, split
lengths, the language of each game, game hashes, the loader's shuffles) chains the same
SplitMix64 finaliser, ``mix64`` of ``csrc/rng.hpp``, reached through the compiled module, so the
whole data path is covered by one RNG id and no result depends on numpy's or Python's own
generators::

    chain(z, k1, k2, ...) = mix64(... mix64(mix64(z ^ k1) ^ k2) ...)
    draw(seed, *keys)     = chain(mix64(seed), *keys)

Keys are 64-bit words (Python ints or uint64 arrays; arrays broadcast).
"""

from __future__ import annotations

from typing import Union

import numpy as np

from . import _core

RNG_ID = "splitmix64-counter-v1"  # the engine's stream and every draw below

_U64 = np.uint64
_MASK64 = (1 << 64) - 1
Key = Union[int, np.ndarray]


def mix64(values: Key) -> np.ndarray:
    """SplitMix64 finaliser, elementwise on uint64 (the engine's own ``mix64``)."""
    return _core.mix64(np.ascontiguousarray(_as_u64(values)))


def chain(start: Key, *keys: Key) -> np.ndarray:
    """``mix64`` folded over ``keys``: ``z = mix64(z ^ key)`` for each key in turn."""
    z = _as_u64(start)
    for key in keys:
        z = mix64(np.bitwise_xor(z, _as_u64(key)))
    return z


def draw(seed: int, *keys: Key) -> np.ndarray:
    """A 64-bit word per element for ``(seed, keys)``; a pure function, stable across versions."""
    return chain(mix64(seed), *keys)


def draw_int(seed: int, *keys: int) -> int:
    """:func:`draw` for scalar keys, as a Python int."""
    return int(draw(seed, *keys).reshape(-1)[0])


def below(words: np.ndarray, n: int) -> np.ndarray:
    """Map uint64 words to integers in ``[0, n)`` as ``floor(word * n / 2**64)``, the engine's rule
    (exact in 64-bit arithmetic for ``n < 2**31``: high and low halves are scaled separately)."""
    if not 1 <= n < 2**31:
        raise ValueError(f"n must be in 1..2**31-1, got {n}")
    w, m = np.asarray(words, dtype=_U64), _U64(n)
    with np.errstate(over="ignore"):
        low = ((w & _U64(0xFFFFFFFF)) * m) >> _U64(32)
        return (((w >> _U64(32)) * m + low) >> _U64(32)).astype(np.int64)


def permutation(n: int, seed: int, *keys: int) -> np.ndarray:
    """A seeded permutation of ``range(n)``: positions sorted by their draw ``(seed, *keys, i)``."""
    words = draw(seed, *keys, np.arange(n, dtype=_U64))
    # The words are distinct (the last step is mix64, a bijection, of z ^ i for one z), so any
    # correct sort gives the same order: the fast unstable one is safe.
    return np.argsort(words)


class Permutations:
    """Successive seeded permutations (the k-th call uses keys ``(*keys, k)``), for a shuffle
    buffer that is permuted again every time it is refilled."""

    def __init__(self, seed: int, *keys: int) -> None:
        self.seed, self.keys, self.calls = seed, keys, 0

    def permutation(self, n: int) -> np.ndarray:
        """The next permutation of ``range(n)``."""
        self.calls += 1
        return permutation(n, self.seed, *self.keys, self.calls - 1)


def _as_u64(value: Key) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value.astype(_U64, copy=False)
    return np.asarray(int(value) & _MASK64, dtype=_U64)


def balanced_choice(ids: np.ndarray, n_options: int, seed: int, stream: int, keyed: bool = False) -> np.ndarray:
    """Option ``0 .. n_options - 1`` of each id: within every block of ``n_options`` consecutive ids
    each option appears once, rotated by an offset drawn per block. The language of a game draws it
    from ``(seed, block ^ stream)`` (0.1's formula, ``stream`` 0x1A9E); ``keyed=True`` draws from
    ``(seed, stream, block)``, a separate chain (the rule of a game), so the two draws are not
    shifted copies of each other."""
    ids = np.asarray(ids, dtype=_U64)
    L = _U64(n_options)
    words = draw(seed, _U64(stream), ids // L) if keyed else draw(seed, (ids // L) ^ _U64(stream))
    return ((ids + words % L) % L).astype(np.int64)
