"""Answers about personal data: a project's policy, its findings, the speakers' names."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PrivacyOut(BaseModel):
    """The policy and how much personal data was found (counts, no values)."""

    policy: str
    findings: int
    redacted: int
    by_review: dict[str, int]
    by_entity: dict[str, int]
    placeholders: dict[str, str]
    detect_min: float
    review_below: float


class FindingOut(BaseModel):
    """One finding of personal data, with the stored text around it."""

    id: int
    document_id: int
    filename: str
    note_id: int | None
    field: str
    entity: str
    placeholder: str
    score: float
    recognizer: str
    redacted: bool
    review: str
    reviewed_by: str | None
    before: str = Field(description="stored text before the finding")
    value: str = Field(description="the stored text of the finding: its placeholder if redacted")
    after: str


class SpeakerOut(BaseModel):
    """The name behind a speaker's pseudonym in a transcript."""

    document_id: int
    filename: str
    pseudonym: str
    name: str
