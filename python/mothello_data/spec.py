"""The language specification of an mOthello experiment and its seeded draws.

A :class:`LanguageSpec` holds the few parameters that define a set of languages: their types
(``atomic``, ``split``, ``compositional``), which moves are anchored (shared by several languages),
the language seed and the languages games are written in. It owns the rules that *choose* things
from the seed (which squares ``anchors=0.1`` anchors, how many tokens each move of a split language
gets) and the names of the language settings (:data:`SPEC_KEYS`) that config files and
``vocab.json`` use. Turning a spec into token ids is :mod:`mothello_data.vocabulary`'s job.

The rules are the mOthello paper's (``mothello_config.py`` of ethahtz/multilingual_othello):

* Anchors (its ``overlap_toks``): for a square, a *group* of languages shares one token sequence;
  every other member of the group writes the square with the sequence of the group's
  lowest-numbered language (the base) and allocates nothing for it. A language may be in at most one
  group per square; a one-language group changes nothing.
* Split lengths: numpy's legacy generator seeded once with the language seed
  (``np.random.seed(train_seed)``), one ``randint(1, 4)`` per square that a split language does not
  copy, in language-then-square order, one stream shared by every split language.
* ``anchors=0.1`` (not in the paper) resolves to explicit all-language groups, chosen from the seed
  with the package's counter RNG, so the choice never consumes the split-length stream.
* Input languages: with ``unified_output`` the paper's language 0 is the output space and games are
  written in languages 1..n-1 only; :attr:`LanguageSpec.input_languages` records which languages
  games are written in (``None``: all).

Rule variants (not in the paper) widen the move space (:mod:`mothello_data.moves`): ``squares=64``
gives every square tokens (delflank plays the centre), ``pass_token`` adds a pass move, written with
one token of its own in every language type (never drawn, never anchored). A ``permuted`` language
(MetaOthello's ``iago``: type ``iago``) allocates nothing: it writes move index ``i`` with its base
language's tokens of move index ``perm[i]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence, Union

import numpy as np

from .moves import MoveSpace, resolve_orders
from .rng import draw
from .squares import CENTER_SQUARES, parse_square, square_name

LANGUAGE_TYPES = ("atomic", "split", "compositional", "permuted", "iago")
#: Types whose languages borrow every token from a base language (allocate no ids).
PERMUTED_TYPES = ("permuted", "iago")
MAX_TOKENS_PER_MOVE = 3
MAX_LANGUAGES = 1024  # 60+ tokens each: more can never fit the uint16 token ids
MAX_LANGUAGE_SEED = 2**32 - 1  # numpy's legacy generator (the paper's split lengths) takes 32 bits

#: Every key :meth:`LanguageSpec.from_dict` accepts (``types`` or ``languages`` + ``lang_types``).
SPEC_KEYS = ("types", "languages", "lang_types", "anchors", "groups", "seed", "lang_tags", "unified_output",
             "input_languages", "squares", "pass_token", "permutations")

# Stream key of the anchor choice (part of the data's definition: changing it changes datasets).
_ANCHOR_STREAM = 0xA2C4


class SpecError(ValueError):
    """An invalid language specification; the message says which field and why."""


def require_int(value, where: str, lo: int, hi: int, hi_text: str) -> None:
    """Refuse (:class:`SpecError` naming ``where``) a ``value`` that is not an integer in ``lo..hi``
    (``hi_text`` spells ``hi`` in the message); a bool is not an integer here."""
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise SpecError(f"{where} must be an integer in {lo}..{hi_text}, got {value!r}")


def require_bool(value, where: str) -> None:
    """Refuse (:class:`SpecError` naming ``where``) a ``value`` that is not ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise SpecError(f"{where} must be true or false, got {value!r}")



