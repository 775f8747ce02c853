"""A project's stored documents: listed, read, their metadata fixed after the upload, or
one deleted; the changes audited in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from service import auth
from service.ingest import UploadError, validate_meta
from service.pipeline.segment import KINDS
from service.storage import repository
from service.storage.access import User
from service.storage.models import Document, Project
from service.theming.drafts import refresh_after_delete

__all__ = [
    "METADATA",
    "delete_document",
    "edit_document",
    "get_document",
    "list_documents",
]

METADATA = ("region", "kind", "date", "event")
"""The document fields a user may change after the upload."""


def list_documents(session: Session, project: Project) -> Sequence[Document]:
    """The project's documents in upload order."""
    return repository.list_documents(session, project.id)


def get_document(session: Session, project: Project, document_id: int) -> Document:
    """One document of the project (its notes in ``document.notes``); a document of
    another project is not found."""
    return repository.get_document(session, project.id, document_id)


def _metadata(document: Document) -> dict[str, str | None]:
    return {
        "region": document.region,
        "kind": document.kind,
        "date": document.date.isoformat() if document.date else None,
        "event": document.event,
    }


def edit_document(
    session: Session, user: User, project: Project, document_id: int, given: dict[str, Any]
) -> Document:
    """Change the ``given`` fields of METADATA (a missing field keeps its value, None
    clears date or event), checked exactly like an upload (``ingest.validate_meta``;
    ``UploadError`` says what a valid value looks like). The audit entry lists each
    changed field as [before, after]; nothing changed, nothing is audited."""
    document = repository.get_document(session, project.id, document_id)
    if "kind" in given and not (given["kind"] or "").strip():
        # validate_meta reads an empty kind as the upload's default; here it is a mistake.
        raise UploadError(
            f"Kind cannot be empty; use one of {', '.join(KINDS)}.",
            finnish=f"Laji ei voi olla tyhjä; käytä jotakin näistä: {', '.join(KINDS)}.",
        )
    before = _metadata(document)
    merged = {field: given[field] if field in given else before[field] for field in METADATA}
    meta = validate_meta(merged["region"], merged["kind"], merged["date"], merged["event"])
    document.region, document.kind = meta.region, meta.kind
    document.date, document.event = meta.date, meta.event
    after = _metadata(document)
    changed = {k: [before[k], after[k]] for k in METADATA if before[k] != after[k]}
    if changed:
        auth.audit(
            session, user, "edit_document", project.name, document_id=document.id, changes=changed
        )
    session.flush()
    return document


def delete_document(session: Session, user: User, project: Project, document_id: int) -> None:
    """Delete a document and its notes; in the same transaction the current theme run
    (and any draft) is brought up to date with what is left."""
    document = repository.get_document(session, project.id, document_id)
    auth.audit(
        session,
        user,
        "delete_document",
        project.name,
        document_id=document.id,
        filename=document.filename,
        notes=document.note_count,
    )
    repository.delete_document(session, document)
    refresh_after_delete(session, project.id)
