"""Fixing a document's metadata after the upload: region, date, kind, event."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from service.api.deps import SessionDep, SignedIn, UploadProject
from service.api.schemas import MAX_ID, DocumentOut
from service.core import documents

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
    given = {field: getattr(patch, field) for field in patch.model_fields_set}
    document = documents.edit_document(session, user, project, document_id, given)
    return DocumentOut.model_validate(document)
