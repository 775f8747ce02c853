"""Numbers as the UI's language writes them: '79,3 %' and '1 234,5' in Finnish,
'79.3 %' and '1,234.5' in English. Plotly charts get the same through ``plotly_separators``."""

from __future__ import annotations

from ui.i18n import language

NBSP = "\u00a0"  # keeps '79,3' and '%' on one line


def number(value: float, decimals: int = 1, lang: str | None = None) -> str:
    text = f"{value:,.{decimals}f}"
    if (lang or language()) == "fi":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def percent(share: float, decimals: int = 1, lang: str | None = None) -> str:
    """A share (0..1) as a percentage; a share that would round to 0 keeps a decimal more."""
    value = share * 100
    if decimals == 0 and 0 < value < 0.5:
        decimals = 1
    return f"{number(value, decimals, lang)}{NBSP}%"


def p_value(p: float, lang: str | None = None) -> str:
    """'< 0,001' for tiny p-values, else three decimals."""
    if p < 0.001:
        return f"<{NBSP}{number(0.001, 3, lang)}"
    return number(p, 3, lang)


def plotly_separators(lang: str | None = None) -> str:
    """Plotly's layout.separators: decimal mark then thousands separator."""
    return ", " if (lang or language()) == "fi" else ".,"
