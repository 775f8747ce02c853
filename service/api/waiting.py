"""Requests that wait for their job (``?wait=true`` on uploads and runs), bounded.

A waiting request holds one of the web server's worker threads (anyio's pool of 40
serves every route), so at most ``places`` requests wait at once; the next one, and one
whose job takes longer than ``max_seconds``, answers 202 with the job's id and a
``Retry-After`` instead, as without ``wait`` (the job runs either way; poll
``GET /jobs/{id}``). A request gives its database connection back before it waits, so
waiting never takes a connection from a reader.
"""

from __future__ import annotations

import threading

from fastapi import Response, status
from sqlalchemy.orm import Session

from service.jobs import JobQueue

POLL_AFTER_SECONDS = 2  # the Retry-After of a 202: a job's progress moves about that often


def release_connection(session: Session) -> None:
    """End the request's transaction now, so its connection goes back to the pool while
    the request does slow work without the database (parsing a file, waiting for a job).
    Whatever the session loaded stays readable (expire_on_commit is off)."""
    session.commit()


class WaitingRoom:
    """At most ``places`` requests wait for jobs at once, each at most ``max_seconds``."""

    def __init__(self, places: int, max_seconds: float) -> None:
        self.places = places
        self.max_seconds = max_seconds
        self._free = threading.BoundedSemaphore(places)

    def wait(self, session: Session, jobs: JobQueue, job_id: str, response: Response) -> None:
        """Wait for the job and answer 201, or answer 202 when no place is free or the
        job takes too long."""
        release_connection(session)
        waited = False
        if self._free.acquire(blocking=False):
            try:
                waited = jobs.wait(job_id, self.max_seconds)
            finally:
                self._free.release()
        if waited:
            response.status_code = status.HTTP_201_CREATED
        else:
            response.status_code = status.HTTP_202_ACCEPTED
            response.headers["Retry-After"] = str(POLL_AFTER_SECONDS)
