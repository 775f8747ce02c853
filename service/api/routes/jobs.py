"""Jobs: state and progress of long work."""

from __future__ import annotations

from fastapi import APIRouter

from service.api.deps import ReadProject, SessionDep, SignedIn
from service.api.schemas import JobOut
from service.core import jobs

router = APIRouter(tags=["jobs"])


@router.get("/jobs/{job_id}", responses={404: {"description": "No such job"}})
def get_job(job_id: str, session: SessionDep, user: SignedIn) -> JobOut:
    """A job of a project the signed-in user may see (or of a deleted project, to whoever
    holds its id, so the one who started it learns why it failed)."""
    return JobOut.model_validate(jobs.visible_job(session, user, job_id))


@router.get("/projects/{project}/jobs")
def list_project_jobs(project: ReadProject, session: SessionDep) -> list[JobOut]:
    """The project's latest 50 jobs, newest first (the batches an upload shares with other
    workers are part of the upload, not listed)."""
    return [JobOut.model_validate(job) for job in jobs.latest_jobs(session, project)]


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
