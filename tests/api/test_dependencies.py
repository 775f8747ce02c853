"""Dependencies that only read the app's state run on the event loop: FastAPI sends every
plain-function dependency to a worker thread, and on a cached view those hops cost more
than the work (evaluation/README.md, the workers part)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import fastapi.dependencies.utils
import pytest
from fastapi.testclient import TestClient

from service.config import Settings
from tests.factories import database, sample_project


def test_a_cached_view_sends_only_its_database_work_to_worker_threads(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database(settings.resolved_database_url) as db:
        sample_project(db, "p")
    assert client.get("/projects/p/themes").status_code == 200  # the view cached
    hops: list[str] = []
    to_thread = fastapi.dependencies.utils.run_in_threadpool

    async def counted(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(call, "__name__", type(call).__name__))
        return await to_thread(call, *args, **kwargs)

    monkeypatch.setattr(fastapi.dependencies.utils, "run_in_threadpool", counted)
    assert client.get("/projects/p/themes").status_code == 200
    # Finding the user by token and the project with the user's role: both query.
    assert sorted(hops) == ["ProjectAccess", "get_user"]
    hops.clear()
    assert client.get("/me").status_code == 200
    assert hops == ["get_user"]  # the access rule checks the user found: no query
