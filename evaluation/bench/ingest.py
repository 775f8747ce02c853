"""End-to-end ingest against the encoder alone, on the same notes, in the same process.

For each speed data set a fixed sample of notes becomes one CSV upload (one note per
row). Two contenders, alternating in order round by round:

- **encoder only**: ``embedder.embed(texts)``, the texts exactly as ingest embeds them;
- **ingest**: ``prepare_document`` + ``ingest_document`` into a fresh SQLite database
  (empty embedding cache): parse, segment, lemmatize, embed, store in one transaction.

The ratio ingest notes/s ÷ encoder notes/s says how much parsing, lemmatizing and
writing add to the encoder's time (target: >= 0.9).
"""

from __future__ import annotations

import csv
import io
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from evaluation.bench.common import SHARED_DATA, read_labelled

DATASETS = ("omastadi_proposals", "sib200_fin_topics")


def _csv_upload(texts: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["teksti"])
    writer.writerows([text] for text in texts)
    return out.getvalue().encode("utf-8")


def run(sample: int = 512, rounds: int = 2) -> dict[str, Any]:
    from service.config import Settings
    from service.ingest import embedding_text, ingest_document, prepare_document, validate_meta
    from service.nlp import NlpResources
    from service.storage.db import Database
    from service.storage.repository import create_project

    base = Settings()
    nlp = NlpResources(base)
    nlp.embedder.embed(["lämmittely"])  # load the model outside the timings
    nlp.analyzer.analyze(["lämmittely"])
    results: dict[str, Any] = {
        "embedding_backend": base.embedding_backend,
        "language_backend": base.language_backend,
        "model_id": nlp.embedder.model_id,
        "datasets": {},
    }
    for name in DATASETS:
        notes = read_labelled(SHARED_DATA / f"{name}.jsonl").sample(sample)
        content = _csv_upload(notes.texts)
        encoder_times, ingest_times = [], []
        note_count = 0
        for round_ in range(rounds):
            order = ["encoder", "ingest"] if round_ % 2 == 0 else ["ingest", "encoder"]
            for contender in order:
                if contender == "encoder":
                    started = time.perf_counter()
                    nlp.embedder.embed([embedding_text(t, None) for t in notes.texts])
                    encoder_times.append(time.perf_counter() - started)
                    continue
                with tempfile.TemporaryDirectory(prefix="teema-ingest-") as tmp:
                    settings = Settings(data_dir=Path(tmp), database_url=None)
                    db = Database(settings.resolved_database_url)
                    db.migrate()
                    with db.session() as session:
                        project_id = create_project(session, "bench").id
                    started = time.perf_counter()
                    prepared = prepare_document(
                        f"{name}.csv", content, validate_meta("Uusimaa"), settings
                    )
                    result = ingest_document(db, nlp, project_id, prepared)
                    ingest_times.append(time.perf_counter() - started)
                    db.dispose()
                    note_count = result.note_count
                    if result.embedded != len(set(notes.texts)):
                        raise RuntimeError(f"ingest embedded {result.embedded} notes, expected all")
        encoder = statistics.median(encoder_times)
        ingest = statistics.median(ingest_times)
        results["datasets"][name] = {
            "notes": len(notes.texts),
            "notes_stored": note_count,
            "encoder_seconds": [round(t, 2) for t in encoder_times],
            "ingest_seconds": [round(t, 2) for t in ingest_times],
            "encoder_notes_per_s": round(len(notes.texts) / encoder, 1),
            "ingest_notes_per_s": round(note_count / ingest, 1),
            "ratio": round((note_count / ingest) / (len(notes.texts) / encoder), 3),
        }
    return results
