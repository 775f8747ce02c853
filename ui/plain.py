"""User text (theme names, region names, notes) shown through Streamlit's markdown as the
plain text it is: no bold, links, colours, icons or formulas made from what someone typed."""

from __future__ import annotations

from ui.safe_text import md


def markdown_text(text: str) -> str:
    """``text`` on one line, escaped (``ui.safe_text.md``) so that ``st.markdown`` shows
    it character for character."""
    return md(" ".join(str(text).split()))
