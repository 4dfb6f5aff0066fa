"""Token ids of a language spec: building the vocabulary, bulk encode and decode, ``vocab.json``.

Token id layout (:data:`TOKEN_LAYOUT` 2, the mOthello paper's ids): ``0`` is pad; then the paper's
ids + 1, handed out in one counter, language by language: an atomic language takes one id per
square it does not copy, in square order; a split language takes its drawn number of ids (1-3,
:meth:`~mothello_data.spec.LanguageSpec.split_lengths`) per such square; a compositional language
takes 16 ids when it starts (8 row tokens for ``square // 8``, then 8 column tokens for
``square % 8``) and writes a move as its row and column token. A square a language copies through
an anchor group allocates nothing: the language writes it with its base language's tokens (so
anchored tokens keep the base language's ids and names). Only then, with ``lang_tags``, one tag
token per language (``<L0>``, ...) that starts every sequence. Token names: ``L{l}:d3`` (atomic),
``L{l}:d3.0``, ``L{l}:d3.1`` (split), ``L{l}:row3``, ``L{l}:cold`` (compositional).

With one atomic language and no tags this is Othello-World's layout: pad 0, then the 60 playable
squares as tokens 1..60 in increasing square order. Rule variants widen the move space (:class:`mothello_data.moves.MoveSpace`): with 64 squares every
square is a move in square order; with a pass token each language writes the pass with one token of
its own (``L{l}:pass``, after its square tokens; a compositional language's after its 16). A
``permuted`` / ``iago`` language allocates nothing and writes move index ``i`` with its base
language's sequence of move index ``order[i]``.

Layout 1 (mothello-data 0.1-0.2) put tags after
pad and anchored tokens in a block of their own; its ``vocab.json`` is refused with a line saying how
to regenerate the dataset.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Union

import numpy as np

from . import _core, decoding, targets
from .files import write_atomic
from .moves import N_CODES, PASS_MOVE, code_name
from .squares import square_name
from .spec import MAX_TOKENS_PER_MOVE, LanguageSpec, SpecError

PAD_ID = 0
VOCAB_FORMAT = "mothello-vocab-v2"
#: The token id layout this version writes and reads (recorded in ``vocab.json`` and the manifest).
TOKEN_LAYOUT = 2
#: Longest game the encoder takes: the ply of each token is stored as int8.
MAX_TOKEN_PLIES = 127
_OLD_FORMATS = {"mothello-vocab-v1": 1}


@dataclass
class EncodedBatch:
    """Token rows of a batch of games, padded with :data:`PAD_ID`.

    ``tokens`` ``(n, T)`` uint16; ``lengths`` ``(n,)`` tokens per game; ``token_ply`` ``(n, T)``
    int8 (as in the shards), the ply (0-based move number) each token belongs to, -1 for pads and
    tags; ``completes`` ``(n, T)`` bool, True on the token that completes a move
    (:func:`mothello_data.targets.completes`).
    """

    tokens: np.ndarray
    lengths: np.ndarray
    token_ply: np.ndarray

    @property
    def completes(self) -> np.ndarray:
        """Derived on demand: the loader and the stream get the flags with their targets, in one pass."""
        return targets.completes(self.token_ply, self.lengths)


@dataclass
class FlatTokens:
    """Concatenated tokens of a batch: game ``g`` is ``values[offsets[g]:offsets[g + 1]]``;
    ``ply`` (int8, -1 for a tag) runs alongside ``values`` (None when not asked for)."""

    values: np.ndarray
    offsets: np.ndarray
    ply: Optional[np.ndarray]
    moves: np.ndarray  # the games' squares, concatenated (offsets differ: one per move)


class Vocabulary:
    """Token ids, names and bulk encode / decode for a :class:`LanguageSpec`."""

    def __init__(self, spec: LanguageSpec) -> None:
        self.spec = spec
        L = spec.n_languages
        names = ["<pad>"]
        self.space = spec.move_space
        self.codes = self.space.codes  # the move codes, in move-index order
        # seq[lang, code, k]: k-th token of move code (square or pass) in language lang; seq_len[lang, code]
        self.seq = np.zeros((L, N_CODES, MAX_TOKENS_PER_MOVE), dtype=np.int64)
        self.seq_len = np.zeros((L, N_CODES), dtype=np.int64)
        copied = spec.copied_from()
        counts = spec.split_lengths()
        self.blocks: list[tuple[int, int]] = []  # each language's own ids, [first, end)
        for lang, kind in enumerate(spec.types):
            start = len(names)
            if lang in spec.permuted:  # borrows every sequence: the base is a lower language, already built
                base, order = spec.permuted[lang]
                for i, code in enumerate(self.codes):
                    self.seq[lang, code], self.seq_len[lang, code] = self.seq[base, self.codes[order[i]]], self.seq_len[base, self.codes[order[i]]]
                self.blocks.append((start, start))
                continue
            if kind == "compositional":  # 16 ids up front, whether or not every square is copied
                names += [f"L{lang}:row{r + 1}" for r in range(8)] + [f"L{lang}:col{c}" for c in "abcdefgh"]
            for sq in self.codes:
                if (lang, sq) in copied:  # the base is a lower language: already built
                    base = copied[(lang, sq)]
                    self.seq[lang, sq], self.seq_len[lang, sq] = self.seq[base, sq], self.seq_len[base, sq]
                    continue
                if sq == PASS_MOVE:  # one token of its own in every language type
                    ids = [len(names)]
                    names.append(f"L{lang}:pass")
                elif kind == "compositional":
                    ids = [start + sq // 8, start + 8 + sq % 8]
                else:
                    n = int(counts[lang, sq]) if kind == "split" else 1
                    ids = list(range(len(names), len(names) + n))
                    names += [f"L{lang}:{square_name(sq)}"] if kind == "atomic" else [f"L{lang}:{square_name(sq)}.{k}" for k in range(n)]
                self.seq[lang, sq, : len(ids)] = ids
                self.seq_len[lang, sq] = len(ids)
            self.blocks.append((start, len(names)))
        self.paper_size = len(names)  # the paper's vocab_size: its ids + 1 (its -100 / our pad)
        self.tag_ids = np.full(L, -1, dtype=np.int64)
        if spec.lang_tags:
            for lang in range(L):
                self.tag_ids[lang] = len(names)
                names.append(f"<L{lang}>")
        self.names: list[str] = names
        self._seq16 = np.ascontiguousarray(self.seq, dtype=np.uint16)
        self._seq_len8 = np.ascontiguousarray(self.seq_len, dtype=np.uint8)
        self._tags32 = self.tag_ids.astype(np.int32) if spec.lang_tags else None
        if len(names) > np.iinfo(np.uint16).max:
            raise SpecError(f"vocabulary of {len(names)} tokens does not fit uint16")
        self._build_decoder()

    # ---- facts ---------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Number of token ids, pad included."""
        return len(self.names)

    def __len__(self) -> int:
        return self.size

    def check_languages(self, langs: Union[int, np.ndarray], n: int) -> np.ndarray:
        """``langs`` (one language, or one per game) as ``n`` int64 values; raises ``ValueError``
        naming the valid languages if any is outside ``0..n_languages - 1``."""
        arr = np.asarray(langs)
        if arr.size and not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(f"languages must be integers, got dtype {arr.dtype}")
        L = self.spec.n_languages
        bad = (arr < 0) | (arr >= L)
        if bad.any():
            raise ValueError(f"language {int(arr[bad].flat[0])} is not one of this vocabulary's languages 0..{L - 1}")
        try:
            return np.ascontiguousarray(np.broadcast_to(arr.astype(np.int64), (n,)))
        except ValueError:
            raise ValueError(f"langs must be one language or {n}, one per game, got shape {arr.shape}") from None

    def language_tokens(self, lang: int) -> set[int]:
        """Every token id language ``lang`` can emit (tag included)."""
        lang = int(self.check_languages(lang, 1)[0])
        ids = {int(t) for sq in self.codes for t in self.seq[lang, sq, : self.seq_len[lang, sq]]}
        if self.tag_ids[lang] >= 0:
            ids.add(int(self.tag_ids[lang]))
        return ids

    def sequence(self, square: int, lang: int) -> list[int]:
        """Token ids of one move (a square, or :data:`~mothello_data.moves.PASS_MOVE`)."""
        lang = int(self.check_languages(lang, 1)[0])
        if not 0 <= int(square) < N_CODES:
            raise ValueError(f"move {int(square)} is out of range 0..63 (64: pass)")
        return self.seq[lang, square, : self.seq_len[lang, square]].tolist()

    def token_names(self, ids: Iterable[int]) -> list[str]:
        """Readable names of token ids, e.g. ``['L0:d3', 'ANCHOR:c4']``."""
        ids = [int(i) for i in ids]
        bad = [i for i in ids if not 0 <= i < self.size]
        if bad:
            raise ValueError(f"token id {bad[0]} is outside this vocabulary's ids 0..{self.size - 1}")
        return [self.names[i] for i in ids]

    # ---- encode ----------------------------------------------------------------------------

    def encode(self, moves: Sequence[int], lang: int) -> list[int]:
        """Token ids of one game (a list of squares) in language ``lang``."""
        moves = np.asarray(moves, dtype=np.int64)
        batch = self.encode_batch(moves[None, :], np.array([len(moves)]), np.array([lang]))
        return batch.tokens[0, : batch.lengths[0]].tolist()

    def encode_flat(self, moves: np.ndarray, lengths: np.ndarray, langs: Union[int, np.ndarray],
                    with_ply: bool = True) -> FlatTokens:
        """Encode padded move rows ``(n, P)`` (squares) with their lengths, game ``g`` in language
        ``langs[g]`` (or one language for all), as concatenated tokens plus offsets, the layout
        of an Arrow list column. Vectorised over the whole batch. ``with_ply=False`` skips the
        tokens' plies (``ply`` is None; the shard writer stores none)."""
        moves = np.asarray(moves)
        if moves.ndim != 2:
            raise ValueError(f"moves must be 2-D (games x plies), got shape {moves.shape}")
        n = moves.shape[0]
        rows = np.ascontiguousarray(moves, dtype=np.uint8) if moves.dtype != np.uint8 else np.ascontiguousarray(moves)
        if moves.dtype != np.uint8 and moves.size and (moves.min() < 0 or moves.max() > 255):
            raise ValueError("squares must be in 0..63")
        langs = self.check_languages(langs, n)
        lens = np.ascontiguousarray(np.asarray(lengths), dtype=np.uint8)
        if lens.size and int(lens.max()) > MAX_TOKEN_PLIES:
            raise ValueError(f"a game of {int(lens.max())} moves: token plies are int8, at most {MAX_TOKEN_PLIES} moves a game")
        raw = _core.encode(rows, lens, langs, self._seq16, self._seq_len8, self._tags32, with_ply)
        return FlatTokens(raw["tokens"], raw["offsets"], raw.get("token_ply"), raw["moves"])

    def encode_batch(self, moves: np.ndarray, lengths: np.ndarray, langs: Union[int, np.ndarray]) -> EncodedBatch:
        """Like :meth:`encode_flat`, as padded rows ``(n, T)``."""
        flat = self.encode_flat(moves, lengths, langs)
        lengths_out = np.diff(flat.offsets)
        n = len(lengths_out)
        T = int(lengths_out.max()) if n else 0
        tokens = np.empty((n, T), dtype=np.uint16)
        token_ply = np.empty((n, T), dtype=np.int8)
        offsets = np.ascontiguousarray(flat.offsets, dtype=np.int64)
        _core.pad_lists(offsets, np.ascontiguousarray(flat.values, dtype=np.uint16), tokens, 0, np.array(0, np.uint16))
        _core.pad_lists(offsets, np.ascontiguousarray(flat.ply, dtype=np.int8), token_ply, 0, np.array(-1, np.int8))
        return EncodedBatch(tokens, lengths_out, token_ply)

    # ---- decode ----------------------------------------------------------------------------

    def _build_decoder(self) -> None:
        decoding.build_decoder(self)

    def decode(self, tokens: Sequence[int], lang: int) -> list[int]:
        """Moves of one game from its token ids (a tag token first is allowed; pads ignored)."""
        return decoding.decode(self, tokens, lang)

    def decode_batch(self, tokens: np.ndarray, lengths: np.ndarray, langs: Union[int, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Inverse of :meth:`encode_batch`: padded moves ``(n, W)`` (255 past the end; W the longest
        game, at least 60) and lengths. Raises ``ValueError`` naming the game if a row is not a valid
        encoding (:mod:`mothello_data.decoding`)."""
        return decoding.decode_batch(self, tokens, lengths, langs)

    # ---- targets (owned by mothello_data.targets) -----------------------------------------------

    next_token_targets = staticmethod(targets.next_token_targets)

    def unified_targets(self, batch: "targets.TokenRows", moves: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """:func:`mothello_data.targets.unified_targets` in this vocabulary's move space."""
        return targets.unified_targets(batch, moves, lengths, self.space)

    # ---- serialisation -----------------------------------------------------------------------

    def to_json(self) -> dict:
        """The ``vocab.json`` document: the spec, the id layout and every token name."""
        return {
            "format": VOCAB_FORMAT,
            "token_layout": TOKEN_LAYOUT,
            "spec": self.spec.to_dict(),
            "size": self.size,
            "paper_size": self.paper_size,
            "pad_id": PAD_ID,
            "ignore_index": targets.IGNORE_INDEX,
            "unified_target_space": self.space.describe(),
            "tag_ids": [int(t) for t in self.tag_ids] if self.spec.lang_tags else None,
            "language_blocks": [{"language": i, "type": t, "first_id": a, "end_id": b} for i, (t, (a, b)) in enumerate(zip(self.spec.types, self.blocks))],
            "anchors": {square_name(sq): [list(g) for g in gs] for sq, gs in self.spec.overlap.items()},
            "sequences": [{code_name(sq): self.sequence(sq, lang) for sq in self.codes} for lang in range(self.spec.n_languages)],
            "tokens": self.names,
        }

    def save(self, path) -> None:
        """Write :meth:`to_json` to ``path`` (``vocab.json``), atomically."""
        write_atomic(os.fspath(path), json.dumps(self.to_json(), indent=1) + "\n")

    @classmethod
    def load(cls, path) -> "Vocabulary":
        """Rebuild from ``vocab.json`` and check the ids match what is stored there."""
        with open(path) as f:
            try:
                doc = json.load(f)
            except ValueError as exc:  # a torn or foreign file: one line naming it
                raise SpecError(f"{path}: not valid JSON ({exc})") from None
        if isinstance(doc, dict) and doc.get("format") in _OLD_FORMATS:
            raise SpecError(old_layout_message(path, _OLD_FORMATS[doc["format"]]))
        if not isinstance(doc, dict) or doc.get("format") != VOCAB_FORMAT or "spec" not in doc or "tokens" not in doc:
            raise SpecError(f"{path}: not a {VOCAB_FORMAT} file")
        vocab = cls(LanguageSpec.from_dict(doc["spec"]))
        if vocab.names != doc["tokens"]:
            raise SpecError(f"{path}: token table does not match its spec (made by another version?)")
        return vocab


def old_layout_message(where, layout) -> str:
    """The one line that refuses data written with another token layout, saying how to remake it."""
    return (f"{where}: written with token layout {layout} (mothello-data 0.1-0.2); this version reads layout "
            f"{TOKEN_LAYOUT} (the mOthello paper's ids): regenerate the dataset with this version, running the "
            "command recorded in its manifest.json")


def othello_world_spec() -> LanguageSpec:
    """One atomic language with Othello-World's ids: pad 0, squares as tokens 1..60."""
    return LanguageSpec(types=["atomic"])
