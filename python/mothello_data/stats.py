"""``mothello-gen stats DIR``: a dataset report from one streaming pass over the shards.

Writes ``stats.json`` and PNG plots (:mod:`mothello_data.stats_plots`) to ``DIR/stats/`` (or
``--out``), links them from the dataset card (a ``## Statistics`` section it replaces on each run)
and prints a short summary. What it counts, per game (a parallel corpus's rows count once):
lengths; the share of games with a pass (a side moves twice in a row: counted by the replay,
never from ply parity) and of games that end before 60 moves; opening diversity (distinct openings
of 1..8 moves, as played and up to the start position's symmetries) and the most frequent 4-move
openings; duplicate games (exact, and up to symmetry); transpositions (exact and up to symmetry,
:mod:`mothello_data.transpositions`, up to ``--max-ply``); per row: tokens per language; and for
datasets written with ``--labels``, the distribution of each stored label column (bit counts of
bitboard columns, values of the others). A dataset with rule variants (``--rules``, ``--pass-token``,
``--max-plies``) is replayed under each game's rule (its manifest's ``config.rules``) and gets a
``per_rule`` block (games, mean placements and written moves, pass, early-end and cut shares);
where rules are mixed, a position pairs in the transposition search only with games of its rule.

Memory: a few batches of 32k rows (one being read ahead by a background thread) and one
temporary partition per counting thread: game hashes and transposition nodes go to temporary files
(``TMPDIR``), counted one partition at a time per thread; temporary disk 16 bytes per game and ply
from 8 to ``--max-ply`` (one node per game and ply gives both the exact and the symmetric count)
plus 16 bytes per game. The search runs in C++ on a thread of its own, alongside this thread's
passes over the batch; its partitions are counted ``--threads`` at a time, while this thread
counts the repeated games and openings and draws the plots that do not show transpositions.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import argparse
import gc
import json
import os
import sys
import time
from typing import Callable, Optional

import numpy as np
import pyarrow.compute as pc

from .dataset_reader import count_rows, iter_games, prefetched
from .engine import MAX_PLIES, PAD_SQUARE, replay
from .engine_rules import rule_id as engine_rule_id
from .rng import mix64
from .rules import CLASSIC_RULES, RuleSet, replay_args
from .files import write_atomic
from .schema import KIND_COLUMNS, arrow_numpy
from .card import read_manifest
from .held_out import game_hashes
from .shard_index import LoaderError, find_shard_files, find_sidecar, open_shard
from .squares import square_name
from .stats_counters import OPENING_PLIES, _OpeningCounter, _opening_words, _popcount, _RepeatCounter, passes_per_game
from .symmetry import canonical_rows
from .transpositions import TranspositionFinder
from .world_labels import world_ply_columns

TOP_OPENING_PLIES = 4
_RULE_HASH_KEY = 0x52554C45  # mixes a game's rule into its position hashes (datasets mixing rules)
CARD_MARK = "<!-- mothello-gen stats -->"


class StatsCollector:
    """Accumulates the report batch by batch (:meth:`add`), then :meth:`finish` returns it."""

    def __init__(self, max_ply: int = 32, threads: int = 1, tmpdir: Optional[str] = None,
                 rules: RuleSet = CLASSIC_RULES) -> None:
        self.threads, self.rules = threads, rules
        self.width = max(MAX_PLIES, rules.max_plies)  # the longest game, in written moves
        self.lengths = np.zeros(self.width + 1, np.int64)
        self.passes = np.zeros(self.width, np.int64)
        self.early = 0
        self.per_rule = {name: np.zeros(6, np.int64) for name in rules.names} if not rules.is_classic else {}
        self.games = self.rows = 0
        self.split_rows: dict = {}
        self.tokens: dict = {}
        self.repeats = {k: _RepeatCounter(tmpdir) for k in ("exact", "symmetric")}
        self.openings = {c: _OpeningCounter() for c in (False, True)}  # as played, up to symmetry
        self.labels: dict = {}
        # One search gives both transposition counts, exact and up to symmetry.
        self.finder = TranspositionFinder(max_ply=max_ply, tmpdir=tmpdir, threads=threads, examples=False)
        # The search releases the GIL in C++: it runs on a thread of its own beside this one's passes.
        self._pool = ThreadPoolExecutor(max_workers=1) if threads > 1 else None
        self._pending: list = []
        self.max_ply = max_ply

    def add(self, rows) -> None:
        """One :class:`mothello_data.dataset_reader.GameBatch` of rows (all rows, not one per game)."""
        self.rows += len(rows.game_id)
        self.split_rows[rows.split] = self.split_rows.get(rows.split, 0) + len(rows.game_id)
        if "tokens" in rows.table.column_names:  # a moves-only dataset has no tokens to count
            n_tok = arrow_numpy(pc.list_value_length(rows.table.column("tokens")))
            low = min(int(rows.lang.min(initial=0)), 0)  # language -1: a shard without a lang column
            langs = np.asarray(rows.lang, dtype=np.intp) - low
            per_lang = np.bincount(langs, weights=n_tok)  # float64: exact below 2**53 tokens a batch
            for i in np.flatnonzero(np.bincount(langs)):  # the languages with rows here
                self.tokens[int(i) + low] = self.tokens.get(int(i) + low, 0) + int(per_lang[i])
        g = rows.games()
        self.games += len(g.game_id)
        self.lengths += np.bincount(g.length, minlength=self.width + 1)
        args = replay_args(g.moves, g.rule)
        cols = world_ply_columns(g.moves, g.length, ["canonical_hash", "canonical_symmetry", "passes"], self.threads,
                                 hash_plies=self.max_ply, **args)  # one replay (the search needs no exact hash)
        if g.rule is not None and len(self.rules.names) > 1:  # a position pairs only with games of its rule
            key = mix64(g.rule.astype(np.uint64) + np.uint64(_RULE_HASH_KEY))[:, None]
            hashes = cols["canonical_hash"]
            cols["canonical_hash"] = np.where(hashes != 0, hashes ^ key, hashes)
        # the search runs (in C++, GIL released) while this thread does the rest of the batch
        self._search(lambda: self.finder.add(g.game_id, g.moves, g.length, cols), wait=False)
        self._labels(rows.table)
        passes = passes_per_game(g.moves, g.length, cols=cols)
        self.passes += np.bincount(passes, minlength=self.width)[: self.width]
        self._ends(g, passes, args)
        canon = canonical_rows(g.moves)
        self.repeats["exact"].add(game_hashes(g.moves))
        self.repeats["symmetric"].add(game_hashes(canon))
        self.openings[False].add(_opening_words(g.moves))
        self.openings[True].add(_opening_words(canon))  # a canonical row's first k moves: the canonical k-opening

    def _ends(self, g, passes: np.ndarray, args: dict) -> None:
        """Early ends (over before 60 placements) and, for rule variants, per-rule counts: games,
        written moves, placements, games with a pass, early ends, games cut by ``--max-plies``."""
        placements = g.length.astype(np.int64) - (passes if args.get("pass_token") else 0)  # written passes
        cut = np.zeros(len(g.length), bool)
        if self.rules.may_cut:  # a game as long as the cut may have ended there: ask the replay
            long = np.flatnonzero(g.length == self.rules.max_plies)
            if len(long):
                picked = {k: (v[long] if isinstance(v, np.ndarray) else v) for k, v in args.items()}
                cut[long] = ~replay(g.moves[long], g.length[long], labels=False, threads=self.threads, **picked).ended
        early = (placements < MAX_PLIES) & ~cut
        self.early += int(early.sum())
        if not self.per_rule:
            return
        index = np.zeros(len(g.length), np.int64) if g.rule is None else g.rule
        for i, name in enumerate(self.rules.names):
            mine = index == engine_rule_id(name) if g.rule is not None else np.ones(len(index), bool)
            self.per_rule[name] += np.array([mine.sum(), g.length[mine].sum(), placements[mine].sum(),
                                             (passes[mine] > 0).sum(), early[mine].sum(), cut[mine].sum()], dtype=np.int64)

    def _search(self, work, wait: bool = True):
        """``work()`` on the search, on its own thread when ``threads`` > 1: the previous call's work
        is finished first; with ``wait=False`` this call's is left running (it ends before the next
        call's starts), else its result is returned."""
        if self._pool is None:
            return work()
        for pending in self._pending:
            pending.result()  # raises the search's errors here
        self._pending = [self._pool.submit(work)]
        if not wait:
            return None
        result, self._pending = self._pending[0].result(), []
        return result

    def close(self) -> None:
        """Stop the threads and remove the temporary files."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)  # waits for a running search
        self.finder.close()

    def _labels(self, table) -> None:
        for name, dtype in (c for cols in KIND_COLUMNS.values() for c in cols):
            if name not in table.column_names:
                continue
            values = arrow_numpy(pc.list_flatten(table.column(name)))  # chunk by chunk, no copy
            values = _popcount(values) if dtype == "uint64" and "hash" not in name else values
            if "hash" in name:
                continue  # hashes are uniform by design: no distribution worth plotting
            hist = np.bincount(values.astype(np.int64), minlength=65)
            self.labels[name] = self.labels.get(name, np.zeros(len(hist), np.int64))
            if len(hist) > len(self.labels[name]):
                hist[: len(self.labels[name])] += self.labels[name]
                self.labels[name] = hist
            else:
                self.labels[name][: len(hist)] += hist

    def finish(self, while_counting: Optional[Callable[[dict], None]] = None) -> dict:
        """The report as plain JSON values (removes the temporary files). ``while_counting``, if given,
        is called with the report while the transpositions are counted (on their threads, when
        ``threads`` > 1), its ``transpositions`` then None (the command draws the other plots then)."""
        def count():
            with self.finder:
                return self.finder.counts(both=True)  # its partitions, `threads` at a time

        self._search(lambda: None)  # the last batch's search is done
        counting = self._pool.submit(count) if self._pool is not None else None  # beside what follows
        dup = {kind: counter.repeats() for kind, counter in self.repeats.items()}
        diversity = {f"{k}": {"as_played": self.openings[False].distinct(k), "up_to_symmetry": self.openings[True].distinct(k)}
                     for k in OPENING_PLIES} if self.games else {}
        top = self.openings[False].most_common(TOP_OPENING_PLIES, 20)
        top_named = [{"opening": " ".join(square_name(key >> (8 * i) & 255) for i in range(TOP_OPENING_PLIES)
                                          if key >> (8 * i) & 255 != PAD_SQUARE), "games": c} for key, c in top]
        report = self._report(dup, diversity, top_named)
        if while_counting is not None:
            while_counting(report)
        tps = {}
        for canonical, (per_ply, pairs) in (counting.result() if counting is not None else count()).items():
            tps["up_to_symmetry" if canonical else "exact"] = {
                "positions": int(per_ply.sum()), "game_pairs": pairs, "positions_per_ply": per_ply.tolist()}
        report["transpositions"] = dict(tps, max_ply=self.max_ply)
        return report

    def _report(self, dup: dict, diversity: dict, top_named: list) -> dict:
        games = max(self.games, 1)
        return {
            "rows": self.rows, "games": self.games, "rows_per_split": self.split_rows,
            "length_histogram": self.lengths.tolist(), "mean_length": float(self.lengths @ np.arange(self.width + 1) / games),
            "pass_share": float(self.passes[1:].sum() / games), "passes_histogram": self.passes.tolist(),
            "early_end_share": float(self.early / games),
            **({"rules": self.rules.to_json(), "per_rule": {
                name: {"games": int(c[0]), "mean_length": float(c[1] / max(c[0], 1)), "mean_placements": float(c[2] / max(c[0], 1)),
                       "pass_share": float(c[3] / max(c[0], 1)), "early_end_share": float(c[4] / max(c[0], 1)),
                       "cut_share": float(c[5] / max(c[0], 1))} for name, c in self.per_rule.items()}} if self.per_rule else {}),
            "opening_diversity": diversity, "top_openings": top_named,
            "duplicate_games": dup,
            "transpositions": None,  # filled in by finish() once counted
            "tokens_per_language": {str(k): v for k, v in sorted(self.tokens.items())},
            "label_distributions": {k: v.tolist() for k, v in self.labels.items()},
        }


def collect(source: str, max_ply: int = 32, threads: int = 1, progress: bool = True,
            while_counting: Optional[Callable[[dict], None]] = None) -> dict:
    """The report of the dataset ``source``, from one pass over its shards (tqdm bar on stderr);
    ``while_counting``: as :meth:`StatsCollector.finish`'s."""
    n_rows = count_rows(source)
    columns = ["tokens"] + [name for cols in KIND_COLUMNS.values() for name, _ in cols]
    collector = StatsCollector(max_ply, threads, rules=_rules_of(source))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=n_rows, unit=" rows", unit_scale=True, file=sys.stderr, desc="stats")
    try:
        for rows in prefetched(iter_games(source, columns=_present(source, columns), one_row_per_game=False)):
            collector.add(rows)
            if bar:
                bar.update(len(rows.game_id))
        return collector.finish(while_counting)
    finally:
        if bar:
            bar.close()
        collector.close()


