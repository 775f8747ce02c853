"""The map page's data: GET /projects/{p}/map-view (columns, label positions on each
theme's densest part) as the table ``ui.note_frame.notes_frame`` makes, with each note's
hover text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from ui.charts import hover_text
from ui.client import _LONG_TIMEOUT, ApiClient
from ui.note_frame import COLUMNS

READ_TTL_SECONDS = 600

Labels = dict[int, tuple[float, float]]


def _decode(codes: list[int], values: list[str]) -> list[str | None]:
    return [values[i] if i >= 0 else None for i in codes]


def frame_from_view(view: dict[str, Any]) -> tuple[pd.DataFrame, Labels]:
    """The compact map as a notes table (columns of ``notes_frame``) and theme id -> label
    position."""
    notes = view["notes"]
    names = {int(t["id"]): str(t["name"]) for t in view["themes"]}
    frame = pd.DataFrame(
        {
            "id": notes["id"],
            "x": pd.Series(notes["x"], dtype=float),
            "y": pd.Series(notes["y"], dtype=float),
            "theme": pd.Series(notes["theme"], dtype=int),
            "theme_name": [names.get(k) if k >= 0 else None for k in notes["theme"]],
            "text": notes["text"],
            "region": _decode(notes["region"], view["regions"]),
            "document": _decode(notes["document"], view["documents"]),
            "group": _decode(notes["group"], view["groups"]),
            "kind": _decode(notes["kind"], view["kinds"]),
            "date": [dt.date.fromisoformat(d) if d else None for d in notes["date"]],
        },
        columns=COLUMNS,
    )
    labels = {
        int(t["id"]): (float(t["label_x"]), float(t["label_y"]))
        for t in view["themes"]
        if t["label_x"] is not None
    }
    return frame, labels


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False, max_entries=8)
def load(url: str, secret: str | None, project: str, token: str) -> tuple[pd.DataFrame, Labels]:
    """The map's notes (with hover texts made once) and label positions, cached per
    freshness token (a new run or edit changes it)."""
    api = ApiClient(url, secret)
    view = api._json("GET", f"/projects/{project}/map-view", timeout=_LONG_TIMEOUT)
    frame, labels = frame_from_view(dict(view))
    frame["hover"] = frame["text"].map(hover_text)
    return frame, labels
