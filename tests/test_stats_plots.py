"""The stats plots' own helpers (the figures themselves are checked by tests/test_stats.py)."""

import pytest

from mothello_data import stats_plots


@pytest.mark.parametrize("value, text", [(0, "0"), (1, "1"), (10, "10"), (999, "999"), (1000, "1k"), (1500, "1.5k"),
                                         (20_000, "20k"), (1e6, "1M"), (2.5e6, "2.5M"), (1e9, "1G"), (0.5, "0.5")])
def test_compact_tick_labels_are_plain_text(value, text):
    assert stats_plots._compact(value) == text


def test_write_plots_draws_the_figures_asked_for(tmp_path):
    """All figures by default; with ``names`` only those (the command draws all but the
    transposition figure while the transpositions are counted, then that one)."""
    pytest.importorskip("matplotlib")
    report = {"length_histogram": [0] * 59 + [3], "mean_length": 59.0, "pass_share": 0.3, "early_end_share": 0.0,
              "opening_diversity": {"1": {"as_played": 1, "up_to_symmetry": 1}}, "top_openings": [{"opening": "f5", "games": 3}],
              "duplicate_games": {"exact": 0, "symmetric": 0},
              "transpositions": {"max_ply": 32, **{k: {"positions": 1, "positions_per_ply": [0, 0, 0, 1]}
                                                    for k in ("exact", "up_to_symmetry")}},
              "tokens_per_language": {"0": 180}, "label_distributions": {}}
    assert stats_plots.write_plots(report, str(tmp_path)) == ["lengths.png", "openings.png", "repeats.png", "tokens.png"]
    assert all((tmp_path / name).stat().st_size > 0 for name in ("lengths.png", "openings.png", "repeats.png", "tokens.png"))
    early = [n for n in stats_plots.PLOTS if n not in stats_plots.TRANSPOSITION_PLOTS]
    (tmp_path / "x").mkdir()
    assert stats_plots.write_plots(dict(report, transpositions=None), str(tmp_path / "x"), early) == \
        ["lengths.png", "openings.png", "tokens.png"]