def _rules_of(source: str) -> RuleSet:
    """The rules a dataset was played under (its manifest's ``config.rules``; classic without one,
    unless its shards have a ``rule`` column: then the manifest is needed)."""
    files = find_shard_files(source)
    path = find_sidecar(files, "manifest.json")
    if path is not None:
        return RuleSet.from_json(read_manifest(path).get("config", {}).get("rules"))
    if files and "rule" in open_shard(files[0]).schema_arrow.names:
        raise LoaderError(f"{source}: a dataset with rule variants needs its manifest.json (its rules and cut)")
    return CLASSIC_RULES


def _present(source: str, columns: list) -> list:
    files = find_shard_files(source)
    names = set(open_shard(files[0]).schema_arrow.names) if files else set()
    return [c for c in columns if c in names]


def summary(report: dict) -> str:
    """A few lines for the terminal."""
    tp, dup = report["transpositions"], report["duplicate_games"]
    div = report["opening_diversity"].get(str(TOP_OPENING_PLIES), {})
    return "\n".join([
        f"{report['games']:,} games in {report['rows']:,} rows; mean length {report['mean_length']:.3f} moves",
        f"games with a pass: {report['pass_share']:.2%}; ending before 60 moves: {report['early_end_share']:.2%}",
        f"{TOP_OPENING_PLIES}-move openings: {div.get('as_played', 0):,} as played, {div.get('up_to_symmetry', 0):,} up to symmetry",
        f"duplicate games: {dup['exact']:,} exact, {dup['symmetric']:,} up to symmetry",
        f"transpositions (plies <= {tp['max_ply']}): {tp['exact']['positions']:,} positions / {tp['exact']['game_pairs']:,} game pairs; "
        f"up to symmetry {tp['up_to_symmetry']['positions']:,} / {tp['up_to_symmetry']['game_pairs']:,}",
        *(f"{name}: {r['games']:,} games, mean {r['mean_placements']:.2f} placements ({r['mean_length']:.2f} written moves), "
          f"with a pass {r['pass_share']:.2%}, early end {r['early_end_share']:.2%}, cut {r['cut_share']:.2%}"
          for name, r in report.get("per_rule", {}).items()),
    ])


