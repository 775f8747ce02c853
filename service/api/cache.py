"""Read views cached by project revision: the theme table, the map, the tree and the
comparison are computed once per change of the project's data, not once per request.

The key holds the project's uid and revision (storage/revision.py). The uid is random
and never shared by two projects, so a project made after another was deleted can never
be served the deleted one's views (its id and name could be the same; its uid is not).
Every change to the project's documents, notes, runs, themes, assignments, edits or
codebook bumps the revision in the same transaction; a stale entry is never looked up
again and ages out of the LRU. Access is
checked before the cache is consulted (the route's dependencies), so a cached view is
only served to someone allowed to read the project.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from fastapi import Response
from fastapi.encoders import jsonable_encoder
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.models import Project

MAX_ENTRIES = 64


class ViewCache:
    """A thread-safe LRU of serialized JSON views."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def json(
        self,
        session: Session,
        project_id: int,
        view: str,
        params: tuple[Hashable, ...],
        compute: Callable[[], Any],
    ) -> Response:
        """The view as a JSON response, from the cache when the project has not changed."""
        found = session.execute(
            select(Project.uid, Project.revision).where(Project.id == project_id)
        ).one()
        key = (view, found.uid, found.revision, params)
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
                self.hits += 1
        if body is None:
            # Computed outside the lock: two first requests may both compute; both agree.
            body = json.dumps(
                jsonable_encoder(compute()), ensure_ascii=False, separators=(",", ":")
            ).encode("utf-8")
            with self._lock:
                self.misses += 1
                self._entries[key] = body
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return Response(content=body, media_type="application/json")
