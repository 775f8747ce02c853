"""Exports of a project's coded notes as a download."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from service.api.deps import DatabaseDep, ExportProject, SessionDep, SignedIn
from service.errors import NotFound
from service.export import (
    FORMATS,
    MEDIA_TYPES,
    ExportError,
    check_format,
    content_disposition,
    export_filename,
    record_export,
    write_export,
)
from service.export.rows import iter_note_rows
from service.export.tabular import csv_chunks
from service.theming.current import latest_run

router = APIRouter(prefix="/projects/{project}", tags=["exports"])


@router.get(
    "/export",
    response_class=Response,
    responses={
        200: {
            "description": "The file, as an attachment",
            "content": {media: {} for media in MEDIA_TYPES.values()},
        },
        404: {"description": "No such project, or no themes for a codebook"},
        422: {"description": "Unknown format"},
    },
)
def export(
    project: ExportProject,
    session: SessionDep,
    db: DatabaseDep,
    user: SignedIn,
    format: str = Query("csv", description=f"One of: {', '.join(FORMATS)}"),
) -> Response:
    """One row per note with its document, metadata and theme (csv, xlsx, parquet), the
    whole project for QDA tools (qdpx, REFI-QDA 1.0), or the codebook alone (qdc)."""
    check_format(format)
    headers = {"Content-Disposition": content_disposition(export_filename(project.name, format))}
    record_export(session, user.name, project, format)
    if format == "csv":
        project_id = project.id
        run = latest_run(session, project_id)
        run_id = run.id if run is not None else None

        def body() -> Iterator[bytes]:
            # Its own session: the request's session closes before the stream ends.
            with db.session() as stream_session:
                yield from csv_chunks(iter_note_rows(stream_session, project_id, run_id))

        return StreamingResponse(body(), media_type=MEDIA_TYPES["csv"], headers=headers)

    # Parquet, XLSX and zip writers need a seekable file: write a temporary one, send it,
    # and delete it once sent.
    handle, name = tempfile.mkstemp(prefix="teema-export-", suffix=f".{format}")
    os.close(handle)
    path = Path(name)
    try:
        write_export(session, project, format, path)
    except ExportError as error:
        path.unlink(missing_ok=True)
        raise NotFound(str(error)) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[format],
        headers=headers,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )
