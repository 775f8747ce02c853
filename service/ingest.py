"""Ingestion: an upload (bytes + metadata) becomes a stored document with embedded notes.

Two steps so a bad file is refused before any job starts:
``prepare_document`` (parse + segment, fast, raises ``UploadError``) and
``ingest_document`` (lemmas, embeddings, one transaction that writes everything or
nothing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import privacy
from service.config import Settings
from service.errors import Invalid
from service.nlp import NlpResources
from service.note_analysis import Analysed, Batching, analyse_here, analyse_shared
from service.pipeline.document import NoteDraft, ParsedDocument
from service.pipeline.note_length import NoteTooLong, bound_note_length
from service.pipeline.note_text import embedding_text, stored_phrases, text_hash
from service.pipeline.parse import ParseError, parse_document
from service.pipeline.privacy.redact import without_placeholders
from service.pipeline.privacy.stage import protect
from service.pipeline.segment import KINDS, segment
from service.pipeline.tables import parse_columns
from service.storage.db import Database
from service.storage.embeddings import store_vectors
from service.storage.models import Document, Note
from service.theming.incremental import assign_new_notes

_REGION_RE = re.compile(r"^[\w .,()'/-]{1,100}$")

ProgressFn = Callable[[float, str], None]


class UploadError(Invalid):
    """A problem with an upload the user can fix; ``status`` 422, or 413 (too large) or
    415 (a kind of file not read)."""


@dataclass(frozen=True)
class DocumentMeta:
    region: str
    kind: str = "workshop"
    date: dt.date | None = None
    event: str | None = None
    facilitators: tuple[str, ...] = ()  # transcript speakers who lead the discussion


@dataclass(frozen=True)
class PreparedDocument:
    filename: str
    content_hash: str
    parsed: ParsedDocument
    notes: tuple[NoteDraft, ...]
    meta: DocumentMeta


@dataclass(frozen=True)
class IngestResult:
    document_id: int
    filename: str
    note_count: int
    duplicate: bool
    embedded: int = 0
    cached: int = 0
    assigned: int = 0  # notes placed in the current run's themes at once
    shared_batches: int = 0  # batches of its notes other workers analysed


def validate_meta(
    region: str | None,
    kind: str | None = None,
    date: str | None = None,
    event: str | None = None,
    facilitator: str | None = None,
) -> DocumentMeta:
    """Check upload metadata; raises UploadError saying what a valid value looks like."""
    region = unicodedata.normalize("NFC", (region or "").strip())
    if not region or not _REGION_RE.match(region):
        raise UploadError(
            "Region must be a place name of 1-100 letters, digits, spaces or hyphens "
            "(for example 'Pohjois-Savo').",
            finnish="Alueen pitää olla paikan nimi, 1–100 kirjainta, numeroa, välilyöntiä tai "
            "yhdysmerkkiä (esimerkiksi 'Pohjois-Savo').",
        )
    kind = (kind or "workshop").strip()
    if kind not in KINDS:
        raise UploadError(
            f"Kind must be one of {', '.join(KINDS)}; got {kind!r}.",
            finnish=f"Lajin pitää olla jokin näistä: {', '.join(KINDS)}; annettu {kind!r}.",
        )
    parsed_date = None
    if date:
        try:
            parsed_date = dt.date.fromisoformat(date.strip())
        except ValueError:
            raise UploadError(
                f"Date must be a real date as YYYY-MM-DD; got {date!r}.",
                finnish=f"Päivämäärän pitää olla oikea päivä muodossa VVVV-KK-PP; annettu "
                f"{date!r}.",
            ) from None
    event = (event or "").strip() or None
    if event is not None and (
        len(event) > 255 or any(unicodedata.category(c) == "Cc" for c in event)
    ):
        raise UploadError(
            "Event must be at most 255 characters of plain text.",
            finnish="Tilaisuus saa olla enintään 255 merkkiä tavallista tekstiä.",
        )
    # "Liisa Korhonen, Matti" -> the speakers whose role is facilitator.
    names = tuple(n for n in (" ".join(p.split()) for p in (facilitator or "").split(",")) if n)
    if any(len(n) > 100 or any(unicodedata.category(c) == "Cc" for c in n) for n in names):
        raise UploadError(
            "Facilitator must be speaker names of at most 100 characters each.",
            finnish="Fasilitaattoriksi annetaan puhujien nimiä, kukin enintään 100 merkkiä.",
        )
    return DocumentMeta(region, kind, parsed_date, event, names)


def clean_filename(name: str | None) -> str:
    """The base name of an uploaded file, with path tricks and control characters removed."""
    if not name or "\x00" in name:
        raise UploadError(
            "The file name is missing or contains a NUL byte; rename the file.",
            finnish="Tiedostonimi puuttuu tai siinä on NUL-tavu: nimeä tiedosto uudelleen.",
        )
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(c for c in base if unicodedata.category(c) != "Cc").strip().lstrip(".")
    if not base:
        raise UploadError(
            f"{name!r} is not a usable file name; give the file a plain name.",
            finnish=f"{name!r} ei kelpaa tiedostonimeksi: anna tiedostolle tavallinen nimi.",
        )
    return base[-255:]


def prepare_document(
    filename: str,
    content: bytes,
    meta: DocumentMeta,
    settings: Settings,
    text_column: str | None = None,
    columns: str | None = None,
) -> PreparedDocument:
    """Parse and segment an upload; raises UploadError for anything the user must fix.

    ``columns`` names a table's note-field columns ("group=Pöytä, speaker=Nimi"). A
    file read as a transcript makes the document's kind "transcript".
    """
    name = clean_filename(filename)
    if len(content) > settings.max_upload_bytes:
        raise UploadError(
            f"{name} is larger than the limit of {settings.max_upload_mb:g} MB; split it.",
            413,
            finnish=f"{name} on suurempi kuin {settings.max_upload_mb:g} Mt:n raja: jaa se osiin.",
        )
    parsed, meta = _parse_upload(name, content, meta, settings, text_column, columns)
    notes = _notes_of(name, parsed, meta, settings)
    return PreparedDocument(
        filename=name,
        content_hash=hashlib.sha256(content).hexdigest(),
        parsed=parsed,
        notes=notes,
        meta=meta,
    )


def _parse_upload(
    name: str,
    content: bytes,
    meta: DocumentMeta,
    settings: Settings,
    text_column: str | None,
    columns: str | None,
) -> tuple[ParsedDocument, DocumentMeta]:
    """(the parsed file, its metadata with kind "transcript" if it was read as one)."""
    try:
        parsed = parse_document(
            name,
            content,
            text_column=text_column,
            columns=parse_columns(columns),
            transcript_declared=meta.kind == "transcript",
            max_chars=settings.max_document_chars,
        )
    except ParseError as error:
        raise UploadError(f"{name}: {error.message}", finnish=f"{name}: {error.finnish}") from None
    if parsed.is_transcript:
        meta = replace(meta, kind="transcript")
    elif meta.kind == "transcript":
        raise UploadError(
            f"{name}: no speaker turns were found, so it cannot be read as a transcript. "
            "Give each turn a speaker ('Liisa Korhonen: ...') or choose another kind.",
            finnish=f"{name}: puheenvuoroja ei löytynyt, joten sitä ei voi lukea "
            "litterointina. Merkitse jokaiselle puheenvuorolle puhuja ('Liisa Korhonen: ...') "
            "tai valitse toinen laji.",
        )
    return parsed, meta


def _notes_of(
    name: str, parsed: ParsedDocument, meta: DocumentMeta, settings: Settings
) -> tuple[NoteDraft, ...]:
    """The document's notes, each within the note length limit, at least one and no more
    than the per-document limit."""
    try:
        notes = bound_note_length(
            segment(parsed, kind=meta.kind, facilitators=meta.facilitators), settings.max_note_chars
        )
    except NoteTooLong as error:
        raise UploadError(
            f"{name}: {error}. Break the text into sentences (. ! ?), clauses (, ;) or "
            "paragraphs, or split the file.",
            finnish=f"{name}: {error.length} merkin jaksossa (merkistä {error.start} alkaen) ei "
            f"ole virkkeen tai lauseen rajaa, ja muistiinpano saa olla enintään "
            f"{settings.max_note_chars} merkkiä. Jaa teksti virkkeisiin (. ! ?), lauseisiin "
            "(, ;) tai kappaleisiin, tai jaa tiedosto osiin.",
        ) from None
    if not notes:
        raise UploadError(
            f"{name}: no notes were found in the text; check the file's content.",
            finnish=f"{name}: tekstistä ei löytynyt muistiinpanoja; tarkista tiedoston sisältö.",
        )
    if len(notes) > settings.max_notes_per_document:
        raise UploadError(
            f"{name} would make {len(notes)} notes, over the limit of "
            f"{settings.max_notes_per_document}; split the file.",
            413,
            finnish=f"{name} antaisi {len(notes)} muistiinpanoa, yli rajan "
            f"{settings.max_notes_per_document}: jaa tiedosto osiin.",
        )
    return notes


def find_duplicate(db: Database, project_id: int, content_hash: str) -> Document | None:
    with db.session() as session:
        return session.scalar(
            select(Document).where(
                Document.project_id == project_id, Document.content_hash == content_hash
            )
        )


def ingest_document(
    db: Database,
    nlp: NlpResources,
    project_id: int,
    prepared: PreparedDocument,
    progress: ProgressFn | None = None,
    batching: Batching | None = None,
) -> IngestResult:
    """Lemmatize, embed (cache first) and store one document in a single transaction;
    ``batching``: the ingest job's, to share a large document's notes with other workers."""
    report = progress or (lambda _fraction, _message: None)
    existing = find_duplicate(db, project_id, prepared.content_hash)
    if existing is not None:
        return IngestResult(existing.id, existing.filename, existing.note_count, duplicate=True)

    report(0.01, "finding personal data")
    # The privacy stage: from here on only what the project's policy allows to store.
    policy = privacy.project_policy_of(db, project_id)
    protected = protect(prepared.parsed, prepared.notes, nlp.privacy, policy)
    prepared = replace(prepared, parsed=protected.document, notes=protected.notes)
    report(0.02, "lemmatizing")
    analysed = _analyze(nlp, db, prepared, report, batching)
    report(0.96, "storing")
    try:
        with db.session() as session:
            document = _add_document(session, project_id, prepared)
            _add_notes(session, project_id, document.id, prepared, analysed)
            privacy.store_findings(session, project_id, document.id, protected)
            if analysed.vectors is not None:
                store_vectors(session, nlp.embedder.model_id, analysed.missing, analysed.vectors)
            document_id = document.id
            note_ids = [
                n for n in session.scalars(select(Note.id).where(Note.document_id == document_id))
            ]
    except IntegrityError:
        # A parallel upload of the same bytes won the race: report it as the duplicate.
        existing = find_duplicate(db, project_id, prepared.content_hash)
        if existing is None:
            raise
        return IngestResult(existing.id, existing.filename, existing.note_count, duplicate=True)
    assigned = assign_new_notes(db, nlp, project_id, note_ids)
    return IngestResult(
        document_id,
        prepared.filename,
        len(prepared.notes),
        duplicate=False,
        assigned=assigned,
        embedded=analysed.embedded,
        cached=len(set(analysed.hashes)) - analysed.embedded,
        shared_batches=analysed.shared,
    )


def _analyze(
    nlp: NlpResources,
    db: Database,
    prepared: PreparedDocument,
    report: ProgressFn,
    batching: Batching | None,
) -> Analysed:
    """Lemmas and new vectors of the notes (``note_analysis``): in batches across the
    workers when the upload runs as a job and has more notes than a batch."""
    lemma_texts = [without_placeholders(n.text) for n in prepared.notes]
    embed_texts = [embedding_text(note.text, note.context) for note in prepared.notes]
    hashes = [text_hash(text) for text in embed_texts]

    def step(fraction: float, message: str) -> None:
        report(0.15 + 0.8 * fraction, message)

    if batching is not None and 0 < batching.size < len(hashes):
        return analyse_shared(nlp, db, batching, (lemma_texts, embed_texts, hashes), step)
    return analyse_here(nlp, db, lemma_texts, embed_texts, hashes, step)


def _add_document(session: Session, project_id: int, prepared: PreparedDocument) -> Document:
    meta = prepared.meta
    document = Document(
        project_id=project_id,
        filename=prepared.filename,
        content_hash=prepared.content_hash,
        format=prepared.parsed.format,
        encoding=prepared.parsed.encoding,
        kind=meta.kind,
        region=meta.region,
        date=meta.date,
        event=meta.event,
        text=prepared.parsed.text,
        note_count=len(prepared.notes),
    )
    session.add(document)
    session.flush()
    return document


def _add_notes(
    session: Session,
    project_id: int,
    document_id: int,
    prepared: PreparedDocument,
    analysed: Analysed,
) -> None:
    rows: list[Note] = []
    pairs = zip(analysed.analyses, analysed.hashes, strict=True)
    for draft, (analysis, embed_hash) in zip(prepared.notes, pairs, strict=True):
        rows.append(
            Note(
                project_id=project_id,
                document_id=document_id,
                position=draft.position,
                text=draft.text,
                start=draft.start,
                end=draft.end,
                kind=draft.kind,
                group=draft.group,
                question=draft.question,
                context=draft.context,
                language=draft.language,
                meta=dict(draft.metadata),
                speaker=draft.speaker,
                speaker_role=draft.speaker_role,
                turn=draft.turn,
                start_time=draft.start_time,
                end_time=draft.end_time,
                lemmas=list(analysis.lemmas),
                content_lemmas=list(analysis.content_lemmas),
                phrases=stored_phrases(analysis),
                embed_hash=embed_hash,
            )
        )
    session.add_all(rows)
    session.flush()
    # Parents are indexes into the drafts; turn them into row ids now that rows have ids.
    for draft, row in zip(prepared.notes, rows, strict=True):
        if draft.parent is not None:
            row.parent_id = rows[draft.parent].id
