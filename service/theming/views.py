"""Read-only views of the current run: the theme table, one theme, the tree, a note's scores."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from service.pipeline.explain import why_here
from service.pipeline.tree import with_names
from service.storage.models import (
    Assignment,
    Document,
    Note,
    Theme,
    ThemeEdit,
    ThemeRun,
    as_utc,
)
from service.storage.repository import NotFound
from service.theming.current import DRAFT, current_run, get_theme
from service.theming.report import sentences


def utc_text(moment: dt.datetime) -> str:
    """A stored time (naive, UTC) as RFC 3339 text with its offset, as the API's models
    send times: ``2026-12-01T10:04:41Z``."""
    return as_utc(moment).isoformat().replace("+00:00", "Z")


def run_summary(run: ThemeRun) -> dict[str, Any]:
    """A run as the API shows it. ``status`` is "applied" or "draft" (waiting for a
    person, see ``drafts``); ``changes`` is the structured report and ``sentences`` says
    it in words, {"fi": [...], "en": [...]}: conditional for a draft, past otherwise."""
    draft = run.status == DRAFT
    return {
        "id": run.id,
        "status": run.status,
        "base_run_id": run.base_run_id,
        "created_at": utc_text(run.created_at),
        "note_count": run.note_count,
        "unassigned_share": run.unassigned_share,
        "fit_seconds": run.fit_seconds,
        "detail": int((run.params or {}).get("detail", 0)),
        "filters": run.filters,
        "params": run.params,
        "changes": run.changes,
        "needs_confirmation": bool((run.changes or {}).get("needs_confirmation", False)),
        "sentences": {
            language: sentences(run.changes or {}, language, draft) for language in ("fi", "en")
        },
    }


def run_summaries(session: Session, project_id: int) -> list[dict[str, Any]]:
    """Every theme run of the project, newest first, as ``run_summary`` shows one."""
    runs = session.scalars(
        select(ThemeRun).where(ThemeRun.project_id == project_id).order_by(ThemeRun.id.desc())
    )
    return [run_summary(run) for run in runs]


def named_tree(session: Session, project_id: int) -> dict[str, Any]:
    """The current run's theme tree, coarse to fine, each leaf with its theme's current
    name; {} when the run has no tree. ``NoThemeRun`` before the first run."""
    run = current_run(session, project_id)
    rows = session.execute(select(Theme.key, Theme.name).where(Theme.run_id == run.id))
    names = {int(key): str(name) for key, name in rows}
    return with_names(run.tree, names) if run.tree else {}


def theme_edits(session: Session, project_id: int) -> list[ThemeEdit]:
    """The edits people made to the project's themes, oldest first."""
    rows = session.scalars(
        select(ThemeEdit).where(ThemeEdit.project_id == project_id).order_by(ThemeEdit.id)
    )
    return list(rows)


def _region_counts(
    session: Session, run_id: int
) -> tuple[Counter[str], Counter[tuple[str, int | None]]]:
    """Notes per region and per (region, theme key) in a run, counted by the database."""
    rows = session.execute(
        select(Document.region, Assignment.theme_key, func.count())
        .join(Note, Note.id == Assignment.note_id)
        .join(Document, Document.id == Note.document_id)
        .where(Assignment.run_id == run_id)
        .group_by(Document.region, Assignment.theme_key)
    ).all()
    per_region: Counter[str] = Counter()
    per_pair: Counter[tuple[str, int | None]] = Counter()
    for region, key, count in rows:
        per_region[region] += count
        per_pair[(region, key)] = count
    return per_region, per_pair


def _note_texts(session: Session, note_ids: list[int]) -> dict[int, tuple[str, str | None]]:
    """Each note's text and context (a sub-bullet's parent text, else None)."""
    if not note_ids:
        return {}
    rows = session.execute(
        select(Note.id, Note.text, Note.context).where(Note.id.in_(note_ids))
    ).all()
    return {note_id: (text, context) for note_id, text, context in rows}


def _representatives(
    note_ids: list[int], texts: dict[int, tuple[str, str | None]]
) -> list[dict[str, Any]]:
    rows = []
    for note_id in note_ids:
        text, context = texts.get(note_id, ("", None))
        rows.append({"id": note_id, "text": text, "context": context})
    return rows


def theme_table(session: Session, project_id: int) -> dict[str, Any]:
    """Themes of the current run, largest first, with region shares and representatives.

    ``region_share[r]`` is the share of region r's notes (in this run) in the theme.
    """
    run = current_run(session, project_id)
    themes = session.scalars(
        select(Theme).where(Theme.run_id == run.id).order_by(Theme.size.desc(), Theme.key)
    ).all()
    per_region, per_pair = _region_counts(session, run.id)
    texts = _note_texts(session, [i for t in themes for i in t.representatives])
    rows = []
    for theme in themes:
        rows.append(
            {
                "id": theme.key,
                "name": theme.name,
                "name_edited": theme.name_edited,
                "description": theme.description,
                "size": theme.size,
                "share": theme.size / run.note_count if run.note_count else 0.0,
                "region_share": {
                    region: per_pair[(region, theme.key)] / total
                    for region, total in sorted(per_region.items())
                },
                "keywords": [w for w, _ in theme.keywords],
                "representatives": _representatives(theme.representatives, texts),
                "seed": theme.seed,
                "x": theme.x,
                "y": theme.y,
            }
        )
    unassigned = sum(c for (_, key), c in per_pair.items() if key is None)
    return {"run": run_summary(run), "themes": rows, "unassigned": unassigned}


