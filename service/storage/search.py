"""Full-text search over notes: SQLite FTS5 or PostgreSQL ``tsvector``, through lemmas.

The index (built by migration 0009, kept in step with every insert and delete by the
database itself) holds each note's lemmas and its text. A query is split into words
(runs of letters and digits); a note matches when every word matches it, and a word
matches when

- one of its lemmas (the project's analyzer lemmatises the word: ``kunnat`` -> ``kunta``)
  is among the note's lemmas, so Finnish inflections find each other; or
- a word of the note's text starts with it, case-insensitively for all of Unicode
  (``YHTEISTYÖ`` and ``yhteis`` find ``yhteistyötä``).

Words are passed to the database as quoted terms, never as query syntax, so ``"``,
``*``, ``:``, ``&`` or a NUL byte cannot change what is asked; a query without a word is
refused by the caller (422), never "everything".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.sql import literal_column

from service.storage.models import Note

# Names of what migration 0009 creates (not models: tools comparing schemas skip them).
SEARCH_TABLE = "notes_search"  # SQLite; FTS5 adds notes_search_data, _idx, _docsize, _config
SEARCH_INDEX = "ix_notes_search"  # PostgreSQL
MAX_WORDS = 20
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchTerm:
    """One word of a query, lower case, and the analyzer's lemmas of it."""

    word: str
    lemmas: tuple[str, ...]


def query_words(query: str) -> list[str]:
    """The words of a query: runs of letters and digits, lower case, first occurrence
    only. Raises ValueError for more than ``MAX_WORDS``."""
    words = list(dict.fromkeys(w.lower() for w in _WORD.findall(query)))
    if len(words) > MAX_WORDS:
        raise ValueError(f"Search for at most {MAX_WORDS} words at a time.")
    return words


def is_search_object(kind: str, name: str | None) -> bool:
    """True for the tables and index of the search index (schema tools skip these)."""
    if name is None:
        return False
    if kind == "table":
        return name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_")
    return kind == "index" and name == SEARCH_INDEX


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts5_query(terms: Sequence[SearchTerm]) -> str:
    """``(lemmas:"kunta" OR text:"kunnat"*) AND (...)``: FTS5 query syntax, terms quoted."""
    parts = []
    for term in terms:
        options = [f"lemmas:{_fts5_string(lemma)}" for lemma in term.lemmas if lemma]
        options.append(f"text:{_fts5_string(term.word)}*")
        parts.append("(" + " OR ".join(options) + ")")
    return " AND ".join(parts)


def _tsquery_string(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "\\\\") + "'"


def tsquery(terms: Sequence[SearchTerm]) -> str:
    """``('kunta':A | 'kunnat':*B) & (...)``: lemmas are weight A, text words weight B."""
    parts = []
    for term in terms:
        options = [f"{_tsquery_string(lemma)}:A" for lemma in term.lemmas if lemma]
        options.append(f"{_tsquery_string(term.word)}:*B")
        parts.append("(" + " | ".join(options) + ")")
    return " & ".join(parts)


def matching_notes(dialect: str, terms: Sequence[SearchTerm]) -> ColumnElement[bool]:
    """A condition on ``Note`` that holds for the notes matching every term."""
    if dialect == "sqlite":
        match = literal_column(SEARCH_TABLE).op("MATCH")(fts5_query(terms))
        return Note.id.in_(
            select(literal_column("rowid")).select_from(text(SEARCH_TABLE)).where(match)
        )
    vector = func.note_search_vector(Note.lemmas, Note.text)
    return vector.op("@@")(func.to_tsquery("simple", tsquery(terms)))
