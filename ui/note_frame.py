"""The map's notes as a table, and the filters, search and selection over it.

Pure functions of pandas objects, so the map page stays a thin layer over them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

COLUMNS = [
    "id",
    "x",
    "y",
    "theme",
    "theme_name",
    "text",
    "region",
    "document",
    "group",
    "kind",
    "date",
]


def notes_frame(note_map: dict[str, Any]) -> pd.DataFrame:
    """``GET /projects/{p}/map`` as a table; ``theme`` is -1 for unassigned notes and
    ``date`` a ``datetime.date`` or None."""
    frame = pd.DataFrame(note_map.get("notes", []))
    for column in COLUMNS:
        if column not in frame:
            frame[column] = None
    frame = frame[COLUMNS].copy()
    frame["theme"] = frame["theme"].fillna(-1).astype(int)
    frame["x"] = frame["x"].astype(float)
    frame["y"] = frame["y"].astype(float)
    frame["text"] = frame["text"].fillna("").astype(str)
    frame["date"] = [
        dt.date.fromisoformat(d) if isinstance(d, str) and d else None for d in frame["date"]
    ]
    return frame


@dataclass(frozen=True)
class MapFilters:
    """What the coordinator narrowed the map to; empty means no narrowing."""

    regions: Sequence[str] = ()
    documents: Sequence[str] = ()
    kinds: Sequence[str] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def mask(self, notes: pd.DataFrame) -> pd.Series:
        keep = pd.Series(True, index=notes.index)
        if self.regions:
            keep &= notes["region"].isin(list(self.regions))
        if self.documents:
            keep &= notes["document"].isin(list(self.documents))
        if self.kinds:
            keep &= notes["kind"].isin(list(self.kinds))
        if self.date_from is not None or self.date_to is not None:
            low = self.date_from or dt.date.min
            high = self.date_to or dt.date.max
            # An undated note cannot be said to fall in a date range, so narrowing drops it.
            keep &= notes["date"].map(lambda d: d is not None and low <= d <= high)
        return keep


def search_mask(notes: pd.DataFrame, query: str) -> pd.Series | None:
    """Notes whose text contains every word of the query (case-insensitive); None when
    there is no query, so the map draws no highlight at all."""
    words = [w for w in query.casefold().split() if w]
    if not words:
        return None
    folded = notes["text"].str.casefold()
    hit = pd.Series(True, index=notes.index)
    for word in words:
        hit &= folded.str.contains(word, regex=False)
    return hit


@dataclass(frozen=True)
class MapSelection:
    """What a click or lasso on the map picked: a whole theme or a set of notes."""

    theme: int | None = None
    note_ids: tuple[int, ...] = ()

    @property
    def empty(self) -> bool:
        return self.theme is None and not self.note_ids


def read_selection(selection: dict[str, Any] | None, notes: pd.DataFrame) -> MapSelection:
    """Interpret Streamlit's Plotly selection state.

    A click on a theme's centre marker (``customdata[0] == "theme:<id>"``) or on a
    single note picks the whole theme (that is how a coordinator reads a click); a lasso
    or box picks the notes inside it. Every note point carries its note id in
    ``customdata[0]``; ``notes`` is the table from ``notes_frame``.
    """
    if not selection:
        return MapSelection()
    drawn = bool(selection.get("box") or selection.get("lasso"))
    note_ids: list[int] = []
    for point in selection.get("points") or []:
        data = point.get("customdata")
        first = data[0] if isinstance(data, list | tuple) and data else data
        if isinstance(first, str) and first.startswith("theme:"):
            if not drawn:
                return MapSelection(theme=int(first.split(":", 1)[1]))
            continue
        try:
            note_ids.append(int(first))
        except (TypeError, ValueError):
            continue
    unique = tuple(dict.fromkeys(note_ids))
    if not drawn and len(unique) == 1:
        row = notes[notes["id"] == unique[0]]
        if not row.empty and int(row["theme"].iloc[0]) >= 0:
            return MapSelection(theme=int(row["theme"].iloc[0]))
    return MapSelection(note_ids=unique)
