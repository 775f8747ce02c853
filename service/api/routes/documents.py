"""Documents: upload (as a job), list, get with notes, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Response, UploadFile, status

from service.api.deps import (
    DatabaseDep,
    JobsDep,
    ReadProject,
    SessionDep,
    SettingsDep,
    SignedIn,
    UploadProject,
    WaitingDep,
)
from service.api.routes.notes import note_out
from service.api.schemas import (
    MAX_ID,
    DocumentDetail,
    DocumentOut,
    UploadAccepted,
    UploadedFile,
    UploadRules,
)
from service.api.waiting import release_connection
from service.config import Settings
from service.core import documents
from service.ingest import (
    DocumentMeta,
    UploadError,
    find_duplicate,
    prepare_document,
    validate_meta,
)
from service.pipeline.parse import ACCEPTED_EXTENSIONS
from service.storage.db import Database
from service.tasks import ingest_args

router = APIRouter(prefix="/projects/{project}/documents", tags=["documents"])
rules_router = APIRouter(tags=["documents"])


@rules_router.get("/upload-rules")
def upload_rules(_user: SignedIn, settings: SettingsDep) -> UploadRules:
    """The file types and size an upload may have, so a client can check before sending."""
    return UploadRules(extensions=list(ACCEPTED_EXTENSIONS), max_upload_mb=settings.max_upload_mb)


_READ_CHUNK = 1 << 20


def _read_limited(upload: UploadFile, limit: int) -> bytes:
    """Read an upload, stopping as soon as it passes the size limit."""
    parts: list[bytes] = []
    size = 0
    while chunk := upload.file.read(_READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise UploadError(
                f"{upload.filename} is larger than the limit of {limit / 2**20:g} MB; split it.",
                413,
                finnish=f"{upload.filename} on suurempi kuin {limit / 2**20:g} Mt:n raja: jaa se "
                "osiin.",
            )
        parts.append(chunk)
    return b"".join(parts)


def _prepare_uploads(
    files: list[UploadFile],
    meta: DocumentMeta,
    settings: Settings,
    db: Database,
    project_id: int,
    text_column: str | None,
    columns: str | None,
) -> tuple[list[tuple[str, bytes]], list[UploadedFile]]:
    """(files to ingest, one answer per file): each file read and parsed, a file the
    project already holds answered as a duplicate. A bad file raises UploadError."""
    prepared: list[tuple[str, bytes]] = []
    answers: list[UploadedFile] = []
    for upload in files:
        content = _read_limited(upload, settings.max_upload_bytes)
        document = prepare_document(
            upload.filename or "", content, meta, settings, text_column, columns
        )
        duplicate = find_duplicate(db, project_id, document.content_hash)
        if duplicate is not None:
            answers.append(
                UploadedFile(
                    filename=document.filename,
                    status="duplicate",
                    note_count=duplicate.note_count,
                    document_id=duplicate.id,
                )
            )
            continue
        prepared.append((document.filename, content))
        answers.append(
            UploadedFile(
                filename=document.filename, status="queued", note_count=len(document.notes)
            )
        )
    return prepared, answers


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_description="Queued: follow the job at GET /jobs/{job_id}",
    responses={
        200: {"model": UploadAccepted, "description": "Every file is there already: no job"},
        201: {"model": UploadAccepted, "description": "Ingested (wait=true)"},
        413: {"description": "Too large"},
        422: {"description": "Unreadable file"},
    },
)
def upload_documents(
    project: UploadProject,
    settings: SettingsDep,
    db: DatabaseDep,
    jobs: JobsDep,
    waiting: WaitingDep,
    session: SessionDep,
    response: Response,
    files: Annotated[list[UploadFile], File(description="One or more documents")],
    region: Annotated[str, Form(max_length=100)],
    kind: Annotated[str, Form()] = "workshop",
    date: Annotated[str | None, Form(description="YYYY-MM-DD")] = None,
    event: Annotated[str | None, Form(max_length=255)] = None,
    text_column: Annotated[str | None, Form(description="csv/xlsx column with the text")] = None,
    columns: Annotated[
        str | None, Form(max_length=1000, description="csv/xlsx field columns: 'group=Pöytä'")
    ] = None,
    facilitator: Annotated[
        str | None, Form(max_length=1000, description="Transcript facilitators, comma-separated")
    ] = None,
    wait: Annotated[
        bool, Query(description="Ingest before answering (201; 202 when the service is busy)")
    ] = False,
) -> UploadAccepted:
    """Check every file first; a single bad file refuses the whole upload, so nothing is half
    written. Good files are ingested by a job, one transaction per document."""
    release_connection(session)  # access is checked; reading and parsing need no connection
    meta = validate_meta(region, kind, date, event, facilitator)
    prepared, answers = _prepare_uploads(
        files, meta, settings, db, project.id, text_column, columns
    )
    if not prepared:
        response.status_code = status.HTTP_200_OK
        return UploadAccepted(job_id=None, files=answers)

    fields = ingest_args(
        region=region, kind=kind, date=date, event=event, facilitator=facilitator,
        text_column=text_column, columns=columns,
    )  # fmt: skip
    job_id = jobs.submit("ingest", project.id, fields, files=prepared)
    if wait:
        waiting.wait(session, jobs, job_id, response)
    return UploadAccepted(job_id=job_id, files=answers)


@router.get("")
def list_documents(project: ReadProject, session: SessionDep) -> list[DocumentOut]:
    return [DocumentOut.model_validate(d) for d in documents.list_documents(session, project)]


@router.get("/{document_id}", responses={404: {"description": "No such document"}})
def get_document(
    project: ReadProject, document_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep
) -> DocumentDetail:
    document = documents.get_document(session, project, document_id)
    base = DocumentOut.model_validate(document).model_dump()
    notes = [note_out(note, document) for note in document.notes]
    return DocumentDetail(**base, text=document.text, notes=notes)


@router.delete("/{document_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_document(
    project: UploadProject,
    document_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
    user: SignedIn,
) -> None:
    documents.delete_document(session, user, project, document_id)
