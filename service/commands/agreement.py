"""``teemakartta human-codes`` and ``teemakartta agreement``: import a coder's codes and
measure how well the model's themes agree with them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from service.commands import database, fail

FORMATS = ("table", "json")


def human_codes(
    project: Annotated[str, typer.Option(help="Project name.")],
    file: Annotated[Path, typer.Argument(help="CSV (note_id or text, code) or .qdpx file.")],
    coder: Annotated[str, typer.Option(help="Name of the person who coded.")],
) -> None:
    """Import human codes for a project's notes."""
    from service.coding import import_human_codes
    from service.core.projects import find_project

    if not file.is_file():
        raise fail(f"{file} does not exist.")
    with database() as db, db.session() as session:
        project_id = find_project(session, project).id
        summary = import_human_codes(session, project_id, file.name, file.read_bytes(), coder)
    typer.echo(
        f"{summary['stored']} notes coded by {summary['coder']} "
        f"({len(summary['codes'])} codes); {summary['unmatched']} entries unmatched."
    )


def agreement(
    project: Annotated[str, typer.Option(help="Project name.")],
    coder: Annotated[str | None, typer.Option(help="Only this coder.")] = None,
    format: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Agreement between the current run's themes and human codes."""
    from service.coding import agreement_for
    from service.core.projects import find_project
    from service.storage.human_codes import coders
    from service.theming.current import current_run

    if format not in FORMATS:
        raise fail(f"--format must be one of: {', '.join(FORMATS)}.")
    with database() as db, db.session() as session:
        project_id = find_project(session, project).id
        run = current_run(session, project_id)
        known = coders(session, project_id)
        chosen = [coder] if coder else known
        if not known or (coder and coder not in known):
            raise fail(
                f"No human codes{f' from {coder!r}' if coder else ''} in {project}; "
                "import them with `teemakartta human-codes`."
            )
        reports = [agreement_for(session, project_id, run.id, name) for name in chosen]
    if format == "json":
        sys.stdout.write(
            json.dumps(
                {"project": project, "run_id": run.id, "reports": reports},
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
        return
    for report in reports:
        _print_report(report)


def _number(value: Any) -> str:
    return "—" if value is None else f"{value:.3f}"


def _print_report(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(
        "scope",
        "notes",
        "matched",
        "kappa",
        "alpha",
        "ARI",
        "NMI",
        title=f"Agreement with {report['coder']}",
    )
    for scope in [{"region": "all", **report}, *report["by_region"]]:
        table.add_row(
            scope["region"],
            str(scope["notes"]),
            str(scope["matched"]),
            _number(scope["cohen_kappa"]),
            _number(scope["krippendorff_alpha"]),
            _number(scope["ari"]),
            _number(scope["nmi"]),
        )
    console.print(table)
    for split in report["splits"]:
        parts = ", ".join(f"{t['theme_name']} ({t['share']:.0%})" for t in split["themes"])
        console.print(f"split: code {split['code']!r} -> {parts}")
    for merge in report["merges"]:
        parts = ", ".join(f"{c['code']} ({c['share_of_code']:.0%})" for c in merge["codes"])
        console.print(f"merge: theme {merge['theme_name']!r} holds {parts}")
    for warning in report["warnings"]:
        console.print(f"[yellow]! {warning['message']}[/yellow]")
