"""Where a theme's name goes on the map: on its densest part, not at the mean of its notes.

A merged theme whose notes lie in two clusters has its mean in the empty space between
them; a label there names nothing. Each theme's notes are binned on a grid over the
whole map, the bin counts are smoothed over the 3 x 3 neighbourhood, and the label sits
at the mean of the notes in and around the densest bin. Pure numpy, O(notes).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.models import Assignment, Document, Note, Theme
from service.theming.current import current_run

__all__ = ["GRID", "label_positions", "map_view"]

GRID = 24  # bins per axis: a cluster spans several bins at any map size


def _bins(values: np.ndarray, low: float, high: float) -> np.ndarray:
    span = (high - low) or 1.0
    return np.clip(((values - low) / span * GRID).astype(int), 0, GRID - 1)


def label_positions(
    x: np.ndarray, y: np.ndarray, themes: np.ndarray
) -> dict[int, tuple[float, float]]:
    """Theme key -> (x, y) for its label; ``x``, ``y``, ``themes`` have shape (n,), themes
    negative for unassigned notes (which get no label)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    themes = np.asarray(themes)
    if x.size == 0:
        return {}
    bx = _bins(x, float(x.min()), float(x.max()))
    by = _bins(y, float(y.min()), float(y.max()))
    positions: dict[int, tuple[float, float]] = {}
    for key in np.unique(themes[themes >= 0]):
        mine = themes == key
        grid = np.zeros((GRID + 2, GRID + 2))
        np.add.at(grid, (bx[mine] + 1, by[mine] + 1), 1.0)
        smooth = sum(
            grid[1 + dx : GRID + 1 + dx, 1 + dy : GRID + 1 + dy]
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
        )
        assert isinstance(smooth, np.ndarray)
        peak = np.argwhere(smooth == smooth.max())
        # Ties (a theme spread evenly): the peak bin nearest the theme's own centre.
        centre = np.array([bx[mine].mean(), by[mine].mean()])
        i, j = peak[np.argmin(((peak - centre) ** 2).sum(axis=1))]
        near = mine & (np.abs(bx - i) <= 1) & (np.abs(by - j) <= 1)
        positions[int(key)] = (float(x[near].mean()), float(y[near].mean()))
    return positions


def _index(values: list[str | None]) -> tuple[list[str], list[int]]:
    """Dictionary encoding: the distinct values (sorted) and each value's index (-1: None)."""
    distinct = sorted({v for v in values if v is not None})
    position = {v: i for i, v in enumerate(distinct)}
    return distinct, [position[v] if v is not None else -1 for v in values]


def _map_rows(session: Session, run_id: int) -> list[tuple[Any, ...]]:
    """The run's notes as ten columns: id, x, y, theme key, text, group, region, file
    name, kind, date (one tuple each, in note order)."""
    rows = session.execute(
        select(
            Note.id,
            Assignment.x,
            Assignment.y,
            Assignment.theme_key,
            Note.text,
            Note.group,
            Document.region,
            Document.filename,
            Document.kind,
            Document.date,
        )
        .select_from(Assignment)
        .join(Note, Note.id == Assignment.note_id)
        .join(Document, Document.id == Note.document_id)
        .where(Assignment.run_id == run_id)
        .order_by(Note.id)
    ).all()
    return list(zip(*rows, strict=True)) if rows else [()] * 10


def map_view(session: Session, project_id: int) -> dict[str, Any]:
    """What the map page draws, and nothing more, in columns: per note its id, position,
    theme (-1: unassigned), text and indexes into the lists of regions, documents, kinds
    and groups (-1: none); per theme its name, size and where its label goes
    (``label_positions``). A 5,000-note map is about half the JSON of GET /map."""
    run = current_run(session, project_id)
    ids, xs, ys, keys, texts, groups, regions, files, kinds, dates = _map_rows(session, run.id)
    theme = np.array([k if k is not None else -1 for k in keys], dtype=int)
    x = np.round(np.asarray(xs, dtype=float), 4)
    y = np.round(np.asarray(ys, dtype=float), 4)
    labels = label_positions(x, y, theme)
    sizes = Counter(int(k) for k in theme if k >= 0)
    themes = session.execute(
        select(Theme.key, Theme.name).where(Theme.run_id == run.id).order_by(Theme.key)
    ).all()
    lists, encoded = {}, {}
    for name, values in (
        ("region", regions),
        ("document", files),
        ("kind", kinds),
        ("group", groups),
    ):
        lists[name], encoded[name] = _index(list(values))
    return {
        "run_id": run.id,
        "themes": [
            {
                "id": key,
                "name": name,
                "size": sizes[key],
                "label_x": labels[key][0] if key in labels else None,
                "label_y": labels[key][1] if key in labels else None,
            }
            for key, name in themes
        ],
        "regions": lists["region"],
        "documents": lists["document"],
        "kinds": lists["kind"],
        "groups": lists["group"],
        "notes": {
            "id": list(ids),
            "x": x.tolist(),
            "y": y.tolist(),
            "theme": theme.tolist(),
            "text": list(texts),
            **encoded,
            "date": [d.isoformat() if d else None for d in dates],
        },
    }
