"""The privacy stage: a parsed document and its note drafts -> the same with personal data out.

Runs after segmentation and before anything is stored, lemmatised or embedded. Under
the "redact" policy (the default) every detection becomes its typed placeholder in
the document text, in every note (offsets remapped, so ``note.text ==
text[note.start:note.end]`` still holds), in the notes' question, group, context and
metadata, and in table rows; speakers become "Puhuja 1..n". Under "keep" nothing
changes, but the findings are still made, so a project admin sees what is there.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from service.pipeline.document import NoteDraft, ParsedDocument, Row
from service.pipeline.privacy.detect import REVIEW_BELOW, Detection, PersonalDataDetector
from service.pipeline.privacy.redact import OffsetMap, redact_text

__all__ = ["POLICIES", "Finding", "Policy", "ProtectedDocument", "protect", "speaker_alias"]

Policy = Literal["redact", "keep"]
POLICIES: tuple[Policy, ...] = ("redact", "keep")
# Note fields that hold text of their own (besides ``text``, which points into the
# document): redacted like the document, not listed separately, as they repeat it.
_TEXT_FIELDS = ("question", "group", "context")  # redacted in protect() below

Draft = TypeVar("Draft", bound=NoteDraft)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data as it is stored.

    ``field`` "text": ``start``/``end`` point into the stored document text (at the
    placeholder when ``redacted``, else at the value itself); ``note`` is the index of
    the note draft that holds it (None for text outside every note). ``field``
    "metadata:<key>": the offsets point into that metadata value of note ``note``.
    ``review`` is True when the score is below ``REVIEW_BELOW``.
    """

    entity: str
    start: int
    end: int
    score: float
    recognizer: str
    redacted: bool
    note: int | None
    field: str = "text"

    @property
    def review(self) -> bool:
        return self.score < REVIEW_BELOW


@dataclass(frozen=True)
class ProtectedDocument(Generic[Draft]):
    """What may be stored: ``speakers`` is ((pseudonym, name), ...) for project admins."""

    document: ParsedDocument
    notes: tuple[Draft, ...]
    findings: tuple[Finding, ...]
    speakers: tuple[tuple[str, str], ...] = ()


def speaker_alias(number: int) -> str:
    """The pseudonym of the ``number``-th speaker of a document (1-based)."""
    return f"Puhuja {number}"


def protect(
    document: ParsedDocument,
    notes: Sequence[Draft],
    detector: PersonalDataDetector,
    policy: Policy = "redact",
) -> ProtectedDocument[Draft]:
    """Find personal data in ``document`` and ``notes`` and apply ``policy`` to it.

    ``notes`` may be any NoteDraft subclass; one with a ``speaker`` field has it
    pseudonymised under "redact".
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, not {policy!r}")
    redact = policy == "redact"
    fields = sorted({value for note in notes for value in _field_values(note)})
    detected = detector.detect([document.text, *fields])
    text_detections, field_detections = detected[0], dict(zip(fields, detected[1:], strict=True))
    redaction = redact_text(document.text, text_detections) if redact else None
    text = redaction.text if redaction else document.text
    offsets = redaction.offsets if redaction else OffsetMap(())
    spans = redaction.spans if redaction else [(d.start, d.end) for d in text_detections]

    def clean(value: str | None) -> str | None:
        if value is None or not redact or not field_detections.get(value):
            return value
        return redact_text(value, field_detections[value]).text

    protected: list[Draft] = []
    for note in notes:
        start, end = offsets.start(note.start), offsets.end(note.end)
        protected.append(
            dataclasses.replace(
                note,
                text=text[start:end],
                start=start,
                end=end,
                question=clean(note.question),
                group=clean(note.group),
                context=clean(note.context),
                metadata={key: clean(value) or "" for key, value in note.metadata.items()},
            )
        )
    notes_out, speakers = _pseudonymise_speakers(protected) if redact else (protected, [])
    findings = _text_findings(text_detections, spans, notes_out, redact)
    findings += _metadata_findings(notes, field_detections, redact)
    rows = tuple(
        Row(offsets.start(row.start), offsets.end(row.end),
            {key: clean(value) or "" for key, value in row.metadata.items()})
        for row in document.rows
    )  # fmt: skip
    return ProtectedDocument(
        document=dataclasses.replace(document, text=text, rows=rows),
        notes=tuple(notes_out),
        findings=tuple(findings),
        speakers=tuple(speakers),
    )


def _field_values(note: NoteDraft) -> list[str]:
    values = [getattr(note, name) for name in _TEXT_FIELDS]
    return [v for v in [*values, *note.metadata.values()] if isinstance(v, str) and v.strip()]


def _pseudonymise_speakers(notes: list[Draft]) -> tuple[list[Draft], list[tuple[str, str]]]:
    """Each distinct speaker name -> "Puhuja n", numbered by first appearance."""
    aliases: dict[str, str] = {}
    out: list[Draft] = []
    for note in notes:
        name: object = getattr(note, "speaker", None)
        if not isinstance(name, str) or not name.strip():
            out.append(note)
            continue
        key = " ".join(name.split()).casefold()
        alias = aliases.setdefault(key, speaker_alias(len(aliases) + 1))
        out.append(dataclasses.replace(note, speaker=alias))
    names: dict[str, str] = {}
    for note, original in zip(out, notes, strict=True):
        pseudonym: object = getattr(note, "speaker", None)
        if isinstance(pseudonym, str) and pseudonym not in names:
            names[pseudonym] = " ".join(str(original.speaker).split())
    return out, list(names.items())


def _text_findings(
    detections: Sequence[Detection],
    spans: Sequence[tuple[int, int]],
    notes: Sequence[NoteDraft],
    redacted: bool,
) -> list[Finding]:
    """Findings in the stored document text, each with the note that holds it."""
    by_start = sorted(range(len(notes)), key=lambda i: (notes[i].start, -notes[i].end))
    starts = [notes[i].start for i in by_start]
    findings = []
    for detection, (start, end) in zip(detections, spans, strict=True):
        holder = None
        # Notes do not overlap (a sub-bullet is a line of its own), so the note holding
        # a finding is one of the last few that start at or before it.
        last = bisect.bisect_right(starts, start) - 1
        for k in range(last, max(last - 3, -1), -1):
            note = notes[by_start[k]]
            if note.start <= start and end <= note.end:
                holder = by_start[k]
                break
        findings.append(
            Finding(detection.entity, start, end, detection.score, detection.recognizer,
                    redacted, holder)
        )  # fmt: skip
    return findings


def _metadata_findings(
    notes: Sequence[NoteDraft], detections: dict[str, list[Detection]], redacted: bool
) -> list[Finding]:
    findings = []
    for index, note in enumerate(notes):
        for key, value in note.metadata.items():
            found = detections.get(value, [])
            spans = redact_text(value, found).spans if redacted and found else None
            for i, detection in enumerate(found):
                start, end = spans[i] if spans else (detection.start, detection.end)
                findings.append(
                    Finding(detection.entity, start, end, detection.score,
                            detection.recognizer, redacted, index, f"metadata:{key}")
                )  # fmt: skip
    return findings