def theme_detail(session: Session, project_id: int, key: int) -> dict[str, Any]:
    run = current_run(session, project_id)
    theme = get_theme(session, run.id, key)
    rows = session.execute(
        select(Note, Document, Assignment)
        .join(Assignment, Assignment.note_id == Note.id)
        .join(Document, Document.id == Note.document_id)
        .options(defer(Document.text))
        .where(Assignment.run_id == run.id, Assignment.theme_key == key)
        .order_by(Assignment.score.desc(), Note.id)
    ).all()
    words = [str(entry[0]) for entry in theme.keywords if entry]
    names = dict(session.execute(select(Theme.key, Theme.name).where(Theme.run_id == run.id)).all())
    return {
        "id": theme.key,
        "name": theme.name,
        "name_edited": theme.name_edited,
        "description": theme.description,
        "size": theme.size,
        "seed": theme.seed,
        "keywords": theme.keywords,
        "tree_path": tree_path(run.tree, key),
        "notes": [
            {
                "id": note.id,
                "text": note.text,
                "region": document.region,
                "document": document.filename,
                "group": note.group,
                "score": assignment.score,
                "source": assignment.source,
                "why": _why(note, assignment, words, names),
            }
            for note, document, assignment in rows
        ],
    }


def _why(
    note: Note, assignment: Assignment, keywords: list[str], names: dict[int, str]
) -> dict[str, Any]:
    """Why a note sits in its theme (``explain.why_here``) from its stored fits (its
    five best themes; ``score`` is None when its theme, placed by hand, is not among
    them), with the next theme's name."""
    scores = {int(k): float(v) for k, v in (assignment.scores or {}).items()}
    why = why_here(note.content_lemmas or [], keywords, scores, assignment.theme_key)
    following = why["next_theme"]
    why["next_theme_name"] = names.get(following, "") if following is not None else None
    return why


def tree_path(tree: dict[str, Any], key: int) -> list[str]:
    """Names of the coarser tree nodes above a theme, root first."""
    path: list[str] = []

    def walk(node: dict[str, Any], trail: list[str]) -> bool:
        if node.get("theme") == key:
            path.extend(trail)
            return True
        return any(
            walk(child, [*trail, node.get("name", "")]) for child in node.get("children", [])
        )

    if tree:
        walk(tree, [])
    return path


def note_scores(session: Session, project_id: int, note_id: int) -> dict[str, Any]:
    """A note's theme in the current run and its scores over the themes (highest first)."""
    run = current_run(session, project_id)
    assignment = session.get(Assignment, (run.id, note_id))
    if assignment is None:
        raise NotFound(f"Note {note_id} is not in the current run.")
    names = dict(session.execute(select(Theme.key, Theme.name).where(Theme.run_id == run.id)).all())
    scores = sorted(
        (
            {"theme": int(k), "name": names.get(int(k), ""), "score": v}
            for k, v in assignment.scores.items()
        ),
        key=lambda row: -row["score"],
    )
    note = session.get(Note, note_id)
    keywords: list[str] = []
    if assignment.theme_key is not None:
        theme = get_theme(session, run.id, assignment.theme_key)
        keywords = [str(entry[0]) for entry in theme.keywords if entry]
    why = _why(note, assignment, keywords, names) if note is not None else {}
    return {
        "note_id": note_id,
        "theme": assignment.theme_key,
        "score": assignment.score,
        "source": assignment.source,
        "scores": scores,
        "why": why,
    }


def note_map(session: Session, project_id: int) -> dict[str, Any]:
    """Every note of the current run with its stored 2-D position, for the theme map."""
    run = current_run(session, project_id)
    names = dict(session.execute(select(Theme.key, Theme.name).where(Theme.run_id == run.id)).all())
    rows = session.execute(
        select(Assignment, Note, Document)
        .join(Note, Note.id == Assignment.note_id)
        .join(Document, Document.id == Note.document_id)
        .options(defer(Document.text))
        .where(Assignment.run_id == run.id)
        .order_by(Note.id)
    ).all()
    return {
        "run_id": run.id,
        "notes": [
            {
                "id": note.id,
                "x": round(a.x, 4),
                "y": round(a.y, 4),
                "theme": a.theme_key,
                "theme_name": names.get(a.theme_key) if a.theme_key is not None else None,
                "score": a.score,
                "source": a.source,
                "text": note.text,
                "region": document.region,
                "document": document.filename,
                "document_id": document.id,
                "group": note.group,
                "kind": document.kind,
                "date": document.date.isoformat() if document.date else None,
            }
            for a, note, document in rows
        ],
    }
