"""Decoding token rows back to moves for :class:`mothello_data.vocabulary.Vocabulary` (its
``decode`` and ``decode_batch`` call these; the encoding is the vocabulary's and C++'s).

Within a language, sequences are prefix-free: a token starts the sequences of one move, except a
compositional row token, which starts eight and is resolved by the next token. Every decoded row is
encoded again and compared, so a wrong later token of a split sequence or an overrun is caught.
"""

from __future__ import annotations

from typing import Sequence, Union

import numpy as np

from . import _core


def build_decoder(vocab) -> None:
    """Index ``vocab``'s sequences for decoding: the move each first token fixes, and the pairs."""
    # Within a language, sequences are prefix-free: a token starts the sequences of one square,
    # except a compositional row token, which starts eight and is resolved by the next token.
    # first_square[lang, tok]: the square a first token fixes, -1 a pair's first token, -2 none.
    L, V = vocab.spec.n_languages, vocab.size
    vocab._first_square = np.full((L, V), -2, dtype=np.int64)
    pair_keys, pair_squares = [], []
    codes = list(vocab.codes)
    for lang in range(L):
        firsts = vocab.seq[lang, codes, 0]
        shared = {int(t) for t, c in zip(*np.unique(firsts, return_counts=True)) if c > 1}
        for sq in codes:
            ids = vocab.seq[lang, sq, : vocab.seq_len[lang, sq]]
            if int(ids[0]) in shared:
                vocab._first_square[lang, ids[0]] = -1
                pair_keys.append((lang * V + ids[0]) * V + ids[1])
                pair_squares.append(sq)
            else:
                vocab._first_square[lang, ids[0]] = sq
    order = np.argsort(pair_keys)
    vocab._pair_keys = np.asarray(pair_keys, dtype=np.int64)[order]
    vocab._pair_squares = np.asarray(pair_squares, dtype=np.int64)[order]

def decode(vocab, tokens: Sequence[int], lang: int) -> list[int]:
    """Squares of one game from its token ids (a tag token first is allowed; pads ignored)."""
    toks = np.asarray(tokens, dtype=np.int64)
    moves, lengths = vocab.decode_batch(toks[None, :], np.array([len(toks)]), np.array([lang]))
    return moves[0, : lengths[0]].tolist()

def decode_batch(vocab, tokens: np.ndarray, lengths: np.ndarray, langs: Union[int, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :meth:`encode_batch`: padded moves ``(n, W)`` (255 past the end; W the longest
    game, at least 60) and lengths. Raises ``ValueError`` naming the game if a row is not a valid
    encoding."""
    tokens = np.asarray(tokens, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    n = tokens.shape[0]
    langs = vocab.check_languages(langs, n)
    V = vocab.size
    padded = np.concatenate([tokens, np.zeros((n, 2), dtype=np.int64)], axis=1)
    bad = (padded < 0) | (padded >= V)
    padded[bad] = 0
    pos = np.full(n, int(vocab.spec.lang_tags), dtype=np.int64)
    width = max(60, int(lengths.max()) if n else 0)  # a move has at least one token
    moves = np.full((n, width), _core.PAD_SQUARE, dtype=np.uint8)
    count = np.zeros(n, dtype=np.int64)
    rows = np.arange(n)
    ok = ~bad[rows, 0] if n else np.zeros(0, dtype=bool)
    for ply in range(width):
        active = ok & (pos < lengths)
        if not active.any():
            break
        first = padded[rows, np.minimum(pos, padded.shape[1] - 1)]
        sq = vocab._first_square[langs, first]
        need_pair = active & (sq == -1)
        if need_pair.any():
            second = padded[rows, np.minimum(pos + 1, padded.shape[1] - 1)]
            key = (langs * V + first) * V + second
            idx = np.clip(np.searchsorted(vocab._pair_keys, key), 0, max(len(vocab._pair_keys) - 1, 0))
            hit = need_pair & (vocab._pair_keys[idx] == key) if len(vocab._pair_keys) else np.zeros(n, bool)
            sq = np.where(hit, vocab._pair_squares[idx] if len(vocab._pair_keys) else -2, np.where(need_pair, -2, sq))
        ok &= ~(active & (sq < 0))
        step = active & (sq >= 0)
        moves[step, ply] = sq[step]
        count[step] += 1
        pos[step] += vocab.seq_len[langs[step], sq[step]]
    moves = moves[:, : max(60, int(count.max()) if n else 0)]
    # Re-encode and compare: catches wrong later tokens of split sequences, overruns, bad ids.
    again = vocab.encode_batch(moves, count, langs)
    for g in range(n):
        L = int(lengths[g])
        if not ok[g] or again.lengths[g] != L or not np.array_equal(again.tokens[g, :L], tokens[g, :L]):
            raise ValueError(f"game {g}: tokens are not a valid sequence of language {int(langs[g])}")
    return moves, count.astype(np.uint8)

