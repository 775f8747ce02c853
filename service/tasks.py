"""The work behind each kind of job, by name: what a job queue runs for a job's row.

A job stores its task's name (``Job.kind``), its arguments as JSON (``Job.args``) and, for
an upload, the files (``JobFile``); ``tasks_for`` gives the functions that turn those into
work, so any process holding the database and the models can run any job from its row
alone. The API only checks a request and submits the job.

- ``ingest``: the files of an upload, each parsed again from its bytes and ingested in a
  transaction of its own (the request parsed them once already, to refuse a bad file
  before any job started); args: the upload's form fields.
- ``themes``: a theme run; args: the run's filters and options.
- ``actors``: organisations and places in the notes not analysed yet; no args.
- ``analyse``: one batch of a large upload's notes, lemmatized and embedded for the
  ``ingest`` job that offered it (``note_analysis.py``); args: the batch's texts.
"""

from __future__ import annotations

from typing import Any

from service.analysis.actors import find_mentions
from service.config import Settings
from service.ingest import UploadError, ingest_document, prepare_document, validate_meta
from service.job_recovery import BATCH_KIND
from service.jobs import JobFailed, JobInput, Progress, Task
from service.nlp import NlpResources
from service.note_analysis import Batching, analyse_batch_task
from service.pipeline.entities import EntityRecognizer
from service.storage.db import Database
from service.theming.notes import RunFilters
from service.theming.runs import RunError, RunOptions, fit_run

UPLOAD_FIELDS = ("region", "kind", "date", "event", "facilitator", "text_column", "columns")


def ingest_args(**fields: str | None) -> dict[str, Any]:
    """The ``ingest`` job's args: the upload's form fields, as the request had them."""
    unknown = set(fields) - set(UPLOAD_FIELDS)
    if unknown:
        raise TypeError(f"not an upload field: {', '.join(sorted(unknown))}")
    return {name: fields.get(name) for name in UPLOAD_FIELDS}


def theme_args(filters: RunFilters, options: RunOptions) -> dict[str, Any]:
    """The ``themes`` job's args."""
    return {
        "filters": filters.as_json(),
        "use_codebook": options.use_codebook,
        "preview": options.preview,
        "detail": options.detail,
    }


# What a job says, in English and Finnish, when its project was deleted before it ran.
_GONE = {
    "ingest": (
        "The project of this upload is gone; nothing was saved.",
        "Latauksen projekti on poistettu; mitään ei tallennettu.",
    ),
    "themes": (
        "The project of this run is gone; nothing was saved.",
        "Teema-ajon projekti on poistettu; mitään ei tallennettu.",
    ),
    "actors": (
        "The project is gone; nothing was saved.",
        "Projekti on poistettu; mitään ei tallennettu.",
    ),
}


def tasks_for(db: Database, nlp: NlpResources, settings: Settings) -> dict[str, Task]:
    """The task of each job kind, working on ``db`` with the models of ``nlp``."""

    def ingest(job: JobInput, progress: Progress) -> dict[str, Any]:
        if job.project_id is None:
            raise JobFailed(*_GONE["ingest"])
        args = job.args
        meta = validate_meta(
            args.get("region"), args.get("kind"), args.get("date"), args.get("event"),
            args.get("facilitator"),
        )  # fmt: skip
        files = job.files()
        results = []
        for i, (filename, content) in enumerate(files):

            def scaled(fraction: float, message: str, i: int = i, name: str = filename) -> None:
                progress((i + fraction) / len(files), f"{name}: {message}")

            try:  # the request read it without fault; only a changed setting can fail it
                document = prepare_document(
                    filename, content, meta, settings, args.get("text_column"), args.get("columns")
                )
            except UploadError as error:
                raise JobFailed(error.message, error.finnish) from None
            batching = Batching(job.job_id, job.project_id, settings.shared_batch_notes)
            result = ingest_document(db, nlp, job.project_id, document, scaled, batching)
            results.append(result.__dict__)
        return {"documents": results}

    def themes(job: JobInput, progress: Progress) -> dict[str, Any]:
        if job.project_id is None:
            raise JobFailed(*_GONE["themes"])
        args = job.args
        options = RunOptions(
            use_codebook=bool(args.get("use_codebook", True)),
            preview=bool(args.get("preview", False)),
            detail=args.get("detail"),
            job_id=job.job_id,
        )
        filters = RunFilters.from_json(args.get("filters") or {})
        try:
            return fit_run(db, nlp, job.project_id, filters, options, progress)
        except RunError as error:
            raise JobFailed(error.message, error.finnish) from None

    def actors(job: JobInput, progress: Progress) -> dict[str, Any]:
        if job.project_id is None:
            raise JobFailed(*_GONE["actors"])
        return {"analysed": find_mentions(db, job.project_id, EntityRecognizer(), progress)}

    return {
        "ingest": ingest,
        "themes": themes,
        "actors": actors,
        BATCH_KIND: analyse_batch_task(db, nlp),
    }
