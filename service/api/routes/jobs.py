"""Jobs: state and progress of long work."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from service import auth
from service.api.deps import ReadProject, SessionDep, SignedIn
from service.api.schemas import JobOut
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
    jobs = session.scalars(
        select(Job).where(Job.project_id == project.id).order_by(Job.created_at.desc()).limit(50)
    )
    return [JobOut.model_validate(job) for job in jobs]
