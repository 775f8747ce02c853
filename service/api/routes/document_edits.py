"""Fixing a document's metadata after the upload: region, date, kind, event."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from service import auth
from service.api.deps import SessionDep, SignedIn, UploadProject
from service.api.schemas import MAX_ID, DocumentOut
from service.ingest import UploadError, validate_meta
from service.pipeline.segment import KINDS
from service.storage import repository

router = APIRouter(prefix="/projects/{project}/documents", tags=["documents"])


class DocumentPatch(BaseModel):
    """The fields to change; a field left out keeps its value, ``null`` clears date or event."""

    model_config = ConfigDict(extra="forbid")

    region: str | None = Field(default=None, max_length=100, examples=["Pohjois-Savo"])
    kind: str | None = Field(default=None, examples=["project_description"])
    date: str | None = Field(default=None, max_length=40, description="YYYY-MM-DD or null")
    event: str | None = Field(default=None, max_length=255)


@router.patch(
    "/{document_id}",
    responses={404: {"description": "No such document"}, 422: {"description": "Invalid value"}},
)
def edit_document(
    project: UploadProject,
    document_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    patch: DocumentPatch,
    session: SessionDep,
    user: SignedIn,
) -> DocumentOut:
    """Change a document's region, kind, date or event, checked exactly like an upload.

    The project's revision moves on in the same transaction, so the themes table, map,
    comparison and needs views show the new values at once; the theme run stays valid
    (its notes are the same), only their grouping by region, kind or date changes."""
    document = repository.get_document(session, project.id, document_id)
    given = patch.model_fields_set
    if "kind" in given and not (patch.kind or "").strip():
        # validate_meta reads an empty kind as the upload's default; here it is a mistake.
        raise UploadError(f"Kind cannot be empty; use one of {', '.join(KINDS)}.")
    meta = validate_meta(
        patch.region if "region" in given else document.region,
        patch.kind if "kind" in given else document.kind,
        patch.date if "date" in given else (document.date.isoformat() if document.date else None),
        patch.event if "event" in given else document.event,
    )
    before = {
        "region": document.region,
        "kind": document.kind,
        "date": document.date.isoformat() if document.date else None,
        "event": document.event,
    }
    document.region, document.kind = meta.region, meta.kind
    document.date, document.event = meta.date, meta.event
    after = {
        "region": meta.region,
        "kind": meta.kind,
        "date": meta.date.isoformat() if meta.date else None,
        "event": meta.event,
    }
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        auth.audit(
            session, user, "edit_document", project.name, document_id=document.id, changes=changed
        )
    session.flush()
    return DocumentOut.model_validate(document)
