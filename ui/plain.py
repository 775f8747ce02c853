"""User text (theme names, region names, notes) shown through Streamlit's markdown as the
plain text it is: no bold, links, colours, icons or formulas made from what someone typed."""

from __future__ import annotations

import re

# CommonMark lets a backslash escape any ASCII punctuation; these are the ones markdown,
# Streamlit's ':colour[...]' and ':icon:' directives and its '$' formulas act on.
_ACTIVE = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")


def markdown_text(text: str) -> str:
    """``text`` escaped so that ``st.markdown`` shows it character for character."""
    return _ACTIVE.sub(r"\\\1", " ".join(str(text).split()))
