"""The PNG plots of ``mothello-gen stats`` (:mod:`mothello_data.stats`), drawn with matplotlib, an
optional dependency (``pip install mothello-data[stats]``): without it only ``stats.json`` is written.

One figure per topic: ``lengths.png`` (game length histogram, pass and early-end shares),
``openings.png`` (distinct openings per depth, as played and up to symmetry; the most frequent
openings), ``repeats.png`` (duplicate games; transposed positions per ply), ``tokens.png`` (tokens
per language) and, for datasets with stored labels, ``labels.png`` (one panel per label column).

Drawing costs more than a small dataset's whole pass, so the figures keep to what is cheap: fixed
margins instead of ``tight_layout`` (which measures every text), titles at a fixed height (else
placed by measuring every tick label), log axes labelled ``1k``, ``1M`` in plain text (matplotlib's
``10^3`` labels go through its mathtext parser) and without minor ticks. All but
:data:`TRANSPOSITION_PLOTS` can be drawn before the transpositions are counted: ``mothello-gen
stats`` imports matplotlib (0.4-0.9 s) and draws them while the count runs in C++ without the GIL
(imported during the pass instead, it took the GIL from the pass's Python steps).
"""

from __future__ import annotations

import gc
import os
from typing import Sequence


def _compact(value: float, _pos=None) -> str:
    """A tick label in plain text: 1, 10, 100, 1k, 10k, 1M, 1G."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


#: The figures, in the order they are drawn and linked; ``labels.png`` only for datasets with labels.
PLOTS = ("lengths.png", "openings.png", "repeats.png", "tokens.png", "labels.png")
#: The figures that read the report's ``transpositions`` (the others can be drawn before it is known).
TRANSPOSITION_PLOTS = ("repeats.png",)


def write_plots(report: dict, out: str, names: Sequence[str] = PLOTS) -> list:
    """Draw the plots of ``report`` among ``names`` (default all of :data:`PLOTS`) into ``out``;
    returns their file names ([] without matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    gc.freeze()  # matplotlib's many module objects: not scanned by each collection while drawing
    from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

    written = []

    def save(fig, name, left=0.08, wspace=0.25):
        fig.subplots_adjust(left=left, right=0.98, bottom=0.15, top=0.9, wspace=wspace, hspace=0.45)
        fig.savefig(os.path.join(out, name), dpi=90)
        plt.close(fig)
        written.append(name)

    def title(ax, text, **kw):
        ax.set_title(text, y=1.0, **kw)  # a fixed place: matplotlib's own measures every tick label

    def log_y(ax):
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(_compact))
        ax.yaxis.set_minor_locator(NullLocator())  # no minor ticks: each is four artists to build and draw

    if "lengths.png" in names:
        fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [3, 1]})
        hist = report["length_histogram"]
        a.bar(range(len(hist)), hist, color="#4C72B0")
        log_y(a)
        a.set_xlabel("moves in the game")
        a.set_ylabel("games")
        title(a, f"game length (mean {report['mean_length']:.2f})")
        b.bar(["with a pass", "ends < 60"], [report["pass_share"], report["early_end_share"]], color=["#DD8452", "#55A868"])
        b.set_ylim(0, 1)
        title(b, "share of games")
        save(fig, "lengths.png")

    if "openings.png" in names:
        fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
        div = report["opening_diversity"]
        ks = [int(k) for k in div]
        a.plot(ks, [div[str(k)]["as_played"] for k in ks], "o-", label="as played")
        a.plot(ks, [div[str(k)]["up_to_symmetry"] for k in ks], "s-", label="up to symmetry")
        log_y(a)
        a.set_xlabel("opening length (moves)")
        a.set_ylabel("distinct openings")
        a.legend()
        title(a, "opening diversity")
        top = report["top_openings"][:12][::-1]
        b.barh([t["opening"] for t in top], [t["games"] for t in top], color="#8172B3")
        title(b, "most frequent openings")
        b.tick_params(axis="y", labelsize=7)
        save(fig, "openings.png", wspace=0.45)

    if "repeats.png" in names:
        fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [1, 3]})
        dup = report["duplicate_games"]
        a.bar(["exact", "up to\nsymmetry"], [dup["exact"], dup["symmetric"]], color="#C44E52")
        a.yaxis.set_major_formatter(FuncFormatter(_compact))
        title(a, "duplicate games")
        tp = report["transpositions"]
        for kind, marker in (("exact", "o-"), ("up_to_symmetry", "s-")):
            per = tp[kind]["positions_per_ply"]
            a_ply = [k for k, v in enumerate(per) if v]
            b.plot(a_ply, [per[k] for k in a_ply], marker, label=f"{kind.replace('_', ' ')}: {tp[kind]['positions']:,} positions")
        log_y(b)
        b.set_xlabel("ply")
        b.xaxis.set_major_locator(MaxNLocator(integer=True))
        b.set_ylabel("positions reached by >= 2 move orders")
        title(b, f"transpositions (plies <= {tp['max_ply']})")
        b.legend(fontsize=8)
        save(fig, "repeats.png")

    if "tokens.png" in names:
        fig, a = plt.subplots(figsize=(6, 3.4))
        tokens = report["tokens_per_language"]
        a.bar([f"L{k}" for k in tokens], list(tokens.values()), color="#64B5CD")
        a.yaxis.set_major_formatter(FuncFormatter(_compact))
        title(a, "tokens per language")
        save(fig, "tokens.png", left=0.1)

    if "labels.png" in names:
        labels = report["label_distributions"]
        if labels:
            cols = min(3, len(labels))
            rows = -(-len(labels) // cols)
            fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3 * rows), squeeze=False)
            for ax, (name, hist) in zip(axes.flat, labels.items()):
                last = max((i for i, v in enumerate(hist) if v), default=0)
                ax.bar(range(last + 1), hist[: last + 1], color="#937860")
                ax.yaxis.set_major_formatter(FuncFormatter(_compact))
                title(ax, f"{name} (bit count)" if name in ("board_black", "board_white", "legal", "flipped") else name, fontsize=9)
            for ax in list(axes.flat)[len(labels):]:
                ax.axis("off")
            save(fig, "labels.png")
    return written
