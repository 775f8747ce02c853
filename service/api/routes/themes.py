"""Themes of the current run: table, one theme, tree, edits, a note's scores."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, Field

from service.api.deps import (
    DatabaseDep,
    EditProject,
    NlpDep,
    ReadProject,
    SessionDep,
    UserDep,
    ViewsDep,
)
from service.api.responses.parts import Empty
from service.api.responses.runs import TreeNode
from service.api.responses.themes import (
    Merged,
    NoteMap,
    NoteScores,
    NotesMoved,
    SplitDone,
    ThemeDetail,
    ThemeEditOut,
    ThemeTable,
)
from service.api.schemas import MAX_ID
from service.theming import edits, views

router = APIRouter(prefix="/projects/{project}", tags=["themes"])

ThemeKey = Annotated[int, Path(ge=1, le=MAX_ID)]


class Rename(BaseModel):
    name: str = Field(min_length=1, max_length=255)


class Merge(BaseModel):
    themes: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=2, max_length=100)
    name: str | None = Field(default=None, max_length=255)


class Split(BaseModel):
    parts: int = Field(ge=2, le=20)


class Move(BaseModel):
    notes: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=10_000)
    theme: int | None = Field(
        ge=1, le=MAX_ID, description="Target theme id; null marks the notes unassigned"
    )


@router.get("/themes", response_model=ThemeTable)
def list_themes(project: ReadProject, session: SessionDep, cache: ViewsDep) -> Response:
    return cache.json(
        session, project.id, "themes", (), lambda: views.theme_table(session, project.id)
    )


@router.get("/map", response_model=NoteMap)
def note_map(project: ReadProject, session: SessionDep, cache: ViewsDep) -> Response:
    """Notes of the current run with their map position, theme, and provenance."""
    return cache.json(session, project.id, "map", (), lambda: views.note_map(session, project.id))


@router.get("/themes/tree", response_model=TreeNode | Empty, response_model_exclude_unset=True)
def theme_tree(project: ReadProject, session: SessionDep) -> dict[str, Any]:
    """Coarse to fine; each leaf carries its theme's id (``theme``) and current name."""
    return views.named_tree(session, project.id)


@router.get(
    "/themes/{key}", response_model=ThemeDetail, responses={404: {"description": "No such theme"}}
)
def get_theme(project: ReadProject, key: ThemeKey, session: SessionDep) -> dict[str, Any]:
    return views.theme_detail(session, project.id, key)


@router.patch(
    "/themes/{key}", response_model=ThemeDetail, responses={404: {"description": "No such theme"}}
)
def rename_theme(
    project: EditProject,
    key: ThemeKey,
    body: Rename,
    db: DatabaseDep,
    user: UserDep,
) -> dict[str, Any]:
    edits.rename_theme(db, project.id, key, body.name, user.name)
    with db.session() as session:
        return views.theme_detail(session, project.id, key)


@router.post("/themes/merge", status_code=status.HTTP_200_OK)
def merge_themes(
    project: EditProject,
    body: Merge,
    db: DatabaseDep,
    nlp: NlpDep,
    user: UserDep,
) -> Merged:
    key = edits.merge_themes(db, nlp, project.id, body.themes, body.name, user.name)
    return Merged(theme=key)


@router.post("/themes/{key}/split")
def split_theme(
    project: EditProject,
    key: ThemeKey,
    body: Split,
    db: DatabaseDep,
    nlp: NlpDep,
    user: UserDep,
) -> SplitDone:
    parts = edits.split_theme(db, nlp, project.id, key, body.parts, user.name)
    return SplitDone(themes=parts)


@router.post("/notes/move")
def move_notes(
    project: EditProject,
    body: Move,
    db: DatabaseDep,
    nlp: NlpDep,
    user: UserDep,
) -> NotesMoved:
    edits.move_notes(db, nlp, project.id, body.notes, body.theme, user.name)
    return NotesMoved(moved=len(body.notes), theme=body.theme)


@router.get(
    "/notes/{note_id}/scores",
    response_model=NoteScores,
    responses={404: {"description": "Not in the run"}},
)
def note_scores(
    project: ReadProject, note_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep
) -> dict[str, Any]:
    return views.note_scores(session, project.id, note_id)


@router.get("/edits")
def list_edits(project: ReadProject, session: SessionDep) -> list[ThemeEditOut]:
    return [
        ThemeEditOut(
            id=e.id,
            run_id=e.run_id,
            action=e.action,
            author=e.author,
            details=e.details,
            created_at=e.created_at,
        )
        for e in views.theme_edits(session, project.id)
    ]
