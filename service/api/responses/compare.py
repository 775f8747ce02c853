"""Answer of GET .../compare: theme prevalence per group, distinctive themes, findings in
words, a chi-square test of independence, and small-sample warnings."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from service.api.responses.parts import Answer, Texts

Reason = Literal["small_group", "few_notes", "weak", "overlap"]
THEME_ID = "Theme key; null: the unassigned notes"


class GroupSize(Answer):
    group: str
    notes: int
    unassigned: int


class ThemeColumnOut(Answer):
    theme_id: int | None = Field(description=THEME_ID)
    theme_name: str


class PrevalenceRow(Answer):
    """Notes of one group in one theme (in one period), with a 95 % Wilson interval."""

    group: str
    theme_id: int | None = Field(description=THEME_ID)
    theme_name: str
    count: int
    total: int = Field(description="The group's notes (in the period)")
    share: float
    ci_low: float
    ci_high: float
    period: str | None = Field(
        default=None, description="'2017-11', '2017-Q4' or '2017'; only with ?period="
    )


class DistinctiveTheme(Answer):
    theme_id: int
    theme_name: str
    count: int
    log_odds: float = Field(description="Weighted log-odds (informative Dirichlet prior)")
    z: float
    rank: int = Field(description="1: the most over-represented in the group")


class Distinctive(Answer):
    group: str
    assigned_notes: int
    themes: list[DistinctiveTheme] = Field(description="Every assigned theme, by rank")


class CompareFinding(Answer):
    """A theme a group talks of more or less than the other groups."""

    group: str
    theme_id: int
    theme_name: str
    direction: Literal["more", "less"]
    count: int
    share: float
    ci_low: float
    ci_high: float
    rest_count: int = Field(description="Notes of the other groups in the theme")
    rest_share: float
    rest_low: float
    rest_high: float
    z: float
    reasons: list[Reason] = Field(description="Small-sample rules it breaks")
    clear: bool = Field(description="No reasons")


class GroupFindings(Answer):
    group: str
    notes: int
    findings: list[CompareFinding]
    sentences: Texts = Field(description="The findings in words, one sentence each")


class Unassigned(Answer):
    count: int
    share: float
    in_tests: bool
    note: str


class SmallGroup(Answer):
    code: Literal["small_group"]
    message: str
    group: str
    notes: int
    in_group_fi: str = Field(
        description="How a Finnish sentence about the group starts: 'Kainuussa', "
        "'Alueella ”Useita alueita”', 'Ryhmässä ”työpaja”'"
    )


class NoTest(Answer):
    code: Literal["no_test"]
    message: str


class SmallExpected(Answer):
    code: Literal["small_expected"]
    message: str
    cells: int = Field(description="Cells with an expected count below 5")
    of: int = Field(description="Cells in the table")
    min_expected: float


class SmallPeriodGroup(Answer):
    code: Literal["small_period_group"]
    message: str
    period: str
    groups: list[str]


class Undated(Answer):
    code: Literal["undated"]
    message: str
    notes: int = Field(description="Notes left out of the period rows")


Warning = Annotated[
    SmallGroup | NoTest | SmallExpected | SmallPeriodGroup | Undated,
    Field(discriminator="code"),
]


class Comparison(Answer):
    project: str
    run_id: int
    by: str = Field(description="The field compared by")
    period: str | None
    notes: int
    groups: list[GroupSize]
    themes: list[ThemeColumnOut] = Field(description="Largest first, unassigned last")
    rows: list[PrevalenceRow]
    distinctive: list[Distinctive]
    findings: list[GroupFindings]
    chi2: float | None = Field(description="null: too few groups or themes for the test")
    dof: int | None
    p: float | None
    cramers_v: float | None
    test_notes: int = Field(description="Notes in the test (assigned ones)")
    unassigned: Unassigned
    warnings: list[Warning]
