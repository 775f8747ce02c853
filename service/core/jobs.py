"""Cancelling a job, for those who may start one in its project; audited."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service import auth
from service.errors import Conflict, Forbidden, NotFound
from service.job_recovery import cancel_job
from service.storage.access import User
from service.storage.models import Job, Project

__all__ = ["cancel"]


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
