"""``LEADERBOARD.png``: the headline F1 of every ranked row with its 95% interval."""

from __future__ import annotations

import io
from pathlib import Path

from ..schema import LAYERS
from .model import REGISTERED, SUBMISSION, Board


CHART_WIDTH = 8.0  # inches
CHART_ROW_HEIGHT = 0.32
CHART_PANEL_HEIGHT = 0.9
CHART_DPI = 100
COLOURS = {REGISTERED: "#1f5fa6", SUBMISSION: "#c2410c"}


def render_chart(board: Board) -> bytes:
    """A PNG of the headline F1 of every ranked row with its 95% interval, one panel per layer.

    Deterministic: Agg canvas, fixed width and dpi (height from the number of rows), no metadata.
    """
    buffer = io.BytesIO()
    chart_figure(board).savefig(buffer, format="png", dpi=CHART_DPI, metadata={"Software": None})
    return buffer.getvalue()


def chart_figure(board: Board):
    """The chart's matplotlib ``Figure`` (on an Agg canvas), before it is saved."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    layers = [layer for layer in LAYERS if board.rankings.get(layer)]
    heights = [CHART_PANEL_HEIGHT + CHART_ROW_HEIGHT * len(board.rankings[layer]) for layer in layers] or [1.0]
    figure = Figure(figsize=(CHART_WIDTH, sum(heights) + 0.7), dpi=CHART_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    legend = "; blue: registered, orange: submission" if any(s.source == SUBMISSION for s in board.systems) else ""
    # two lines, each well within the width, so that no legend clips the title
    figure.suptitle(f"frnewsbench: headline F1 with 95% bootstrap interval\n(≈ not separable from the row above{legend})",
                    fontsize=9)
    axes = figure.subplots(max(1, len(layers)), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    for axis, layer in zip(axes, layers):
        rows = board.rankings[layer]
        for y, row in enumerate(rows):
            value, low, high = row.headline.value, row.headline.interval.low, row.headline.interval.high
            if value is None:
                continue
            colour = COLOURS[row.system.source]
            error = None if low is None or high is None else [[max(0.0, value - low)], [max(0.0, high - value)]]
            axis.errorbar([value], [y], xerr=error, fmt="o", color=colour, ecolor=colour, capsize=3, markersize=5)
            axis.annotate(f"{value:.3f}", (high if high is not None else value, y), xytext=(6, 0),
                          textcoords="offset points", va="center", fontsize=8)
        axis.set_yticks(range(len(rows)))
        axis.set_yticklabels([f"{'≈ ' if row.separable is False else ''}{row.rank}. {row.system.name}" for row in rows],
                             fontsize=8)
        axis.set_ylim(len(rows) - 0.5, -0.5)
        axis.set_xlim(0.0, 1.1)
        axis.set_xticks([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
        axis.tick_params(axis="x", labelsize=8)
        axis.grid(axis="x", color="#dddddd", linewidth=0.6)
        axis.set_axisbelow(True)
        axis.set_title(f"{layer}: {rows[0].headline.metric}", fontsize=9, loc="left")
    return figure


def chart_path(output: str | Path) -> Path:
    """The chart beside the board: ``LEADERBOARD.md`` -> ``LEADERBOARD.png``."""
    return Path(output).with_suffix(".png")
