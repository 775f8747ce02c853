"""SQLite in WAL mode: readers and a writer do not block each other, and the API serves
reads while uploads are being ingested."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from service.storage.db import Database
from service.storage.models import Project
from tests.conftest import CORPORA


def _no_waiting(session: Session) -> Session:
    """``session`` with SQLite's busy timeout at zero: a lock another connection holds
    raises "database is locked" at once instead of being waited out, so the checks below
    are about blocking, not about how fast the machine is."""
    session.execute(text("PRAGMA busy_timeout=0"))
    return session


def test_sqlite_runs_in_wal_mode_and_readers_do_not_block_a_writer(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'wal.db'}")
    db.migrate()
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    # A reader in the middle of a read transaction (the driver's own connection, since
    # pysqlite opens no transaction for a SELECT); it holds its snapshot throughout.
    reader = sqlite3.connect(tmp_path / "wal.db", isolation_level=None)
    reader.execute("BEGIN")
    before = reader.execute("SELECT count(*) FROM projects").fetchone()
    with _no_waiting(db.sessions()) as writer:
        writer.add(Project(name="kirjoitus", description=""))
        writer.commit()
    assert reader.execute("SELECT count(*) FROM projects").fetchone() == before
    reader.execute("COMMIT")
    reader.close()
    # and a writer holding its transaction open does not block a new reader
    writer = db.sessions()
    writer.add(Project(name="kesken", description=""))
    writer.flush()
    other = _no_waiting(db.sessions())
    names = other.scalars(select(Project.name)).all()
    assert "kesken" not in names and "kirjoitus" in names
    writer.commit()
    for session in (writer, other):
        session.close()
    db.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_uploads_and_reads_in_parallel(client: TestClient) -> None:
    assert client.post("/projects", json={"name": "p"}).status_code == 201
    files = sorted(CORPORA.glob("*.txt"))
    stop = threading.Event()
    statuses: list[int] = []

    def read_loop() -> None:
        while not stop.is_set():
            for path in ("/projects/p/notes?limit=50", "/projects/p/documents", "/projects"):
                statuses.append(client.get(path).status_code)

    def upload(path: Path) -> int:
        response = client.post(
            "/projects/p/documents?wait=true",
            data={"region": "Kainuu", "kind": "other"},
            files=[("files", (path.name, path.read_bytes()))],
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        readers = [pool.submit(read_loop) for _ in range(3)]
        uploads = list(pool.map(upload, files))
        stop.set()
        for reader in readers:
            reader.result()
    assert uploads == [201] * len(files)
    assert statuses and set(statuses) == {200}
    assert len(client.get("/projects/p/documents").json()) == len(files)
