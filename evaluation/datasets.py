"""Labelled evaluation data: JSONL rows with ``id``, ``text``, ``label`` (``region`` optional),
plus the on-disk caches of their vectors and lemmas so that each is computed once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from service.config import REPO_ROOT

__all__ = [
    "CACHE_DIR",
    "LabelledNotes",
    "cached_language",
    "cached_lemma_docs",
    "cached_vectors",
    "labelled_notes",
    "read_jsonl",
]

CACHE_DIR = REPO_ROOT / "data" / "cache"  # data/ is git-ignored


@dataclass(frozen=True)
class LabelledNotes:
    """One data set: each row is a note. ``labels`` (n,) int codes of ``label_names``."""

    name: str
    ids: tuple[str, ...]
    texts: tuple[str, ...]
    labels: np.ndarray
    label_names: tuple[str, ...]
    regions: tuple[str | None, ...]


def read_jsonl(path: Path) -> LabelledNotes:
    """Read a JSONL data set; rows without text or label are an error, not skipped."""
    ids: list[str] = []
    texts: list[str] = []
    raw_labels: list[str] = []
    regions: list[str | None] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row.get("text"), str) or row.get("label") is None:
                raise ValueError(f"{path}:{number}: every row needs a text and a label")
            ids.append(str(row.get("id", number)))
            texts.append(row["text"])
            raw_labels.append(str(row["label"]))
            regions.append(row.get("region"))
    return labelled_notes(path.stem, ids, texts, raw_labels, regions)


def labelled_notes(
    name: str,
    ids: Sequence[str],
    texts: Sequence[str],
    raw_labels: Sequence[str],
    regions: Sequence[str | None],
) -> LabelledNotes:
    """A data set from its rows; labels are coded 0.. in the sorted order of their names."""
    names, codes = np.unique(np.array(raw_labels), return_inverse=True)
    return LabelledNotes(
        name=name,
        ids=tuple(ids),
        texts=tuple(texts),
        labels=codes.astype(np.int64),
        label_names=tuple(str(n) for n in names),
        regions=tuple(regions),
    )


def _digest(*parts: str | Sequence[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        for piece in [part] if isinstance(part, str) else part:
            digest.update(piece.encode("utf-8"))
            digest.update(b"\x00")
    return digest.hexdigest()[:12]


def cached_vectors(
    notes: LabelledNotes, embedder: object, cache_dir: Path = CACHE_DIR
) -> tuple[np.ndarray, float | None]:
    """(n, d) vectors of the notes and the seconds spent embedding (None = from cache).

    The file name holds the model id and the texts, so another model, prompt or data
    version never reads a stale file: ``<dataset>-<hash>.npy``.
    """
    import time

    model_id: str = embedder.model_id  # type: ignore[attr-defined]
    path = cache_dir / f"{notes.name}-{_digest(model_id, notes.texts)}.npy"
    if path.is_file():
        return np.load(path), None
    started = time.perf_counter()
    vectors = embedder.embed(list(notes.texts))  # type: ignore[attr-defined]
    seconds = time.perf_counter() - started
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors, seconds


def cached_lemma_docs(
    notes: LabelledNotes, analyzer: object, cache_dir: Path = CACHE_DIR
) -> tuple[list[str], float | None]:
    """Content-lemma documents of the notes and the seconds spent (None = from cache)."""
    import time

    from service.pipeline.language import lemma_documents

    key = _digest(repr(analyzer), notes.texts)
    path = cache_dir / f"{notes.name}-lemmas-{key}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8")), None
    started = time.perf_counter()
    docs = lemma_documents(analyzer.analyze(list(notes.texts)))  # type: ignore[attr-defined]
    seconds = time.perf_counter() - started
    cache_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
    return docs, seconds


def cached_language(
    notes: LabelledNotes, analyzer: object, cache_dir: Path = CACHE_DIR
) -> tuple[list[str], list[list[tuple[str, str, str]]], float | None]:
    """Content-lemma documents and noun phrases of the notes, and the seconds spent
    (None = from cache). The key holds the phrase extractor's source and its word facts
    (``words.py``), so a change to how phrases are made never reads a stale file."""
    import time
    from importlib import resources

    from service.pipeline.language import lemma_documents

    package = resources.files("service.pipeline")
    source = "".join(package.joinpath(f).read_text("utf-8") for f in ("phrases.py", "words.py"))
    key = _digest(repr(analyzer), source, notes.texts)
    path = cache_dir / f"{notes.name}-language-{key}.json"
    if path.is_file():
        stored = json.loads(path.read_text(encoding="utf-8"))
        return stored["lemma_docs"], [[tuple(p) for p in n] for n in stored["phrases"]], None
    started = time.perf_counter()
    analyses = analyzer.analyze(list(notes.texts))  # type: ignore[attr-defined]
    seconds = time.perf_counter() - started
    docs = lemma_documents(analyses)
    phrases = [[tuple(p) for p in a.phrases] for a in analyses]
    cache_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"lemma_docs": docs, "phrases": phrases}, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return docs, phrases, seconds
