"""Plotly figures of the pages, as pure functions of plain tables (pandas DataFrames).

Kept apart from the pages so they can be built and checked without a browser.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

UNASSIGNED_COLOR = "#b8b8b8"
# 74 distinct colours before one repeats; themes keep their colour across reruns and edits.
PALETTE = qualitative.Dark24 + qualitative.Alphabet + qualitative.Light24
HOVER_CHARS = 280
# Names of more themes than this crowd the map; the rest are named on hover.
MAX_MAP_LABELS = 30


def theme_colors(theme_ids: list[int]) -> dict[int, str]:
    return {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(sorted(set(theme_ids)))}


def chart_config(filename: str, scroll_zoom: bool = False) -> dict[str, Any]:
    """Plotly modebar settings: the camera button saves a PNG under a useful name."""
    return {
        "displaylogo": False,
        "scrollZoom": scroll_zoom,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }


def plain(text: object) -> str:
    """User text for a Plotly label, legend, tick or hover: Plotly reads ``<a href>``,
    ``<b>`` and other tags in every text, so ``<`` and ``&`` are escaped."""
    return html.escape(str(text), quote=False)


def hover_text(text: str, width: int = 70) -> str:
    """Note text for a hover box: shortened, wrapped and HTML-escaped (Plotly renders tags).

    A plain greedy wrap: ``textwrap`` takes most of a second over 5,000 notes."""
    short = text if len(text) <= HOVER_CHARS else text[: HOVER_CHARS - 1] + "…"
    lines: list[str] = []
    line = ""
    for word in short.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>".join(html.escape(part) for part in lines)


def _axis_range(values: pd.Series) -> list[float]:
    low, high = float(values.min()), float(values.max())
    pad = (high - low) * 0.1 or 1.0  # room for the names of themes at the edge
    return [low - pad, high + pad]


# Up to this many notes the map is drawn as SVG: a browser draws 5,000 SVG points in about
# half the time WebGL needs to start (0.46-0.54 s vs 1.1-1.2 s in headless Chromium, the
# same figure; bench: evaluation/bench/map_view.py), and panning stays smooth. Above it,
# WebGL keeps tens of thousands of points responsive.
SVG_MAX_NOTES = 10_000
# Each trace says what it holds (Plotly's ``meta``), so code that reads the figure (tests,
# a browser) tells notes from theme markers without relying on the trace type.
NOTES_TRACE = "notes"
LABELS_TRACE = "theme-labels"


def _note_trace(
    part: pd.DataFrame,
    name: str,
    color: str,
    size: int,
    theme: str = "",
    webgl: bool = False,
    **marker: Any,
) -> go.Scatter | go.Scattergl:
    """One trace of notes. customdata per point: [note id, hover text, "region · document
    · group"] (+ theme name when ``theme`` is empty); a trace of one theme writes the
    theme's name once into its template, not once per point."""
    hover = (
        f"<b>{html.escape(theme)}</b><br>" if theme else "<b>%{customdata[3]}</b><br>"
    ) + "%{customdata[1]}<br><i>%{customdata[2]}</i><extra></extra>"
    columns = ["id", "hover", "where"] + ([] if theme else ["theme_label"])
    # Plain numpy arrays: Plotly validates pandas objects through narwhals, ~20x slower.
    trace = go.Scattergl if webgl else go.Scatter
    return trace(
        x=part["x"].to_numpy(),
        y=part["y"].to_numpy(),
        mode="markers",
        name=name,
        marker={"color": color, "size": size, **marker},
        customdata=part[columns].to_numpy(),
        hovertemplate=hover,
        meta=NOTES_TRACE,
    )


def _with_hover(shown: pd.DataFrame, unassigned: str) -> pd.DataFrame:
    """The notes with their hover text, theme name and escaped 'region · document · group'."""
    if "hover" not in shown:  # the page builds it once per map and caches it
        shown = shown.assign(hover=shown["text"].map(hover_text))
    return shown.assign(
        theme_name=shown["theme_name"].fillna(unassigned),
        theme_label=shown["theme_name"].fillna(unassigned).map(plain),
        where=[
            html.escape(" · ".join((str(r), str(d), g if isinstance(g, str) and g else "–")))
            for r, d, g in zip(shown["region"], shown["document"], shown["group"], strict=True)
        ],
    )


def empty_map(height: int = 640) -> go.Figure:
    """The theme map's frame without notes: the same size and white plot area, no axes,
    shown while the notes load."""
    figure = go.Figure()
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        plot_bgcolor="white",
        xaxis={"visible": False},
        yaxis={"visible": False},
    )
    return figure


