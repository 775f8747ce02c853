"""Plotly figures of the comparison page: the region x theme heatmap, a region's
distinctive themes and themes over time, as pure functions of plain tables."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ui.charts import plain, short, theme_colors
from ui.compare_frame import period_index, period_start


def heatmap_figure(
    shares: pd.DataFrame, labels: dict[str, str], separators: str = ".,"
) -> go.Figure:
    """Region x theme heatmap; ``shares`` has regions as rows and theme names as columns,
    values in 0..1 (the share of the region's notes in the theme), drawn in percent."""
    figure = go.Figure(
        go.Heatmap(
            z=shares.values * 100,
            x=[plain(short(str(c))) for c in shares.columns],
            y=[plain(r) for r in shares.index],
            customdata=[[plain(c) for c in shares.columns]] * len(shares.index),
            colorscale="Blues",
            zmin=0,
            texttemplate="%{z:.0f} %",
            textfont={"size": 10},
            colorbar={"title": {"text": labels["share"]}, "ticksuffix": " %"},
            hovertemplate=(
                f"{labels['region']}: %{{y}}<br>{labels['theme']}: %{{customdata}}"
                f"<br>{labels['share']}: %{{z:.1f}} %<extra></extra>"
            ),
        )
    )
    figure.update_layout(
        separators=separators,
        height=max(320, 60 + 42 * len(shares.index)),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"tickangle": -40, "side": "bottom"},
        yaxis={"autorange": "reversed"},
    )
    return figure


def distinctive_figure(
    rows: pd.DataFrame, labels: dict[str, str], separators: str = ".,"
) -> go.Figure:
    """One region's most distinctive themes: log-odds with a 95 % interval; z goes in the
    theme's label, where it cannot collide with the interval lines.

    ``rows`` columns: theme_name, log_odds, low, high, z (most distinctive first)."""
    rows = rows.iloc[::-1]  # Plotly draws the first bar at the bottom
    names = [
        f"{plain(short(str(n), 40))}  (z = {f'{z:.1f}'.replace('.', separators[0])})"
        for n, z in zip(rows["theme_name"], rows["z"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=rows["log_odds"],
            y=names,
            orientation="h",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (rows["high"] - rows["log_odds"]).clip(lower=0),
                "arrayminus": (rows["log_odds"] - rows["low"]).clip(lower=0),
                "color": "#444",
                "thickness": 1.2,
            },
            marker={"color": ["#1f77b4" if v >= 0 else "#d62728" for v in rows["log_odds"]]},
            hovertemplate=f"%{{y}}<br>{labels['log_odds']}: %{{x:.2f}}<extra></extra>",
        )
    )
    figure.update_layout(
        separators=separators,
        height=max(240, 60 + 34 * len(rows)),
        margin={"l": 10, "r": 20, "t": 10, "b": 30},
        xaxis={"title": {"text": labels["log_odds"]}, "zeroline": True, "zerolinecolor": "#888"},
    )
    return figure


def _with_gaps(part: pd.DataFrame) -> pd.DataFrame:
    """One theme's periods in order, with an empty point wherever periods are missing, so
    its line stops there instead of joining 2017 to 2022 as if nothing lay between."""
    part = part.assign(index=[period_index(p) for p in part["period"]]).sort_values("index")
    rows: list[dict[str, Any]] = []
    previous: int | None = None
    for row in part.to_dict("records"):
        start = period_start(row["period"]).isoformat()
        if previous is not None and row["index"] - previous > 1:
            rows.append(
                {**row, "start": start, "period": "", "share": None, "low": None, "high": None}
            )
        rows.append({**row, "start": start})
        previous = row["index"]
    return pd.DataFrame(rows)


def timeline_figure(
    shares: pd.DataFrame,
    labels: dict[str, str],
    colors: dict[int, str] | None = None,
    separators: str = ".,",
) -> go.Figure:
    """Theme share per period on a time axis; ``shares`` columns: period (service labels
    such as '2017-Q4'), theme (id), theme_name, share, low, high. ``colors`` (theme id ->
    colour) are the map's, so a theme looks the same on both pages. Lines break where
    periods are missing."""
    figure = go.Figure()
    fallback = theme_colors([int(k) for k in shares["theme"]]) if len(shares) else {}
    order = shares.groupby("theme", sort=False)["share"].sum().sort_values(ascending=False)
    for key in order.index:
        part = _with_gaps(shares[shares["theme"] == key])
        name = str(part["theme_name"].iloc[0])
        color = (colors or {}).get(int(key)) or fallback[int(key)]
        share, low, high = (part[c].astype(float) * 100 for c in ("share", "low", "high"))
        figure.add_trace(
            go.Scatter(
                x=part["start"],
                y=share,
                mode="lines+markers",
                name=plain(short(name)),
                line={"color": color},
                connectgaps=False,
                customdata=part["period"],
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (high - share).clip(lower=0),
                    "arrayminus": (share - low).clip(lower=0),
                    "width": 3,
                },
                hovertemplate=(
                    f"{html.escape(name)}<br>%{{customdata}}: %{{y:.1f}} %<extra></extra>"
                ),
            )
        )
    figure.update_layout(
        height=420,
        separators=separators,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        # Percent units with a spaced sign: d3's "%" format cannot write Finnish "18 %".
        yaxis={"ticksuffix": " %", "title": {"text": labels["share"]}, "rangemode": "tozero"},
        xaxis={"type": "date", "title": {"text": labels["period"]}},
    )
    return figure
