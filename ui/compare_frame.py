"""Tables for the comparison page, read from ``GET /projects/{p}/compare``: the fields
and types of the ``Comparison`` model of ``service/api/responses/compare.py``."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

# Below this many notes a region's shares swing with every note; the page says so.
SMALL_GROUP = 30
Z95 = 1.959964
MISSING = "(none)"  # the service's group of notes whose field is empty (analysis.prevalence)


def labelled(compare: dict[str, Any], label: Callable[[str], str | None]) -> dict[str, Any]:
    """A copy of the comparison with every group value ``label`` knows renamed: in groups,
    rows, distinctive themes, findings and warnings (codes such as "transcript" shown in
    the page's words). The answer itself is left as it is: it is cached."""

    def renamed(value: Any) -> Any:
        if isinstance(value, list):
            return [renamed(v) for v in value]
        return label(value) or value if isinstance(value, str) else value

    def entry(item: dict[str, Any]) -> dict[str, Any]:
        copy = {**item, **{k: renamed(item[k]) for k in ("group", "groups") if k in item}}
        if isinstance(item.get("findings"), list):
            copy["findings"] = [entry(f) for f in item["findings"]]
        return copy

    fields = ("groups", "rows", "distinctive", "findings", "warnings")
    return {**compare, **{k: [entry(i) for i in compare[k]] for k in fields if k in compare}}


def share_rows(compare: dict[str, Any], unassigned: str = "–") -> pd.DataFrame:
    """One row per (group, theme[, period]): count, total, share and its interval;
    unassigned notes (theme null) get theme -1 and the name ``unassigned``."""
    rows = []
    for row in compare["rows"]:
        theme = row["theme_id"]
        rows.append(
            {
                "group": row["group"],
                "theme": int(theme) if theme is not None else -1,
                "theme_name": row["theme_name"] if theme is not None else unassigned,
                "count": row["count"],
                "total": row["total"],
                "share": row["share"],
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                "period": row.get("period"),  # only in the rows of ?period=
            }
        )
    columns = [
        "group",
        "theme",
        "theme_name",
        "count",
        "total",
        "share",
        "ci_low",
        "ci_high",
        "period",
    ]
    return pd.DataFrame(rows, columns=columns)


def wilson(count: int, total: int) -> tuple[float, float]:
    """95 % Wilson interval of a proportion (of shares pooled over groups)."""
    if total <= 0:
        return 0.0, 0.0
    p = count / total
    denominator = 1 + Z95**2 / total
    centre = (p + Z95**2 / (2 * total)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / total + Z95**2 / (4 * total**2)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def share_matrix(rows: pd.DataFrame) -> pd.DataFrame:
    """Groups as rows, themes as columns (largest first, named; a name two themes share
    gets the theme id), share of the group's notes; periods, if any, are pooled."""
    if rows.empty:
        return pd.DataFrame()
    pooled = rows.groupby(["group", "theme"], as_index=False)["count"].sum()
    totals = group_totals(rows)
    pooled["share"] = [
        c / totals[g] if totals.get(g) else 0.0
        for g, c in zip(pooled["group"], pooled["count"], strict=True)
    ]
    sizes = pooled.groupby("theme")["count"].sum().sort_values(ascending=False)
    order = [k for k in sizes.index if k >= 0] + [k for k in sizes.index if k < 0]
    matrix = pooled.pivot_table(
        index="group", columns="theme", values="share", fill_value=0.0, aggfunc="sum"
    )[order]
    names = rows.drop_duplicates("theme").set_index("theme")["theme_name"]
    clashes = names[names.duplicated(keep=False)].index
    matrix.columns = [
        f"{names[k]} (#{k})" if k in clashes else str(names[k]) for k in matrix.columns
    ]
    return matrix


def group_totals(rows: pd.DataFrame) -> dict[str, int]:
    """Notes per group: the total repeats on each theme row, so take it once per period.

    In period rows undated notes are left out, so use the overall rows for group sizes."""
    per_period = rows.drop_duplicates(["group", "period"])[["group", "total"]]
    return {str(g): int(n) for g, n in per_period.groupby("group")["total"].sum().items()}


def distinctive_rows(compare: dict[str, Any]) -> pd.DataFrame:
    """Each group's themes ranked by how distinctive they are: log-odds, z and a 95 %
    interval of the log-odds (most distinctive first within a group)."""
    rows = []
    for entry in compare["distinctive"]:
        for row in entry["themes"]:
            log_odds, z = float(row["log_odds"]), float(row["z"])
            # z is the log-odds over its standard error, so the error follows from both.
            se = abs(log_odds / z) if z else 0.0
            rows.append(
                {
                    "group": entry["group"],
                    "theme": row["theme_id"],
                    "theme_name": row["theme_name"],
                    "count": row["count"],
                    "log_odds": log_odds,
                    "z": z,
                    "low": log_odds - Z95 * se,
                    "high": log_odds + Z95 * se,
                }
            )
    frame = pd.DataFrame(
        rows, columns=["group", "theme", "theme_name", "count", "log_odds", "z", "low", "high"]
    )
    return frame.sort_values(["group", "z"], ascending=[True, False]).reset_index(drop=True)


@dataclass(frozen=True)
class Caution:
    """A caution from the service: a code the page can put in the user's language, its
    details, and the service's own (English) message as the fallback."""

    code: str
    details: dict[str, Any]
    message: str


def warnings(compare: dict[str, Any]) -> list[Caution]:
    return [
        Caution(
            warning["code"],
            {k: v for k, v in warning.items() if k not in ("code", "message")},
            warning["message"],
        )
        for warning in compare["warnings"]
    ]


def association(compare: dict[str, Any]) -> dict[str, float | None]:
    """chi2, its p-value and degrees of freedom, and Cramér's V (all null without a test)."""
    return {
        "chi2": compare["chi2"],
        "p_value": compare["p"],
        "dof": compare["dof"],
        "cramers_v": compare["cramers_v"],
    }


def period_index(label: str) -> int:
    """Consecutive periods have consecutive indexes: '2017-Q4' -> 2017*4+3, '2017-11' ->
    2017*12+10, '2017' -> 2017 (labels as the service makes them)."""
    year, _, part = str(label).partition("-")
    if not part:
        return int(year)
    if part.startswith("Q"):
        return int(year) * 4 + int(part[1:]) - 1
    return int(year) * 12 + int(part) - 1


def period_start(label: str) -> dt.date:
    """The first day of a period: '2017-Q4' -> 2017-10-01."""
    year, _, part = str(label).partition("-")
    if not part:
        return dt.date(int(year), 1, 1)
    if part.startswith("Q"):
        return dt.date(int(year), 3 * int(part[1:]) - 2, 1)
    return dt.date(int(year), int(part), 1)


def theme_sizes(rows: pd.DataFrame) -> pd.Series:
    """Notes per theme id over all rows (undated notes too), unassigned (-1) left out."""
    assigned = rows[rows["theme"] >= 0]
    return assigned.groupby("theme")["count"].sum()


def timeline(
    rows: pd.DataFrame, group: str | None, top: int, sizes: pd.Series | None = None
) -> pd.DataFrame:
    """Share of each of the ``top`` largest themes per period, for one group or all pooled
    (unassigned notes count in the totals, not as a theme).

    ``sizes`` (theme id -> notes, from the comparison without periods) decides which themes
    are the largest: the period rows leave undated notes out, and the largest themes must
    not drop out of the chart because their notes have no date. Returns columns period,
    theme, theme_name, share, low, high."""
    columns = ["period", "theme", "theme_name", "share", "low", "high"]
    dated = rows[rows["period"].notna()]
    if group is not None:
        dated = dated[dated["group"] == group]
    if dated.empty:
        return pd.DataFrame(columns=columns)
    totals = dated.drop_duplicates(["group", "period"]).groupby("period")["total"].sum()
    themed = dated[dated["theme"] >= 0]  # unassigned notes count in totals, not as a theme
    counts = themed.groupby(["period", "theme", "theme_name"], as_index=False)["count"].sum()
    ranking = sizes if sizes is not None else counts.groupby("theme")["count"].sum()
    ranked = ranking.sort_values(ascending=False, kind="stable")
    biggest = [k for k in ranked.index if k in set(counts["theme"])][:top]
    counts = counts[counts["theme"].isin(biggest)]
    result = []
    for period, theme, name, count in counts.itertuples(index=False):
        total = int(totals[period])
        low, high = wilson(int(count), total)
        result.append(
            {
                "period": str(period),
                "theme": int(theme),
                "theme_name": name,
                "share": count / total if total else 0.0,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(result, columns=columns)


def undated_notes(compare: dict[str, Any]) -> int:
    """Notes the period rows leave out because their document has no date."""
    return sum(int(w["notes"]) for w in compare["warnings"] if w["code"] == "undated")
