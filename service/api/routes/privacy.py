"""Personal data: a project's policy, the findings to review, the speaker names behind
pseudonyms. Reading the policy is for every member; everything else is for project admins."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field

from service import privacy
from service.api.deps import ManageProject, ReadProject, SessionDep, SignedIn
from service.api.responses.privacy import FindingOut, PrivacyOut, SpeakerOut
from service.api.schemas import MAX_ID
from service.pipeline.privacy.detect import DETECT_MIN, PLACEHOLDERS, REVIEW_BELOW

router = APIRouter(prefix="/projects/{project}/privacy", tags=["privacy"])


class PolicyIn(BaseModel):
    policy: Literal["redact", "keep"] = Field(
        description="redact: personal data is replaced before storing (default); keep: stored "
        "as uploaded, findings listed"
    )


class ReviewIn(BaseModel):
    decision: Literal["confirm", "dismiss"]


def _out(session: SessionDep, project_id: int) -> PrivacyOut:
    return PrivacyOut(
        **privacy.summary(session, project_id),
        placeholders=PLACEHOLDERS,
        detect_min=DETECT_MIN,
        review_below=REVIEW_BELOW,
    )


@router.get("")
def get_privacy(project: ReadProject, session: SessionDep) -> PrivacyOut:
    """The project's policy and how much personal data was found (no values)."""
    return _out(session, project.id)


@router.put("", responses={403: {"description": "Not a project admin"}})
def set_privacy_policy(
    body: PolicyIn, project: ManageProject, session: SessionDep, user: SignedIn
) -> PrivacyOut:
    """Set the policy for uploads from now on (project admins; audited). Documents stored
    already stay as they were stored."""
    privacy.set_policy(session, project, user, body.policy)
    session.flush()
    return _out(session, project.id)


@router.get("/findings")
def list_findings(
    project: ManageProject,
    session: SessionDep,
    review: Annotated[
        Literal["pending", "confirmed", "dismissed", "none", "all"],
        Query(description="review state to list; 'all' lists every finding"),
    ] = "pending",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[FindingOut]:
    """Findings with the stored text around them, least confident first (project admins)."""
    rows: list[dict[str, Any]] = privacy.list_findings(
        session, project.id, None if review == "all" else review, limit
    )
    return [FindingOut(**row) for row in rows]


@router.post("/findings/{finding_id}/review", responses={404: {"description": "No such finding"}})
def review_finding(
    body: ReviewIn,
    project: ManageProject,
    finding_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
    user: SignedIn,
) -> FindingOut:
    """Confirm (it is personal data) or dismiss (it is not) a finding; audited."""
    finding = privacy.review_finding(session, project, user, finding_id, body.decision)
    session.flush()
    rows = privacy.list_findings(session, project.id, None, limit=1, finding_id=finding.id)
    if not rows:
        raise HTTPException(404, f"No finding {finding_id} in this project.")
    return FindingOut(**rows[0])


@router.get("/speakers")
def speaker_names(project: ManageProject, session: SessionDep, user: SignedIn) -> list[SpeakerOut]:
    """The names behind the speaker pseudonyms ("Puhuja 1") (project admins; audited)."""
    return [SpeakerOut(**row) for row in privacy.speaker_names(session, project, user)]
