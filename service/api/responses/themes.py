"""Answers of the theme routes: the theme table, one theme, the map, edits, a note's fit."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from service.api.responses.parts import Answer, Empty
from service.api.responses.runs import RunSummary
from service.api.responses.timestamps import UtcDateTime

Source = Literal["model", "human", "incremental"]
SOURCE = "model: the theme model placed it; human: a person; incremental: added without a refit"


class Representative(Answer):
    id: int = Field(description="Note id")
    text: str
    context: str | None = Field(
        default=None, description="The bullet a sub-bullet answers (its parent's text), else null"
    )


class ThemeRow(Answer):
    """A theme of the current run in the theme table."""

    id: int = Field(description="Theme key, stable across runs")
    name: str
    name_edited: bool = Field(description="A person named it")
    description: str = Field(description="A sentence of its most central note")
    size: int = Field(description="Notes in the theme")
    share: float = Field(description="Share of the run's notes")
    region_share: dict[str, float] = Field(
        description="Per region, the share of the region's notes (in the run) in the theme"
    )
    keywords: list[str]
    representatives: list[Representative] = Field(description="Notes closest to its centre")
    seed: str | None = Field(description="The codebook theme it grew from")
    x: float
    y: float


class ThemeTable(Answer):
    run: RunSummary
    themes: list[ThemeRow] = Field(description="Largest first")
    unassigned: int = Field(description="Notes of the run without a theme")


class Why(Answer):
    """Why a note sits in its theme."""

    keywords: list[str] = Field(description="The theme's keywords the note contains")
    score: float | None = Field(description="Its fit in its theme; null when placed by hand")
    next_theme: int | None = Field(description="The best other theme's key")
    next_score: float | None
    margin: float | None = Field(description="score - next_score; negative: fits better there")
    next_theme_name: str | None


class ThemeNote(Answer):
    id: int
    text: str
    region: str
    document: str = Field(description="File name")
    group: str | None
    score: float
    source: Source = Field(description=SOURCE)
    why: Why


class ThemeDetail(Answer):
    id: int = Field(description="Theme key")
    name: str
    name_edited: bool
    description: str
    size: int
    seed: str | None
    keywords: list[tuple[str, float]] = Field(description="[lemma, weight], best first")
    tree_path: list[str] = Field(description="Names of the coarser tree nodes above it")
    notes: list[ThemeNote] = Field(description="Best fitting first")


class MapNote(Answer):
    id: int
    x: float
    y: float
    theme: int | None = Field(description="Theme key; null: unassigned")
    theme_name: str | None
    score: float
    source: Source = Field(description=SOURCE)
    text: str
    region: str
    document: str = Field(description="File name")
    document_id: int
    group: str | None
    kind: str = Field(description="The document's kind")
    date: dt.date | None = Field(description="The document's date")


class NoteMap(Answer):
    run_id: int
    notes: list[MapNote]


class Merged(Answer):
    theme: int = Field(description="Key of the merged theme")


class SplitDone(Answer):
    themes: list[int] = Field(description="Keys of the parts; the first kept the theme's key")


class NotesMoved(Answer):
    moved: int = Field(description="Notes moved")
    theme: int | None = Field(description="Target theme key; null: unassigned")


class ThemeScore(Answer):
    theme: int
    name: str
    score: float


class NoteScores(Answer):
    note_id: int
    theme: int | None = Field(description="Its theme's key; null: unassigned")
    score: float
    source: Source = Field(description=SOURCE)
    scores: list[ThemeScore] = Field(description="Its best-fitting themes, highest first")
    why: Why | Empty


class ThemeEditOut(Answer):
    id: int
    run_id: int | None
    action: str = Field(description="rename | merge | split | move | unassign")
    author: str
    details: dict[str, Any] = Field(description="What the edit did; its fields depend on action")
    created_at: UtcDateTime
