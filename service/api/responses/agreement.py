"""Answers of the agreement routes: an import of human codes, and the agreement of the
codes with the model's themes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from service.api.responses.parts import Answer


class CodesImported(Answer):
    coder: str
    source: Literal["csv", "qdpx"]
    stored: int = Field(description="Codes stored")
    codes: list[str] = Field(description="The distinct codes")
    unmatched: int = Field(description="Codes that matched no note")
    unmatched_examples: list[str]


class Measures(Answer):
    notes: int = Field(description="Notes with a theme run and a human code")
    matched: int = Field(description="Notes whose mapped theme is their code")
    cohen_kappa: float | None
    krippendorff_alpha: float | None
    ari: float | None = Field(description="Adjusted Rand index")
    nmi: float | None = Field(description="Normalised mutual information")


class RegionMeasures(Measures):
    region: str


class Mapped(Answer):
    theme_id: int
    theme_name: str
    code: str
    notes: int


class ThemeRef(Answer):
    theme_id: int
    theme_name: str


class SplitTheme(Answer):
    theme_id: int
    theme_name: str
    count: int
    share: float = Field(description="Share of the code's notes")


class CodeSplit(Answer):
    """A code two or more themes hold."""

    code: str
    notes: int
    themes: list[SplitTheme]


class MergedCode(Answer):
    code: str
    count: int
    share_of_code: float


class ThemeMerge(Answer):
    """A theme holding two or more codes."""

    theme_id: int
    theme_name: str
    notes: int
    codes: list[MergedCode]


class SmallSample(Answer):
    code: Literal["small_sample"]
    notes: int
    message: str


class SmallRegion(Answer):
    code: Literal["small_region"]
    region: str
    notes: int
    message: str


class CoderAgreement(Measures):
    coder: str
    coded_outside_run: int = Field(description="The coder's notes the run left out")
    unassigned: int
    codes: list[str]
    mapping: list[Mapped] = Field(description="Themes mapped one-to-one onto codes")
    unmapped_themes: list[ThemeRef]
    by_region: list[RegionMeasures]
    splits: list[CodeSplit]
    merges: list[ThemeMerge]
    warnings: list[Annotated[SmallSample | SmallRegion, Field(discriminator="code")]]
    note: str


class Agreement(Answer):
    project: str
    run_id: int
    reports: list[CoderAgreement] = Field(description="One per coder")
