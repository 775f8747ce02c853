"""``teemakartta compare``: the comparison report of the API, printed in the terminal."""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated, Any

import typer

from service.commands import database, fail
from shared_rules.spreadsheet import csv_text

FORMATS = ("table", "csv", "json")
ROW_FIELDS = (
    "group",
    "period",
    "theme_id",
    "theme_name",
    "count",
    "total",
    "share",
    "ci_low",
    "ci_high",
)


def compare(
    project: Annotated[str, typer.Option(help="Project name.")],
    by: Annotated[
        str,
        typer.Option(help="region | kind | event | document | group | question | speaker_role"),
    ] = "region",
    period: Annotated[str | None, typer.Option(help="month | quarter | year")] = None,
    format: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
) -> None:
    """Compare themes across regions (or another field), optionally per period."""
    from service.analysis.prevalence import check_choice, compare_run
    from service.core.projects import find_project
    from service.theming.current import current_run

    if format not in FORMATS:
        raise fail(f"--format must be one of: {', '.join(FORMATS)}.")
    check_choice(by, period)
    with database() as db, db.session() as session:
        project_row = find_project(session, project)
        report = compare_run(session, current_run(session, project_row.id), by, period)
    if format == "json":
        sys.stdout.write(
            json.dumps({"project": project, **report}, ensure_ascii=False, indent=2) + "\n"
        )
    elif format == "csv":
        # RFC 4180 line ends: a CR or LF inside a name is then quoted, not a new row.
        writer = csv.DictWriter(
            sys.stdout, ROW_FIELDS, extrasaction="ignore", lineterminator="\r\n"
        )
        writer.writeheader()
        for row in report["rows"]:  # group and theme names are user text
            writer.writerow({key: csv_text(value) for key, value in row.items()})
    else:
        _print_table(report)


def _print_table(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    by, period = report["by"], report["period"]
    table = Table(
        by,
        *(["period"] if period else []),
        "theme",
        "notes",
        "share",
        "95% CI",
        title=f"Themes by {by}" + (f" and {period}" if period else ""),
    )
    for row in report["rows"]:
        if row["count"] == 0:
            continue
        table.add_row(
            row["group"],
            *([row["period"]] if period else []),
            row["theme_name"],
            f"{row['count']}/{row['total']}",
            f"{row['share']:.0%}",
            f"{row['ci_low']:.0%}–{row['ci_high']:.0%}",
        )
    console.print(table)
    for group in report["distinctive"]:
        top = [t for t in group["themes"] if t["z"] > 0][:3]
        if top:
            text = "; ".join(f"{t['theme_name']} (z={t['z']:.2f})" for t in top)
            console.print(f"[bold]{group['group']}[/bold] over-represents: {text}")
    if report["chi2"] is not None:
        console.print(
            f"chi2 = {report['chi2']:.2f}, dof = {report['dof']}, p = {report['p']:.3g}, "
            f"Cramér's V = {report['cramers_v']:.2f} (n = {report['test_notes']}, "
            f"unassigned notes left out: {report['unassigned']['count']})"
        )
    for warning in report["warnings"]:
        console.print(f"[yellow]! {warning['message']}[/yellow]")
