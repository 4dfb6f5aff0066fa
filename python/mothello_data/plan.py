"""The resolved plan of a generation run: splits, shards and game-id ranges.

Game ids are the RNG counter: split ``s`` owns the contiguous id range after the splits before
it, so splits are disjoint by id, and a shard is a pure function of (plan, shard index).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Optional, Union

from .policies import UNIFORM, Policy
from .rng import RNG_ID
from .rules import CLASSIC_RULES, RuleSet
from .schema import canonical_labels
from .spec import LanguageSpec, SpecError
from .vocabulary import Vocabulary

DEFAULT_GAMES = 2_000_000
DEFAULT_SPLITS = "train=0.98,validation=0.01,test=0.01"
DEFAULT_GAMES_PER_SHARD = 250_000
ROW_GROUP_GAMES = 65_536
MAX_GAMES = 2**64  # game ids are the uint64 RNG counter: first_game + n <= 2**64
MAX_GAMES_PER_SHARD = 2**63 - 1  # a Parquet file counts its rows in an int64


@dataclass(frozen=True)
class Shard:
    """One Parquet file of a run: ``n_games`` consecutive game ids from ``first_game`` of one split."""

    split: str
    index: int  # within the split
    count: int  # shards in the split
    first_game: int
    n_games: int

    @property
    def filename(self) -> str:
        """Path of the shard inside the output folder, e.g. ``data/train-00003-of-00040.parquet``."""
        return f"data/{self.split}-{self.index:05d}-of-{self.count:05d}.parquet"


@dataclass
class Plan:
    """Everything that determines the bytes of the dataset (threads and paths excluded)."""

    spec: LanguageSpec
    games: int
    seed: int
    splits: dict  # name -> number of games, in id order
    games_per_shard: int = DEFAULT_GAMES_PER_SHARD
    labels: list = field(default_factory=list)
    parallel: bool = False
    moves_only: bool = False  # no token columns: loaders encode the moves (languages="sample")
    split_by: int = 0  # 0: splits by game id; K: by canonical opening of K moves (mothello_data.splits)
    dedupe: str = "exact"  # or "symmetric" (mothello_data.splits)
    policy: Policy = UNIFORM  # how moves are chosen (mothello_data.policies)
    imported: Optional[dict] = None  # an import's record (mothello_data.importer): games come from files
    rules: RuleSet = CLASSIC_RULES  # the rules played, written passes, the cut (mothello_data.rules)

    def __post_init__(self) -> None:
        self.labels = canonical_labels(self.labels)  # one spelling in identities and manifests
        self.vocab = Vocabulary(self.spec)
        if self.moves_only and self.parallel:
            raise SpecError("--moves-only stores no languages, so it cannot be a --parallel corpus")
        space, rules = self.spec.move_space, self.rules
        if self.imported and not rules.is_classic:
            raise SpecError("imported games are classic Othello with implicit passes: --rules, --pass-token and "
                            "--max-plies do not apply to an import")
        problem = rules.space_problem(space, exact=True)
        if problem:
            raise SpecError(problem)

    def shards(self) -> "ShardList":
        """Every shard of the run, split by split in id order; sizes within a split differ by at most one.

        A lazy sequence: ``len``, indexing and slicing (``plan.shards()[i::n]``) cost nothing, so the
        plan of a huge run is never built as a list."""
        return ShardList(self.splits, self.games_per_shard)

    def rows_per_game(self) -> int:
        """Rows each game becomes: one per input language in a parallel corpus, else one."""
        return len(self.spec.inputs) if self.parallel else 1

    def identity(self) -> dict:
        """The settings a resumed run must share with the original, as plain JSON values."""
        return {
            "languages": self.spec.to_dict(),
            "games": self.games,
            "seed": self.seed,
            "rng": RNG_ID,
            "splits": dict(self.splits),
            "games_per_shard": self.games_per_shard,
            "labels": list(self.labels),
            "parallel": self.parallel,
            **({"moves_only": True} if self.moves_only else {}),
            **({"split_by": f"opening:{self.split_by}"} if self.split_by else {}),  # only when set: old
            **({"dedupe": self.dedupe} if self.dedupe != "exact" else {}),  # identities stay as they were
            # only when not uniform: identities (and resumes) of uniform runs stay those of earlier versions
            **({"policy": self.policy.to_json()} if not self.policy.is_uniform else {}),
            **({"import": self.imported} if self.imported else {}),
            **({"rules": self.rules.to_json()} if not self.rules.is_classic else {}),
        }


class ShardList(Sequence):
    """The shards of a plan (or a slice of them, e.g. one job's), computed on access."""

    def __init__(self, splits: dict, games_per_shard: int, positions: Optional[range] = None) -> None:
        self._splits = [(name, n, -(-n // games_per_shard)) for name, n in splits.items()]  # 0 games: no shard
        self._starts, self._firsts, total, first = [], [], 0, 0  # per split: first shard, first game
        for _, n, count in self._splits:
            self._starts.append(total)
            self._firsts.append(first)
            total, first = total + count, first + n
        self._games_per_shard = games_per_shard
        self._positions = range(total) if positions is None else positions

    @property
    def size(self) -> int:
        """Number of shards, also beyond ``sys.maxsize`` (where ``len`` cannot answer)."""
        r = self._positions
        return max(0, (r.stop - r.start + r.step + (-1 if r.step > 0 else 1)) // r.step)

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, key: Union[int, slice]):
        if isinstance(key, slice):
            return ShardList({name: n for name, n, _ in self._splits}, self._games_per_shard, self._positions[key])
        k = self._positions[key]  # IndexError past the end, negative keys count from the end
        s = bisect.bisect_right(self._starts, k) - 1
        name, n, count = self._splits[s]
        i, first = k - self._starts[s], self._firsts[s]
        lo, hi = first + n * i // count, first + n * (i + 1) // count
        return Shard(name, i, count, lo, hi - lo)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __eq__(self, other) -> bool:
        return isinstance(other, (list, tuple, ShardList)) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"ShardList({self.size} shards)"


def identity_diffs(old: dict, new: dict, old_name: str = "was", new_name: str = "now") -> str:
    """What differs between two :meth:`Plan.identity` dicts, as ``key: was X, now Y; ...`` (keys
    sorted; empty when they agree)."""
    keys = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    return "; ".join(f"{k}: {old_name} {json.dumps(old.get(k))}, {new_name} {json.dumps(new.get(k))}" for k in keys)


def parse_splits(text: str, games: Optional[int]) -> tuple[dict, int]:
    """``train=0.98,validation=0.01,test=0.01`` (fractions of ``games``, summing to 1) or
    ``train=1000000,validation=10000`` (counts; ``games`` is then their sum or must equal it)."""
    parts = {}
    for item in text.split(","):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise SpecError(f"--splits: expected name=value items like train=0.98, got {item.strip()!r}")
        if name in parts:
            raise SpecError(f"--splits: split {name!r} given twice")
        try:
            parts[name] = float(value) if any(c in value for c in ".eE") else int(value)
        except ValueError:
            raise SpecError(f"--splits: {name}={value.strip()} is not a number") from None
        if parts[name] < 0:
            raise SpecError(f"--splits: {name} must not be negative")
    if not parts:
        raise SpecError("--splits: no splits given")
    if all(isinstance(v, int) for v in parts.values()) and not (len(parts) == 1 and list(parts.values())[0] == 1):
        total = sum(parts.values())
        if games is not None and games != total:
            raise SpecError(f"--splits: counts add up to {total}, but --games is {games}")
        return parts, total
    if any(isinstance(v, int) and v > 1 for v in parts.values()):
        raise SpecError("--splits: use either fractions or counts, not both")
    if abs(sum(parts.values()) - 1.0) > 1e-9:
        raise SpecError(f"--splits: fractions add up to {sum(parts.values()):g}, not 1")
    games = DEFAULT_GAMES if games is None else games
    names = list(parts)
    counts, assigned = {}, 0
    for i, name in enumerate(names):  # cumulative rounding: counts add up to games exactly
        end = games if i == len(names) - 1 else round(games * sum(parts[n] for n in names[: i + 1]))
        counts[name] = end - assigned
        assigned = end
    return counts, games
