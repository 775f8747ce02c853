"""Pieces the theme and analysis answers share: the strict base model, the empty
object some answers send when there is nothing to say, and texts in both languages."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Answer(BaseModel):
    """Base of the answer models: a field the service sends but the model does not
    declare is an error (a 500 in tests), never silently dropped from the answer, and
    the schema says ``additionalProperties: false``."""

    model_config = ConfigDict(extra="forbid")


class Empty(Answer):
    """``{}``: nothing to report (no theme tree, no change report, ...)."""


class Texts(Answer):
    """Sentences in Finnish and in English."""

    fi: list[str]
    en: list[str]


class Text(Answer):
    """One sentence in Finnish and in English."""

    fi: str
    en: str