def note_map_figure(
    notes: pd.DataFrame,
    visible: pd.Series,
    matches: pd.Series | None,
    labels: dict[str, str],
    height: int = 640,
    label_at: dict[int, tuple[float, float]] | None = None,
) -> go.Figure:
    """The theme map: one trace per theme (SVG up to ``SVG_MAX_NOTES`` notes, WebGL
    above), unassigned notes grey underneath.

    ``notes`` has one row per note with columns id, x, y, theme (-1 = unassigned),
    theme_name, text, region, document, group; ``visible`` and ``matches`` are boolean
    masks over its rows (filters; text search hits, drawn ringed on top). Axis ranges
    come from all notes so filtering does not move the map. ``customdata[0]`` of every
    point is the note id, which is what a selection reports back. ``label_at`` (theme id
    -> x, y) puts a theme's name on its densest part (the service computes it); without
    it a name sits at the mean of the theme's notes.
    """
    figure = go.Figure()
    shown = _with_hover(notes[visible], labels["unassigned"])
    colors = theme_colors([int(k) for k in notes["theme"] if k >= 0])
    # Few notes: larger dots; thousands: smaller, so the clusters do not merge into blots.
    dot = 9 if len(notes) < 500 else 6 if len(notes) < 3000 else 4
    dim = 0.25 if matches is not None else 0.8
    webgl = len(notes) > SVG_MAX_NOTES
    unassigned = shown[shown["theme"] < 0]
    name = f"{labels['unassigned']} ({len(unassigned)})"
    figure.add_trace(
        _note_trace(
            unassigned, name, UNASSIGNED_COLOR, dot, labels["unassigned"], webgl, opacity=dim
        )
    )
    by_theme = dict(tuple(shown[shown["theme"] >= 0].groupby("theme", sort=False)))
    for key in sorted(by_theme, key=lambda k: (-len(by_theme[k]), k)):  # largest first
        part = by_theme[key]
        theme = str(part["theme_name"].iloc[0])
        name = f"{plain(theme)} ({len(part)})"
        figure.add_trace(_note_trace(part, name, colors[int(key)], dot, theme, webgl, opacity=dim))
    if matches is not None:
        hits = shown[matches[visible]]
        ring = {"color": "#222", "width": 1.5}
        figure.add_trace(
            _note_trace(
                hits, labels["matches"], "#ffd400", dot + 5, webgl=webgl, opacity=1.0, line=ring
            )
        )
    _add_theme_labels(figure, notes, colors, label_at)
    _map_layout(figure, notes, labels, height)
    return figure


def _map_layout(
    figure: go.Figure, notes: pd.DataFrame, labels: dict[str, str], height: int
) -> None:
    """Give the map its frame: size, panning, legend title, axes hidden and fixed to all notes."""
    figure.update_layout(
        # The top margin keeps the legend's title clear of Plotly's toolbar.
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        # Streamlit lets a click select only while dragging pans (or zooms); the lasso and
        # box are a click away in the toolbar.
        dragmode="pan",
        hovermode="closest",
        plot_bgcolor="white",
        legend={
            "title": {"text": labels["legend"]},
            "itemsizing": "constant",
            "font": {"size": 11},
        },
        xaxis={"visible": False, "range": _axis_range(notes["x"])},
        yaxis={"visible": False, "range": _axis_range(notes["y"])},
    )


def _add_theme_labels(
    figure: go.Figure,
    notes: pd.DataFrame,
    colors: dict[int, str],
    label_at: dict[int, tuple[float, float]] | None = None,
) -> None:
    """A clickable marker and a readable name on each theme: on its densest part where
    ``label_at`` says, else at the mean of its notes."""
    assigned = notes[notes["theme"] >= 0]
    if assigned.empty:
        return
    centres = assigned.groupby("theme").agg(
        x=("x", "mean"), y=("y", "mean"), name=("theme_name", "first"), size=("id", "size")
    )
    for key, (x, y) in (label_at or {}).items():
        if key in centres.index:
            centres.loc[key, ["x", "y"]] = (x, y)
    figure.add_trace(
        go.Scatter(
            x=centres["x"],
            y=centres["y"],
            mode="markers",
            name="⊕",
            marker={
                "symbol": "diamond",
                "size": 12,
                "color": [colors[int(k)] for k in centres.index],
                "line": {"color": "white", "width": 1.5},
            },
            customdata=[
                [f"theme:{int(k)}", plain(name), size]
                for k, name, size in zip(
                    centres.index, centres["name"], centres["size"], strict=True
                )
            ],
            hovertemplate="<b>%{customdata[1]}</b> (%{customdata[2]})<extra></extra>",
            showlegend=False,
            meta=LABELS_TRACE,
        )
    )
    # All at once: add_annotation one by one re-validates the growing list each time.
    figure.update_layout(
        annotations=[
            {
                "x": row["x"],
                "y": row["y"],
                "text": f"<b>{plain(row['name'])}</b>",
                "showarrow": False,
                "yshift": 16,
                "font": {"size": 12, "color": "#1a1a1a"},
                "bgcolor": "rgba(255,255,255,0.75)",
                "bordercolor": colors[int(key)],
                "borderwidth": 1,
                "borderpad": 2,
                "xanchor": anchor,
            }
            for key, row, anchor in placed_labels(centres, notes)
        ]
    )


