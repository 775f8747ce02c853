"""Theme runs: start one (a job), list them, read one with its change report, apply or
discard a draft, and ask for coarser or finer themes (the detail level)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, Field

from service.api.deps import (
    DatabaseDep,
    EditProject,
    JobsDep,
    NlpDep,
    ReadProject,
    SessionDep,
    UploadProject,
    UserDep,
    WaitingDep,
)
from service.api.responses.runs import RunDetail, RunStarted, RunSummary
from service.api.schemas import MAX_ID
from service.pipeline.detail import LEVELS
from service.tasks import theme_args
from service.theming import drafts, views
from service.theming.current import current_run
from service.theming.notes import RunFilters
from service.theming.runs import RunOptions
from service.theming.views import run_summary

router = APIRouter(prefix="/projects/{project}/runs", tags=["themes"])

RunId = Annotated[int, Path(ge=1, le=MAX_ID)]
DetailLevel = Annotated[int, Field(ge=LEVELS.start, le=LEVELS.stop - 1)]


class RunRequest(BaseModel):
    regions: list[str] = Field(default_factory=list, max_length=500)
    document_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=10_000
    )
    kinds: list[str] = Field(default_factory=list, max_length=10)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    use_codebook: bool = True
    preview: bool = Field(
        default=False,
        description="Keep the run as a draft to apply or discard, whatever it changes",
    )
    detail: DetailLevel | None = Field(
        default=None,
        description="Detail level -3 (coarsest) .. 3 (finest); null keeps the current one",
    )


class DetailRequest(BaseModel):
    level: DetailLevel = Field(description="-3 (coarsest) .. 0 (the model's choice) .. 3")
    preview: bool = False


@router.post("", status_code=status.HTTP_202_ACCEPTED)
def start_run(
    project: UploadProject,
    jobs: JobsDep,
    waiting: WaitingDep,
    session: SessionDep,
    response: Response,
    body: RunRequest | None = None,
    wait: bool = Query(False, description="Fit before answering (201; 202 when busy)"),
) -> RunStarted:
    """Fit themes. Edits people made are kept; a run that would still change an edited
    theme is stored as a draft (the job's result says ``status: "draft"``) until it is
    applied or discarded. Other runs are applied at once."""
    body = body or RunRequest()
    filters = RunFilters(
        regions=tuple(body.regions),
        document_ids=tuple(body.document_ids),
        kinds=tuple(body.kinds),
        date_from=body.date_from,
        date_to=body.date_to,
    )
    options = RunOptions(use_codebook=body.use_codebook, preview=body.preview, detail=body.detail)
    job_id = jobs.submit("themes", project.id, theme_args(filters, options))
    if wait:
        waiting.wait(session, jobs, job_id, response)
    return RunStarted(job_id=job_id)


@router.post("/detail", status_code=status.HTTP_202_ACCEPTED)
def change_detail(
    project: EditProject,
    body: DetailRequest,
    jobs: JobsDep,
    waiting: WaitingDep,
    session: SessionDep,
    response: Response,
    wait: bool = Query(False, description="Fit before answering (201; 202 when busy)"),
) -> RunStarted:
    """Coarser or finer themes: a new run over the current run's notes at another
    detail level. Edited themes are never joined or split; the level stays for later runs."""
    run = current_run(session, project.id)
    options = RunOptions(
        use_codebook=bool((run.params or {}).get("use_codebook", True)),
        preview=body.preview,
        detail=body.level,
    )
    filters = RunFilters.from_json(run.filters)
    job_id = jobs.submit("themes", project.id, theme_args(filters, options))
    if wait:
        waiting.wait(session, jobs, job_id, response)
    return RunStarted(job_id=job_id)


@router.get("", response_model=list[RunSummary])
def list_runs(project: ReadProject, session: SessionDep) -> list[dict[str, Any]]:
    return views.run_summaries(session, project.id)


@router.get(
    "/{run_id}",
    response_model=RunDetail,
    response_model_exclude_unset=True,
    responses={404: {"description": "No such run"}},
)
def get_run(project: ReadProject, run_id: RunId, session: SessionDep) -> dict[str, Any]:
    """A run with its change report (structured and as sentences) and its theme tree."""
    run = drafts.project_run(session, project.id, run_id)
    return {**run_summary(run), "tree": run.tree}


@router.post(
    "/{run_id}/apply",
    response_model=RunSummary,
    responses={404: {"description": "No such run"}, 409: {"description": "Not applicable"}},
)
def apply_run(
    project: EditProject,
    run_id: RunId,
    db: DatabaseDep,
    nlp: NlpDep,
    user: UserDep,
) -> dict[str, Any]:
    """Make a draft the current run (409 if it is applied already, or if the themes were
    edited or replaced since it was made)."""
    drafts.apply_draft(db, nlp, project.id, run_id, user.name)
    with db.session() as session:
        return run_summary(drafts.project_run(session, project.id, run_id))


@router.delete(
    "/{run_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"description": "No such run"}, 409: {"description": "Not a draft"}},
)
def discard_run(project: EditProject, run_id: RunId, db: DatabaseDep, user: UserDep) -> None:
    """Discard a draft: the project keeps its current themes."""
    drafts.discard_draft(db, project.id, run_id, user.name)
