"""Codebooks: seed themes a project starts from, read from JSON or CSV.

A seed theme is a name, a description and a few example phrases. ``seed_texts`` says
what is embedded for each seed; ``ThemeModel.fit(..., seeds=...)`` then puts the notes
that clearly speak of a seed into that seed's theme and leaves the rest free to form
new themes. ``default_codebook()`` is the shipped Finnish codebook for regional
attractiveness, competence and skilled-labour work (``default_codebook.json``).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from service.errors import Invalid

__all__ = [
    "Codebook",
    "CodebookError",
    "SeedTheme",
    "default_codebook",
    "read_codebook",
    "seed_texts",
]

_EXAMPLE_SEPARATOR = ";"


class CodebookError(Invalid):
    """A codebook file that cannot be read; the message says what to fix."""


@dataclass(frozen=True)
class SeedTheme:
    """One theme of a codebook: a name, what it covers, and example phrases."""

    name: str
    description: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codebook:
    """An ordered tuple of seed themes with unique names."""

    themes: tuple[SeedTheme, ...]

    def __post_init__(self) -> None:
        names = [theme.name.casefold() for theme in self.themes]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise CodebookError(f"theme names must be unique; repeated: {', '.join(duplicates)}")

    @property
    def names(self) -> list[str]:
        return [theme.name for theme in self.themes]

    def records(self) -> list[dict[str, Any]]:
        """The codebook as stored and served: name, description, examples per theme."""
        return [
            {"name": t.name, "description": t.description, "examples": list(t.examples)}
            for t in self.themes
        ]


def seed_texts(codebook: Codebook) -> list[str]:
    """One text per seed theme to embed: "name. description. example; example".

    Name, description and examples together pin the seed down better than the name
    alone (a two-word name embeds close to many unrelated notes).
    """
    texts = []
    for theme in codebook.themes:
        parts = [theme.name, theme.description, "; ".join(theme.examples)]
        texts.append(". ".join(part.strip().rstrip(".") for part in parts if part.strip()))
    return texts


def read_codebook(data: bytes, filename: str) -> Codebook:
    """Parse a codebook upload; the file kind comes from ``filename``'s extension.

    JSON: a list of objects, or ``{"themes": [...]}``, each with ``name`` and optional
    ``description`` and ``examples`` (a list of strings, or one string split at ";").
    CSV: a header with ``name`` and optional ``description`` and ``examples`` columns,
    examples separated by ";". Raises CodebookError with a message a user can act on.
    """
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    try:
        text = data.decode("utf-8-sig")  # Excel writes CSV with a byte-order mark
    except UnicodeDecodeError as error:
        raise CodebookError(f"{filename}: the codebook must be UTF-8 text ({error})") from error
    if suffix == "json":
        rows = _json_rows(text, filename)
    elif suffix == "csv":
        rows = _csv_rows(text, filename)
    else:
        raise CodebookError(f"{filename}: a codebook must be a .json or .csv file")
    if not rows:
        raise CodebookError(f"{filename}: the codebook has no themes")
    themes = tuple(_seed_theme(row, filename, number) for number, row in enumerate(rows, 1))
    return Codebook(themes)


def _json_rows(text: str, filename: str) -> list[Any]:
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise CodebookError(f"{filename}: not valid JSON ({error})") from error
    if isinstance(parsed, dict):
        if "themes" not in parsed:
            raise CodebookError(f'{filename}: a JSON object codebook needs a "themes" list')
        parsed = parsed["themes"]
    if not isinstance(parsed, list):
        raise CodebookError(f'{filename}: expected a list of themes or {{"themes": [...]}}')
    return parsed


def _csv_rows(text: str, filename: str) -> list[Any]:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(field or "").strip().lower() for field in reader.fieldnames or []]
    if "name" not in header:
        raise CodebookError(
            f"{filename}: the CSV header must have a 'name' column "
            "(optional: description, examples separated by ';')"
        )
    rows = []
    for row in reader:
        clean = {(key or "").strip().lower(): (value or "") for key, value in row.items()}
        if any(str(value).strip() for value in clean.values()):
            rows.append(clean)
    return rows


def _seed_theme(row: Any, filename: str, number: int) -> SeedTheme:
    where = f"{filename}: theme {number}"
    if not isinstance(row, dict):
        raise CodebookError(f"{where} must be an object with a name, not {type(row).__name__}")
    name = row.get("name")
    if not isinstance(name, str) or not name.strip():
        raise CodebookError(f"{where} has no name")
    description = row.get("description") or ""
    if not isinstance(description, str):
        raise CodebookError(f"{where} ({name}): description must be text")
    examples = row.get("examples") or []
    if isinstance(examples, str):
        examples = examples.split(_EXAMPLE_SEPARATOR)
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        raise CodebookError(f"{where} ({name}): examples must be a list of texts")
    return SeedTheme(
        name=name.strip(),
        description=description.strip(),
        examples=tuple(e.strip() for e in examples if e.strip()),
    )


def default_codebook() -> Codebook:
    """The shipped Finnish codebook (``default_codebook.json``)."""
    package = __package__ or "service.pipeline"
    data = resources.files(package).joinpath("default_codebook.json").read_bytes()
    return read_codebook(data, "default_codebook.json")
