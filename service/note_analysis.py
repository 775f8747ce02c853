"""Lemmas and vectors of an upload's notes: by its ingest job alone, or in batches across
the workers that are there (issue 17).

Alone (``analyse_here``): the lemmatizer runs in a thread beside the encoder, which
embeds only the texts the embedding cache does not hold yet; the new vectors are stored
with the notes, in the ingest's one transaction.

In batches (``analyse_shared``), for an upload of more than ``Settings.shared_batch_notes``
notes run as a job: the job cuts the notes into batches of that size, does the first
itself and offers the others as ``analyse`` jobs of the same project. Any free worker of
any machine takes one before other waiting jobs (they are part of a job already running,
so they may run beside it: the one exception to one job per project at a time,
``job_recovery.claim_job``), lemmatizes it, stores its vectors in the embedding cache
and answers the lemmas as its result. The ingest job then goes through the batches in
order: one no worker has taken yet it takes back (deletes the queued row) and does
itself; one another worker is doing it waits for; a finished one it reads; a failed one
(its worker stopped twice, or its time ran out) it does itself. With one worker the
upload is analysed as alone, batch after batch; with several, side by side. What the
batches answer is exactly what the job would have computed (the same models, the same
texts), and the notes are still stored in one transaction. Vectors a batch stored that
a concurrent document delete took out of the cache again are embedded once more before
storing. Batch rows hold note texts, so they are deleted as soon as the job has read
them (and any left by an earlier try of the job when it starts again).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from service.job_recovery import BATCH_KIND, PRIORITIES
from service.jobs import JobInput, Progress, Task
from service.nlp import NlpResources
from service.pipeline.language import NoteLanguage
from service.storage.db import Database
from service.storage.embeddings import load_vectors, store_vectors
from service.storage.models import FAILED, QUEUED, SUCCEEDED, Job

__all__ = [
    "BATCH_KIND",
    "Analysed",
    "Batching",
    "analyse_batch_task",
    "analyse_here",
    "analyse_shared",
]

_EMBED_CHUNK = 256  # texts per call of the encoder: progress between calls
_WAIT_S = 0.2  # how often the ingest job looks at a batch another worker is doing

ProgressFn = Callable[[float, str], None]


@dataclass(frozen=True)
class Batching:
    """An ingest job that may share its notes: its id, project and batch size."""

    job_id: str
    project_id: int
    size: int


@dataclass
class Analysed:
    """``analyses`` and embedding-text ``hashes`` per note; ``missing``: hashes of vectors
    computed here and not stored yet, ``vectors`` theirs (n, d); ``embedded``: texts the
    encoder ran on (here or in batches); ``shared``: batches other workers did."""

    analyses: list[NoteLanguage]
    hashes: list[str]
    missing: list[str]
    vectors: np.ndarray | None
    embedded: int
    shared: int = 0


def _embed(nlp: NlpResources, texts: Sequence[str], report: ProgressFn) -> np.ndarray | None:
    chunks = []
    for i in range(0, len(texts), _EMBED_CHUNK):
        report(i / max(len(texts), 1), "embedding")
        chunks.append(nlp.embedder.embed(list(texts[i : i + _EMBED_CHUNK])))
    return np.concatenate(chunks) if chunks else None


def _embed_uncached(
    nlp: NlpResources,
    db: Database,
    embed_texts: Sequence[str],
    hashes: Sequence[str],
    report: ProgressFn,
) -> tuple[list[str], np.ndarray | None]:
    """(hashes the cache does not hold, each once; their vectors (m, d) or None)."""
    with db.session() as session:
        cached = load_vectors(session, nlp.embedder.model_id, hashes)
    text_of = dict(zip(hashes, embed_texts, strict=True))
    missing = list(dict.fromkeys(h for h in hashes if h not in cached))
    return missing, _embed(nlp, [text_of[h] for h in missing], report)


def analyse_here(
    nlp: NlpResources,
    db: Database,
    lemma_texts: Sequence[str],
    embed_texts: Sequence[str],
    hashes: Sequence[str],
    report: ProgressFn,
) -> Analysed:
    """Lemmas of ``lemma_texts`` (on a thread of its own: a shared one would make another
    project's ingest wait for this one's lemmas) beside vectors of the ``embed_texts``
    whose ``hashes`` the cache does not hold."""
    beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lemmatize")
    try:
        analysing = beside.submit(nlp.analyzer.analyze, list(lemma_texts))
        missing, vectors = _embed_uncached(nlp, db, embed_texts, hashes, report)
        return Analysed(list(analysing.result()), list(hashes), missing, vectors, len(missing))
    finally:
        beside.shutdown(wait=False)  # on failure the lemmatizer ends on its own


def _store(db: Database, model_id: str, analysed: Analysed) -> None:
    """The vectors computed for a batch into the cache, at once (a batch's own
    transaction); a concurrent batch storing the same text first is no error."""
    if analysed.vectors is None:
        return
    try:
        with db.session() as session:
            store_vectors(session, model_id, analysed.missing, analysed.vectors)
    except IntegrityError:
        with db.session() as session:  # stored by another batch meanwhile: store the rest
            store_vectors(session, model_id, analysed.missing, analysed.vectors)


def _as_json(analysis: NoteLanguage) -> list[Any]:
    return [
        list(analysis.lemmas),
        list(analysis.content_lemmas),
        [list(e) for e in analysis.entities],
        analysis.backend,
        [list(p) for p in analysis.phrases],
    ]


def _from_json(row: list[Any]) -> NoteLanguage:
    lemmas, content, entities, backend, phrases = row
    return NoteLanguage(
        tuple(lemmas),
        tuple(content),
        tuple((str(a), str(b)) for a, b in entities),
        str(backend),
        tuple((str(a), str(b), str(c)) for a, b, c in phrases),
    )


def analyse_batch_task(db: Database, nlp: NlpResources) -> Task:
    """The ``analyse`` job: one batch of an upload, its vectors into the cache."""

    def analyse(job: JobInput, progress: Progress) -> dict[str, Any]:
        lemma_texts, embed_texts, hashes = (job.args[k] for k in ("lemma", "embed", "hashes"))
        analysed = analyse_here(nlp, db, lemma_texts, embed_texts, hashes, progress)
        progress(0.99, "storing")  # stops here if the ingest job gave the batch up
        _store(db, nlp.embedder.model_id, analysed)
        return {"analyses": [_as_json(a) for a in analysed.analyses], "embedded": analysed.embedded}

    return analyse


def _offer(db: Database, batching: Batching, batches: Sequence[dict[str, list[str]]]) -> list[str]:
    """Queue ``batches`` as ``analyse`` jobs of the project; their ids. Rows an earlier
    try of the ingest left go first (only one ingest of a project runs at a time; a
    worker still on one stops at its next progress report, its row gone)."""
    ids = [str(uuid.uuid4()) for _ in batches]
    with db.session() as session:
        session.execute(
            delete(Job).where(Job.project_id == batching.project_id, Job.kind == BATCH_KIND)
        )
        session.add_all(
            Job(
                id=job_id,
                kind=BATCH_KIND,
                project_id=batching.project_id,
                state=QUEUED,
                args=batch,
                priority=PRIORITIES[BATCH_KIND],
            )
            for job_id, batch in zip(ids, batches, strict=True)
        )
    return ids


def _take_back(db: Database, job_id: str) -> bool:
    """Delete the batch's row if no worker has taken it: True when it is ours to do."""
    with db.session() as session:
        gone = session.execute(delete(Job).where(Job.id == job_id, Job.state == QUEUED))
        return bool(gone.rowcount)  # type: ignore[attr-defined]


