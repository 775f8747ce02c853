"""Jobs as their users see them: one job (if its project is theirs), a project's latest
jobs, and cancelling one (audited)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import auth
from service.errors import Conflict, Forbidden, NotFound
from service.job_recovery import BATCH_KIND, cancel_job
from service.storage.access import User
from service.storage.models import Job, Project

__all__ = ["cancel", "latest_jobs", "visible_job"]


def visible_job(session: Session, user: User, job_id: str) -> Job:
    """The job of that id if ``user`` may see its project; another project's job is not
    found, so its existence does not leak. A job without a project is one whose project
    was deleted while it waited or ran: failed and emptied of the project's data, it is
    shown to whoever holds its (unguessable) id, so the one who started it learns why."""
    job = session.get(Job, job_id)
    visible = auth.member_project_ids(session, user)
    if job is None or (
        visible is not None and job.project_id is not None and job.project_id not in visible
    ):
        raise NotFound(f"No job {job_id!r}.")
    return job


def latest_jobs(session: Session, project: Project, limit: int = 50) -> list[Job]:
    """The project's latest jobs, newest first; the batches an upload shares with other
    workers are part of the upload, not listed."""
    return list(
        session.scalars(
            select(Job)
            .where(Job.project_id == project.id, Job.kind != BATCH_KIND)
            .order_by(Job.created_at.desc())
            .limit(limit)
        )
    )


def cancel(session: Session, user: User, project: Project, job_id: str) -> Job:
    """Cancel a queued or running job of ``project``: it fails saying who cancelled it
    (``job_recovery.cancel_job``). Only a role that may upload or edit in the project may
    cancel; a job of another project is not found; an ended job is a conflict."""
    job = session.get(Job, job_id)
    if job is None or job.project_id != project.id:
        raise NotFound(f"No job {job_id!r} in project {project.name!r}.")
    role = auth.role_in(session, user, project.id)
    if role is None or not auth.PERMISSIONS[role] & {auth.UPLOAD, auth.EDIT}:
        raise Forbidden(f"Your role {role!r} may not cancel jobs; ask a project admin.")
    if not cancel_job(session, job_id, f"Cancelled by {user.name}."):
        raise Conflict(f"Job {job_id!r} has ended already ({job.state}).")
    auth.audit(session, user, "cancel_job", project.name, job_id=job_id, kind=job.kind)
    session.flush()
    session.refresh(job)
    return job
