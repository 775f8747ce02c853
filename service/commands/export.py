"""``teemakartta export``: write a project's coded notes to a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.commands import cli_user, database, fail


def export(
    project: Annotated[str, typer.Option(help="Project name.")],
    format: Annotated[str, typer.Option("--format", help="csv | xlsx | parquet | qdpx | qdc")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
) -> None:
    """Export notes with their themes (csv, xlsx, parquet), a REFI-QDA project (qdpx) or
    the codebook (qdc)."""
    from service.core.projects import find_project
    from service.export import check_format, record_export, write_export

    check_format(format)
    if output.is_dir():
        raise fail(f"{output} is a folder; give a file name.")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    try:
        with database() as db, db.session() as session:
            stored = find_project(session, project)
            result = write_export(session, stored, format, partial)
            record_export(session, cli_user(), stored, format)
        partial.replace(output)  # never leave half a file under the name asked for
    finally:
        partial.unlink(missing_ok=True)
    unit = {"qdpx": "codings", "qdc": "codes"}.get(format, "notes")
    typer.echo(f"Wrote {output} ({result.notes} {unit}).")
