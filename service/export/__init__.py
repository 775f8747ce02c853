"""Exports of a project's coded notes: CSV, Parquet, XLSX, REFI-QDA project and codebook.

``write_export`` is what the API and the CLI call; the formats live in their own modules
(``tabular``, ``qdpx``, ``qdc``) over the shared streaming query in ``rows``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.orm import Session

from service.analysis.prevalence import count_records, tabulate, theme_columns
from service.errors import Invalid
from service.export import tabular
from service.export.qdc import codebook_xml
from service.export.qdpx import write_qdpx
from service.export.rows import iter_note_rows, run_themes
from service.storage.models import Project
from service.storage.repository import add_audit_entry_named
from service.theming.current import latest_run

FORMATS = ("csv", "xlsx", "parquet", "qdpx", "qdc")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "qdpx": "application/zip",
    "qdc": "application/xml",
}


class ExportError(Invalid):
    """An export that cannot be made as asked (unknown format, no themes for a codebook)."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    notes: int  # rows written (notes, codings for qdpx, codes for qdc)


def check_format(format: str) -> None:
    if format not in FORMATS:
        raise ExportError(
            f"format={format!r} is not an export format; use one of: {', '.join(FORMATS)}."
        )


def record_export(session: Session, user_name: str, project: Project, format: str) -> None:
    """Audit an export in the transaction that reads it: API and CLI alike."""
    add_audit_entry_named(session, user_name, "export", project.name, format=format)


def export_filename(project_name: str, format: str) -> str:
    return f"{project_name}-codebook.qdc" if format == "qdc" else f"{project_name}.{format}"


def content_disposition(filename: str) -> str:
    """An attachment header that survives non-ASCII names (RFC 6266 / 5987)."""
    fallback = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def write_export(session: Session, project: Project, format: str, path: Path) -> ExportResult:
    """Write the project's notes with the latest run's themes to ``path`` in ``format``."""
    check_format(format)
    run = latest_run(session, project.id)
    run_id = run.id if run is not None else None
    if format == "qdc":
        themes = run_themes(session, project.id, run_id) if run_id is not None else []
        if not themes:
            raise ExportError(
                "This project has no themes yet, so there is no codebook; start a theme run first."
            )
        path.write_bytes(codebook_xml(project.id, themes))
        return ExportResult(path, format, len(themes))
    if format == "qdpx":
        return ExportResult(path, format, write_qdpx(session, project, run, path).codings)
    rows = iter_note_rows(session, project.id, run_id)
    if format == "csv":
        return ExportResult(path, format, tabular.write_csv(rows, path))
    if format == "parquet":
        return ExportResult(path, format, tabular.write_parquet(rows, path))
    themes = run_themes(session, project.id, run_id) if run_id is not None else []
    region_table: tuple[list[str], list[str], list[list[int]]] = ([], [], [])
    if run_id is not None:
        records = count_records(session, run_id, "region")
        columns = theme_columns(session, run_id, [r.theme_key for r in records])
        table = tabulate(records, columns).get(None)
        if table is not None:
            region_table = (table.groups, [c.name for c in columns], table.counts.tolist())
    return ExportResult(path, format, tabular.write_xlsx(rows, themes, region_table, path))
