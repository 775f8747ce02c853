"""Exports of a large project stream: 50,000 notes are never all in memory at once.

Peak Python memory (tracemalloc) during each export is compared with the size of the
note texts themselves; holding every row once would already cost more than that.
"""

from __future__ import annotations

import hashlib
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import insert

from service.export import write_export
from service.storage.db import Database
from service.storage.models import Document, Project, Theme, ThemeRun
from tests.factories import database, sample_project

DOCUMENTS = 10
NOTES_PER_DOCUMENT = 5_000
WORDS = (
    "työvoima",
    "yhteistyö",
    "äänestys",
    "kehittäminen",
    "osaaminen",
    "elinvoima",
    "hyvinvointi",
    "liikenne",
    "asuminen",
    "matkailu",
    "yrittäjyys",
    "koulutus",
    "öljy",
)


def _fill(db: Database) -> int:
    """Bulk-insert 50,000 notes in 10 documents with a 20-theme run; returns the bytes of
    note text. Rows go in through the driver's executemany: ORM objects for 100,000 rows
    would take longer than the exports under test."""
    rng = np.random.default_rng(0)
    text_bytes = 0
    with db.session() as session:
        project = Project(name="iso", description="")
        session.add(project)
        session.flush()
        run = ThemeRun(project_id=project.id, model_id="test")
        session.add(run)
        session.flush()
        session.execute(
            insert(Theme),
            [
                {
                    "run_id": run.id,
                    "project_id": project.id,
                    "key": k,
                    "name": f"Teema {k} – äö",
                    "keywords": [["sana", 1.0]],
                    "size": 0,
                    "centroid": b"",
                    "representatives": [],
                    "name_edited": False,
                    "x": 0.0,
                    "y": 0.0,
                }
                for k in range(20)
            ],
        )
        connection = session.connection()
        note_id = 0
        for d in range(DOCUMENTS):
            notes = [
                f"Muistiinpano {d}-{i}: " + " ".join(rng.choice(WORDS, size=20))
                for i in range(NOTES_PER_DOCUMENT)
            ]
            text = "".join(f"- {n}\n" for n in notes)
            document_id = session.execute(
                insert(Document).returning(Document.id),
                [
                    {
                        "project_id": project.id,
                        "filename": f"dokumentti-{d}.txt",
                        "content_hash": hashlib.sha256(text.encode()).hexdigest(),
                        "format": "txt",
                        "encoding": "utf-8",
                        "kind": "workshop",
                        "region": f"Alue {d % 3}",
                        "text": text,
                        "note_count": len(notes),
                        "event": None,
                        "date": None,
                    }
                ],
            ).scalar_one()
            rows, assignments, offset = [], [], 0
            for position, note in enumerate(notes):
                note_id += 1
                start = offset + 2
                offset = start + len(note) + 1
                rows.append(
                    (note_id, project.id, document_id, position, note, start, start + len(note))
                )
                key = None if note_id % 10 == 0 else note_id % 20
                assignments.append((run.id, note_id, key))
                text_bytes += len(note.encode("utf-8"))
            connection.exec_driver_sql(
                'INSERT INTO notes (id, project_id, document_id, position, text, start, "end", '
                "kind, language, metadata, lemmas, content_lemmas, embed_hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'bullet', 'fi', '{}', '[]', '[]', 'x')",
                rows,
            )
            connection.exec_driver_sql(
                "INSERT INTO assignments (run_id, note_id, theme_key, score, scores, x, y, "
                "source) VALUES (?, ?, ?, 0.5, '{}', 0, 0, 'model')",
                assignments,
            )
    return text_bytes


@pytest.fixture(scope="module")
def large_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int]:
    folder = tmp_path_factory.mktemp("iso")
    # Export a tiny project once in every format first: the first export imports pyarrow,
    # lxml and friends, and those modules are not export memory.
    with database(f"sqlite:///{folder / 'pieni.db'}") as db:
        sample = sample_project(db)
        with db.session() as session:
            project = session.get(Project, sample.project_id)
            for fmt in ("csv", "parquet", "qdpx"):
                write_export(session, project, fmt, folder / f"pieni.{fmt}")
    url = f"sqlite:///{folder / 'iso.db'}"
    with database(url) as db:
        return url, _fill(db)


def _peak(export: Callable[[], object]) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        export()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["csv", "parquet", "qdpx"])
def test_large_exports_stream(large_project: tuple[str, int], tmp_path: Path, fmt: str) -> None:
    url, text_bytes = large_project
    assert text_bytes > 8_000_000  # the measure is meaningful only for a sizeable project
    path = tmp_path / f"iso.{fmt}"
    with database(url) as db, db.session() as session:
        project = session.get(Project, 1)
        arrow_before = pa.total_allocated_bytes()
        peak = _peak(lambda: write_export(session, project, fmt, path))
        arrow_after = pa.total_allocated_bytes()
    # Well below 2x the data: under half of one copy of the note texts (holding every row
    # once would already exceed it).
    assert peak < text_bytes / 2, f"{fmt}: peak {peak / 1e6:.1f} MB for {text_bytes / 1e6:.1f} MB"
    assert arrow_after - arrow_before < text_bytes / 4  # Arrow's own buffers are released
    if fmt == "csv":
        with path.open(encoding="utf-8-sig") as handle:
            assert sum(1 for _ in handle) == DOCUMENTS * NOTES_PER_DOCUMENT + 1
    elif fmt == "parquet":
        meta = pq.ParquetFile(path).metadata
        assert meta.num_rows == DOCUMENTS * NOTES_PER_DOCUMENT and meta.num_row_groups == 5
    else:
        with zipfile.ZipFile(path) as archive:
            assert len(archive.namelist()) == DOCUMENTS + 1
            qde = archive.read("project.qde")
        assert qde.count(b"<PlainTextSelection ") == DOCUMENTS * NOTES_PER_DOCUMENT * 9 // 10