def placed_labels(centres: pd.DataFrame, notes: pd.DataFrame) -> list[tuple[int, pd.Series, str]]:
    """Theme names that fit: largest theme first, a name is left out (it stays on hover
    and in the legend) where it would cover one already placed. Names near the left or
    right edge grow inwards so they are not cut off.

    ``centres`` has one row per theme (x, y, name, size); ``notes`` gives the map's extent.
    Sizes are estimated in fractions of the plot: ~0.008 per character, 0.05 high.
    """
    x_low, x_high = _axis_range(notes["x"])
    y_low, y_high = _axis_range(notes["y"])
    boxes: list[tuple[float, float, float, float]] = []
    placed = []
    for key, row in centres.sort_values("size", ascending=False).iterrows():
        u = (row["x"] - x_low) / ((x_high - x_low) or 1.0)
        v = (row["y"] - y_low) / ((y_high - y_low) or 1.0) + 0.03
        width = 0.008 * len(str(row["name"])) + 0.01
        anchor = "left" if u < width / 2 else "right" if u > 1 - width / 2 else "center"
        left = u if anchor == "left" else u - width if anchor == "right" else u - width / 2
        box = (left, left + width, v - 0.025, v + 0.025)
        if any(box[0] < b[1] and b[0] < box[1] and box[2] < b[3] and b[2] < box[3] for b in boxes):
            continue
        boxes.append(box)
        placed.append((int(key), row, anchor))
        if len(placed) == MAX_MAP_LABELS:
            break
    return placed


def short(name: str, width: int = 32) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def flatten_tree(node: dict[str, Any]) -> dict[str, Any]:
    """Hoist the children of a child named like its parent: a binary merge tree names many
    levels alike, and a reader sees one group, not seven nested copies of it."""
    children: list[dict[str, Any]] = []
    for child in node.get("children") or []:
        flat = flatten_tree(child)
        if flat.get("children") and flat.get("name") == node.get("name"):
            children.extend(flat["children"])
        else:
            children.append(flat)
    return {**node, "children": children} if children else dict(node)


def tree_figure(
    tree: dict[str, Any], names: dict[int, str] | None = None, height: int = 600
) -> go.Figure:
    """The theme tree as a treemap: coarse groups hold their themes, area = notes, each
    theme in its map colour; a click zooms into a group. ``tree`` is ``{"name", "size",
    "children": [...]}`` with ``"theme": id`` on the leaves; ``names`` (theme id -> name)
    puts current names on the leaves, since the stored tree keeps the names of its run."""
    flat = flatten_tree(tree)
    ids: list[str] = []
    parents: list[str] = []
    labels: list[str] = []
    values: list[int] = []
    keys: list[int | None] = []

    def walk(node: dict[str, Any], node_id: str, parent: str) -> None:
        leaf = "theme" in node and not node.get("children")
        key = int(node["theme"]) if leaf else None
        label = str(node.get("name") or "")
        if key is not None:
            label = f"{(names or {}).get(key, label)} (#{key})"
        ids.append(node_id)
        parents.append(parent)
        labels.append(plain(label))
        values.append(int(node.get("size") or 0))
        keys.append(key)
        for i, child in enumerate(node.get("children") or []):
            walk(child, f"{node_id}/{i}", node_id)

    walk(flat, "0", "")
    colors = theme_colors([k for k in keys if k is not None])
    figure = go.Figure(
        go.Treemap(
            ids=ids,
            parents=parents,
            labels=labels,
            values=values,
            branchvalues="total",
            maxdepth=3,
            textinfo="label+value",
            hovertemplate="%{label}: %{value}<extra></extra>",
            pathbar={"visible": True},
            marker={"colors": [colors[k] if k is not None else "#eceff3" for k in keys]},
        )
    )
    figure.update_layout(height=height, margin={"l": 0, "r": 0, "t": 30, "b": 0})
    return figure
