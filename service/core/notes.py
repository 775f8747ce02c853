"""A project's notes as a user finds them: filtered by region, document, group or kind,
and searched by words that match any Finnish inflection (a word's lemmas from the
project's analyzer) or the start of a word of the text."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.errors import Invalid
from service.pipeline.language import FinnishAnalyzer
from service.storage.models import Document, Note, Project
from service.storage.repository import NoteFilter, list_notes
from service.storage.search import SearchTerm, query_words

__all__ = ["NoteFilter", "find_notes", "search_terms"]


def search_terms(query: str, analyzer: FinnishAnalyzer) -> tuple[SearchTerm, ...]:
    """The query's words with their lemmas; a query without a word (only spaces,
    punctuation or control characters) is ``Invalid``, never "everything"."""
    try:
        words = query_words(query)
    except ValueError as error:
        raise Invalid(str(error)) from None
    if not words:
        raise Invalid(
            "Search for at least one word (letters or digits), or leave q out.",
            finnish="Hae vähintään yhdellä sanalla (kirjaimia tai numeroita).",
        )
    analyses = analyzer.analyze(words)
    return tuple(
        SearchTerm(word, tuple(dict.fromkeys(lemma for lemma in a.lemmas if query_words(lemma))))
        for word, a in zip(words, analyses, strict=True)
    )


def find_notes(
    session: Session,
    project: Project,
    where: NoteFilter | None = None,
    limit: int | None = 100,
    offset: int = 0,
) -> tuple[list[tuple[Note, Document]], int]:
    """A page of the project's notes matching ``where``, with their documents, in document
    order, and how many match in all (``limit`` None: every one)."""
    return list_notes(session, project.id, where or NoteFilter(), limit, offset)
