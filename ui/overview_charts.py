"""Plotly figures of the overview pages: needs vs projects per theme, and who is involved
(actors linked to themes), as pure functions of plain tables."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ui.charts import short, theme_colors

NEED_COLOR, PROJECT_COLOR = "#d6604d", "#4393c3"
ACTOR_COLORS = {"organisation": "#6a3d9a", "place": "#33a02c"}


def needs_figure(rows: pd.DataFrame, labels: dict[str, str], separators: str = ".,") -> go.Figure:
    """Per theme, the workshops' share next to the project descriptions' share, each with
    its 95 % interval, in percent. ``rows`` columns: theme_name, need_share, need_low,
    need_high, project_share, project_low, project_high (most raised-not-covered first)."""
    rows = rows.iloc[::-1]  # Plotly draws the first bar at the bottom
    names = [short(str(n), 40) for n in rows["theme_name"]]
    figure = go.Figure()
    for prefix, color, label in (
        ("need", NEED_COLOR, labels["workshops"]),
        ("project", PROJECT_COLOR, labels["projects"]),
    ):
        share = rows[f"{prefix}_share"] * 100
        figure.add_trace(
            go.Bar(
                x=share,
                y=names,
                orientation="h",
                name=label,
                marker={"color": color},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (rows[f"{prefix}_high"] * 100 - share).clip(lower=0),
                    "arrayminus": (share - rows[f"{prefix}_low"] * 100).clip(lower=0),
                    "color": "#444",
                    "thickness": 1.1,
                },
                hovertemplate=f"{html.escape(label)}: %{{x:.1f}} %<extra>%{{y}}</extra>",
            )
        )
    figure.update_layout(
        barmode="group",
        separators=separators,
        height=max(280, 80 + 46 * len(rows)),
        margin={"l": 10, "r": 20, "t": 30, "b": 30},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
        xaxis={"ticksuffix": " %", "title": {"text": labels["share"]}, "rangemode": "tozero"},
    )
    return figure


def _column(count: int) -> list[float]:
    """``count`` positions spread from top (1) to bottom (0)."""
    if count == 1:
        return [0.5]
    return [1 - i / (count - 1) for i in range(count)]


def _link_traces(
    actors: list[dict[str, Any]],
    actor_y: dict[str, float],
    theme_y: dict[int, float],
    colors: dict[int, str],
) -> list[go.Scatter]:
    """A line from each actor to each theme it is named with, as thick as the notes."""
    widest = max((t["notes"] for a in actors for t in a["themes"]), default=1)
    return [
        go.Scatter(
            x=[0, 1],
            y=[actor_y[actor["name"]], theme_y[theme["theme_id"]]],
            mode="lines",
            line={"color": colors[theme["theme_id"]], "width": 1 + 7 * theme["notes"] / widest},
            opacity=0.55,
            hoverinfo="text",
            text=f"{html.escape(actor['name'])} – {html.escape(theme['theme_name'])}: "
            f"{theme['notes']}",
            showlegend=False,
        )
        for actor in actors
        for theme in actor["themes"]
    ]


def actor_network_figure(
    actors: list[dict[str, Any]],
    labels: dict[str, str],
    colors: dict[int, str] | None = None,
    height: int | None = None,
) -> go.Figure:
    """A bipartite chart: actors on the left, the themes they are named with on the right,
    a line per link as thick as the notes behind it. ``actors`` as GET /actors lists them
    (name, kind, notes, themes: [{theme_id, theme_name, notes}]); ``colors`` (theme id ->
    colour) are the map's."""
    theme_names: dict[int, str] = {}
    theme_notes: dict[int, int] = {}
    for actor in actors:
        for theme in actor["themes"]:
            theme_names[theme["theme_id"]] = theme["theme_name"]
            theme_notes[theme["theme_id"]] = theme_notes.get(theme["theme_id"], 0) + theme["notes"]
    themes = sorted(theme_names, key=lambda k: -theme_notes[k])
    actor_y = dict(zip([a["name"] for a in actors], _column(len(actors)), strict=True))
    theme_y = dict(zip(themes, _column(len(themes)), strict=True)) if themes else {}
    colors = {**theme_colors(themes), **(colors or {})}
    figure = go.Figure(_link_traces(actors, actor_y, theme_y, colors))
    for kind, color in ACTOR_COLORS.items():
        mine = [a for a in actors if a["kind"] == kind]
        if mine:
            figure.add_trace(
                go.Scatter(
                    x=[0] * len(mine),
                    y=[actor_y[a["name"]] for a in mine],
                    mode="markers+text",
                    name=labels[f"actor_{kind}"],
                    marker={"size": [8 + 2 * min(a["notes"], 10) for a in mine], "color": color},
                    text=[html.escape(a["name"]) for a in mine],
                    textposition="middle left",
                    hovertemplate="%{text}: %{customdata}<extra></extra>",
                    customdata=[a["notes"] for a in mine],
                )
            )
    figure.add_trace(
        go.Scatter(
            x=[1] * len(themes),
            y=[theme_y[k] for k in themes],
            mode="markers+text",
            name=labels["themes"],
            marker={"size": 12, "symbol": "square", "color": [colors[k] for k in themes]},
            text=[html.escape(short(theme_names[k], 36)) for k in themes],
            textposition="middle right",
            hoverinfo="text",
        )
    )
    figure.update_layout(
        height=height or max(360, 60 + 26 * max(len(actors), len(themes))),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
        xaxis={"visible": False, "range": [-0.9, 1.9]},
        yaxis={"visible": False, "range": [-0.05, 1.05]},
    )
    return figure
