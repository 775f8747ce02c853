"""``teemakartta needs``, ``actors`` and ``report``: the coordinator's overview in the terminal
and as a Word file, from the same functions as the API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from service.commands import cli_user, database, fail

FORMATS = ("table", "json")


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise fail(f"--format must be one of: {', '.join(FORMATS)}.")


def needs(
    project: Annotated[str, typer.Option(help="Project name.")],
    region: Annotated[str | None, typer.Option(help="Only this region's documents.")] = None,
    format: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Needs vs projects: what the workshops raise and the project descriptions cover."""
    from service.analysis.needs import needs_report
    from service.core.projects import find_project
    from service.theming.current import current_run

    _check_format(format)
    with database() as db, db.session() as session:
        project_row = find_project(session, project)
        report = needs_report(session, current_run(session, project_row.id))
    block = report["overall"]
    if region is not None:
        found = [b for b in report["regions"] if b["region"] == region]
        if not found:
            known = ", ".join(b["region"] for b in report["regions"]) or "none"
            raise fail(f"No workshop or project notes in region {region!r}; regions: {known}.")
        block = found[0]
    if format == "json":
        sys.stdout.write(
            json.dumps({"project": project, **report}, ensure_ascii=False, indent=2) + "\n"
        )
        return
    _print_needs(block, region)


def _print_needs(block: dict[str, Any], region: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if block["missing"]:
        console.print(
            "[yellow]Needs vs projects needs documents of both kinds; missing: "
            f"{', '.join(block['missing'])} (upload with --kind).[/yellow]"
        )
    table = Table(
        "theme",
        "workshops",
        "projects",
        "z",
        "status",
        title=f"Needs vs projects{f' in {region}' if region else ''} "
        f"({block['need_notes']} workshop notes, {block['project_notes']} project notes)",
    )
    for row in block["themes"]:
        status = row["status"] + ("" if row["clear"] or row["status"] in ("both", "few") else "?")
        table.add_row(
            row["theme_name"],
            f"{row['need_count']} ({row['need_share']:.0%}, "
            f"{row['need_low']:.0%}–{row['need_high']:.0%})",
            f"{row['project_count']} ({row['project_share']:.0%}, "
            f"{row['project_low']:.0%}–{row['project_high']:.0%})",
            f"{row['z']:.2f}",
            status,
        )
    console.print(table)
    for row in block["themes"]:
        if row["sentence"]["en"]:
            console.print(f"• {row['sentence']['en']}", markup=False, highlight=False)


def actors(
    project: Annotated[str, typer.Option(help="Project name.")],
    limit: Annotated[int, typer.Option(help="Most actors to list.", min=1)] = 40,
    format: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """Organisations and places named in the notes, with their themes and regions."""
    from rich.console import Console
    from rich.table import Table

    from service.analysis.actors import actor_report, find_mentions
    from service.core.projects import find_project
    from service.pipeline.entities import EntityRecognizer
    from service.theming.current import current_run

    _check_format(format)
    recognizer = EntityRecognizer()
    with database() as db:
        with db.session() as session:
            project_id = find_project(session, project).id
            current_run(session, project_id)
        find_mentions(db, project_id, recognizer)
        with db.session() as session:
            report = actor_report(session, current_run(session, project_id), recognizer, limit)
    if format == "json":
        sys.stdout.write(
            json.dumps({"project": project, **report}, ensure_ascii=False, indent=2) + "\n"
        )
        return
    table = Table("actor", "kind", "notes", "regions", "themes", title="Who is involved")
    for actor in report["actors"]:
        table.add_row(
            actor["name"],
            actor["kind"],
            str(actor["notes"]),
            ", ".join(actor["regions"]),
            ", ".join(t["theme_name"] for t in actor["themes"][:3]),
        )
    Console().print(table)


def report(
    project: Annotated[str, typer.Option(help="Project name.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The .docx file to write.")],
    lang: Annotated[str, typer.Option(help="fi | en")] = "fi",
) -> None:
    """Write the project's report (Word) to hand on: summary, themes, comparison, needs
    vs projects, actors and the method."""
    from service.pipeline.entities import EntityRecognizer
    from service.report.content import gather, record_report
    from service.report.document import write_report

    if lang not in ("fi", "en"):
        raise fail("--lang must be fi or en.")
    if output.suffix.lower() != ".docx":
        raise fail(f"{output} should end in .docx (the report is a Word document).")
    if not output.parent.is_dir():
        raise fail(f"The folder {output.parent} does not exist.")
    with database() as db:
        content = gather(db, project, EntityRecognizer())
        output.write_bytes(write_report(content, lang))
        with db.session() as session:
            record_report(session, cli_user(), project, lang)
    typer.echo(f"Wrote {output} ({len(content.table['themes'])} themes, {content.notes} notes).")
