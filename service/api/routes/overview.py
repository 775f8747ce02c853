"""The coordinator's overview of a project: needs vs projects, who is involved, and the
map in the compact form the map page draws."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status

from service.analysis.actors import actor_report, pending_notes
from service.analysis.map_layout import map_view
from service.analysis.needs import needs_report
from service.api.deps import JobsDep, ReadProject, SessionDep, SettingsDep, ViewsDep
from service.api.responses.overview import Actors, ActorsJob, MapView, Needs
from service.config import Settings
from service.pipeline.entities import EntityRecognizer
from service.theming.current import current_run

router = APIRouter(prefix="/projects/{project}", tags=["overview"])


def recognizer_for(settings: Settings) -> EntityRecognizer:
    """The NER of the language layer; refused where the deployment runs without spaCy."""
    if settings.language_backend == "simplemma":
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            "The actor map needs spaCy's Finnish pipeline; this service runs with "
            "TEEMA_LANGUAGE_BACKEND=simplemma. Set it to auto or spacy.",
        )
    return EntityRecognizer()


@router.get(
    "/needs",
    response_model=Needs,
    responses={404: {"description": "No such project, or it has no theme run"}},
)
def needs(project: ReadProject, session: SessionDep, cache: ViewsDep) -> Response:
    """Needs vs projects: per theme of the current run, the share of workshop notes that
    raise it and of project-description notes that cover it (95 % Wilson intervals), the
    workshops' log-odds z, and a status: gap (raised, not covered), orphan (covered, not
    raised), both or few; with ``clear`` and the small-sample ``reasons`` when not, and
    a sentence in Finnish and English. For the whole project and per region."""

    def report() -> dict[str, Any]:
        run = current_run(session, project.id)
        return {"project": project.name, **needs_report(session, run)}

    return cache.json(session, project.id, "needs", (), report)


@router.get(
    "/map-view",
    response_model=MapView,
    responses={404: {"description": "No such project, or it has no theme run"}},
)
def map_columns(project: ReadProject, session: SessionDep, cache: ViewsDep) -> Response:
    """The theme map as the map page draws it, in columns (no per-note repetition of
    names): notes' ids, positions, themes, texts, and indexes into the lists of regions,
    documents, kinds and groups; themes with their size and label position on their
    densest part. Cached per project revision; sent compressed."""
    return cache.json(session, project.id, "map-view", (), lambda: map_view(session, project.id))


@router.get(
    "/actors",
    response_model=Actors,
    responses={404: {"description": "No such project, or it has no theme run"}},
)
def actors(
    project: ReadProject,
    session: SessionDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Most actors to list")] = 200,
) -> dict[str, Any]:
    """Organisations and places named in the current run's notes, most often named first,
    with the themes, regions and documents they are named in, and actor-theme links.
    Names are normalised through lemmas; persons are never listed. Notes whose actors
    are not found yet are counted in ``pending``: start that with POST .../actors."""
    run = current_run(session, project.id)
    return {"project": project.name, **actor_report(session, run, recognizer_for(settings), limit)}


@router.post(
    "/actors",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ActorsJob,
    responses={
        200: {"model": ActorsJob, "description": "Every note is analysed already; no job started"}
    },
)
def find_actors(
    project: ReadProject,
    session: SessionDep,
    settings: SettingsDep,
    jobs: JobsDep,
    response: Response,
) -> dict[str, Any]:
    """Find the organisations and places of the notes not analysed yet (Finnish NER), as a
    job; answers ``{job_id, pending}`` (job_id null when nothing is pending)."""
    recognizer = recognizer_for(settings)
    pending = pending_notes(session, project.id, recognizer)
    if not pending:
        response.status_code = status.HTTP_200_OK
        return {"job_id": None, "pending": 0}

    # No ?wait: loading the NER and reading thousands of notes takes longer than a request
    # should; follow the job with GET /jobs/{id}.
    return {"job_id": jobs.submit("actors", project.id), "pending": pending}