def link_card(dataset: str, out: str, plots: list) -> None:
    """Add (or replace) the card's ``## Statistics`` section linking the plots and stats.json."""
    card = os.path.join(dataset, "README.md")
    if not os.path.exists(card):
        return
    text = open(card, encoding="utf-8").read()
    text = text.split("\n" + CARD_MARK)[0].rstrip("\n")
    rel = os.path.relpath(out, dataset)
    lines = ["", CARD_MARK, "## Statistics", f"Written by `mothello-gen stats` ([`{rel}/stats.json`]({rel}/stats.json)).", ""]
    lines += [f"![{name}]({rel}/{name})" for name in plots]
    write_atomic(card, text + "\n" + "\n".join(lines) + "\n")


def main(argv=None) -> int:
    """``mothello-gen stats DIR``; returns the exit status (0 written, 1 unreadable data, 2 bad arguments)."""
    from .arguments import OneLineParser
    from .engine import default_threads

    p = OneLineParser(prog="mothello-gen stats", description="Read a dataset once and write stats.json and PNG plots "
                      "(lengths, passes, openings, duplicates, transpositions, tokens per language, label distributions);\n"
                      "the dataset card links them.", formatter_class=argparse.RawDescriptionHelpFormatter,
                      epilog="example:\n  mothello-gen stats data/        # writes data/stats/stats.json and data/stats/*.png")
    p.add_argument("dir", help="dataset folder written by mothello-gen")
    p.add_argument("--out", metavar="DIR", help="where stats.json and the plots go (default DIR/stats)")
    p.add_argument("--max-ply", type=int, default=32, help="transpositions are searched up to this ply (1..60, default %(default)s)")
    p.add_argument("--threads", type=int, default=min(default_threads(), 1024),
                   help="threads: the replay, the transposition search beside the other passes, and its count "
                   "(default: all cores, %(default)s here)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    args = p.parse_args(argv)
    if not 1 <= args.max_ply <= MAX_PLIES:
        p.error(f"--max-ply must be in 1..{MAX_PLIES}, got {args.max_ply}")
    if not 1 <= args.threads <= 1024:
        p.error(f"--threads must be in 1..1024, got {args.threads}")
    if not os.path.isdir(args.dir):
        p.error(f"{args.dir}: no such dataset folder")
    out = args.out or os.path.join(args.dir, "stats")
    start = time.perf_counter()
    from .stats_plots import PLOTS, TRANSPOSITION_PLOTS, write_plots

    gc.freeze()  # the modules imported so far: never scanned by the collector
    drawn: list = []

    def draw(report: dict) -> None:  # while the transpositions are counted (C++, no GIL): the other plots
        if report["games"]:
            os.makedirs(out, exist_ok=True)
            drawn.extend(write_plots(report, out, [n for n in PLOTS if n not in TRANSPOSITION_PLOTS]))

    try:
        report = collect(args.dir, args.max_ply, args.threads, progress=not args.quiet, while_counting=draw)
        if not report["games"]:
            raise LoaderError(f"{args.dir}: no games to report on")
        drawn.extend(write_plots(report, out, TRANSPOSITION_PLOTS))
        plots = [n for n in PLOTS if n in drawn]
        write_atomic(os.path.join(out, "stats.json"), json.dumps(report, indent=1))
        link_card(args.dir, out, plots)
    except (LoaderError, OSError, ValueError) as exc:
        print(f"mothello-gen stats: error: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(summary(report))
        print(f"wrote {out}/stats.json and {len(plots)} plots in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0
