"""Theme runs: start one (a job), list them, read one with its change report."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import select

from service.api.deps import (
    DatabaseDep,
    JobsDep,
    NlpDep,
    ReadProject,
    SessionDep,
    UploadProject,
    WaitingDep,
)
from service.jobs import JobFailed, Progress
from service.storage.models import ThemeRun
from service.storage.repository import NotFound
from service.theming.notes import RunFilters
from service.theming.runs import RunError, fit_run
from service.theming.views import run_summary

router = APIRouter(prefix="/projects/{project}/runs", tags=["themes"])

# Ids are positive 64-bit integers in the database: any other number is no id (422),
# not a crash (500).
MAX_ID = 2**63 - 1


class RunRequest(BaseModel):
    regions: list[str] = Field(default_factory=list, max_length=500)
    document_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=10_000
    )
    kinds: list[str] = Field(default_factory=list, max_length=10)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    use_codebook: bool = True


class RunStarted(BaseModel):
    job_id: str


@router.post("", status_code=status.HTTP_202_ACCEPTED)
def start_run(
    project: UploadProject,
    db: DatabaseDep,
    nlp: NlpDep,
    jobs: JobsDep,
    waiting: WaitingDep,
    session: SessionDep,
    response: Response,
    body: RunRequest | None = None,
    wait: bool = Query(False, description="Fit before answering (201; 202 when busy)"),
) -> RunStarted:
    body = body or RunRequest()
    filters = RunFilters(
        regions=tuple(body.regions),
        document_ids=tuple(body.document_ids),
        kinds=tuple(body.kinds),
        date_from=body.date_from,
        date_to=body.date_to,
    )
    project_id = project.id

    def work(progress: Progress) -> dict[str, Any]:
        try:
            return fit_run(db, nlp, project_id, filters, body.use_codebook, None, progress)
        except RunError as error:
            raise JobFailed(str(error)) from None

    job_id = jobs.submit("themes", project_id, work)
    if wait:
        waiting.wait(session, jobs, job_id, response)
    return RunStarted(job_id=job_id)


@router.get("")
def list_runs(project: ReadProject, session: SessionDep) -> list[dict[str, Any]]:
    runs = session.scalars(
        select(ThemeRun).where(ThemeRun.project_id == project.id).order_by(ThemeRun.id.desc())
    )
    return [run_summary(run) for run in runs]


@router.get("/{run_id}", responses={404: {"description": "No such run"}})
def get_run(
    project: ReadProject, run_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep
) -> dict[str, Any]:
    run = session.get(ThemeRun, run_id)
    if run is None or run.project_id != project.id:
        raise NotFound(f"No run {run_id} in this project.")
    return {**run_summary(run), "tree": run.tree}
