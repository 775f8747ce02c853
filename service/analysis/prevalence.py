"""Group x theme (x period) count tables of the current theme run, read from the database,
and the comparison report built on them (prevalence, distinctive themes, chi-square).

The statistics live in ``service.analysis.compare``; this module only counts notes and
puts names on rows and columns.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from service.analysis import compare
from service.analysis.sentences import group_findings, in_group_fi
from service.errors import Invalid
from service.storage.models import Assignment, Document, Note, Theme, ThemeRun

BY_FIELDS = ("region", "kind", "event", "document", "group", "question", "speaker_role")
PERIODS = ("month", "quarter", "year")
UNASSIGNED = "unassigned"
MISSING = "(none)"  # label of notes whose field is empty (no event, no group...)


class CompareError(Invalid):
    """A comparison asked for in a way that cannot be answered (bad field or period): a 422."""


@dataclass(frozen=True)
class ThemeColumn:
    key: int | None  # None = the unassigned column
    name: str


@dataclass(frozen=True)
class CountTable:
    """Notes per group (rows) and theme (columns); ``counts`` has shape (g, t)."""

    groups: list[str]
    themes: list[ThemeColumn]
    counts: np.ndarray


@dataclass(frozen=True)
class CountRecord:
    group: str
    date: dt.date | None
    theme_key: int | None
    count: int


def check_choice(by: str, period: str | None) -> None:
    if by not in BY_FIELDS:
        raise CompareError(
            f"by={by!r} is not a field to compare by; use one of: {', '.join(BY_FIELDS)}."
        )
    if period is not None and period not in PERIODS:
        raise CompareError(
            f"period={period!r} is not a period; use one of: "
            f"{', '.join(PERIODS)} (or leave it out)."
        )


def period_label(date: dt.date, period: str) -> str:
    """'2017-11' (month), '2017-Q4' (quarter) or '2017' (year)."""
    if period == "month":
        return f"{date.year:04d}-{date.month:02d}"
    if period == "quarter":
        return f"{date.year:04d}-Q{(date.month - 1) // 3 + 1}"
    return f"{date.year:04d}"


def _grouped_counts(run_id: int, by: str) -> Select[Any]:
    fields: dict[str, list[Any]] = {
        "region": [Document.region],
        "kind": [Document.kind],
        "event": [Document.event],
        "document": [Document.id, Document.filename],
        "group": [Note.group],
        "question": [Note.question],
        "speaker_role": [Note.speaker_role],
    }
    columns = fields[by]
    return (
        select(*columns, Document.date, Assignment.theme_key, func.count())
        .select_from(Assignment)
        .join(Note, Note.id == Assignment.note_id)
        .join(Document, Document.id == Note.document_id)
        .where(Assignment.run_id == run_id)
        .group_by(*columns, Document.date, Assignment.theme_key)
    )


def count_records(session: Session, run_id: int, by: str) -> list[CountRecord]:
    """Notes of a run counted per (group value, document date, theme key).

    The counting happens in SQL, so a 50,000-note run comes back as a few hundred rows.
    """
    check_choice(by, None)
    rows = session.execute(_grouped_counts(run_id, by)).all()
    if by != "document":
        return [
            CountRecord(value if value else MISSING, date, key, int(count))
            for value, date, key, count in rows
        ]
    # Two uploads may share a file name; the id keeps their rows apart.
    names = Counter(name for _doc_id, name in {(row[0], row[1]) for row in rows})
    return [
        CountRecord(name if names[name] == 1 else f"{name} #{doc_id}", date, key, int(count))
        for doc_id, name, date, key, count in rows
    ]


def theme_columns(
    session: Session, run_id: int, keys_seen: Sequence[int | None]
) -> list[ThemeColumn]:
    """The run's themes, largest first, then any key only assignments know, then unassigned."""
    themes = session.execute(
        select(Theme.key, Theme.name)
        .where(Theme.run_id == run_id)
        .order_by(Theme.size.desc(), Theme.key)
    ).all()
    columns = [ThemeColumn(int(key), name) for key, name in themes]
    known = {c.key for c in columns}
    for key in sorted({k for k in keys_seen if k is not None and k not in known}):
        columns.append(ThemeColumn(key, f"theme {key}"))
    columns.append(ThemeColumn(None, UNASSIGNED))
    return columns


