"""The mOthello paper's rules restated plainly, as an independent reference for the tests.

Written from the rules (tests/data/paper_configs/README.md names the source; the notes in
shared/reference-notes.md state them): one id counter over the languages in order; an atomic
language takes one id per square it does not borrow, a split language draws 1-3 ids per such square
from numpy's *global* legacy generator seeded once, a compositional language takes 16 ids up front
(8 for the row, then 8 for the column); a borrowed square reuses the base language's ids. Examples
follow the paper's ``CharDataset``: model id = paper id + 1, pad (the paper's -100) = 0, rows of
``max_len``, ``x = ids[:-1]``, ``y = ids[1:]``; with unified output the target of a move is language
0's ``i``-th token, placed where the input's ``i``-th move starts.

Deliberately slow and simple: dicts and lists, no numpy beyond the paper's own random draws.
"""

from __future__ import annotations

import numpy as np

PLAYABLE = [s for s in range(64) if s not in (27, 28, 35, 36)]
IGNORE = -100


class PaperLanguages:
    """Token ids of one experiment dict, the paper's way."""

    def __init__(self, experiment: dict) -> None:
        assert sorted(experiment) == ["language_types", "overlap_toks", "train_seed", "unified_output"]
        self.types = list(experiment["language_types"])
        self.unified = experiment["unified_output"]
        n = len(self.types)
        borrows = [{} for _ in range(n)]  # language -> {square: base language}
        for square, groups in experiment["overlap_toks"].items():
            seen = set()
            for group in groups:
                members = sorted(group)
                for position, lang in enumerate(members):
                    assert lang not in seen, "a language twice for one square"
                    seen.add(lang)
                    if position > 0:
                        borrows[lang][square] = members[0]
        saved = np.random.get_state()
        np.random.seed(experiment["train_seed"])
        self.table = [{} for _ in range(n)]  # language -> {square: [paper ids]}
        counter = 0
        for lang, kind in enumerate(self.types):
            if kind == "compositional":
                row_ids = list(range(counter, counter + 8))
                col_ids = list(range(counter + 8, counter + 16))
                counter += 16
            for square in PLAYABLE:
                if square in borrows[lang]:
                    self.table[lang][square] = list(self.table[borrows[lang][square]][square])
                elif kind == "compositional":
                    self.table[lang][square] = [row_ids[square // 8], col_ids[square % 8]]
                else:
                    count = 1 if kind == "atomic" else int(np.random.randint(1, 4))
                    self.table[lang][square] = list(range(counter, counter + count))
                    counter += count
        np.random.set_state(saved)
        self.n_ids = counter
        self.vocab_size = counter + 1
        self.max_len = max(sum(len(self.table[lang][s]) for s in PLAYABLE) for lang in range(n))

    def tokens(self, moves: list[int], lang: int) -> list[int]:
        """Paper ids of a game (squares) in one language."""
        return [t for square in moves for t in self.table[lang][square]]

    def example(self, moves: list[int], lang: int, fixed_mode: bool = False) -> tuple[list[int], list[int]]:
        """The paper's ``(x, y)`` as model ids for a game in input language ``lang``;
        ``fixed_mode``: the paper's retrieval mode set to a language number instead of uniform."""
        width = self.max_len

        def model_ids(paper_ids):
            padded = paper_ids + [IGNORE] * (width - len(paper_ids))
            return [0 if t == IGNORE else t + 1 for t in padded]

        source = model_ids(self.tokens(moves, lang))
        if not self.unified:
            return source[:-1], source[1:]
        action = self.tokens(moves, 0)
        if not fixed_mode and self.types[lang] != "atomic":
            placed = [IGNORE] * width
            start = 0
            for i, square in enumerate(moves):
                placed[start] = action[i]
                start += len(self.table[lang][square])
            action = placed
        return source[:-1], model_ids(action)[1:]
