"""The report to hand on: the project's current run as a Word document."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from service.api.deps import DatabaseDep, ReadProject, SessionDep, SettingsDep, SignedIn
from service.api.routes.overview import recognizer_for
from service.export import content_disposition
from service.report.content import gather, record_report
from service.report.document import write_report
from service.report.texts import LANGUAGES

router = APIRouter(prefix="/projects/{project}", tags=["report"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get(
    "/report",
    response_class=Response,
    responses={
        200: {"description": "The report (.docx), as an attachment", "content": {DOCX: {}}},
        404: {"description": "No such project, or it has no theme run"},
        422: {"description": "Unknown language"},
    },
)
def report(
    project: ReadProject,
    session: SessionDep,
    settings: SettingsDep,
    db: DatabaseDep,
    user: SignedIn,
    lang: Annotated[str, Query(pattern="^(fi|en)$", description="fi | en")] = "fi",
) -> Response:
    """A Word briefing of the current run in Finnish or English: project summary, each
    theme (name, description or most typical note, size, share per region, quotes, the
    comparison in sentences), heatmap and map pictures, needs vs projects, actors, and a
    method appendix. Its numbers are those of /themes, /compare, /needs and /actors.
    Actors not found yet are found first, which can take a minute on a large project."""
    assert lang in LANGUAGES
    try:
        recognizer = recognizer_for(settings)
    except HTTPException:  # without spaCy the report leaves the actors out
        recognizer = None
    content = gather(db, project.name, recognizer)
    body = write_report(content, lang)
    record_report(session, user.name, project.name, lang)
    filename = f"teemakartta-{project.name}-{dt.date.today().isoformat()}.docx"
    return Response(
        body, media_type=DOCX, headers={"Content-Disposition": content_disposition(filename)}
    )
