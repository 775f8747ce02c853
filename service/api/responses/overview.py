"""Answers of the overview routes: needs vs projects, the actors, and the map view."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from service.api.responses.parts import Answer, Text

Kind = Literal["workshop", "project_description"]
Reason = Literal["small_group", "few_notes", "weak"]


class NeedRow(Answer):
    """A theme raised by workshops and covered by project descriptions (shares of each
    kind's notes with 95 % Wilson intervals)."""

    theme_id: int
    theme_name: str
    need_count: int = Field(description="Workshop notes in the theme")
    need_share: float
    need_low: float
    need_high: float
    project_count: int = Field(description="Project-description notes in the theme")
    project_share: float
    project_low: float
    project_high: float
    z: float = Field(description="The workshops' weighted log-odds z")
    status: Literal["gap", "orphan", "both", "few", "missing"] = Field(
        description="gap: raised, not covered; orphan: covered, not raised; few: at most "
        "one note of either kind; missing: one kind has no notes; both: the rest"
    )
    clear: bool = Field(description="A gap or orphan no small-sample rule questions")
    reasons: list[Reason] = Field(description="Why a gap or orphan is uncertain")
    sentence: Text = Field(description='A gap or orphan in words; "" for other rows')


class NeedsBlock(Answer):
    """Needs vs projects of the whole project or of one region."""

    missing: list[Kind] = Field(description="Kinds without notes here: upload those")
    need_notes: int
    project_notes: int
    themes: list[NeedRow] = Field(description="Most raised-not-covered first")
    gaps: list[int] = Field(description="Theme ids of the gaps")
    orphans: list[int] = Field(description="Theme ids of the orphans")


class RegionNeeds(NeedsBlock):
    region: str


class DocumentCounts(Answer):
    workshop: int
    transcript: int  # a session's transcript raises needs as a workshop's notes do
    project_description: int


class NeedsRules(Answer):
    """The rules in words."""

    gap: str
    orphan: str
    clear: str


class Needs(Answer):
    project: str
    run_id: int
    documents: DocumentCounts = Field(description="Documents of each kind in the project")
    ready: bool = Field(description="The project has notes of both kinds")
    overall: NeedsBlock
    regions: list[RegionNeeds]
    rules: NeedsRules


class MapTheme(Answer):
    id: int
    name: str
    size: int
    label_x: float | None = Field(description="Where its name goes; null without notes")
    label_y: float | None


class MapColumns(Answer):
    """The notes in columns: item i of each list is note i."""

    id: list[int]
    x: list[float]
    y: list[float]
    theme: list[int] = Field(description="Theme key; -1: unassigned")
    text: list[str]
    region: list[int] = Field(description="Index into regions")
    document: list[int] = Field(description="Index into documents")
    kind: list[int] = Field(description="Index into kinds")
    group: list[int] = Field(description="Index into groups; -1: no group")
    date: list[dt.date | None]


class MapView(Answer):
    run_id: int
    themes: list[MapTheme]
    regions: list[str]
    documents: list[str] = Field(description="File names")
    kinds: list[str]
    groups: list[str]
    notes: MapColumns


class ActorTheme(Answer):
    theme_id: int
    theme_name: str
    notes: int


class Actor(Answer):
    name: str = Field(description="Normalised name")
    kind: Literal["organisation", "place"]
    notes: int = Field(description="Notes naming it")
    forms: list[str] = Field(description="How the notes write it, most common first")
    regions: dict[str, int] = Field(description="Notes naming it per region")
    documents: list[str] = Field(description="File names")
    themes: list[ActorTheme]
    examples: list[int] = Field(description="Ids of notes naming it")


class ActorLink(ActorTheme):
    actor: str


class Actors(Answer):
    project: str
    run_id: int
    notes: int = Field(description="Notes of the run")
    analysed: int = Field(description="Notes whose actors are found")
    pending: int = Field(description="Notes not analysed yet: POST .../actors")
    actors: list[Actor] = Field(description="Most often named first")
    links: list[ActorLink] = Field(description="Actor-theme links, for a chart")


class ActorsJob(Answer):
    job_id: str | None = Field(description="null when every note is analysed already")
    pending: int
