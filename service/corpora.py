"""The sample corpora shipped in ``corpora/``: manifest reading and loading into a project."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from service.config import REPO_ROOT, Settings
from service.ingest import IngestResult, ingest_document, prepare_document, validate_meta
from service.nlp import NlpResources
from service.storage import repository
from service.storage.db import Database
from service.theming.current import latest_run
from service.theming.notes import RunFilters
from service.theming.runs import RunOptions, fit_run

CORPORA_DIR = REPO_ROOT / "corpora"


@dataclass(frozen=True)
class CorpusDocument:
    path: Path
    kind: str
    region: str
    date: str | None
    event: str | None
    source: str
    licence: str


def read_manifest(folder: Path = CORPORA_DIR) -> list[CorpusDocument]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return [
        CorpusDocument(
            path=folder / entry["file"],
            kind=entry["kind"],
            region=entry["region"],
            date=entry.get("date"),
            event=entry.get("event"),
            source=entry["source"],
            licence=entry["licence"],
        )
        for entry in manifest["documents"]
    ]


def load_samples(
    db: Database,
    nlp: NlpResources,
    settings: Settings,
    project_name: str | None = None,
    on_document: Callable[[IngestResult], None] | None = None,
) -> list[IngestResult]:
    """Ingest the corpora into the sample project, creating it if needed.

    Idempotent: documents already there are recognised by content hash before any
    model is loaded, so a second run is fast and stores nothing twice; a run that was
    killed half-way is completed by the next one.
    """
    name = project_name or settings.sample_project
    # Prepare everything first, so a broken corpus file leaves no project behind.
    prepared = []
    for entry in read_manifest():
        meta = validate_meta(entry.region, entry.kind, entry.date, entry.event)
        prepared.append(prepare_document(entry.path.name, entry.path.read_bytes(), meta, settings))
    with db.session() as session:
        try:
            project_id = repository.get_project(session, name).id
        except repository.NotFound:
            project_id = repository.create_project(
                session, name, "Esimerkkiaineisto: viisi julkista suomenkielistä dokumenttia."
            ).id
    results = []
    for document in prepared:
        result = ingest_document(db, nlp, project_id, document)
        results.append(result)
        if on_document:
            on_document(result)
    return results


def theme_samples(
    db: Database, nlp: NlpResources, settings: Settings, project_name: str | None = None
) -> dict[str, object] | None:
    """Find the sample project's themes once, so that its first view shows them.

    Idempotent: a project that already has a run (or was given one by hand) is left as
    it is and None is returned; otherwise the summary of the new run.
    """
    with db.session() as session:
        project_id = repository.get_project(session, project_name or settings.sample_project).id
        if latest_run(session, project_id) is not None:
            return None
    return fit_run(db, nlp, project_id, RunFilters(), RunOptions())
