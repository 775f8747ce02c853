"""Reading what an AppTest page shows: texts, errors, progress bars, Plotly figures."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import numpy as np
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Progress

from ui.safe_text import WORD_JOINER


def shown(markdown: str) -> str:
    """What a reader sees of Markdown the UI escaped (``ui.safe_text.md``): no backslash
    escapes, no invisible word joiners."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")


def texts(elements: Any) -> list[str]:
    return [shown(str(getattr(element, "value", ""))) for element in elements]


def errors(at: AppTest) -> list[str]:
    return texts(at.error)


def progress_bars(at: AppTest) -> list[Progress]:
    return [bar for bar in at.get("progress") if isinstance(bar, Progress)]


def figure(at: AppTest, index: int = 0) -> dict[str, Any]:
    """The Plotly figure of the page's ``index``-th chart, as Plotly JSON."""
    return dict(json.loads(at.get("plotly_chart")[index].proto.spec))


def points(trace: dict[str, Any]) -> int:
    """Points drawn by a trace (every point carries customdata)."""
    return len(trace.get("customdata") or [])


def numbers(values: Any) -> list[float]:
    """A Plotly JSON number array: a plain list, or ``{"dtype", "bdata"}`` (base64)."""
    if isinstance(values, dict) and "bdata" in values:
        raw = base64.b64decode(values["bdata"])
        return [float(v) for v in np.frombuffer(raw, dtype=np.dtype(values["dtype"]))]
    return [float(v) for v in values]
