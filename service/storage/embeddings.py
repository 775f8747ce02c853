"""The embedding cache: vectors stored by (model id, sha256 of the embedded text)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.storage.models import Embedding, Note

_CHUNK = 500  # keeps IN (...) lists under every database's parameter limit


def load_vectors(session: Session, model_id: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
    """Cached vectors for the given text hashes; missing hashes are simply absent.

    Each vector has shape (dimension,), float32.
    """
    wanted = sorted(set(hashes))
    found: dict[str, np.ndarray] = {}
    for i in range(0, len(wanted), _CHUNK):
        rows = session.execute(
            select(Embedding.text_hash, Embedding.vector).where(
                Embedding.model_id == model_id, Embedding.text_hash.in_(wanted[i : i + _CHUNK])
            )
        )
        for text_hash, blob in rows:
            found[text_hash] = np.frombuffer(blob, dtype="<f4")
    return found


def store_vectors(
    session: Session, model_id: str, hashes: Sequence[str], vectors: np.ndarray
) -> None:
    """Add vectors (shape (n, dimension)) for hashes not cached yet."""
    existing = load_vectors(session, model_id, hashes)
    seen: set[str] = set(existing)
    for text_hash, vector in zip(hashes, vectors, strict=True):
        if text_hash in seen:
            continue
        seen.add(text_hash)
        session.add(
            Embedding(
                model_id=model_id,
                text_hash=text_hash,
                dimension=int(vector.shape[0]),
                vector=np.asarray(vector, dtype="<f4").tobytes(),
            )
        )


def delete_orphan_vectors(session: Session) -> int:
    """Drop cached vectors no note refers to any more (after a document is deleted)."""
    used = select(Note.embed_hash).distinct()
    result = session.execute(delete(Embedding).where(Embedding.text_hash.not_in(used)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
