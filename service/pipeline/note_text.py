"""What is kept of a note for theming: the text the embedder reads, the hash the
embedding cache keys it by, and its noun phrases as stored.

Shared by ingest (which analyses new notes) and theming (which analyses notes again when a
run needs vectors or phrases that were not stored), so neither imports the other for it.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the language stage loads spaCy lazily; a type needs none of it
    from service.pipeline.language import NoteLanguage

__all__ = ["embedding_text", "stored_phrases", "text_hash"]


def embedding_text(text: str, context: str | None) -> str:
    """What the embedder sees: a sub-bullet is read together with its parent bullet."""
    return f"{context}: {text}" if context else text


def text_hash(text: str) -> str:
    """SHA-256 of ``text`` as UTF-8, 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored_phrases(analysis: NoteLanguage) -> list[list[str]] | None:
    """A note's noun phrases as stored; None when the backend cannot find them
    (simplemma does not parse), so that a later run with spaCy finds them."""
    if analysis.backend != "spacy":
        return None
    return [list(phrase) for phrase in analysis.phrases]
