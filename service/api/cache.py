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

Each entry also keeps its gzip form, made once when the entry is stored: a client that
accepts gzip (httpx, browsers) gets those bytes as they are, and the app's GZip
middleware, which would otherwise compress the same view again on every request, passes
an answer that already has its encoding through.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from fastapi import Response
from fastapi.encoders import jsonable_encoder
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import Headers
from starlette.types import Receive, Scope, Send

from service.storage.models import Project

MAX_ENTRIES = 64
# The app's GZipMiddleware settings (service/api/app.py), so a cached view is encoded as
# the middleware would encode it.
GZIP_MINIMUM_SIZE = 1024
GZIP_LEVEL = 5


class JsonView(Response):
    """A cached view's JSON, sent gzip-encoded to a client that accepts gzip."""

    media_type = "application/json"

    def __init__(self, body: bytes, gzipped: bytes | None) -> None:
        super().__init__(content=body)
        self.gzipped = gzipped

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        accepted = Headers(scope=scope).get("accept-encoding", "")
        if self.gzipped is not None and "gzip" in accepted:  # GZipMiddleware's own test
            self.body = self.gzipped
            self.headers["content-length"] = str(len(self.gzipped))
            self.headers["content-encoding"] = "gzip"
            # The middleware passes an encoded answer through untouched, Vary too; for
            # any other answer of this size it adds Vary itself.
            self.headers.add_vary_header("Accept-Encoding")
        await super().__call__(scope, receive, send)


class ViewCache:
    """A thread-safe LRU of serialized JSON views."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[bytes, bytes | None]] = OrderedDict()
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
    ) -> JsonView:
        """The view as a JSON response, from the cache when the project has not changed."""
        found = session.execute(
            select(Project.uid, Project.revision).where(Project.id == project_id)
        ).one()
        key = (view, found.uid, found.revision, params)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
        if entry is None:
            # Computed outside the lock: two first requests may both compute; both agree.
            body = json.dumps(
                jsonable_encoder(compute()), ensure_ascii=False, separators=(",", ":")
            ).encode("utf-8")
            small = len(body) < GZIP_MINIMUM_SIZE
            entry = (body, None if small else gzip.compress(body, GZIP_LEVEL, mtime=0))
            with self._lock:
                self.misses += 1
                self._entries[key] = entry
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return JsonView(*entry)