def _square(value: Union[int, str], where: str, squares: int = 60) -> int:
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
    if sq in CENTER_SQUARES and squares == 60:
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
    only come from one of the two. ``seed``: fixes split lengths and the anchor choice
    (0..2**32-1). ``lang_tags``: start every sequence with a language tag token (tag ids come after
    every paper id). ``unified_output``: the default training target (next move in one
    language-neutral space) recorded with the vocabulary. ``input_languages``: the languages games
    are written in and the loader samples from (``None``: all; the paper's unified files: 1..n-1).
    ``squares`` (60 or 64) and ``pass_token``: the move space (:class:`mothello_data.moves.MoveSpace`).
    ``permutations``: language -> ``{"base": language, "order": list of move indices}`` for
    ``permuted`` languages (``iago`` languages default to MetaOthello's order over base 0).
    """

    types: list[str]
    anchors: Union[float, list] = 0.0
    groups: dict = field(default_factory=dict)
    seed: int = 0
    lang_tags: bool = False
    unified_output: bool = True
    input_languages: Optional[list] = None
    squares: int = 60
    pass_token: bool = False
    permutations: dict = field(default_factory=dict)

    # ---- construction ------------------------------------------------------------------------

    @classmethod
    def uniform(cls, n_languages: int, lang_type: str = "atomic", **kwargs) -> "LanguageSpec":
        """``n_languages`` languages of one type."""
        return cls(types=resolve_types(n_languages, lang_type), **kwargs)

    def __post_init__(self) -> None:
        if not isinstance(self.types, (list, tuple)):
            raise SpecError(f"types must be a list of language types, got {self.types!r}")
        self.types = list(self.types)
        if not self.types:
            raise SpecError("a spec needs at least 1 language, got 0")
        if len(self.types) > MAX_LANGUAGES:
            raise SpecError(f"at most {MAX_LANGUAGES} languages (token ids are uint16), got {len(self.types)}")
        for i, t in enumerate(self.types):
            if t not in LANGUAGE_TYPES:
                raise SpecError(f"language {i}: unknown type {t!r} (choose from {', '.join(LANGUAGE_TYPES)})")
        require_int(self.seed, "seed", 0, MAX_LANGUAGE_SEED, "2**32-1")
        for name in ("lang_tags", "unified_output", "pass_token"):
            require_bool(getattr(self, name), name)
        if self.squares not in (60, 64) or isinstance(self.squares, bool):
            raise SpecError(f"squares must be 60 or 64, got {self.squares!r}")
        if "iago" in self.types:  # MetaOthello's order covers every square and the pass
            self.squares, self.pass_token = 64, True
        self._overlap = self._resolve_overlap()
        self._permutations = self._resolve_permutations()
        self.input_languages = self._resolve_inputs()

    def _resolve_inputs(self) -> Optional[list]:
        """``input_languages`` as a sorted list of distinct languages, ``None`` meaning all."""
        langs = self.input_languages
        if langs is None:
            return None
        if isinstance(langs, (str, bytes)) or not isinstance(langs, (list, tuple)) or not langs:
            raise SpecError(f"input_languages must be a non-empty list of languages, got {langs!r}")
        for lang in langs:
            require_int(lang, "input_languages", 0, self.n_languages - 1, str(self.n_languages - 1))
        if len(set(langs)) != len(langs):
            raise SpecError(f"input_languages: a language is listed twice in {list(langs)}")
        return sorted(int(x) for x in langs)

    @property
    def move_space(self) -> MoveSpace:
        """The moves this spec's languages write (:mod:`mothello_data.moves`)."""
        return MoveSpace(self.squares, self.pass_token)

    def _resolve_permutations(self) -> dict[int, tuple[int, list[int]]]:
        """language -> (base language, order) for every permuted language, validated."""
        try:
            out = resolve_orders(self.types, self.permutations, self.move_space, PERMUTED_TYPES)
        except ValueError as exc:
            raise SpecError(str(exc)) from None
        if out and self._overlap:
            raise SpecError("a permuted language shares every token with its base: anchors cannot be combined with it")
        return out

    @property
    def permuted(self) -> dict[int, tuple[int, list[int]]]:
        """Resolved permuted languages: language -> (base language, order of move indices)."""
        return self._permutations

    @property
    def default_targets(self) -> str:
        """The loaders' default target mode for this experiment: ``unified`` or ``next_token``."""
        return "unified" if self.unified_output else "next_token"

    @property
    def inputs(self) -> list[int]:
        """The languages games are written in: ``input_languages``, or every language."""
        return list(range(self.n_languages)) if self.input_languages is None else list(self.input_languages)

    @property
    def n_languages(self) -> int:
        """Number of languages."""
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
            sq = _square(key, "groups", self.squares)
            where = f"groups[{square_name(sq)}]"
            if sq in overlap:
                raise SpecError(f"{where}: square is already anchored by `anchors`")
            if not isinstance(groups, (list, tuple)) or not groups:
                raise SpecError(f"{where}: expected a non-empty list of language groups")
            seen: set[int] = set()
            clean = []
            for group in groups:
                if not isinstance(group, (list, tuple)) or not group:
                    raise SpecError(f"{where}: a group is a non-empty list of languages, got {group!r}")
                for lang in group:
                    if isinstance(lang, bool) or not isinstance(lang, (int, np.integer)) or not 0 <= lang < self.n_languages:
                        raise SpecError(f"{where}: language {lang!r} does not exist (languages are 0..{self.n_languages - 1})")
                    if lang in seen:
                        twice = list(group).count(lang) > 1
                        raise SpecError(f"{where}: language {lang} is " + ("listed twice in one group" if twice else "in more than one group"))
                    seen.add(int(lang))
                if len(group) > 1:  # a one-language group shares nothing (the paper accepts it)
                    clean.append(tuple(sorted(int(x) for x in group)))
            if clean:
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
            space = self.move_space.square_codes
            k = int(round(float(a) * len(space)))
            words = draw(self.seed, _ANCHOR_STREAM, np.array(space, dtype=np.uint64))
            order = [space[i] for i in np.argsort(words, kind="stable")]
            return sorted(order[:k])
        if isinstance(a, (list, tuple)):
            squares = [_square(x, "anchors", self.squares) for x in a]
            if len(set(squares)) != len(squares):
                raise SpecError("anchors: a square is listed twice")
            return sorted(squares)
        raise SpecError(f"anchors must be a fraction in [0, 1] or a list of squares, got {a!r}")

    @property
    def overlap(self) -> dict[int, list[tuple[int, ...]]]:
        """Resolved anchors: square -> list of language groups sharing that square's tokens."""
        return self._overlap

    def copied_from(self) -> dict[tuple[int, int], int]:
        """(language, square) -> the base language whose tokens it reuses, for every non-base
        member of an anchor group."""
        return {(lang, sq): group[0] for sq, groups in self.overlap.items() for group in groups for lang in group[1:]}

    def split_lengths(self) -> np.ndarray:
        """Tokens per (language, square), ``(n_languages, 64)``, for the squares a split language
        draws itself (0 elsewhere): the paper's one legacy-numpy stream (see the module docstring)."""
        out = np.zeros((self.n_languages, 64), dtype=np.int64)
        copied = self.copied_from()
        rs = np.random.RandomState(self.seed)  # the same stream as np.random.seed(seed) + randint
        for lang, kind in enumerate(self.types):
            if kind == "split":
                own = [sq for sq in self.move_space.square_codes if (lang, sq) not in copied]
                out[lang, own] = rs.randint(1, MAX_TOKENS_PER_MOVE + 1, size=len(own))
        return out

    # ---- serialisation -------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """Plain JSON values (squares by name): the form stored in ``vocab.json`` and manifests."""
        return {
            "types": list(self.types),
            "anchors": self.anchors if not isinstance(self.anchors, (list, tuple)) else [square_name(_square(s, "anchors", self.squares)) for s in self.anchors],
            "groups": {square_name(sq): [list(g) for g in gs] for sq, gs in ((_square(k, "groups", self.squares), v) for k, v in self.groups.items())},
            "seed": self.seed,
            "lang_tags": self.lang_tags,
            "unified_output": self.unified_output,
            "input_languages": self.input_languages,
            # Written only when used, so classic datasets keep their vocab.json bytes.
            **({"squares": self.squares} if self.squares != 60 else {}),
            **({"pass_token": True} if self.pass_token else {}),
            **({"permutations": {str(k): v for k, v in self.permutations.items()}} if self.permutations else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "LanguageSpec":
        """Build from a plain dict: the keys of :meth:`to_dict`, or ``languages`` (a count) with an
        optional ``lang_types`` (one type for all, or a list)."""
        data = dict(data)
        unknown = sorted(set(data) - set(SPEC_KEYS))
        if unknown:
            raise SpecError(f"unknown language setting(s): {', '.join(unknown)}")
        types = data.pop("types", None)
        n = data.pop("languages", None)
        lang_types = data.pop("lang_types", None)
        if types is None:
            types = resolve_types(n if n is not None else 1, lang_types)
        elif isinstance(types, (list, tuple)):
            if n is not None and n != len(types):
                raise SpecError(f"types lists {len(types)} languages but languages is {n!r}")
            if lang_types is not None and resolve_types(len(types), lang_types) != list(types):
                raise SpecError(f"types {list(types)} and lang_types {lang_types!r} disagree; give one of them")
        return cls(types=types, **data)


def resolve_types(n_languages, lang_types: Union[None, str, Sequence[str]]) -> list[str]:
    """Types for ``n_languages`` from one type name, a comma list, or a list (default atomic)."""
    if isinstance(n_languages, bool) or not isinstance(n_languages, int) or n_languages < 1:
        raise SpecError(f"number of languages must be a positive integer, got {n_languages!r}")
    if n_languages > MAX_LANGUAGES:
        raise SpecError(f"at most {MAX_LANGUAGES} languages (token ids are uint16), got {n_languages}")
    if lang_types is None:
        return ["atomic"] * n_languages
    if isinstance(lang_types, str):
        lang_types = [t.strip() for t in lang_types.split(",")]
    if not isinstance(lang_types, (list, tuple)) or not all(isinstance(t, str) for t in lang_types):
        raise SpecError(f"lang_types must be a type name or a list of them, got {lang_types!r}")
    if not all(lang_types):
        raise SpecError(f"lang_types: empty item in {','.join(lang_types)!r}")
    lang_types = list(lang_types)
    if len(lang_types) == 1:
        return lang_types * n_languages
    if len(lang_types) != n_languages:
        raise SpecError(f"{len(lang_types)} language types given for {n_languages} languages")
    return lang_types
