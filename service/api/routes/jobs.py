"""Jobs: state and progress of long work."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from service.api.deps import ProjectDep, SessionDep
from service.api.schemas import JobOut
from service.storage import repository
from service.storage.models import Job

router = APIRouter(tags=["jobs"])


@router.get("/jobs/{job_id}", responses={404: {"description": "No such job"}})
def get_job(job_id: str, session: SessionDep) -> JobOut:
    return JobOut.model_validate(repository.get_job(session, job_id))


@router.get("/projects/{project}/jobs")
def list_project_jobs(project: ProjectDep, session: SessionDep) -> list[JobOut]:
    jobs = session.scalars(
        select(Job).where(Job.project_id == project.id).order_by(Job.created_at.desc()).limit(50)
    )
    return [JobOut.model_validate(job) for job in jobs]