def tabulate(
    records: Sequence[CountRecord], columns: Sequence[ThemeColumn], period: str | None = None
) -> dict[str | None, CountTable]:
    """Count tables keyed by period label (a single ``None`` key when ``period`` is None).

    Records without a date are left out of period tables.
    """
    index = {c.key: i for i, c in enumerate(columns)}
    cells: dict[str | None, Counter[tuple[str, int]]] = {}
    for record in records:
        if period is None:
            label: str | None = None
        elif record.date is None:
            continue
        else:
            label = period_label(record.date, period)
        cells.setdefault(label, Counter())[(record.group, index[record.theme_key])] += record.count
    tables: dict[str | None, CountTable] = {}
    for label in sorted(cells, key=lambda x: x or ""):
        groups = sorted({g for g, _ in cells[label]})
        counts = np.zeros((len(groups), len(columns)), dtype=np.int64)
        row = {g: i for i, g in enumerate(groups)}
        for (group, column), count in cells[label].items():
            counts[row[group], column] = count
        tables[label] = CountTable(groups, list(columns), counts)
    return tables


def prevalence_rows(table: CountTable, period: str | None = None) -> list[dict[str, Any]]:
    """One row per (group, theme) with count, group total, share and its 95% Wilson interval."""
    totals, share, low, high = compare.prevalence(table.counts)
    rows: list[dict[str, Any]] = []
    for i, group in enumerate(table.groups):
        for j, theme in enumerate(table.themes):
            row: dict[str, Any] = {
                "group": group,
                "theme_id": theme.key,
                "theme_name": theme.name,
                "count": int(table.counts[i, j]),
                "total": int(totals[i]),
                "share": float(share[i, j]),
                "ci_low": float(low[i, j]),
                "ci_high": float(high[i, j]),
            }
            if period is not None:
                row["period"] = period
            rows.append(row)
    return rows


def distinctive_themes(table: CountTable) -> list[dict[str, Any]]:
    """Per group, every assigned theme ranked by the log-odds z-score (rank 1 = most over-
    represented in the group compared with all other groups). Unassigned is left out."""
    assigned = [j for j, c in enumerate(table.themes) if c.key is not None]
    counts = table.counts[:, assigned]
    if counts.size == 0:
        return [{"group": g, "assigned_notes": 0, "themes": []} for g in table.groups]
    delta, z = compare.log_odds_dirichlet(counts)
    ranks = compare.rank_within_groups(z)
    result = []
    for i, group in enumerate(table.groups):
        themes = [
            {
                "theme_id": table.themes[j].key,
                "theme_name": table.themes[j].name,
                "count": int(counts[i, c]),
                "log_odds": float(delta[i, c]),
                "z": float(z[i, c]),
                "rank": int(ranks[i, c]),
            }
            for c, j in enumerate(assigned)
        ]
        themes.sort(key=lambda t: int(t["rank"] or 0))
        result.append({"group": group, "assigned_notes": int(counts[i].sum()), "themes": themes})
    return result


def _warn(code: str, message: str, **details: Any) -> dict[str, Any]:
    return {"code": code, "message": message, **details}


