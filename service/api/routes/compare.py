"""Comparison of the current run's themes across regions (or another field) and periods."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from service.analysis.prevalence import BY_FIELDS, PERIODS, check_choice, compare_run
from service.api.deps import ReadProject, SessionDep, ViewsDep
from service.api.responses.compare import Comparison
from service.theming.current import current_run

router = APIRouter(prefix="/projects/{project}", tags=["compare"])


@router.get(
    "/compare",
    response_model=Comparison,
    responses={
        404: {"description": "No such project, or it has no theme run"},
        422: {"description": "Unknown field or period"},
    },
)
def compare_themes(
    project: ReadProject,
    session: SessionDep,
    cache: ViewsDep,
    by: Annotated[str, Query(description=f"One of: {', '.join(BY_FIELDS)}")] = "region",
    period: Annotated[
        str | None, Query(description=f"One of: {', '.join(PERIODS)}; omit for no time split")
    ] = None,
) -> Response:
    """Theme prevalence per group (count, share, 95% Wilson interval), distinctive themes
    per group (weighted log-odds with an informative Dirichlet prior, z-score, rank), a
    chi-square test of independence with Cramér's V, and small-sample warnings.

    Unassigned notes are a column of their own in ``rows`` and are left out of the tests.
    """
    check_choice(by, period)

    def report() -> dict[str, Any]:
        run = current_run(session, project.id)
        return {"project": project.name, **compare_run(session, run, by, period)}

    return cache.json(session, project.id, "compare", (by, period), report)
