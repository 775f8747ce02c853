"""Notes: list a project's notes with filters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status

from service.api.deps import NlpDep, ReadProject, SessionDep, ViewsDep
from service.api.schemas import MAX_ID, NoteOut, NotePage
from service.nlp import NlpResources
from service.storage import repository
from service.storage.models import Document, Note
from service.storage.search import SearchTerm, query_words

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


def search_terms(query: str, nlp: NlpResources) -> tuple[SearchTerm, ...]:
    """The query's words with their lemmas from the project's analyzer; a query without a
    word (only spaces, punctuation or control characters) is a 422, never "everything"."""
    try:
        words = query_words(query)
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    if not words:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "Search for at least one word (letters or digits), or leave q out.",
        )
    analyses = nlp.analyzer.analyze(words)
    return tuple(
        SearchTerm(word, tuple(dict.fromkeys(lemma for lemma in a.lemmas if query_words(lemma))))
        for word, a in zip(words, analyses, strict=True)
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
    where = repository.NoteFilter(
        region=region,
        document_id=document_id,
        group=group,
        kind=kind,
        search=search_terms(q, nlp) if q else (),
    )

    def page() -> dict[str, Any]:
        rows, total = repository.list_notes(session, project.id, where, limit, offset)
        notes = [note_out(n, d) for n, d in rows]
        return NotePage(total=total, limit=limit, offset=offset, notes=notes).model_dump()

    params = (region, document_id, group, kind, q, limit, offset)
    return cache.json(session, project.id, "notes", params, page)
