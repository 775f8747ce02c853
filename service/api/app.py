"""The FastAPI application: routers, error handlers and the resources they share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from service.api.routes import codebook, documents, jobs, notes, projects, runs, themes
from service.config import Settings
from service.ingest import UploadError
from service.jobs import InProcessJobQueue, fail_interrupted_jobs
from service.nlp import NlpResources
from service.storage.db import Database
from service.storage.repository import Conflict, NotFound
from service.theming.edits import EditError


def create_app(settings: Settings | None = None, nlp: NlpResources | None = None) -> FastAPI:
    """Build the app; tests pass their own settings (and a shared, already loaded model)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.resolved_database_url)
        db.migrate()
        fail_interrupted_jobs(db)
        job_queue = InProcessJobQueue(db)
        app.state.settings = settings
        app.state.db = db
        app.state.nlp = nlp or NlpResources(settings)
        app.state.jobs = job_queue
        yield
        job_queue.shutdown()
        db.dispose()

    app = FastAPI(
        title="Teemakartta API",
        version="0.1.0",
        summary="Finnish workshop notes to themes: ingest, embed, theme, compare, export.",
        lifespan=lifespan,
    )
    for router in (
        projects.router,
        documents.router,
        notes.router,
        jobs.router,
        runs.router,
        themes.router,
        codebook.router,
    ):
        app.include_router(router)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.exception_handler(NotFound)
    async def not_found(_request: Request, error: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=404)

    @app.exception_handler(Conflict)
    async def conflict(_request: Request, error: Conflict) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=409)

    @app.exception_handler(EditError)
    async def bad_edit(_request: Request, error: EditError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=422)

    @app.exception_handler(UploadError)
    async def bad_upload(_request: Request, error: UploadError) -> JSONResponse:
        return JSONResponse({"detail": error.message}, status_code=error.status)

    return app
