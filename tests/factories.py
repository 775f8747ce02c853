"""Test data written straight into a real database: projects, documents, notes and theme
runs, without the embedding model or the theme engine.

Notes are real spans of their document's text (``document.text[start:end] == note.text``),
as the segmenter makes them, so exports and QDPX offsets can be checked exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from service.jobs import JobInput, Progress, Task
from service.storage.db import Database
from service.storage.models import Assignment, Document, Job, Note, Project, Theme, ThemeRun


@contextmanager
def database(url: str) -> Iterator[Database]:
    """A migrated database at ``url``, disposed afterwards."""
    db = Database(url)
    db.migrate()
    try:
        yield db
    finally:
        db.dispose()


def audit_log(db: Database) -> list[tuple[str, str, str | None]]:
    """(action, user, project) of every audit entry, oldest first."""
    from service.storage.access import AuditEntry

    with db.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(e.action, e.user_name, e.project_name) for e in entries]


def add_project(db: Database, name: str = "p") -> int:
    with db.session() as session:
        project = Project(name=name, description="")
        session.add(project)
        session.flush()
        return project.id


def add_document(
    db: Database,
    project_id: int,
    notes: Sequence[str],
    region: str,
    *,
    filename: str | None = None,
    kind: str = "workshop",
    date: dt.date | None = None,
    event: str | None = None,
    group: str | None = None,
    question: str | None = None,
    header: str = "Otsikko\n\n",
) -> list[int]:
    """A document whose text is ``header`` plus the notes as bullet lines; returns note ids."""
    text = header + "".join(f"- {note}\n" for note in notes)
    name = filename or f"{region.lower()}-{len(notes)}.txt"
    with db.session() as session:
        document = Document(
            project_id=project_id,
            filename=name,
            content_hash=hashlib.sha256(f"{name}\0{text}".encode()).hexdigest(),
            format="txt",
            encoding="utf-8",
            kind=kind,
            region=region,
            date=date,
            event=event,
            text=text,
            note_count=len(notes),
        )
        session.add(document)
        session.flush()
        ids, cursor = [], 0
        for position, note_text in enumerate(notes):
            start = text.index(f"- {note_text}\n", cursor) + 2
            cursor = start + len(note_text)
            note = Note(
                project_id=project_id,
                document_id=document.id,
                position=position,
                text=note_text,
                start=start,
                end=cursor,
                kind="bullet",
                group=group,
                question=question,
                language="fi",
                meta={},
                lemmas=[],
                content_lemmas=[],
                embed_hash=hashlib.sha256(note_text.encode()).hexdigest(),
            )
            session.add(note)
            session.flush()
            ids.append(note.id)
        return ids


@dataclass(frozen=True)
class ThemeSpec:
    name: str
    keywords: tuple[str, ...] = ()
    seed: str | None = None
    description: str = ""


def add_run(
    db: Database,
    project_id: int,
    themes: Mapping[int, ThemeSpec],
    placement: Mapping[int, int | None],
    human: Sequence[int] = (),
) -> int:
    """A theme run placing each note id in ``placement`` in a theme key (None = unassigned);
    notes listed in ``human`` are marked as placed by hand."""
    with db.session() as session:
        run = ThemeRun(
            project_id=project_id,
            model_id="test",
            note_count=len(placement),
            unassigned_share=sum(k is None for k in placement.values()) / max(len(placement), 1),
        )
        session.add(run)
        session.flush()
        for key, spec in themes.items():
            session.add(
                Theme(
                    run_id=run.id,
                    project_id=project_id,
                    key=key,
                    name=spec.name,
                    keywords=[[w, round(1.0 / (i + 1), 4)] for i, w in enumerate(spec.keywords)],
                    size=sum(k == key for k in placement.values()),
                    seed=spec.seed,
                    description=spec.description,
                    centroid=b"\x00" * 16,
                    representatives=[],
                )
            )
        session.execute(
            insert(Assignment),
            [
                {
                    "run_id": run.id,
                    "note_id": note_id,
                    "theme_key": key,
                    "score": 0.5 if key is not None else 0.0,
                    "scores": {},
                    "x": 0.0,
                    "y": 0.0,
                    "source": "human" if note_id in set(human) else "model",
                }
                for note_id, key in placement.items()
            ],
        )
        return run.id


# A small Finnish project: three regions, umlauts, one undated document, one theme that
# only Pohjois-Savo talks about, and unassigned notes.
SAMPLE_THEMES = {
    1: ThemeSpec(
        "Osaavan työvoiman saatavuus",
        ("työvoima", "osaaminen", "rekrytointi"),
        seed="Työvoima",
        description="Äänekoski ja Iisalmi tarvitsevat lisää hoitajia.",
    ),
    2: ThemeSpec(
        "Vetovoima ja markkinointi",
        ("vetovoima", "markkinointi", "mielikuva"),
        description='Mielikuva <b>ratkaisee</b> & "markkinointi" <script>alert(1)</script>.',
    ),
    3: ThemeSpec(
        "Yhteistyö ja verkostot",
        ("yhteistyö", "verkosto", "hanke"),
        description="Verkostot kokoavat kunnat ja oppilaitokset yhteen.",
    ),
}


@dataclass(frozen=True)
class SampleProject:
    project_id: int
    run_id: int
    notes: dict[int, tuple[str, str, int | None]]  # note id -> (region, text, theme key)


def sample_project(db: Database, name: str = "p") -> SampleProject:
    project_id = add_project(db, name)
    plan: list[tuple[str, dt.date | None, str, list[tuple[str, int | None]]]] = [
        (
            "Pohjois-Savo",
            dt.date(2017, 11, 1),
            "workshop",
            [
                ("Työvoiman saatavuus on yritysten suurin huoli Kuopiossa", 1),
                ("Rekrytointi vaatii yhteistä mielikuvaa ja markkinointia", 2),
                ("Osaajien houkuttelu ulkomailta vaatii kielikoulutusta", 1),
                ("Ammattikoulujen ja yritysten yhteistyö työvoiman turvaamiseksi", 1),
                ("Vetovoimainen maakunta näkyy sosiaalisessa mediassa", 2),
                ("Äänekoski ja Iisalmi tarvitsevat lisää hoitajia", 1),
                ("Jotain aivan muuta: kahvi loppui kesken", None),
            ],
        ),
        (
            "Etelä-Savo",
            dt.date(2018, 2, 15),
            "project_description",
            [
                ("Verkostojen kautta tieto kulkee toimijoiden välillä", 3),
                ("Hanke kokoaa yhteen oppilaitokset ja kunnat", 3),
                ("Mikkelin seudun mielikuva on myönteinen", 2),
                ("Yhteistyö maakuntien välillä vahvistuu", 3),
            ],
        ),
        (
            "Kainuu",
            None,
            "workshop",
            [
                ("Pitkät välimatkat vaikeuttavat yhteistyötä", 3),
                ("Nuoret muuttavat pois opiskelemaan", None),
                ("Kajaanin markkinointi kaipaa uudistusta", 2),
            ],
        ),
    ]
    notes: dict[int, tuple[str, str, int | None]] = {}
    placement: dict[int, int | None] = {}
    for region, date, kind, items in plan:
        ids = add_document(
            db,
            project_id,
            [t for t, _ in items],
            region,
            kind=kind,
            date=date,
            filename=f"{region.lower()}.txt",
            event=f"Työpaja {region}",
            group="Ryhmä 1" if region != "Kainuu" else None,
        )
        for note_id, (text, key) in zip(ids, items, strict=True):
            notes[note_id] = (region, text, key)
            placement[note_id] = key
    human = [next(i for i, (_, t, _) in notes.items() if t.startswith("Kajaanin"))]
    run_id = add_run(db, project_id, SAMPLE_THEMES, placement, human=human)
    return SampleProject(project_id, run_id, notes)


def include_routers(client: TestClient, *routers: APIRouter) -> TestClient:
    """Add routers the app does not wire yet (once the lead wires them, this does nothing)."""
    app = client.app
    assert isinstance(app, FastAPI)
    paths = {getattr(route, "path", None) for route in app.routes}
    for router in routers:
        if not {getattr(route, "path", None) for route in router.routes} <= paths:
            app.include_router(router)
    return client


def tool_qdpx(folder: Path, text: str) -> Path:
    """A small project as a QDA tool might write it: inline text for one source, a
    capitalised Sources/ folder for another, nested codes, selections that cover part of a
    note or straddle two."""
    ns = "urn:QDA-XML:project:1.0"
    g = "{:08x}-1111-4111-8111-{:012x}"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{ns}" name="analyysi"><CodeBook><Codes>
  <Code guid="{g.format(1, 1)}" name="Työvoima" isCodable="true">
    <Code guid="{g.format(2, 2)}" name="Rekrytointi" isCodable="true"/></Code>
  <Code guid="{g.format(3, 3)}" name="Muu" isCodable="true"/>
</Codes></CodeBook><Sources>
  <TextSource guid="{g.format(4, 4)}" name="inline"><PlainTextContent>{text}</PlainTextContent>
    <PlainTextSelection guid="{g.format(5, 5)}" startPosition="{text.index("Äänekoski") + 2}"
        endPosition="{text.index("Äänekoski") + 12}">
      <Coding guid="{g.format(6, 6)}"><CodeRef targetGUID="{g.format(2, 2)}"/></Coding>
    </PlainTextSelection>
    <PlainTextSelection guid="{g.format(11, 11)}" startPosition="{text.index("Työvoimaa")}"
        endPosition="{text.index("Työvoimaa") + 19}">
      <Coding guid="{g.format(12, 12)}"><CodeRef targetGUID="{g.format(1, 1)}"/></Coding>
    </PlainTextSelection>
  </TextSource>
  <TextSource guid="{g.format(7, 7)}" name="file" plainTextPath="internal://doc.txt">
    <PlainTextSelection guid="{g.format(8, 8)}" startPosition="0" endPosition="5">
      <Coding guid="{g.format(9, 9)}"><CodeRef targetGUID="{g.format(3, 3)}"/></Coding>
    </PlainTextSelection>
  </TextSource>
  <TextSource guid="{g.format(10, 10)}" name="docx only" richTextPath="internal://x.docx"/>
</Sources></Project>"""
    path = folder / "tool.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("Sources/doc.txt", "\ufeffVieras teksti")
    return path


class Closures:
    """Job tasks for queue tests: each job runs the function its args name, so a test
    gives every job its own behaviour (``queue.submit("ingest", p, closures.args(fn))``)."""

    def __init__(self) -> None:
        self.works: dict[str, Callable[[Progress], dict[str, Any]]] = {}

    def tasks(self, *kinds: str) -> dict[str, Task]:
        def run(job: JobInput, progress: Progress) -> dict[str, Any]:
            return self.works[job.args["work"]](progress)

        return {kind: run for kind in kinds or ("ingest", "themes")}

    def args(self, work: Callable[[Progress], dict[str, Any]]) -> dict[str, Any]:
        key = str(len(self.works))
        self.works[key] = work
        return {"work": key}


def job_row(db: Database, job_id: str) -> Job:
    """A job's row as stored now."""
    with db.session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job
