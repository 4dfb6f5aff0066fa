"""mOthello languages: the same games written in several artificial vocabularies.

A :class:`LanguageSpec` holds the few parameters of an experiment; :class:`Vocabulary` turns it
into token ids and encodes / decodes whole batches with numpy (no Python loop per token).

Language types (per language ``l``):

* ``atomic``: one token per move, named ``L{l}:d3``.
* ``split``: each move a fixed, seeded sequence of 1 to 3 tokens, named ``L{l}:d3.0``, ``L{l}:d3.1``.
* ``compositional``: a row token then a column token (8 + 8 tokens), named ``L{l}:row3``, ``L{l}:cold``.

Anchors (the mOthello ``overlap_toks`` rule): for a square, a *group* of languages shares one
token sequence; every language of the group writes the square with the sequence of the group's
lowest-numbered language (the base). A language may be in at most one group per square.

Token id layout (``Vocabulary``): ``0`` is pad; then, only with ``lang_tags``, one tag token per
language (``<L0>``, ...) that starts every sequence; then each language's own tokens in a
contiguous block, language by language, square by square; then the anchor block, holding the
shared sequences of atomic and split bases (named ``ANCHOR:c4`` when every language shares it,
``ANCHOR[0,1]:c4`` for a smaller group, with ``.k`` for multi-token sequences). A compositional
base shares its own row and column tokens, which stay in its block.

With one atomic language, no anchors and no tags the layout is Othello-World's: pad 0, then the 60
playable squares as tokens 1..60 in increasing square order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Sequence, Union

import numpy as np

from . import _core
from .squares import CENTER_SQUARES, NUM_MOVES, PLAYABLE_SQUARES, SQUARE_TO_MOVE, parse_square, square_name

LANGUAGE_TYPES = ("atomic", "split", "compositional")
PAD_ID = 0
IGNORE_INDEX = -100  # targets the loss must skip (PyTorch's default ignore_index)
MAX_TOKENS_PER_MOVE = 3
VOCAB_FORMAT = "mothello-vocab-v1"

_MASK64 = (1 << 64) - 1


class SpecError(ValueError):
    """An invalid language specification; the message says which field and why."""


def _mix64(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def _draw(seed: int, *keys: int) -> int:
    """A 64-bit pseudo-random word from (seed, keys): stable across numpy and Python versions."""
    z = _mix64(seed & _MASK64)
    for k in keys:
        z = _mix64(z ^ (k & _MASK64))
    return z


def _square(value: Union[int, str], where: str) -> int:
    if isinstance(value, str):
        try:
            sq = int(value) if value.strip().isdigit() else parse_square(value)
        except ValueError as exc:
            raise SpecError(f"{where}: {exc}") from None
    elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        sq = int(value)
    else:
        raise SpecError(f"{where}: a square must be an index 0..63 or a name like 'c4', got {value!r}")
    if not 0 <= sq < 64:
        raise SpecError(f"{where}: square {sq} is out of range 0..63")
    if sq in CENTER_SQUARES:
        raise SpecError(f"{where}: square {square_name(sq)} ({sq}) is a centre square and is never played")
    return sq


@dataclass
class LanguageSpec:
    """Parameters of a multilingual experiment.

    ``types``: one of ``atomic`` / ``split`` / ``compositional`` per language.
    ``anchors``: a fraction of the 60 moves (``0.1`` means 6 moves, chosen from ``seed``) or an
    explicit list of squares (indices or names); each such move is shared by *all* languages.
    ``groups``: explicit anchor groups, square -> list of language groups (mOthello's
    ``overlap_toks``, e.g. ``{32: [[0, 1], [2, 3]]}``); combined with ``anchors`` a square may
    only come from one of the two. ``seed``: fixes split lengths and the anchor choice.
    ``lang_tags``: start every sequence with a language tag token. ``unified_output``: the
    default training target (next neutral move) recorded with the vocabulary.
    """

    types: list[str]
    anchors: Union[float, list] = 0.0
    groups: dict = field(default_factory=dict)
    seed: int = 0
    lang_tags: bool = False
    unified_output: bool = True

    # ---- construction ------------------------------------------------------------------------

    @classmethod
    def uniform(cls, n_languages: int, lang_type: str = "atomic", **kwargs) -> "LanguageSpec":
        """``n_languages`` languages of one type."""
        if isinstance(n_languages, bool) or not isinstance(n_languages, int) or n_languages < 1:
            raise SpecError(f"number of languages must be a positive integer, got {n_languages!r}")
        return cls(types=[lang_type] * n_languages, **kwargs)

    def __post_init__(self) -> None:
        self.types = list(self.types)
        if not self.types:
            raise SpecError("a spec needs at least 1 language, got 0")
        for i, t in enumerate(self.types):
            if t not in LANGUAGE_TYPES:
                raise SpecError(f"language {i}: unknown type {t!r} (choose from {', '.join(LANGUAGE_TYPES)})")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**64:
            raise SpecError(f"seed must be an integer in 0..2**64-1, got {self.seed!r}")
        self._overlap = self._resolve_overlap()

    @property
    def n_languages(self) -> int:
        return len(self.types)

    def _resolve_overlap(self) -> dict[int, list[tuple[int, ...]]]:
        """square -> sorted groups (tuples of languages), validated."""
        overlap: dict[int, list[tuple[int, ...]]] = {}
        everyone = tuple(range(self.n_languages))
        for sq in self.anchor_squares_from_anchors():
            if len(everyone) > 1:
                overlap[sq] = [everyone]
        if not isinstance(self.groups, Mapping):
            raise SpecError("groups must map a square to a list of language groups")
        for key, groups in self.groups.items():
            sq = _square(key, "groups")
            where = f"groups[{square_name(sq)}]"
            if sq in overlap:
                raise SpecError(f"{where}: square is already anchored by `anchors`")
            if not isinstance(groups, (list, tuple)) or not groups:
                raise SpecError(f"{where}: expected a non-empty list of language groups")
            seen: set[int] = set()
            clean = []
            for group in groups:
                if not isinstance(group, (list, tuple)) or len(group) < 2:
                    raise SpecError(f"{where}: a group needs at least 2 languages, got {group!r}")
                for lang in group:
                    if isinstance(lang, bool) or not isinstance(lang, (int, np.integer)) or not 0 <= lang < self.n_languages:
                        raise SpecError(f"{where}: language {lang!r} does not exist (languages are 0..{self.n_languages - 1})")
                    if lang in seen:
                        raise SpecError(f"{where}: language {lang} is in more than one group")
                    seen.add(int(lang))
                clean.append(tuple(sorted(int(x) for x in group)))
            overlap[sq] = sorted(clean)
        return dict(sorted(overlap.items()))

    def anchor_squares_from_anchors(self) -> list[int]:
        """The squares that ``anchors`` shares among all languages."""
        a = self.anchors
        if isinstance(a, bool):
            raise SpecError(f"anchors must be a fraction in [0, 1] or a list of squares, got {a!r}")
        if isinstance(a, (int, float, np.floating, np.integer)):
            if not 0.0 <= float(a) <= 1.0:
                raise SpecError(f"anchors must be a fraction in [0, 1], got {a}")
            k = int(round(float(a) * NUM_MOVES))
            order = sorted(PLAYABLE_SQUARES, key=lambda sq: _draw(self.seed, 0xA2C4, sq))
            return sorted(order[:k])
        if isinstance(a, (list, tuple)):
            squares = [_square(x, "anchors") for x in a]
            if len(set(squares)) != len(squares):
                raise SpecError("anchors: a square is listed twice")
            return sorted(squares)
        raise SpecError(f"anchors must be a fraction in [0, 1] or a list of squares, got {a!r}")

    @property
    def overlap(self) -> dict[int, list[tuple[int, ...]]]:
        """Resolved anchors: square -> list of language groups sharing that square's tokens."""
        return self._overlap

    def split_lengths(self, lang: int) -> np.ndarray:
        """Tokens per square (64 entries, 0 at the centre) for a split language, from ``seed``."""
        out = np.zeros(64, dtype=np.int64)
        for sq in PLAYABLE_SQUARES:
            out[sq] = 1 + (_draw(self.seed, 0x5B17, lang, sq) * 3 >> 64)
        return out

    # ---- serialisation -------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "types": list(self.types),
            "anchors": self.anchors if not isinstance(self.anchors, (list, tuple)) else [square_name(_square(s, "anchors")) for s in self.anchors],
            "groups": {square_name(sq): [list(g) for g in gs] for sq, gs in ((_square(k, "groups"), v) for k, v in self.groups.items())},
            "seed": self.seed,
            "lang_tags": self.lang_tags,
            "unified_output": self.unified_output,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "LanguageSpec":
        """Build from a plain dict: the keys of :meth:`to_dict`, or ``languages`` (a count) with an
        optional ``lang_types`` (one type for all, or a list)."""
        data = dict(data)
        known = {"types", "languages", "lang_types", "anchors", "groups", "seed", "lang_tags", "unified_output"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SpecError(f"unknown language setting(s): {', '.join(unknown)}")
        types = data.pop("types", None)
        n = data.pop("languages", None)
        lang_types = data.pop("lang_types", None)
        if types is None:
            types = resolve_types(n if n is not None else 1, lang_types)
        return cls(types=types, **data)


def resolve_types(n_languages, lang_types: Union[None, str, Sequence[str]]) -> list[str]:
    """Types for ``n_languages`` from one type name, a comma list, or a list (default atomic)."""
    if isinstance(n_languages, bool) or not isinstance(n_languages, int) or n_languages < 1:
        raise SpecError(f"number of languages must be a positive integer, got {n_languages!r}")
    if lang_types is None:
        return ["atomic"] * n_languages
    if isinstance(lang_types, str):
        lang_types = [t.strip() for t in lang_types.split(",") if t.strip()]
    lang_types = list(lang_types)
    if len(lang_types) == 1:
        return lang_types * n_languages
    if len(lang_types) != n_languages:
        raise SpecError(f"{len(lang_types)} language types given for {n_languages} languages")
    return lang_types


def token_targets(tokens: np.ndarray, token_ply: np.ndarray, n_tokens: np.ndarray, moves: np.ndarray,
                  lengths: np.ndarray, unified: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(targets, completes)`` for padded token rows ``(n, T)`` in one C++ pass: the definitions
    of :meth:`Vocabulary.unified_targets` (``unified``) and :meth:`Vocabulary.next_token_targets`,
    and the move-completion flags. ``moves`` ``(n, 60)`` squares, 255 past the end."""
    made = _core.token_targets(np.ascontiguousarray(tokens, dtype=np.uint16),
                               np.ascontiguousarray(token_ply, dtype=np.int8),
                               np.asarray(n_tokens, dtype=np.int64), np.ascontiguousarray(moves, dtype=np.uint8),
                               np.asarray(lengths, dtype=np.int64), _SQUARE_TO_MOVE16, unified=bool(unified))
    return made["targets"], made["completes"]


_SQUARE_TO_MOVE16 = np.ascontiguousarray(SQUARE_TO_MOVE, dtype=np.int16)


@dataclass
class EncodedBatch:
    """Token rows of a batch of games, padded with :data:`PAD_ID`.

    ``tokens`` ``(n, T)`` uint16; ``lengths`` ``(n,)`` tokens per game; ``token_ply`` ``(n, T)``
    int16, the ply (0-based move number) each token belongs to, -1 for pads and tags;
    ``completes`` ``(n, T)`` bool, True on the token that completes a move.
    """

    tokens: np.ndarray
    lengths: np.ndarray
    token_ply: np.ndarray
    completes: np.ndarray


@dataclass
class FlatTokens:
    """Concatenated tokens of a batch: game ``g`` is ``values[offsets[g]:offsets[g + 1]]``;
    ``ply`` (int8, -1 for a tag) and ``completes`` run alongside ``values``."""

    values: np.ndarray
    offsets: np.ndarray
    ply: np.ndarray
    moves: np.ndarray  # the games' squares, concatenated (offsets differ: one per move)

    @property
    def completes(self) -> np.ndarray:
        """True on the token that completes its move; derived from ``ply`` on demand, since the
        shard writer never needs it."""
        ply, offsets = self.ply, self.offsets
        out = np.ones(len(ply), dtype=bool)
        if len(ply):
            out[:-1] = ply[1:] != ply[:-1]
            out[offsets[1:-1] - 1] = True
            out[ply < 0] = False
        return out


class Vocabulary:
    """Token ids, names and bulk encode / decode for a :class:`LanguageSpec`."""

    def __init__(self, spec: LanguageSpec) -> None:
        self.spec = spec
        L = spec.n_languages
        names = ["<pad>"]
        self.tag_ids = np.full(L, -1, dtype=np.int64)
        if spec.lang_tags:
            for lang in range(L):
                self.tag_ids[lang] = len(names)
                names.append(f"<L{lang}>")
        # seq[lang, sq, k]: k-th token of square sq in language lang; seq_len[lang, sq]
        self.seq = np.zeros((L, 64, MAX_TOKENS_PER_MOVE), dtype=np.int64)
        self.seq_len = np.zeros((L, 64), dtype=np.int64)
        base_of = {}  # (lang, sq) -> base language of its group
        for sq, groups in spec.overlap.items():
            for g in groups:
                for lang in g:
                    base_of[(lang, sq)] = g[0]
        self.blocks: list[tuple[int, int]] = []
        pending_anchor = []  # (sq, group, own sequence length) for atomic/split bases
        for lang, kind in enumerate(spec.types):
            start = len(names)
            if kind == "compositional":
                rows = [len(names) + r for r in range(8)]
                names += [f"L{lang}:row{r + 1}" for r in range(8)]
                cols = [len(names) + c for c in range(8)]
                names += [f"L{lang}:col{'abcdefgh'[c]}" for c in range(8)]
                for sq in PLAYABLE_SQUARES:
                    if base_of.get((lang, sq), lang) == lang:
                        self.seq[lang, sq, :2] = (rows[sq // 8], cols[sq % 8])
                        self.seq_len[lang, sq] = 2
            else:
                counts = spec.split_lengths(lang) if kind == "split" else np.ones(64, dtype=np.int64)
                for sq in PLAYABLE_SQUARES:
                    if (lang, sq) in base_of:
                        if base_of[(lang, sq)] == lang:  # base of a group: tokens go to the anchor block
                            pending_anchor.append((sq, lang, int(counts[sq])))
                        continue
                    n = int(counts[sq])
                    self.seq[lang, sq, :n] = range(len(names), len(names) + n)
                    self.seq_len[lang, sq] = n
                    names += [f"L{lang}:{square_name(sq)}"] if kind == "atomic" else [f"L{lang}:{square_name(sq)}.{k}" for k in range(n)]
            self.blocks.append((start, len(names)))
        self.anchor_block_start = len(names)
        groups_of = {(sq, g[0]): g for sq, gs in spec.overlap.items() for g in gs}
        for sq, base, n in sorted(pending_anchor):
            group = groups_of[(sq, base)]
            label = "ANCHOR" if len(group) == L else "ANCHOR[" + ",".join(map(str, group)) + "]"
            ids = list(range(len(names), len(names) + n))
            names += [f"{label}:{square_name(sq)}"] if n == 1 else [f"{label}:{square_name(sq)}.{k}" for k in range(n)]
            self.seq[base, sq, :n] = ids
            self.seq_len[base, sq] = n
        self.anchor_block_end = len(names)
        # Every other member of a group copies its base's sequence.
        for (lang, sq), base in base_of.items():
            self.seq[lang, sq] = self.seq[base, sq]
            self.seq_len[lang, sq] = self.seq_len[base, sq]
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
        return len(self.names)

    def __len__(self) -> int:
        return self.size

    def language_tokens(self, lang: int) -> set[int]:
        """Every token id language ``lang`` can emit (tag included)."""
        ids = {int(t) for sq in PLAYABLE_SQUARES for t in self.seq[lang, sq, : self.seq_len[lang, sq]]}
        if self.tag_ids[lang] >= 0:
            ids.add(int(self.tag_ids[lang]))
        return ids

    def sequence(self, square: int, lang: int) -> list[int]:
        """Token ids of one move."""
        return self.seq[lang, square, : self.seq_len[lang, square]].tolist()

    def token_names(self, ids: Iterable[int]) -> list[str]:
        return [self.names[int(i)] for i in ids]

    # ---- encode ----------------------------------------------------------------------------

    def encode(self, moves: Sequence[int], lang: int) -> list[int]:
        """Token ids of one game (a list of squares) in language ``lang``."""
        moves = np.asarray(moves, dtype=np.int64)
        batch = self.encode_batch(moves[None, :], np.array([len(moves)]), np.array([lang]))
        return batch.tokens[0, : batch.lengths[0]].tolist()

    def encode_flat(self, moves: np.ndarray, lengths: np.ndarray, langs: Union[int, np.ndarray]) -> FlatTokens:
        """Encode padded move rows ``(n, P)`` (squares) with their lengths, game ``g`` in language
        ``langs[g]`` (or one language for all), as concatenated tokens plus offsets, the layout
        of an Arrow list column. Vectorised over the whole batch."""
        moves = np.asarray(moves)
        if moves.ndim != 2:
            raise ValueError(f"moves must be 2-D (games x plies), got shape {moves.shape}")
        n = moves.shape[0]
        rows = np.ascontiguousarray(moves, dtype=np.uint8) if moves.dtype != np.uint8 else np.ascontiguousarray(moves)
        if moves.dtype != np.uint8 and moves.size and (moves.min() < 0 or moves.max() > 255):
            raise ValueError("squares must be in 0..63")
        langs = np.ascontiguousarray(np.broadcast_to(np.asarray(langs, dtype=np.int64), (n,)))
        lens = np.ascontiguousarray(np.asarray(lengths), dtype=np.uint8)
        raw = _core.encode(rows, lens, langs, self._seq16, self._seq_len8, self._tags32)
        return FlatTokens(raw["tokens"], raw["offsets"], raw["token_ply"], raw["moves"])

    def encode_batch(self, moves: np.ndarray, lengths: np.ndarray, langs: Union[int, np.ndarray]) -> EncodedBatch:
        """Like :meth:`encode_flat`, as padded rows ``(n, T)``."""
        flat = self.encode_flat(moves, lengths, langs)
        lengths_out = np.diff(flat.offsets)
        n = len(lengths_out)
        T = int(lengths_out.max()) if n else 0
        rows = np.repeat(np.arange(n), lengths_out)
        cols = np.arange(len(flat.values)) - np.repeat(flat.offsets[:-1], lengths_out)
        tokens = np.zeros((n, T), dtype=np.uint16)
        token_ply = np.full((n, T), -1, dtype=np.int16)
        completes = np.zeros((n, T), dtype=bool)
        tokens[rows, cols] = flat.values
        token_ply[rows, cols] = flat.ply
        completes[rows, cols] = flat.completes
        return EncodedBatch(tokens, lengths_out, token_ply, completes)

    # ---- decode ----------------------------------------------------------------------------

    def _build_decoder(self) -> None:
        # Sequences are prefix-free: either every token is unique to the square, or it is a
        # (row, column) pair of one compositional language. first_square[lang, tok] is the
        # square a first token fixes (-1: a row token, resolved by the pair table).
        L, V = self.spec.n_languages, self.size
        self._first_square = np.full((L, V), -2, dtype=np.int64)  # -2: not a first token
        pair_keys, pair_squares = [], []
        for lang in range(L):
            for sq in PLAYABLE_SQUARES:
                ids = self.seq[lang, sq, : self.seq_len[lang, sq]]
                first = ids[0]
                is_row = self.names[first].split(":", 1)[1].startswith("row")
                if is_row:
                    self._first_square[lang, first] = -1
                    pair_keys.append((lang * V + first) * V + ids[1])
                    pair_squares.append(sq)
                else:
                    self._first_square[lang, first] = sq
        order = np.argsort(pair_keys)
        self._pair_keys = np.asarray(pair_keys, dtype=np.int64)[order]
        self._pair_squares = np.asarray(pair_squares, dtype=np.int64)[order]

    def decode(self, tokens: Sequence[int], lang: int) -> list[int]:
        """Squares of one game from its token ids (a tag token first is allowed; pads ignored)."""
        toks = np.asarray(tokens, dtype=np.int64)
        moves, lengths = self.decode_batch(toks[None, :], np.array([len(toks)]), np.array([lang]))
        return moves[0, : lengths[0]].tolist()

    def decode_batch(self, tokens: np.ndarray, lengths: np.ndarray, langs: Union[int, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Inverse of :meth:`encode_batch`: padded squares ``(n, 60)`` (255 past the end) and
        lengths. Raises ``ValueError`` naming the game if a row is not a valid encoding."""
        tokens = np.asarray(tokens, dtype=np.int64)
        lengths = np.asarray(lengths, dtype=np.int64)
        n = tokens.shape[0]
        langs = np.broadcast_to(np.asarray(langs, dtype=np.int64), (n,))
        V = self.size
        padded = np.concatenate([tokens, np.zeros((n, 2), dtype=np.int64)], axis=1)
        bad = (padded < 0) | (padded >= V)
        padded[bad] = 0
        pos = np.full(n, int(self.spec.lang_tags), dtype=np.int64)
        moves = np.full((n, NUM_MOVES), 255, dtype=np.uint8)
        count = np.zeros(n, dtype=np.int64)
        rows = np.arange(n)
        ok = ~bad[rows, 0] if n else np.zeros(0, dtype=bool)
        for ply in range(NUM_MOVES):
            active = ok & (pos < lengths)
            if not active.any():
                break
            first = padded[rows, np.minimum(pos, padded.shape[1] - 1)]
            sq = self._first_square[langs, first]
            need_pair = active & (sq == -1)
            if need_pair.any():
                second = padded[rows, np.minimum(pos + 1, padded.shape[1] - 1)]
                key = (langs * V + first) * V + second
                idx = np.clip(np.searchsorted(self._pair_keys, key), 0, max(len(self._pair_keys) - 1, 0))
                hit = need_pair & (self._pair_keys[idx] == key) if len(self._pair_keys) else np.zeros(n, bool)
                sq = np.where(hit, self._pair_squares[idx] if len(self._pair_keys) else -2, np.where(need_pair, -2, sq))
            ok &= ~(active & (sq < 0))
            step = active & (sq >= 0)
            moves[step, ply] = sq[step]
            count[step] += 1
            pos[step] += self.seq_len[langs[step], sq[step]]
        # Re-encode and compare: catches wrong later tokens of split sequences, overruns, bad ids.
        again = self.encode_batch(moves, count, langs)
        for g in range(n):
            L = int(lengths[g])
            if not ok[g] or again.lengths[g] != L or not np.array_equal(again.tokens[g, :L], tokens[g, :L]):
                raise ValueError(f"game {g}: tokens are not a valid sequence of language {int(langs[g])}")
        return moves, count.astype(np.uint8)

    # ---- targets ---------------------------------------------------------------------------

    @staticmethod
    def next_token_targets(batch: EncodedBatch) -> np.ndarray:
        """Targets for next-token prediction in the input language: token ``p + 1`` at ``p``,
        :data:`IGNORE_INDEX` at the last token and on pads. int64 ``(n, T)``."""
        no_moves = np.full((len(batch.lengths), 60), 255, dtype=np.uint8)
        return token_targets(batch.tokens, batch.token_ply, batch.lengths, no_moves, np.zeros(len(batch.lengths)), False)[0]

    @staticmethod
    def unified_targets(batch: EncodedBatch, moves: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Unified output space: at the token that completes ply ``t`` (and at a leading tag,
        which predicts ply 0) the target is the move index 0..59 of ply ``t + 1``; every other
        position, and the last move, get :data:`IGNORE_INDEX`. int64 ``(n, T)``."""
        moves = np.asarray(moves)
        rows = np.full((moves.shape[0], 60), 255, dtype=np.uint8)
        width = min(60, moves.shape[1])
        rows[:, :width] = np.where((moves[:, :width] >= 0) & (moves[:, :width] < 64), moves[:, :width], 255)
        return token_targets(batch.tokens, batch.token_ply, batch.lengths, rows, lengths, True)[0]

    # ---- serialisation -----------------------------------------------------------------------

    def to_json(self) -> dict:
        """The ``vocab.json`` document: the spec, the id layout and every token name."""
        return {
            "format": VOCAB_FORMAT,
            "spec": self.spec.to_dict(),
            "size": self.size,
            "pad_id": PAD_ID,
            "ignore_index": IGNORE_INDEX,
            "unified_target_space": "move index 0..59 = playable squares in increasing order",
            "tag_ids": [int(t) for t in self.tag_ids] if self.spec.lang_tags else None,
            "language_blocks": [{"language": i, "type": t, "first_id": a, "end_id": b} for i, (t, (a, b)) in enumerate(zip(self.spec.types, self.blocks))],
            "anchor_block": {"first_id": self.anchor_block_start, "end_id": self.anchor_block_end},
            "anchors": {square_name(sq): [list(g) for g in gs] for sq, gs in self.spec.overlap.items()},
            "sequences": [{square_name(sq): self.sequence(sq, lang) for sq in PLAYABLE_SQUARES} for lang in range(self.spec.n_languages)],
            "tokens": self.names,
        }

    def save(self, path) -> None:
        with open(path, "w") as f:
            json.dump(self.to_json(), f, indent=1)

    @classmethod
    def load(cls, path) -> "Vocabulary":
        """Rebuild from ``vocab.json`` and check the ids match what is stored there."""
        with open(path) as f:
            doc = json.load(f)
        if doc.get("format") != VOCAB_FORMAT:
            raise SpecError(f"{path}: not a {VOCAB_FORMAT} file")
        vocab = cls(LanguageSpec.from_dict(doc["spec"]))
        if vocab.names != doc["tokens"]:
            raise SpecError(f"{path}: token table does not match its spec (made by another version?)")
        return vocab


def othello_world_spec() -> LanguageSpec:
    """One atomic language with Othello-World's ids: pad 0, squares as tokens 1..60."""
    return LanguageSpec(types=["atomic"])
