"""Request and response bodies of the HTTP API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.api.responses.timestamps import UtcDateTime
from service.project_names import PROJECT_NAME_RE

# Ids are positive 64-bit integers in the database: any other number in a path or query is
# no id (422), not a crash (500).
MAX_ID = 2**63 - 1


class ProjectCreate(BaseModel):
    name: str = Field(pattern=PROJECT_NAME_RE.pattern, examples=["pohjois-savo-2017"])
    description: str = Field(default="", max_length=2000)


class ProjectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    description: str
    created_at: UtcDateTime
    document_count: int = 0
    note_count: int = 0


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    format: str
    encoding: str | None
    kind: str
    region: str
    date: dt.date | None
    event: str | None
    note_count: int
    content_hash: str
    created_at: UtcDateTime


class NoteOut(BaseModel):
    id: int
    document_id: int
    filename: str
    region: str
    date: dt.date | None
    event: str | None
    document_kind: str
    position: int
    kind: str
    group: str | None
    question: str | None
    parent_id: int | None
    context: str | None
    text: str
    start: int
    end: int
    language: str
    metadata: dict[str, Any]
    lemmas: list[str]
    speaker: str | None = None
    speaker_role: str | None = None
    turn: int | None = None
    start_time: float | None = None  # seconds from the start of the recording
    end_time: float | None = None


class DocumentDetail(DocumentOut):
    text: str
    notes: list[NoteOut]


class NotePage(BaseModel):
    total: int
    limit: int
    offset: int
    notes: list[NoteOut]


class UploadRules(BaseModel):
    """What an upload may be: the file types the parser reads and the size limit."""

    extensions: list[str] = Field(description='Accepted file name endings, e.g. ".txt"')
    max_upload_mb: float = Field(description="Largest file accepted, in MB of 1024 * 1024 bytes")


class UploadedFile(BaseModel):
    filename: str
    status: str  # "queued" | "duplicate"
    note_count: int
    document_id: int | None = None


class UploadAccepted(BaseModel):
    job_id: str | None
    files: list[UploadedFile]


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    state: str
    progress: float
    message: str
    error: str | None
    error_fi: str | None = Field(
        default=None, description="The error in Finnish, where the service has it"
    )
    result: dict[str, Any]
    created_at: UtcDateTime
    updated_at: UtcDateTime
    started_at: UtcDateTime | None = Field(
        default=None, description="When its worker started it (null while queued)"
    )
    eta_seconds: float | None = Field(
        default=None,
        description=(
            "Seconds left, from the job's own pace so far (time since started x what is "
            "left / what is done); null unless running and 5 % done"
        ),
    )

    @model_validator(mode="after")
    def _estimate(self) -> JobOut:
        if self.state == "running" and self.started_at is not None and self.progress >= 0.05:
            ran = (self.updated_at - self.started_at).total_seconds()
            self.eta_seconds = round(max(0.0, ran) * (1 - self.progress) / self.progress, 1)
        else:
            self.eta_seconds = None
        return self