def sample_warnings(
    table: CountTable, by: str, test: compare.IndependenceTest | None
) -> list[dict[str, Any]]:
    """Small groups (< 30 notes) and small expected counts (< 5) for the chi-square test."""
    warnings = []
    for group, total in zip(table.groups, table.counts.sum(axis=1), strict=True):
        if total < compare.MIN_GROUP_NOTES:
            warnings.append(
                _warn(
                    "small_group",
                    f"{by} {group!r} has only {int(total)} notes (fewer than "
                    f"{compare.MIN_GROUP_NOTES}); its shares have wide intervals, "
                    "compare with care.",
                    group=group,
                    notes=int(total),
                    in_group_fi=in_group_fi(group, by),
                )
            )
    if test is None:
        warnings.append(
            _warn(
                "no_test",
                "The chi-square test needs at least 2 groups and 2 themes with assigned notes; "
                "it was not computed.",
            )
        )
    elif test.small_expected_cells:
        share = test.small_expected_cells / test.cells
        warnings.append(
            _warn(
                "small_expected",
                f"{test.small_expected_cells} of {test.cells} cells ({share:.0%}) have expected "
                f"counts below {compare.MIN_EXPECTED:g}; the chi-square p-value is "
                + ("unreliable." if share > 0.2 else "approximate."),
                cells=test.small_expected_cells,
                of=test.cells,
                min_expected=float(test.expected.min()),
            )
        )
    return warnings


def _period_rows(
    records: list[CountRecord], columns: list[ThemeColumn], by: str, period: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(prevalence rows of every period, warnings about small groups and undated notes)."""
    rows = []
    warnings = []
    for label, period_table in tabulate(records, columns, period).items():
        rows.extend(prevalence_rows(period_table, label))
        small = [
            g
            for g, n in zip(period_table.groups, period_table.counts.sum(axis=1), strict=True)
            if n < compare.MIN_GROUP_NOTES
        ]
        if small:
            warnings.append(
                _warn(
                    "small_period_group",
                    f"In {label}, {len(small)} {by} value(s) have fewer than "
                    f"{compare.MIN_GROUP_NOTES} notes.",
                    period=label,
                    groups=small,
                )
            )
    undated = sum(r.count for r in records if r.date is None)
    if undated:
        warnings.append(
            _warn(
                "undated",
                f"{undated} notes come from documents without a date and are left out of "
                "the period rows (they are in the tests and distinctive themes).",
                notes=undated,
            )
        )
    return rows, warnings


def compare_run(
    session: Session, run: ThemeRun, by: str = "region", period: str | None = None
) -> dict[str, Any]:
    """The comparison report of a run: prevalence rows, distinctive themes, chi-square
    test with Cramér's V, and warnings. JSON-ready (plain dicts, lists, numbers)."""
    check_choice(by, period)
    records = count_records(session, run.id, by)
    columns = theme_columns(session, run.id, [r.theme_key for r in records])
    overall = tabulate(records, columns)
    table = overall.get(None) or CountTable([], list(columns), np.zeros((0, len(columns))))
    assigned = [j for j, c in enumerate(columns) if c.key is not None]
    test = compare.independence_test(table.counts[:, assigned])
    warnings = sample_warnings(table, by, test)

    if period is None:
        rows = prevalence_rows(table)
    else:
        rows, period_warnings = _period_rows(records, columns, by, period)
        warnings.extend(period_warnings)

    unassigned_column = len(columns) - 1
    unassigned = int(table.counts[:, unassigned_column].sum())
    total = int(table.counts.sum())
    return {
        "run_id": run.id,
        "by": by,
        "period": period,
        "notes": total,
        "groups": [
            {
                "group": g,
                "notes": int(table.counts[i].sum()),
                "unassigned": int(table.counts[i, unassigned_column]),
            }
            for i, g in enumerate(table.groups)
        ],
        "themes": [{"theme_id": c.key, "theme_name": c.name} for c in columns],
        "rows": rows,
        "distinctive": distinctive_themes(table),
        # The comparison in words, per group: findings with their numbers and sentences.
        "findings": group_findings(
            table.groups, [(c.key, c.name) for c in columns], table.counts, by
        ),
        "chi2": test.chi2 if test else None,
        "dof": test.dof if test else None,
        "p": test.p if test else None,
        "cramers_v": test.cramers_v if test else None,
        "test_notes": test.n if test else 0,
        "unassigned": {
            "count": unassigned,
            "share": unassigned / total if total else 0.0,
            "in_tests": False,
            "note": "Unassigned notes are a column of their own in rows; they are left out "
            "of the chi-square test and of the distinctive-theme log-odds.",
        },
        "warnings": warnings,
    }
