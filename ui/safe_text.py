"""User text made safe for the places the UI shows or hands it out.

Streamlit renders Markdown (and its own ``:color[...]``, ``:icon:`` and ``$math$``
directives) in ``st.markdown``, ``st.caption``, titles and headers, alert boxes, progress
texts, widget labels, ``help`` tooltips and expander and tab labels. A theme name, note,
file name or user name typed as ``[click](http://x.example)`` or
``![](http://x.example/pixel.png)`` would become a live link there, or a remote image
every viewer's browser fetches. ``md`` escapes it to show exactly as typed. (Tables,
select boxes and multiselects show text as it is and need nothing; Plotly's texts are
HTML-escaped in ``ui.charts``.)

Spreadsheets run text starting with ``=``, ``+``, ``-`` or ``@`` as a formula:
``csv_bytes`` neutralises the CSV downloads the same way the service's exports are.
"""

from __future__ import annotations

import re

import pandas as pd

from shared_rules.spreadsheet import csv_text

# Every ASCII punctuation character: CommonMark lets each be escaped with a backslash,
# which then shows the character itself and ends any markup it would start.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub's autolinks (``http://…``, ``www.…``, ``name@host``) are found in the text after
# escapes are undone, so escaping does not stop them; an invisible WORD JOINER (U+2060)
# inside ``://``, after ``www`` and before ``@`` does.
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)")
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """``text`` for a Markdown-rendering element: every punctuation character escaped and
    addresses defused, so no link, image, emphasis, HTML, directive or autolink can come
    of it. It looks exactly as typed."""
    defused = _AUTOLINK.sub(WORD_JOINER, str(text))
    return _PUNCTUATION.sub(r"\\\1", defused)


def csv_bytes(frame: pd.DataFrame, index: bool = False) -> bytes:
    """A table as CSV for a download button. Notes, theme names and regions are user text:
    one that a spreadsheet would run as a formula gets a leading apostrophe, in the cells,
    the column names and the index alike (``shared_rules.spreadsheet``)."""
    safe = frame.map(csv_text)
    safe.columns = safe.columns.map(csv_text)
    if index:
        safe.index = safe.index.map(csv_text)
    return safe.to_csv(index=index).encode("utf-8")
