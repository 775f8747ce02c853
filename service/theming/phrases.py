"""Noun phrases of a run's notes (for theme names), and the embedder that scores them.

Notes stored before phrases existed have none (``Note.phrases`` is NULL): a run
analyses those once and stores their phrases, so later runs and edits read them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
from sqlalchemy import select

from service.nlp import NlpResources
from service.pipeline.naming import Embed
from service.pipeline.note_text import stored_phrases
from service.pipeline.phrases import Phrase, as_phrases
from service.storage.db import Database
from service.storage.models import Note

_CACHED_PHRASES = 20_000  # phrase vectors kept per process (384 floats each: ~30 MB)


def note_phrases(
    db: Database, nlp: NlpResources, note_ids: Sequence[int], texts: Sequence[str]
) -> list[list[Phrase]]:
    """Each note's phrases, in the order of ``note_ids``; notes without stored phrases
    are analysed now (``texts`` are the notes' texts) and their phrases stored."""
    with db.session() as session:
        stored = dict(
            session.execute(select(Note.id, Note.phrases).where(Note.id.in_(list(note_ids)))).all()
        )
    missing = [i for i, note in enumerate(note_ids) if stored.get(note) is None]
    if missing:
        analyses = nlp.analyzer.analyze([texts[i] for i in missing])
        found = {note_ids[i]: stored_phrases(a) for i, a in zip(missing, analyses, strict=True)}
        found = {note: phrases for note, phrases in found.items() if phrases is not None}
        if found:
            with db.session() as session:
                for note in session.scalars(select(Note).where(Note.id.in_(list(found)))):
                    note.phrases = found[note.id]
            stored.update(found)
    return [as_phrases(stored.get(note)) for note in note_ids]


class _PhraseVectors:
    """Phrase vectors by (model id, text), least recently used dropped first: the same
    phrases are scored again at every run and edit of a project."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, nlp: NlpResources, texts: list[str]) -> np.ndarray:
        model = nlp.embedder.model_id
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if (model, t) not in self._vectors))
        fresh = nlp.embedder.embed(missing) if missing else np.zeros((0, 0))
        with self._lock:
            for text, vector in zip(missing, fresh, strict=True):
                self._vectors[(model, text)] = np.asarray(vector, np.float32)
            rows = []
            for text in texts:
                self._vectors.move_to_end((model, text))
                rows.append(self._vectors[(model, text)])
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return np.stack(rows) if rows else np.zeros((0, nlp.embedder.dimension), np.float32)


_VECTORS = _PhraseVectors(_CACHED_PHRASES)


def phrase_embedder(nlp: NlpResources) -> Embed:
    """The project's embedder for candidate names, cached in the process."""
    return lambda texts: _VECTORS.embed(nlp, list(texts))
