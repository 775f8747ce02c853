"""The one place settings live: environment variables with the prefix ``TEEMA_``.

Tests build ``Settings(...)`` with explicit values instead of patching globals.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_PATH = REPO_ROOT / "models" / "build" / "multilingual-e5-small"


class Settings(BaseSettings):
    """Runtime configuration; every field maps to ``TEEMA_<FIELD>`` (case-insensitive)."""

    model_config = SettingsConfigDict(env_prefix="TEEMA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=REPO_ROOT / "data",
        description="Folder for the SQLite database and other local state.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; empty means SQLite at <data_dir>/teemakartta.db. "
        "PostgreSQL: postgresql+psycopg://user:pass@host/db",
    )
    embedding_model: str = Field(
        default=str(DEFAULT_MODEL_PATH),
        description="sentence-transformers model name or path (the default is built "
        "offline by `make setup`).",
    )
    embedding_prompt: str = Field(
        default="query: ",
        description='Prefix put before every note when embedding (e5 models expect "query: ").',
    )
    embedding_batch_size: int = Field(default=32, ge=1, le=1024)
    embedding_backend: str = Field(
        default="sentence-transformers",
        description='"sentence-transformers" (float32) or "onnx-int8" (ONNX Runtime int8, '
        "about 2.7x faster on this kind of CPU; needs a local model folder).",
    )
    language_backend: str = Field(
        default="auto",
        description='"auto" (spaCy Finnish with Voikko, falling back to simplemma), '
        '"spacy" or "simplemma".',
    )
    max_upload_mb: float = Field(default=50.0, gt=0, description="Largest accepted file.")
    max_request_mb: float = Field(
        default=200.0, gt=0, description="Largest request (all files of one upload together)."
    )
    max_notes_per_document: int = Field(
        default=20_000, ge=1, description="Uploads that would make more notes are refused."
    )
    max_document_chars: int = Field(
        default=5_000_000, ge=1, description="Uploads with more text than this are refused."
    )
    max_note_chars: int = Field(
        default=2_000,
        ge=100,
        description="Longer notes are split at sentence, then clause, boundaries "
        "(service/pipeline/note_length.py); text that cannot be split is refused.",
    )
    job_workers: int = Field(
        default=2,
        ge=0,
        le=32,
        description=(
            "Jobs one process runs at once: each worker process's, or the API's own when "
            "it runs them (TEEMA_WORKER_PROCESSES=0; 0 here: it runs none). Never two "
            "jobs of one project at once (jobs.py)."
        ),
    )
    worker_processes: int = Field(
        default=1,
        ge=0,
        le=16,
        description=(
            "Worker processes `teemakartta serve` starts beside the API to run the jobs; "
            "0: the API runs them on threads of its own."
        ),
    )
    cpu_threads: int = Field(
        default=0,
        ge=0,
        le=256,
        description=(
            "Cores one process's model work may use (the encoder, UMAP); 0: all of them, "
            "or, for the worker processes `serve` starts, an equal share each."
        ),
    )
    job_time_limit_minutes: float = Field(
        default=240.0,
        ge=0,
        description=(
            "A job running longer fails at its next progress report (in a worker process "
            "30 s past it at the latest); 0: no limit."
        ),
    )
    job_memory_limit_mb: float = Field(
        default=0.0,
        ge=0,
        description=(
            "A job whose process holds more memory fails at its next progress report; "
            "0: no limit. Meant for worker processes running one job at a time."
        ),
    )
    max_waiting_requests: int = Field(
        default=8,
        ge=0,
        description="Requests with ?wait=true that may wait for their job at once; others "
        "answer 202 at once (api/waiting.py).",
    )
    max_wait_seconds: float = Field(
        default=600.0, gt=0, description="A waiting request answers 202 after this long."
    )
    session_hours: float = Field(
        default=12.0, gt=0, description="How long a browser stays signed in after a sign-in link."
    )
    sign_in_link_minutes: float = Field(
        default=60.0, gt=0, description="How long a one-time sign-in link stays valid."
    )
    failed_sign_ins_per_minute: int = Field(
        default=10, ge=1, description="Failed sign-ins per client address before a 429."
    )
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    ui_port: int = 8501
    api_url: str = Field(default="http://127.0.0.1:8000", description="Where the UI finds the API.")
    sample_project: str = Field(
        default="esimerkki", description="Project that `make run` fills from corpora/."
    )
    shared_batch_notes: int = Field(
        default=1000,
        ge=0,
        description=(
            "An upload running as a job with more notes than this shares them in batches "
            "of this many with the other workers (lemmas and vectors; note_analysis.py); "
            "0: never share."
        ),
    )
    fit_sample_notes: int = Field(
        default=20_000,
        ge=0,
        description=(
            "A theme run over more notes fits on a stratified sample of this many (by "
            "region and document) and assigns the rest as new notes are assigned; "
            "0: always fit on every note (evaluation/results/fit_scaling.json)."
        ),
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'teemakartta.db'}"

    @property
    def max_request_bytes(self) -> int:
        return int(self.max_request_mb * 1024 * 1024)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)