def _collect(db: Database, job_id: str) -> tuple[list[NoteLanguage], int] | None:
    """(lemmas, texts embedded) of the batch when it succeeded, ([], 0) when it failed or
    is gone (do it here), None while a worker is doing it."""
    with db.session() as session:
        row = session.execute(select(Job.state, Job.result).where(Job.id == job_id)).first()
    if row is None or row.state == FAILED:
        return [], 0
    if row.state == SUCCEEDED:
        return [_from_json(r) for r in row.result["analyses"]], int(row.result["embedded"])
    return None


def _batches(texts: tuple[Sequence[str], Sequence[str], Sequence[str]], size: int) -> list[dict]:
    """The notes' (lemma texts, embedding texts, hashes) in batches of ``size``."""
    lemma_texts, embed_texts, hashes = texts
    return [
        {
            "lemma": list(lemma_texts[a : a + size]),
            "embed": list(embed_texts[a : a + size]),
            "hashes": list(hashes[a : a + size]),
        }
        for a in range(0, len(hashes), size)
    ]


def analyse_shared(
    nlp: NlpResources,
    db: Database,
    batching: Batching,
    texts: tuple[Sequence[str], Sequence[str], Sequence[str]],
    report: ProgressFn,
) -> Analysed:
    """``analyse_here`` for (lemma texts, embedding texts, hashes) in batches, all but
    the first offered to the other workers (module docstring). The job does the first,
    then, until every batch is done, takes back the last batch no worker has taken and
    does it, or else waits for the others; it reads what the workers answered and does
    again what failed."""
    batches = _batches(texts, batching.size)
    ids = _offer(db, batching, batches[1:])
    waiting = dict(enumerate(ids, start=1))  # index -> its job, until it is done
    done: dict[int, list[NoteLanguage]] = {}
    embedded = shared = 0

    def here(index: int) -> None:
        nonlocal embedded
        batch = batches[index]

        def step(fraction: float, message: str) -> None:
            report((len(done) + fraction) / len(batches), message)

        analysed = analyse_here(nlp, db, batch["lemma"], batch["embed"], batch["hashes"], step)
        _store(db, nlp.embedder.model_id, analysed)
        done[index], embedded = analysed.analyses, embedded + analysed.embedded

    try:
        here(0)
        while waiting:
            for index, job_id in sorted(waiting.items()):
                answer = _collect(db, job_id)
                if answer is not None and answer[0]:  # done by another worker
                    done[index], embedded, shared = answer[0], embedded + answer[1], shared + 1
                    del waiting[index]
                elif answer is not None:  # failed there: do it here
                    del waiting[index]
                    here(index)
            mine = next(
                (i for i in sorted(waiting, reverse=True) if _take_back(db, waiting[i])), None
            )
            if mine is not None:
                del waiting[mine]
                here(mine)
            elif waiting:
                report(len(done) / len(batches), "embedding on other workers")  # may cancel
                time.sleep(_WAIT_S)
    finally:
        # Their rows hold note texts: not kept. A worker still on one (the job failed or
        # was cancelled) stops at its next report, and stores nothing.
        with db.session() as session:
            session.execute(delete(Job).where(Job.id.in_(ids)))
    analyses = [analysis for index in range(len(batches)) for analysis in done[index]]
    return _with_lost_vectors(nlp, db, texts, Analysed(analyses, [], [], None, embedded, shared))


def _with_lost_vectors(
    nlp: NlpResources,
    db: Database,
    texts: tuple[Sequence[str], Sequence[str], Sequence[str]],
    analysed: Analysed,
) -> Analysed:
    """``analysed`` with every note's hash, and the vectors the cache lost meanwhile (a
    concurrent document delete takes unused vectors out of it) embedded again."""
    _, embed_texts, hashes = texts
    missing, vectors = _embed_uncached(nlp, db, embed_texts, hashes, lambda *_: None)
    analysed.hashes, analysed.missing, analysed.vectors = list(hashes), missing, vectors
    analysed.embedded += len(missing)
    return analysed
