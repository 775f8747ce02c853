"""Notes: list a project's notes with filters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from service.api.deps import NlpDep, ReadProject, SessionDep, ViewsDep
from service.api.schemas import MAX_ID, NoteOut, NotePage
from service.core.notes import NoteFilter, find_notes, search_terms
from service.storage.models import Document, Note

router = APIRouter(prefix="/projects/{project}/notes", tags=["notes"])


def note_out(note: Note, document: Document) -> NoteOut:
    return NoteOut(
        id=note.id,
        document_id=document.id,
        filename=document.filename,
        region=document.region,
        date=document.date,
        event=document.event,
        document_kind=document.kind,
        position=note.position,
        kind=note.kind,
        group=note.group,
        question=note.question,
        parent_id=note.parent_id,
        context=note.context,
        text=note.text,
        start=note.start,
        end=note.end,
        language=note.language,
        metadata=note.meta,
        lemmas=note.content_lemmas,
        speaker=note.speaker,
        speaker_role=note.speaker_role,
        turn=note.turn,
        start_time=note.start_time,
        end_time=note.end_time,
    )


@router.get("", response_model=NotePage)
def list_notes(
    project: ReadProject,
    session: SessionDep,
    cache: ViewsDep,
    nlp: NlpDep,
    region: str | None = None,
    document_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    group: str | None = None,
    kind: str | None = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Words to search for: each must be a lemma of the note (Finnish "
            "inflections match) or the start of a word of its text, in any case.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Response:
    where = NoteFilter(
        region=region,
        document_id=document_id,
        group=group,
        kind=kind,
        search=search_terms(q, nlp.analyzer) if q else (),
    )

    def page() -> dict[str, Any]:
        rows, total = find_notes(session, project, where, limit, offset)
        notes = [note_out(n, d) for n, d in rows]
        return NotePage(total=total, limit=limit, offset=offset, notes=notes).model_dump()

    params = (region, document_id, group, kind, q, limit, offset)
    return cache.json(session, project.id, "notes", params, page)
