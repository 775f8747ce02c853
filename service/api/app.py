"""The FastAPI application: routers, error handlers and the resources they share."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from service.api.cache import GZIP_LEVEL, GZIP_MINIMUM_SIZE, ViewCache
from service.api.deps import Access, ProjectAccess
from service.api.errors import add_error_handlers
from service.api.limits import RequestSizeLimit
from service.api.responses.errors import ERROR_RESPONSES, declare_error_model
from service.api.responses.health import HealthOut
from service.api.routes import (
    agreement,
    codebook,
    compare,
    document_edits,
    documents,
    exports,
    jobs,
    notes,
    overview,
    privacy,
    projects,
    report,
    runs,
    sign_in,
    themes,
    users,
)
from service.api.throttle import FailedSignIns
from service.api.waiting import WaitingRoom
from service.auth import TOKEN_FILE, ensure_admin_token
from service.config import Settings
from service.jobs import DatabaseJobQueue, JobLimits, recover_jobs
from service.nlp import NlpResources
from service.storage.db import Database
from service.tasks import tasks_for
from shared_rules.headers import SecurityHeaders

log = logging.getLogger("teemakartta")


def _lifespan(
    settings: Settings, nlp: NlpResources | None
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: opens the database and the shared resources, closes them after."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.resolved_database_url)
        db.migrate()
        recover_jobs(db)
        if ensure_admin_token(db, settings.data_dir):
            # The token itself stays out of logs: it is in a file only this user can read.
            log.warning(
                "Created the administrator; its API token is in %s (readable only by you).",
                settings.data_dir / TOKEN_FILE,
            )
        resources = nlp or NlpResources(settings)
        tasks = tasks_for(db, resources, settings)
        job_queue = DatabaseJobQueue(
            db, tasks, workers=settings.job_workers, limits=JobLimits.from_settings(settings)
        )
        app.state.settings = settings
        app.state.db = db
        app.state.nlp = resources
        app.state.jobs = job_queue
        app.state.views = ViewCache()
        app.state.waiting = WaitingRoom(settings.max_waiting_requests, settings.max_wait_seconds)
        app.state.failed_sign_ins = FailedSignIns(settings.failed_sign_ins_per_minute)
        yield
        job_queue.shutdown()
        db.dispose()

    return lifespan


def create_app(settings: Settings | None = None, nlp: NlpResources | None = None) -> FastAPI:
    """Build the app; tests pass their own settings (and a shared, already loaded model)."""
    settings = settings or Settings()
    app = FastAPI(
        title="Teemakartta API",
        version="0.1.0",
        summary="Finnish workshop notes to themes: ingest, embed, theme, compare, export.",
        lifespan=_lifespan(settings, nlp),
        responses=ERROR_RESPONSES,
    )
    for router in (
        projects.router,
        documents.router,
        documents.rules_router,
        notes.router,
        jobs.router,
        runs.router,
        themes.router,
        codebook.router,
        users.router,
        sign_in.router,
        compare.router,
        exports.router,
        agreement.router,
        privacy.router,
        document_edits.router,
        overview.router,
        report.router,
    ):
        declare_access_rules(router.routes)
        declare_error_model(router.routes)
        app.include_router(router)

    @app.get("/health", tags=["health"])
    def health() -> HealthOut:
        """Public: tells a load balancer or the UI that the service is up."""
        return HealthOut(status="ok")

    declare_access_rules(app.router.routes)
    app.add_middleware(RequestSizeLimit, limit=settings.max_request_bytes)
    # The map of 5,000 notes is ~1.5 MB of JSON; compressed it is a fifth of that.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_SIZE, compresslevel=GZIP_LEVEL)
    app.add_middleware(SecurityHeaders)

    add_error_handlers(app)
    return app


PUBLIC_ROUTES = {"/health", "/sign-in"}


def _access_rules(dependant: Dependant) -> set[str]:
    rules: set[str] = set()
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, ProjectAccess):
            rules.add(f"project:{dependency.call.permission}")
        elif isinstance(dependency.call, Access):
            rules.add(f"global:{dependency.call.permission}")
        rules |= _access_rules(dependency)
    return rules


def _access_rule(dependant: Dependant) -> str | None:
    """The route's rule: its project rule if it has one, else its global rule."""
    rules = _access_rules(dependant)
    project = sorted(r for r in rules if r.startswith("project:"))
    if len(project) > 1:
        raise RuntimeError(f"Conflicting project access rules {project}.")
    if project:
        return project[0]
    return "global:manage" if "global:manage" in rules else next(iter(sorted(rules)), None)


def declare_access_rules(routes: Sequence[BaseRoute]) -> None:
    """Refuse to start if a route has no access rule; publish each rule in the OpenAPI
    schema as ``x-access`` so the role-matrix test can check every route."""
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        rule = "public" if route.path in PUBLIC_ROUTES else _access_rule(route.dependant)
        if rule is None:
            raise RuntimeError(f"Route {route.path} declares no access rule (see api/deps.py).")
        route.openapi_extra = {**(route.openapi_extra or {}), "x-access": rule}
