"""A project's codebook: expected themes that seed its theme runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, UploadFile, status

from service.api.deps import EditProject, ReadProject, SessionDep, SignedIn
from service.api.responses.codebook import CodebookThemeOut
from service.storage.models import ProjectCodebook

router = APIRouter(tags=["codebook"])

_MAX_CODEBOOK_BYTES = 1 << 20


def _out(themes: list[dict[str, Any]]) -> list[CodebookThemeOut]:
    return [CodebookThemeOut(**theme) for theme in themes]


@router.get("/codebooks/default")
def default_codebook(_user: SignedIn) -> list[CodebookThemeOut]:
    """The shipped Finnish codebook for regional development workshops."""
    from service.pipeline.codebook import default_codebook

    return _out(default_codebook().records())


@router.get("/projects/{project}/codebook")
def get_codebook(project: ReadProject, session: SessionDep) -> list[CodebookThemeOut]:
    stored = session.get(ProjectCodebook, project.id)
    return _out(stored.themes if stored else [])


@router.put(
    "/projects/{project}/codebook",
    responses={413: {"description": "File too large"}, 422: {"description": "Unreadable codebook"}},
)
def put_codebook(
    project: EditProject,
    session: SessionDep,
    file: Annotated[UploadFile | None, File(description="Codebook as .json or .csv")] = None,
    use_default: bool = False,
) -> list[CodebookThemeOut]:
    """Set the codebook from a JSON/CSV file, or from the shipped default."""
    from service.pipeline.codebook import CodebookError, default_codebook, read_codebook

    if use_default:
        themes = default_codebook().records()
    elif file is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "Send a codebook file (.json or .csv) or use_default=true.",
        )
    else:
        content = file.file.read(_MAX_CODEBOOK_BYTES + 1)
        if len(content) > _MAX_CODEBOOK_BYTES:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE, "A codebook file is at most 1 MB."
            )
        try:
            themes = read_codebook(content, file.filename or "codebook.json").records()
        except CodebookError as error:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    stored = session.get(ProjectCodebook, project.id)
    if stored is None:
        session.add(ProjectCodebook(project_id=project.id, themes=themes))
    else:
        stored.themes = themes
    return _out(themes)


@router.delete("/projects/{project}/codebook", status_code=status.HTTP_204_NO_CONTENT)
def delete_codebook(project: EditProject, session: SessionDep) -> None:
    stored = session.get(ProjectCodebook, project.id)
    if stored is not None:
        session.delete(stored)
