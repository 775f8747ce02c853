"""End-to-end ingest against the encoder alone, on the same notes, in the same process.

For each speed data set a fixed sample of notes becomes one CSV upload (one note per
row). Three contenders, their order rotated round by round:

- **encoder**: ``embedder.embed(texts)``, the texts exactly as ingest embeds them;
- **ingest**: ``prepare_document`` + ``ingest_document`` into a fresh SQLite database
  (empty embedding cache): parse, segment, lemmatize (the configured lemmatizer: spaCy
  with Voikko), embed, store in one transaction;
- **ingest_simplemma**: the same with the dictionary lemmatizer
  (``TEEMA_LANGUAGE_BACKEND=simplemma``).

The ratio ingest notes/s ÷ encoder notes/s says how much parsing, lemmatizing and
writing add to the encoder's time (target: >= 0.9).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from evaluation.bench.common import SHARED_DATA, csv_upload, read_labelled

DATASETS = ("omastadi_proposals", "sib200_fin_topics")


def _ingest_once(nlp: Any, name: str, content: bytes, expected: int) -> tuple[float, int]:
    """Seconds to prepare and ingest ``content`` into a fresh database; notes stored."""
    from service.config import Settings
    from service.ingest import ingest_document, prepare_document, validate_meta
    from service.storage.db import Database
    from service.storage.repository import create_project

    with tempfile.TemporaryDirectory(prefix="teema-ingest-") as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=None)
        db = Database(settings.resolved_database_url)
        db.migrate()
        with db.session() as session:
            project_id = create_project(session, "bench").id
        started = time.perf_counter()
        prepared = prepare_document(f"{name}.csv", content, validate_meta("Uusimaa"), settings)
        result = ingest_document(db, nlp, project_id, prepared)
        seconds = time.perf_counter() - started
        db.dispose()
    if result.embedded != expected:
        raise RuntimeError(f"ingest embedded {result.embedded} notes, expected {expected}")
    return seconds, result.note_count


def run(sample: int = 512, rounds: int = 2) -> dict[str, Any]:
    """Encoder alone, ingest with the configured lemmatizer, ingest with simplemma."""
    from service.config import Settings
    from service.ingest import embedding_text
    from service.nlp import NlpResources

    base = Settings()
    nlp = NlpResources(base)
    light = NlpResources(base.model_copy(update={"language_backend": "simplemma"}))
    light.__dict__["embedder"] = nlp.embedder  # one encoder for all three contenders
    nlp.embedder.embed(["lämmittely"])  # load models outside the timings
    nlp.analyzer.analyze(["lämmittely"])
    light.analyzer.analyze(["lämmittely"])
    results: dict[str, Any] = {
        "embedding_backend": base.embedding_backend,
        "language_backend": base.language_backend,
        "model_id": nlp.embedder.model_id,
        "datasets": {},
    }
    contenders = ["encoder", "ingest", "ingest_simplemma"]
    for name in DATASETS:
        notes = read_labelled(SHARED_DATA / f"{name}.jsonl").sample(sample)
        content = csv_upload(notes.texts)
        distinct = len(set(notes.texts))
        times: dict[str, list[float]] = {c: [] for c in contenders}
        stored = 0
        for round_ in range(rounds):
            # Rotate the order so that no contender always runs first or last.
            for contender in contenders[round_ % 3 :] + contenders[: round_ % 3]:
                if contender == "encoder":
                    started = time.perf_counter()
                    nlp.embedder.embed([embedding_text(t, None) for t in notes.texts])
                    times[contender].append(time.perf_counter() - started)
                    continue
                resources = nlp if contender == "ingest" else light
                seconds, stored = _ingest_once(resources, name, content, distinct)
                times[contender].append(seconds)
        encoder_rate = len(notes.texts) / statistics.median(times["encoder"])
        row: dict[str, Any] = {
            "notes": len(notes.texts),
            "notes_stored": stored,
            "seconds": {c: [round(t, 2) for t in v] for c, v in times.items()},
            "encoder_notes_per_s": round(encoder_rate, 1),
        }
        for contender in ("ingest", "ingest_simplemma"):
            rate = stored / statistics.median(times[contender])
            row[f"{contender}_notes_per_s"] = round(rate, 1)
            row["ratio" if contender == "ingest" else "ratio_simplemma"] = round(
                rate / encoder_rate, 3
            )
        results["datasets"][name] = row
    return results
