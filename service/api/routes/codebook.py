"""A project's codebook: expected themes that seed its theme runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, UploadFile, status

from service.api.deps import EditProject, ReadProject, SessionDep, SignedIn, UserDep
from service.api.responses.codebook import CodebookThemeOut
from service.pipeline.codebook import default_codebook as shipped_codebook
from service.pipeline.codebook import read_codebook
from service.theming.codebook import codebook_of, set_codebook

router = APIRouter(tags=["codebook"])

_MAX_CODEBOOK_BYTES = 1 << 20


def _out(themes: list[dict[str, Any]]) -> list[CodebookThemeOut]:
    return [CodebookThemeOut(**theme) for theme in themes]


@router.get("/codebooks/default")
def default_codebook(_user: SignedIn) -> list[CodebookThemeOut]:
    """The shipped Finnish codebook for regional development workshops."""
    # This route has the rule's name (default_codebook: its operation id), so the rule is
    # imported as shipped_codebook.
    return _out(shipped_codebook().records())


@router.get("/projects/{project}/codebook")
def get_codebook(project: ReadProject, session: SessionDep) -> list[CodebookThemeOut]:
    return _out(codebook_of(session, project.id))


@router.put(
    "/projects/{project}/codebook",
    responses={413: {"description": "File too large"}, 422: {"description": "Unreadable codebook"}},
)
def put_codebook(
    project: EditProject,
    session: SessionDep,
    user: UserDep,
    file: Annotated[UploadFile | None, File(description="Codebook as .json or .csv")] = None,
    use_default: bool = False,
) -> list[CodebookThemeOut]:
    """Set the codebook from a JSON/CSV file, or from the shipped default."""
    if use_default:
        themes = shipped_codebook().records()
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
        themes = read_codebook(content, file.filename or "codebook.json").records()
    set_codebook(session, project.id, themes, user.name, default=use_default)
    return _out(themes)


@router.delete("/projects/{project}/codebook", status_code=status.HTTP_204_NO_CONTENT)
def delete_codebook(project: EditProject, session: SessionDep, user: UserDep) -> None:
    set_codebook(session, project.id, None, user.name)
