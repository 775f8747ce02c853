"""Answers about codebooks: the themes a project expects, which seed its theme runs."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CodebookThemeOut(BaseModel):
    """One theme of a codebook, as stored and served."""

    name: str = Field(examples=["Elinvoima ja yrittäjyys"])
    description: str = Field(description="What the theme covers; may be empty")
    examples: list[str] = Field(description="Example phrases of the theme")
