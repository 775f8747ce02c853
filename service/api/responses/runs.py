"""Answers of the theme-run routes: a run's summary, with its change report and tree."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from service.api.responses.parts import Answer, Empty, Texts
from service.api.responses.timestamps import UtcDateTime


class RunFiltersOut(Answer):
    """The notes a run covers; empty lists mean no restriction."""

    regions: list[str]
    document_ids: list[int]
    kinds: list[str]
    date_from: dt.date | None
    date_to: dt.date | None


class SplitChange(Answer):
    from_: int = Field(alias="from", description="Theme key of the previous run")
    into: list[int] = Field(description="Theme keys of this run")


class MergeChange(Answer):
    from_: list[int] = Field(alias="from", description="Theme keys of the previous run")
    into: int = Field(description="Theme key of this run")


class NotesLeft(Answer):
    to: int | Literal["out"] | None = Field(
        description='Theme key the notes went to; null: unassigned; "out": not in this run'
    )
    notes: int


class NotesJoined(Answer):
    from_: int | None = Field(alias="from", description="Theme key; null: unassigned")
    notes: int


class EditedChange(Answer):
    """What the run does to a theme people edited."""

    theme: int
    before: int = Field(description="Notes before")
    after: int = Field(description="Notes after")
    vanished: bool
    left: list[NotesLeft] = Field(description="Where its notes went, most first")
    joined: list[NotesJoined] = Field(description="Where its new notes came from, most first")
    joined_new: int = Field(description="Notes new to the project that joined it")


class MoveChange(Answer):
    """Notes that moved between two themes nobody edited."""

    from_: int = Field(alias="from")
    to: int
    notes: int


class NotesWent(Answer):
    to: int = Field(description="Theme key the notes went to")
    notes: int


class BrokeUpChange(Answer):
    """A theme nobody edited that is gone, its notes spread over two or more themes that
    stay (each taking at least a quarter of them)."""

    from_: int = Field(alias="from")
    to: list[NotesWent] = Field(description="Where its notes went, most first")


class ThemeNames(Answer):
    """Theme names by key (a string), before and after the run."""

    before: dict[str, str]
    after: dict[str, str]


class FitSample(Answer):
    """A large run's fit on a sample (TEEMA_FIT_SAMPLE_NOTES): the other notes joined
    the nearest fitted theme as new notes do."""

    notes: int = Field(description="Notes in the run")
    fitted_on: int = Field(description="Notes the theme model was fitted on")


class ChangeReport(Answer):
    """What a run changes compared with the run before it."""

    persisted: list[int] = Field(description="Theme keys in both runs")
    new: list[int]
    vanished: list[int]
    split: list[SplitChange]
    merged: list[MergeChange]
    # Reports of runs stored before edits were followed (2026-11-30) lack these four.
    edited: list[EditedChange] = Field(default_factory=list)
    moved: list[MoveChange] = Field(default_factory=list)
    # Reports of runs stored before 2026-12-03 lack it (their breakups were said as merges).
    broke_up: list[BrokeUpChange] = Field(default_factory=list)
    needs_confirmation: bool = False
    names: ThemeNames | None = None
    fit_sample: FitSample | None = Field(
        default=None, description="Only for a run fitted on a sample of its notes"
    )


class TreeNode(Answer):
    """A node of the theme tree, coarse to fine. Leaves carry ``theme`` (its key) and no
    ``children``; inner nodes carry ``children`` and, above two themes, ``distance``."""

    name: str
    size: int = Field(description="Notes under the node")
    theme: int | None = Field(default=None, description="Theme key (leaves only)")
    theme_name: str | None = Field(
        default=None, description="The theme's current name (leaves of GET .../themes/tree)"
    )
    distance: float | None = Field(
        default=None, description="Cosine distance at which its children join"
    )
    children: list[TreeNode] | None = Field(default=None, description="Inner nodes only")


class RunSummary(Answer):
    """A run as the API shows it."""

    id: int
    status: Literal["applied", "draft"] = Field(
        description="applied, or draft: waiting for a person to apply or discard it"
    )
    base_run_id: int | None = Field(description="The applied run a draft was computed against")
    created_at: UtcDateTime
    note_count: int
    unassigned_share: float
    fit_seconds: float
    detail: int = Field(description="Detail level -3 (coarsest) .. 3 (finest)")
    filters: RunFiltersOut | Empty
    params: dict[str, Any] = Field(description="The theme model's parameters")
    changes: ChangeReport | Empty = Field(description="{} for a run stored without a report")
    needs_confirmation: bool
    sentences: Texts = Field(description="The change report in words")


class RunDetail(RunSummary):
    tree: TreeNode | Empty = Field(description="The theme tree as the run stored it")


class RunStarted(Answer):
    job_id: str
