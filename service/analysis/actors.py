"""Who is involved: the organisations and places named in a project's notes, linked to the
current run's themes, the regions and the documents they are named in.

Mentions are computed on demand (``find_mentions``, a job in the API) and cached per note
text (``NoteEntities``), so the actor map never runs the NER twice on one text and the
ingest stays as fast as it is. ``actor_report`` only reads the cache; notes not analysed
yet are counted as ``pending``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.pipeline.entities import EntityRecognizer, Mention, merge_inflected
from service.pipeline.note_text import text_hash
from service.storage.db import Database
from service.storage.models import Assignment, Document, Note, NoteEntities, Theme, ThemeRun

__all__ = ["actor_report", "find_mentions", "text_hash"]

_CHUNK = 500  # keeps IN (...) lists under every database's parameter limit
_BATCH = 256  # notes per NER call and commit: progress moves, a crash loses little
MAX_EXAMPLES = 3


def _cached(session: Session, recognizer: str, hashes: Iterable[str]) -> dict[str, list[Any]]:
    wanted = sorted(set(hashes))
    found: dict[str, list[Any]] = {}
    for i in range(0, len(wanted), _CHUNK):
        rows = session.execute(
            select(NoteEntities.text_hash, NoteEntities.mentions).where(
                NoteEntities.recognizer == recognizer,
                NoteEntities.text_hash.in_(wanted[i : i + _CHUNK]),
            )
        )
        found.update({h: list(m) for h, m in rows})
    return found


def _project_texts(session: Session, project_id: int) -> dict[str, str]:
    """Distinct note texts of the project by their hash."""
    texts = session.scalars(select(Note.text).where(Note.project_id == project_id)).all()
    return {text_hash(text): text for text in texts}


def pending_notes(session: Session, project_id: int, recognizer: EntityRecognizer) -> int:
    """How many distinct note texts of the project have no cached mentions yet."""
    texts = _project_texts(session, project_id)
    return len(texts) - len(_cached(session, recognizer.cache_id, texts))


def _store(db: Database, recognizer: str, found: dict[str, tuple[Mention, ...]]) -> None:
    """Cache one batch; a text another job cached meanwhile is simply skipped."""
    try:
        with db.session() as session:
            known = _cached(session, recognizer, found)
            for key, mentions in found.items():
                if key not in known:
                    rows = [[m.text, m.kind, m.name] for m in mentions]
                    session.add(NoteEntities(recognizer=recognizer, text_hash=key, mentions=rows))
    except IntegrityError:  # two jobs raced on the same text: keep what the other wrote
        with db.session() as session:
            known = _cached(session, recognizer, found)
        rest = {k: v for k, v in found.items() if k not in known}
        if rest:
            _store(db, recognizer, rest)


def find_mentions(
    db: Database,
    project_id: int,
    recognizer: EntityRecognizer,
    progress: Callable[[float, str], None] | None = None,
) -> int:
    """Run the NER over the project's notes that have no cached mentions; returns how many
    texts were analysed. Safe to run twice at once (the second finds less to do)."""
    with db.session() as session:
        texts = _project_texts(session, project_id)
        missing = sorted(set(texts) - set(_cached(session, recognizer.cache_id, texts)))
    for start in range(0, len(missing), _BATCH):
        batch = missing[start : start + _BATCH]
        if progress is not None:
            progress(start / len(missing), "finding actors")
        mentions = recognizer.recognize([texts[key] for key in batch])
        _store(db, recognizer.cache_id, dict(zip(batch, mentions, strict=True)))
    if progress is not None:
        progress(1.0, "done")
    return len(missing)


def _note_rows(session: Session, run: ThemeRun) -> Sequence[Any]:
    return session.execute(
        select(
            Note.id,
            Note.text,
            Document.id,
            Document.filename,
            Document.region,
            Assignment.theme_key,
        )
        .select_from(Assignment)
        .join(Note, Note.id == Assignment.note_id)
        .join(Document, Document.id == Note.document_id)
        .where(Assignment.run_id == run.id)
        .order_by(Note.id)
    ).all()


@dataclass
class _Tally:
    """What the notes say of one actor while they are counted."""

    notes: set[int] = field(default_factory=set)
    kinds: Counter[str] = field(default_factory=Counter)
    forms: Counter[str] = field(default_factory=Counter)
    regions: Counter[str] = field(default_factory=Counter)
    documents: set[str] = field(default_factory=set)
    themes: Counter[int] = field(default_factory=Counter)


def _tally(rows: Sequence[Any], cached: dict[str, list[Any]]) -> dict[str, _Tally]:
    """Actors (canonical names) of the notes ``rows`` (note id, text, document id, file
    name, region, theme key) whose mentions are ``cached``; a note counts once per actor."""
    per_note = [(row, cached[text_hash(row[1])]) for row in rows if cached.get(text_hash(row[1]))]
    canonical = merge_inflected(m[2] for _row, mentions in per_note for m in mentions)
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for (note_id, _text, _doc_id, filename, region, key), mentions in per_note:
        for form, kind, name in {tuple(m) for m in mentions}:
            tally = tallies[canonical[name]]
            tally.kinds[kind] += 1
            tally.forms[form] += 1
            if note_id in tally.notes:
                continue
            tally.notes.add(note_id)
            tally.regions[region] += 1
            tally.documents.add(filename)
            if key is not None:
                tally.themes[key] += 1
    return tallies


def actor_report(
    session: Session, run: ThemeRun, recognizer: EntityRecognizer, limit: int = 200
) -> dict[str, Any]:
    """Actors of a run's notes, most often named first (at most ``limit``), with the
    themes, regions and documents they are named in, and actor-theme links for a chart.

    Returns ``{run_id, notes, analysed, pending, actors: [{name, kind, notes, forms,
    regions: {region: notes}, documents: [...], themes: [{theme_id, theme_name, notes}],
    examples: [note ids]}], links: [{actor, theme_id, theme_name, notes}]}``. A note
    naming one actor twice counts once.
    """
    rows = _note_rows(session, run)
    cached = _cached(session, recognizer.cache_id, (text_hash(r[1]) for r in rows))
    names = dict(session.execute(select(Theme.key, Theme.name).where(Theme.run_id == run.id)).all())
    tallies = _tally(rows, cached)
    ranked = sorted(tallies, key=lambda a: (-len(tallies[a].notes), a.casefold()))[:limit]

    def themes_of(actor: str) -> list[dict[str, Any]]:
        return [
            {"theme_id": key, "theme_name": names.get(key, f"theme {key}"), "notes": n}
            for key, n in tallies[actor].themes.most_common()
        ]

    actors = [
        {
            "name": actor,
            "kind": tallies[actor].kinds.most_common(1)[0][0],
            "notes": len(tallies[actor].notes),
            "forms": [form for form, _n in tallies[actor].forms.most_common(5)],
            "regions": dict(tallies[actor].regions.most_common()),
            "documents": sorted(tallies[actor].documents),
            "themes": themes_of(actor),
            "examples": sorted(tallies[actor].notes)[:MAX_EXAMPLES],
        }
        for actor in ranked
    ]
    analysed = sum(1 for r in rows if text_hash(r[1]) in cached)
    return {
        "run_id": run.id,
        "notes": len(rows),
        "analysed": analysed,
        "pending": len(rows) - analysed,
        "actors": actors,
        "links": [{"actor": actor, **theme} for actor in ranked for theme in themes_of(actor)],
    }
