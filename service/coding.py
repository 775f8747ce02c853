"""Human coding: importing a coder's codes for notes from a CSV or a QDA tool's .qdpx,
and the agreement of a coder's codes with a theme run.

Used by the API (routes/agreement.py) and the command line (commands/agreement.py); the
table and its queries are ``service.storage.human_codes``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.analysis.agreement import agreement_report
from service.errors import Invalid
from service.export.qdpx_import import (
    NoteSpan,
    QdpxError,
    codes_for_notes,
    normalise_line_endings,
    read_qdpx,
)
from service.storage.human_codes import (
    MAX_CODE_CHARS,
    MAX_CODER_CHARS,
    HumanCode,
    coded_notes,
    store_codes,
)
from service.storage.models import Document, Note, Theme

_QUERY_CHUNK = 1000  # note ids per IN (...) query


class HumanCodeError(Invalid):
    """A human-code file the user must fix (answered as 422 with this message)."""


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Finnish Excel saves "CSV" as Windows-1252 unless told otherwise.
        return content.decode("cp1252", errors="replace")


def parse_codes_csv(content: bytes) -> list[tuple[str, str, str]]:
    """Rows of a human-code CSV as (key column, key, code), key column being ``note_id`` or
    ``text``. Delimiter , ; or tab. Raises HumanCodeError saying what the file lacks."""
    text = _decode(content)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
    key = "note_id" if "note_id" in fields else "text" if "text" in fields else None
    if key is None or "code" not in fields:
        raise HumanCodeError(
            "The CSV needs a 'code' column and either a 'note_id' or a 'text' column (the "
            f"exact note text); it has: {', '.join(fields) or 'no header'}."
        )
    rows = []
    for line, row in enumerate(reader, start=2):
        value = (row.get(fields[key]) or "").strip()
        code = (row.get(fields["code"]) or "").strip()
        if not value or not code:
            continue  # an uncoded note is not a code
        if len(code) > MAX_CODE_CHARS:
            raise HumanCodeError(f"Line {line}: a code is at most {MAX_CODE_CHARS} characters.")
        if key == "note_id" and not value.isdigit():
            raise HumanCodeError(f"Line {line}: note_id {value!r} is not a number.")
        rows.append((key, value, code))
    if not rows:
        raise HumanCodeError("The CSV has no rows with both a note and a code.")
    return rows


def resolve_csv_codes(
    session: Session, project_id: int, rows: list[tuple[str, str, str]]
) -> tuple[dict[int, str], list[str]]:
    """Note id -> code for the CSV rows, and the keys that matched no note of the project.
    A text shared by several notes codes all of them."""
    ids = {int(v) for k, v, _ in rows if k == "note_id"}
    texts = {v for k, v, _ in rows if k == "text"}
    known: set[int] = set()
    for start in range(0, len(ids), _QUERY_CHUNK):
        part = sorted(ids)[start : start + _QUERY_CHUNK]
        known.update(
            session.scalars(select(Note.id).where(Note.project_id == project_id, Note.id.in_(part)))
        )
    by_text: dict[str, list[int]] = defaultdict(list)
    if texts:
        for note_id, note_text in session.execute(
            select(Note.id, Note.text).where(Note.project_id == project_id)
        ):
            if note_text in texts:
                by_text[note_text].append(note_id)
    codes: dict[int, str] = {}
    unmatched: list[str] = []
    for key, value, code in rows:
        if key == "note_id":
            if int(value) in known:
                codes[int(value)] = code
            else:
                unmatched.append(value)
        elif by_text.get(value):
            codes.update({note_id: code for note_id in by_text[value]})
        else:
            unmatched.append(value[:80])
    return codes, unmatched


def resolve_qdpx_codes(
    session: Session, project_id: int, content: bytes
) -> tuple[dict[int, str], list[str]]:
    """Note id -> code from a QDA tool's .qdpx: each text source is matched to our document
    with exactly the same text (line endings aside), then its coded selections to the notes
    they overlap. Returns the codes and what could not be matched."""

    try:
        project = read_qdpx(content)
    except QdpxError as error:
        raise HumanCodeError(str(error)) from None
    # Hashes instead of texts as keys: only one document text is in memory at a time.
    ours: dict[str, int] = {}
    for document_id in session.scalars(
        select(Document.id).where(Document.project_id == project_id).order_by(Document.id)
    ).all():
        text = session.scalar(select(Document.text).where(Document.id == document_id)) or ""
        ours[hashlib.sha256(text.encode("utf-8")).hexdigest()] = document_id
    codes: dict[int, str] = {}
    unmatched = list(project.skipped)
    for source in project.sources:
        # Our texts never hold CR, so a source matches only with its line endings made LF.
        text = normalise_line_endings(source.text)
        matched = ours.get(hashlib.sha256(text.encode("utf-8")).hexdigest())
        if matched is None:
            unmatched.append(f"{source.name}: no document of this project has the same text")
            continue
        spans = [
            NoteSpan(i, s, e)
            for i, s, e in session.execute(
                select(Note.id, Note.start, Note.end).where(Note.document_id == matched)
            )
        ]
        codes.update(codes_for_notes(spans, source.selections, project.codes))
    return codes, unmatched


def import_human_codes(
    session: Session, project_id: int, filename: str, content: bytes, coder: str
) -> dict[str, Any]:
    """Import a .csv or .qdpx of human codes for ``coder``; returns a summary."""
    coder = coder.strip()
    if not coder or len(coder) > MAX_CODER_CHARS:
        raise HumanCodeError(f"Give the coder's name (1-{MAX_CODER_CHARS} characters).")
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "csv":
        codes, unmatched = resolve_csv_codes(session, project_id, parse_codes_csv(content))
    elif suffix == "qdpx":
        codes, unmatched = resolve_qdpx_codes(session, project_id, content)
    else:
        raise HumanCodeError(f"{filename}: send human codes as a .csv or a .qdpx file.")
    if not codes:
        raise HumanCodeError(
            "None of the file's codes matched a note of this project"
            + (f" (for example: {'; '.join(unmatched[:3])})." if unmatched else ".")
        )
    stored = store_codes(session, project_id, coder, suffix, codes)
    return {
        "coder": coder,
        "source": suffix,
        "stored": stored,
        "codes": sorted(set(codes.values())),
        "unmatched": len(unmatched),
        "unmatched_examples": unmatched[:20],
    }


def agreement_for(session: Session, project_id: int, run_id: int, coder: str) -> dict[str, Any]:
    """The agreement report (``analysis.agreement.agreement_report``) of one coder's codes
    with the run's themes; ``coded_outside_run`` counts the coder's notes the run left out
    (a run over a subset of notes), which the measures cannot use."""

    notes = coded_notes(session, project_id, run_id, coder)
    names = dict(session.execute(select(Theme.key, Theme.name).where(Theme.run_id == run_id)).all())
    report = agreement_report(
        [k for _, k, _, _ in notes], [c for _, _, c, _ in notes], [r for *_, r in notes], names
    )
    coded = session.scalar(
        select(func.count())
        .select_from(HumanCode)
        .where(HumanCode.project_id == project_id, HumanCode.coder == coder)
    )
    return {"coder": coder, "coded_outside_run": int(coded or 0) - len(notes), **report}
