"""The report's pictures, drawn offline with matplotlib (no browser, no download): the
region x theme heatmap and the theme map, as PNG bytes. Colours are the UI's."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from plotly.colors import qualitative  # noqa: E402

from service.analysis.finnish import format_percent  # noqa: E402
from service.analysis.map_layout import label_positions  # noqa: E402

# The UI's palette (ui/charts.py): a theme has one colour on every page and in the report.
PALETTE = qualitative.Dark24 + qualitative.Alphabet + qualitative.Light24
UNASSIGNED_COLOR = "#b8b8b8"
DPI = 150
MAX_LABELS = 20


def theme_colors(theme_ids: list[int]) -> dict[int, str]:
    return {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(sorted(set(theme_ids)))}


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def heatmap_png(regions: list[str], themes: list[str], shares: np.ndarray, lang: str) -> bytes:
    """``shares`` (regions, themes) in 0..1, drawn as a blue heatmap with percentages."""
    shares = np.asarray(shares, dtype=float).reshape(len(regions), len(themes))
    width = min(16.0, 2.5 + 0.55 * len(themes))
    figure, axes = plt.subplots(figsize=(width, 1.2 + 0.45 * len(regions)))
    axes.imshow(shares, cmap="Blues", vmin=0, vmax=max(float(shares.max()), 0.01), aspect="auto")
    axes.set_xticks(range(len(themes)), [_short(t) for t in themes], rotation=40, ha="right")
    axes.set_yticks(range(len(regions)), regions)
    peak = float(shares.max()) or 1.0
    for i in range(len(regions)):
        for j in range(len(themes)):
            color = "white" if shares[i, j] > 0.6 * peak else "#1a1a1a"
            axes.text(
                j,
                i,
                format_percent(shares[i, j], lang),
                ha="center",
                va="center",
                fontsize=7,
                color=color,
            )
    axes.tick_params(labelsize=8)
    return _png(figure)


def map_png(positions: dict[str, Any], names: dict[int, str]) -> bytes:
    """Every note at its map position in its theme's colour; the largest themes named on
    their densest part (``service.analysis.map_layout``)."""
    x = np.asarray(positions["x"], dtype=float)
    y = np.asarray(positions["y"], dtype=float)
    themes = np.asarray(positions["theme"], dtype=int)
    colors = theme_colors([int(k) for k in themes if k >= 0])
    figure, axes = plt.subplots(figsize=(8.5, 6.0))
    size = 14 if len(x) < 500 else 6 if len(x) < 3000 else 3
    unassigned = themes < 0
    axes.scatter(x[unassigned], y[unassigned], s=size, c=UNASSIGNED_COLOR, alpha=0.6, lw=0)
    for key, color in colors.items():
        mine = themes == key
        axes.scatter(x[mine], y[mine], s=size, c=color, alpha=0.85, lw=0)
    sizes = {key: int((themes == key).sum()) for key in colors}
    largest = sorted(sizes, key=lambda k: -sizes[k])[:MAX_LABELS]
    for key, (lx, ly) in label_positions(x, y, themes).items():
        if key in largest:
            axes.annotate(
                _short(names.get(key, str(key)), 32),
                (lx, ly),
                fontsize=7,
                ha="center",
                va="center",
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colors[key], "alpha": 0.85},
            )
    axes.set_axis_off()
    return _png(figure)
