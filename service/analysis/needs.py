"""Needs vs projects ("kokonaiskuva"): per theme, how much the workshops raise it (their notes
and their transcripts': ``NEED_KINDS``) and how much the project descriptions cover it, in
one project's current run; gaps (raised, not covered) and orphans (covered, not raised),
with Wilson intervals and the small-sample rules of the comparison; for the whole project
and per region.

The two kinds are compared like two regions: shares of each kind's notes (unassigned
included in the totals), the weighted log-odds z of ``compare.log_odds_dirichlet`` over
the assigned themes. ``needs_table`` is pure (a count table in, plain dicts out);
``needs_report`` counts the notes in the database.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.analysis import compare
from service.analysis.finnish import format_percent
from service.analysis.prevalence import UNASSIGNED, theme_columns
from service.storage.models import Assignment, Document, Note, ThemeRun

__all__ = ["NEED", "NEED_KINDS", "PROJECT", "needs_report", "needs_table"]

NEED, PROJECT = "workshop", "project_description"
# Documents whose notes raise needs: a workshop's notes and a session's transcript.
NEED_KINDS = (NEED, "transcript")
MIN_RAISED = 2  # one note is a mention, not a need (or a project's aim)
MIN_THEME_NOTES = 5


def _status(need: int, project: int, z: float) -> str:
    """gap: raised, not (or clearly less) covered; orphan: covered, not (or clearly less)
    raised; few: at most a single note in either kind; both: the rest."""
    if need >= MIN_RAISED and (project == 0 or z >= compare.Z95):
        return "gap"
    if project >= MIN_RAISED and (need == 0 or z <= -compare.Z95):
        return "orphan"
    if need < MIN_RAISED and project < MIN_RAISED:
        return "few"
    return "both"


def _reasons(status: str, need: int, project: int, totals: tuple[int, int], z: float) -> list[str]:
    """Why a gap or orphan is uncertain (the comparison's codes); empty when it is clear."""
    if status not in ("gap", "orphan"):
        return []
    reasons = []
    if min(totals) < compare.MIN_GROUP_NOTES:
        reasons.append("small_group")
    if (need if status == "gap" else project) < MIN_THEME_NOTES:
        reasons.append("few_notes")
    if abs(z) < compare.Z95:
        reasons.append("weak")
    return reasons


_REASON_TEXT = {
    "small_group": (
        "alle {limit} muistiinpanoa jommassakummassa",
        "fewer than {limit} notes in one kind",
    ),
    "few_notes": ("vain {count} muistiinpanoa", "only {count} notes"),
    "weak": ("voi olla sattumaa", "may be chance"),
}


def sentence(row: dict[str, Any], lang: str) -> str:
    """A gap or orphan in words, in ``lang`` ("fi" or "en"); other rows get ""."""
    status, name = row["status"], row["theme_name"]
    if status not in ("gap", "orphan"):
        return ""
    need = format_percent(row["need_share"], lang)
    project = format_percent(row["project_share"], lang)
    index = 0 if lang == "fi" else 1
    count = row["need_count"] if status == "gap" else row["project_count"]
    why = ", ".join(
        _REASON_TEXT[code][index].format(limit=compare.MIN_GROUP_NOTES, count=count)
        for code in row["reasons"]
    )
    if lang == "fi":
        certainty = "selvä ero" if not why else f"epävarma: {why}"
        if status == "gap":
            covered = (
                "hankekuvaukset eivät käsittele sitä"
                if not row["project_count"]
                else f"hankekuvauksissa sitä käsitellään vähemmän ({project})"
            )
            return (
                f"Työpajat nostavat esiin teeman ”{name}” ({need}), mutta {covered}; {certainty}."
            )
        raised = (
            "työpajoissa sitä ei nosteta esiin"
            if not row["need_count"]
            else f"työpajoissa siitä puhutaan vähemmän ({need})"
        )
        return (
            f"Hankekuvaukset käsittelevät teemaa ”{name}” ({project}), mutta {raised}; {certainty}."
        )
    certainty = "clear difference" if not why else f"uncertain: {why}"
    if status == "gap":
        covered = (
            "no project description covers it"
            if not row["project_count"]
            else f"the project descriptions cover it less ({project})"
        )
        return f"The workshops raise “{name}” ({need}), but {covered}; {certainty}."
    raised = (
        "the workshops do not raise it"
        if not row["need_count"]
        else f"the workshops raise it less ({need})"
    )
    return f"The project descriptions cover “{name}” ({project}), but {raised}; {certainty}."


def needs_table(themes: list[tuple[int | None, str]], counts: np.ndarray) -> dict[str, Any]:
    """Needs vs projects of one 2 x t count table.

    ``counts`` row 0 counts workshop notes, row 1 project-description notes, one column
    per theme (key None = unassigned: in the totals, never a gap or orphan). Returns
    ``{need_notes, project_notes, themes: [...], gaps: [ids], orphans: [ids]}``; each
    theme row has need_/project_ count, share, low, high, the workshops' z, status
    (gap | orphan | both | few; missing when one kind has no notes), clear, reasons and
    sentence {"fi", "en"}.
    """
    counts = np.asarray(counts, dtype=np.int64).reshape(2, len(themes))
    totals = counts.sum(axis=1)
    low, high = compare.wilson_interval(counts, totals[:, None])
    assigned = [j for j, (key, _name) in enumerate(themes) if key is not None]
    z = np.zeros(counts.shape[1])
    if assigned and totals.min() > 0:
        z[assigned] = compare.log_odds_dirichlet(counts[:, assigned])[1][0]
    rows = []
    for j in assigned:
        need, project = int(counts[0, j]), int(counts[1, j])
        # Without notes of one kind nothing is raised-but-not-covered: nothing to compare.
        status = _status(need, project, float(z[j])) if totals.min() > 0 else "missing"
        reasons = _reasons(status, need, project, (int(totals[0]), int(totals[1])), float(z[j]))
        row: dict[str, Any] = {
            "theme_id": themes[j][0],
            "theme_name": themes[j][1],
            "need_count": need,
            "need_share": need / totals[0] if totals[0] else 0.0,
            "need_low": float(low[0, j]),
            "need_high": float(high[0, j]),
            "project_count": project,
            "project_share": project / totals[1] if totals[1] else 0.0,
            "project_low": float(low[1, j]),
            "project_high": float(high[1, j]),
            "z": float(z[j]),
            "status": status,
            "clear": status in ("gap", "orphan") and not reasons,
            "reasons": reasons,
        }
        row["sentence"] = {lang: sentence(row, lang) for lang in ("fi", "en")}
        rows.append(row)
    rows.sort(key=lambda r: -r["z"])  # most raised-not-covered first
    return {
        "need_notes": int(totals[0]),
        "project_notes": int(totals[1]),
        "themes": rows,
        "gaps": [r["theme_id"] for r in rows if r["status"] == "gap"],
        "orphans": [r["theme_id"] for r in rows[::-1] if r["status"] == "orphan"],
    }


def _counts(session: Session, run_id: int) -> list[tuple[str, str, int | None, int]]:
    """(region, kind, theme key, notes) of the run, counted by the database."""
    rows = session.execute(
        select(Document.region, Document.kind, Assignment.theme_key, func.count())
        .select_from(Assignment)
        .join(Note, Note.id == Assignment.note_id)
        .join(Document, Document.id == Note.document_id)
        .where(Assignment.run_id == run_id, Document.kind.in_((*NEED_KINDS, PROJECT)))
        .group_by(Document.region, Document.kind, Assignment.theme_key)
    ).all()
    return [(region, kind, key, int(n)) for region, kind, key, n in rows]


def _block(
    records: list[tuple[str, str, int | None, int]], columns: list[tuple[int | None, str]]
) -> dict[str, Any]:
    index = {key: j for j, (key, _name) in enumerate(columns)}
    counts = np.zeros((2, len(columns)), dtype=np.int64)
    for _region, kind, key, n in records:
        counts[0 if kind in NEED_KINDS else 1, index[key]] += n
    missing = [kind for i, kind in enumerate((NEED, PROJECT)) if counts[i].sum() == 0]
    return {"missing": missing, **needs_table(columns, counts)}


def needs_report(session: Session, run: ThemeRun) -> dict[str, Any]:
    """Needs vs projects of a run: the whole project, then each region with notes of
    either kind. A block with ``missing`` kinds has shares but no gaps worth the name;
    its ``missing`` says which kind of document to upload. JSON-ready."""
    records = _counts(session, run.id)
    columns = [
        (c.key, c.name if c.key is not None else UNASSIGNED)
        for c in theme_columns(session, run.id, [key for _r, _k, key, _n in records])
    ]
    documents: Counter[str] = Counter(
        dict(
            session.execute(
                select(Document.kind, func.count())
                .where(Document.project_id == run.project_id)
                .group_by(Document.kind)
            ).all()
        )
    )
    regions = sorted({region for region, _k, _key, _n in records})
    overall = _block(records, columns)
    return {
        "run_id": run.id,
        "documents": {kind: documents[kind] for kind in (*NEED_KINDS, PROJECT)},
        "ready": not overall["missing"],
        "overall": overall,
        "regions": [
            {"region": region, **_block([r for r in records if r[0] == region], columns)}
            for region in regions
        ],
        "rules": {
            "gap": f"raised in at least {MIN_RAISED} workshop or transcript notes and not "
            "covered by any "
            f"project description, or covered clearly less (z >= {compare.Z95:.2f})",
            "orphan": f"covered in at least {MIN_RAISED} project-description notes and not "
            f"raised in any workshop or transcript, or raised clearly less "
            f"(z <= -{compare.Z95:.2f})",
            "clear": f"|z| >= {compare.Z95:.2f}, at least {compare.MIN_GROUP_NOTES} notes of "
            f"each kind and {MIN_THEME_NOTES} in the theme",
        },
    }
