"""Personal data in a project: the policy, the stage applied to uploads, the review list.

Policy per project (``project_privacy``; no row means "redact"):

* **redact** (default): everything the stage detects (score >= ``DETECT_MIN``) is
  replaced by its typed placeholder before anything is stored, lemmatised or
  embedded; the original is never stored. Detections below ``REVIEW_BELOW`` are
  redacted too and listed for a project admin, who confirms (the redaction stays) or
  dismisses them (recorded as a false detection; the value cannot be brought back,
  because it was never stored — upload the document again under "keep" if it must be).
* **keep**: nothing is redacted; detections are still listed, low-confidence ones for
  review, so an admin sees what personal data the project holds. Only a project admin
  may set it; every change of policy and every review decision is audited.

Speaker names of transcripts become "Puhuja 1..n" under "redact"; the names behind
the pseudonyms are kept for project admins only (``speaker_names``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import auth
from service.pipeline.privacy.detect import PLACEHOLDERS
from service.pipeline.privacy.stage import POLICIES, Policy, ProtectedDocument
from service.storage.access import User
from service.storage.db import Database
from service.storage.models import Document, Note, Project
from service.storage.privacy import PersonalDataFinding, ProjectPrivacy, SpeakerName
from service.storage.repository import NotFound

DEFAULT_POLICY: Policy = "redact"
CONTEXT_CHARS = 60  # characters shown on each side of a finding in the review list


def project_policy(session: Session, project_id: int) -> Policy:
    row = session.get(ProjectPrivacy, project_id)
    return cast(Policy, row.policy) if row is not None else DEFAULT_POLICY


def project_policy_of(db: Database, project_id: int) -> Policy:
    with db.session() as session:
        return project_policy(session, project_id)


def set_policy(session: Session, project: Project, user: User, policy: str) -> Policy:
    """Set a project's policy (the caller has checked the user is its admin); audited."""
    if policy not in POLICIES:
        raise ValueError(f"Policy must be one of {', '.join(POLICIES)}; got {policy!r}.")
    row = session.get(ProjectPrivacy, project.id)
    before = row.policy if row is not None else DEFAULT_POLICY
    if row is None:
        row = ProjectPrivacy(project_id=project.id, policy=policy, updated_by=user.name)
        session.add(row)
    row.policy, row.updated_by = policy, user.name
    auth.audit(session, user, "set_privacy_policy", project.name, before=before, after=policy)
    return cast(Policy, policy)


def store_findings(
    session: Session, project_id: int, document_id: int, protected: ProtectedDocument[Any]
) -> None:
    """Write the findings and speaker names of a just-added document (same transaction)."""
    note_ids = dict(
        session.execute(select(Note.position, Note.id).where(Note.document_id == document_id)).all()
    )
    positions = [note.position for note in protected.notes]
    for finding in protected.findings:
        note_id = note_ids.get(positions[finding.note]) if finding.note is not None else None
        session.add(
            PersonalDataFinding(
                project_id=project_id,
                document_id=document_id,
                note_id=note_id,
                field=finding.field,
                entity=finding.entity,
                start=finding.start,
                end=finding.end,
                score=finding.score,
                recognizer=finding.recognizer,
                redacted=finding.redacted,
                review="pending" if finding.review else "none",
            )
        )
    for pseudonym, name in protected.speakers:
        session.add(
            SpeakerName(
                project_id=project_id, document_id=document_id, pseudonym=pseudonym, name=name
            )
        )


def summary(session: Session, project_id: int) -> dict[str, Any]:
    """The policy and how many findings the project has, by review state and by kind."""
    by_review = dict(
        session.execute(
            select(PersonalDataFinding.review, func.count())
            .where(PersonalDataFinding.project_id == project_id)
            .group_by(PersonalDataFinding.review)
        ).all()
    )
    by_entity = dict(
        session.execute(
            select(PersonalDataFinding.entity, func.count())
            .where(PersonalDataFinding.project_id == project_id)
            .group_by(PersonalDataFinding.entity)
        ).all()
    )
    redacted = session.scalar(
        select(func.count()).where(
            PersonalDataFinding.project_id == project_id, PersonalDataFinding.redacted.is_(True)
        )
    )
    return {
        "policy": project_policy(session, project_id),
        "findings": sum(by_review.values()),
        "redacted": redacted or 0,
        "by_review": by_review,
        "by_entity": by_entity,
    }


def list_findings(
    session: Session,
    project_id: int,
    review: str | None = "pending",
    limit: int = 200,
    finding_id: int | None = None,
) -> list[dict[str, Any]]:
    """Findings of a project (for its admins), each with the stored text around it."""
    query = (
        select(PersonalDataFinding, Document.filename, Document.text, Note.meta)
        .join(Document, Document.id == PersonalDataFinding.document_id)
        .outerjoin(Note, Note.id == PersonalDataFinding.note_id)
        .where(PersonalDataFinding.project_id == project_id)
        .order_by(PersonalDataFinding.score, PersonalDataFinding.id)
        .limit(limit)
    )
    if review is not None:
        query = query.where(PersonalDataFinding.review == review)
    if finding_id is not None:
        query = query.where(PersonalDataFinding.id == finding_id)
    rows = []
    for finding, filename, text, meta in session.execute(query).tuples():
        source = text
        if finding.field.startswith("metadata:"):
            source = str((meta or {}).get(finding.field.removeprefix("metadata:"), ""))
        rows.append(
            {
                "id": finding.id,
                "document_id": finding.document_id,
                "filename": filename,
                "note_id": finding.note_id,
                "field": finding.field,
                "entity": finding.entity,
                "placeholder": PLACEHOLDERS.get(finding.entity, ""),
                "score": finding.score,
                "recognizer": finding.recognizer,
                "redacted": finding.redacted,
                "review": finding.review,
                "reviewed_by": finding.reviewed_by,
                "before": source[max(0, finding.start - CONTEXT_CHARS) : finding.start],
                "value": source[finding.start : finding.end],
                "after": source[finding.end : finding.end + CONTEXT_CHARS],
            }
        )
    return rows


def review_finding(
    session: Session, project: Project, user: User, finding_id: int, decision: str
) -> PersonalDataFinding:
    """Confirm or dismiss a finding (the caller has checked the user is admin); audited."""
    states = {"confirm": "confirmed", "dismiss": "dismissed"}
    if decision not in states:
        raise ValueError("Decision must be 'confirm' or 'dismiss'.")
    finding = session.get(PersonalDataFinding, finding_id)
    if finding is None or finding.project_id != project.id:
        raise NotFound(f"No finding {finding_id} in this project; list them with GET .../findings.")
    finding.review = states[decision]
    finding.reviewed_by = user.name
    finding.reviewed_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    auth.audit(
        session, user, f"{decision}_personal_data", project.name,
        finding=finding.id, entity=finding.entity, document_id=finding.document_id,
    )  # fmt: skip
    return finding


def speaker_names(session: Session, project: Project, user: User) -> list[dict[str, Any]]:
    """Who is behind each pseudonym (project admins only); reading them is audited."""
    rows = session.execute(
        select(SpeakerName.document_id, Document.filename, SpeakerName.pseudonym, SpeakerName.name)
        .join(Document, Document.id == SpeakerName.document_id)
        .where(SpeakerName.project_id == project.id)
        .order_by(SpeakerName.document_id, SpeakerName.id)
    ).tuples()
    auth.audit(session, user, "read_speaker_names", project.name)
    return [{"document_id": d, "filename": f, "pseudonym": p, "name": n} for d, f, p, n in rows]
