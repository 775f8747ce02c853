"""Selecting a project's notes for a theme run and getting their vectors from the cache."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service.nlp import NlpResources
from service.pipeline.note_text import embedding_text, text_hash
from service.storage.db import Database
from service.storage.embeddings import load_vectors, store_vectors
from service.storage.models import Document, Note

_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class RunFilters:
    """Which notes a theme run covers; empty means all of the project."""

    regions: tuple[str, ...] = ()
    document_ids: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> RunFilters:
        """The filters a run stored with ``as_json``."""

        def day(value: Any) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        return cls(
            regions=tuple(values.get("regions") or ()),
            document_ids=tuple(values.get("document_ids") or ()),
            kinds=tuple(values.get("kinds") or ()),
            date_from=day(values.get("date_from")),
            date_to=day(values.get("date_to")),
        )

    def as_json(self) -> dict[str, object]:
        values = asdict(self)
        for key in ("date_from", "date_to"):
            values[key] = values[key].isoformat() if values[key] else None
        for key in ("regions", "document_ids", "kinds"):
            values[key] = list(values[key])
        return values


@dataclass(frozen=True)
class RunNote:
    """What a theme run needs of a note."""

    id: int
    text: str
    embed_text: str
    embed_hash: str
    lemma_doc: str  # content lemmas joined by spaces, for c-TF-IDF
    region: str
    document_id: int = 0  # for the stratified sample of a large run (sampling.py)


def _filtered(query: _Query, filters: RunFilters) -> _Query:
    if filters.regions:
        query = query.where(Document.region.in_(filters.regions))
    if filters.document_ids:
        query = query.where(Document.id.in_(filters.document_ids))
    if filters.kinds:
        query = query.where(Document.kind.in_(filters.kinds))
    if filters.date_from:
        query = query.where(Document.date >= filters.date_from)
    if filters.date_to:
        query = query.where(Document.date <= filters.date_to)
    return query


def select_note_ids(session: Session, project_id: int, filters: RunFilters) -> list[int]:
    """Ids of the notes a run with ``filters`` covers, in note id order."""
    query = (
        select(Note.id)
        .join(Document, Note.document_id == Document.id)
        .where(Note.project_id == project_id)
    )
    return list(session.scalars(_filtered(query, filters).order_by(Note.id)))


def select_notes(session: Session, project_id: int, filters: RunFilters) -> list[RunNote]:
    """The run's notes in a fixed order (note id), so the same selection fits the same."""
    # Only the columns a run needs: whole notes bring lemmas, phrases and metadata along
    # (12 KB a note against 2 KB; a large run holds them all at once).
    columns = (Note.id, Note.text, Note.context, Note.embed_hash, Note.content_lemmas)
    query = (
        select(*columns, Note.document_id, Document.region)
        .join(Document, Note.document_id == Document.id)
        .where(Note.project_id == project_id)
    )
    rows = session.execute(_filtered(query, filters).order_by(Note.id))
    return [
        RunNote(
            id=note_id,
            text=text,
            embed_text=embedding_text(text, context),
            embed_hash=embed_hash,
            lemma_doc=" ".join(content_lemmas),
            region=region,
            document_id=document_id,
        )
        for note_id, text, context, embed_hash, content_lemmas, document_id, region in rows
    ]


def note_vectors(db: Database, nlp: NlpResources, notes: Sequence[RunNote]) -> np.ndarray:
    """Vectors of the notes, shape (n, dimension); only texts missing from the cache
    (for example after the model was changed) are embedded, and then cached."""
    embedder = nlp.embedder
    with db.session() as session:
        cached = load_vectors(session, embedder.model_id, (n.embed_hash for n in notes))
    missing = {n.embed_hash: n.embed_text for n in notes if n.embed_hash not in cached}
    if missing:
        hashes = list(missing)
        vectors = embedder.embed([missing[h] for h in hashes])
        with db.session() as session:
            store_vectors(session, embedder.model_id, hashes, vectors)
        cached.update(zip(hashes, vectors, strict=True))
    if not notes:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    vectors = np.empty((len(notes), len(next(iter(cached.values())))), dtype=np.float32)
    for row, note in enumerate(notes):  # filled in place: one copy, not a stack and a cast
        vectors[row] = cached[note.embed_hash]
    return vectors


def embed_texts_cached(db: Database, nlp: NlpResources, texts: Sequence[str]) -> np.ndarray:
    """Vectors for arbitrary texts (codebook seeds), through the same cache."""
    rows = [RunNote(0, t, t, text_hash(t), "", "") for t in texts]
    return note_vectors(db, nlp, rows)
