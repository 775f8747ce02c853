"""Jobs: state and progress of long work."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from service import auth
from service.api.deps import ReadProject, SessionDep, SignedIn
from service.api.schemas import JobOut
from service.core import jobs
from service.job_recovery import BATCH_KIND
from service.storage import repository
from service.storage.models import Job

router = APIRouter(tags=["jobs"])


@router.get("/jobs/{job_id}", responses={404: {"description": "No such job"}})
def get_job(job_id: str, session: SessionDep, user: SignedIn) -> JobOut:
    job = repository.get_job(session, job_id)
    visible = auth.member_project_ids(session, user)
    # A job without a project is one whose project was deleted while it waited or ran:
    # failed and emptied of the project's data, it is shown to whoever holds its
    # (unguessable) id, so the one who started it learns why it failed.
    if visible is not None and job.project_id is not None and job.project_id not in visible:
        raise repository.NotFound(f"No job {job_id!r}.")  # another project's job: no leak
    return JobOut.model_validate(job)


@router.get("/projects/{project}/jobs")
def list_project_jobs(project: ReadProject, session: SessionDep) -> list[JobOut]:
    """The project's latest 50 jobs, newest first (the batches an upload shares with other
    workers are part of the upload, not listed)."""
    rows = session.scalars(
        select(Job)
        .where(Job.project_id == project.id, Job.kind != BATCH_KIND)
        .order_by(Job.created_at.desc())
        .limit(50)
    )
    return [JobOut.model_validate(job) for job in rows]


@router.post(
    "/projects/{project}/jobs/{job_id}/cancel",
    responses={
        403: {"description": "Your role may not start jobs"},
        404: {"description": "No such job in this project"},
        409: {"description": "The job has ended"},
    },
)
def cancel(project: ReadProject, job_id: str, session: SessionDep, user: SignedIn) -> JobOut:
    """Cancel a queued or running job of the project: it fails saying who cancelled it. A
    running job stops at its next progress report and keeps what it finished before (an
    upload's documents ingested so far); an upload's files are deleted. For those who may
    upload or edit in the project."""
    job = jobs.cancel(session, user, project, job_id)
    return JobOut.model_validate(job)
