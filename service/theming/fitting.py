"""The fit of a theme run: the theme model on the run's notes, or, for a large run, on a
stratified sample of them with the rest assigned in batches (``pipeline/sampling.py``).

Above ``TEEMA_FIT_SAMPLE_NOTES`` notes (0: never) the model fits on that many, drawn
from each region and, within it, each document in proportion to its notes, with a fixed
seed (the same notes give the same sample); every other note joins the nearest fitted
theme by the rule new notes follow between runs (``incremental.py``), or stays
unassigned, and sits on the map where the most similar fitted note of its theme sits.
The run's ``params`` and change
report carry ``fit_sample`` = {"notes": n, "fitted_on": k}.

Names and keywords are computed from all the run's notes, sampled or not
(``pipeline.describe.describe_themes`` after the plan): a theme's name should describe the notes it
holds, and c-TF-IDF and phrase choice grow linearly with the notes, unlike the fit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from service.nlp import NlpResources
from service.pipeline.codebook import Codebook, SeedTheme, seed_texts
from service.pipeline.phrases import Phrase
from service.pipeline.sampling import assign_rest, stratified_sample
from service.pipeline.themes import ThemeModel
from service.storage.db import Database
from service.storage.models import ProjectCodebook
from service.theming.notes import RunNote, embed_texts_cached, note_vectors
from service.theming.phrases import note_phrases

ProgressFn = Callable[[float, str], None]


@dataclass(frozen=True)
class FittedNotes:
    """What the theme model made of the run's notes (n notes, d dimensions)."""

    notes: Sequence[RunNote]
    vectors: np.ndarray  # (n, d)
    labels: np.ndarray  # (n,) model cluster, -1 = unassigned
    coords: np.ndarray  # (n, 2) map position
    center: np.ndarray  # (d,) corpus mean the model centred on
    seed_of_cluster: dict[int, str]  # cluster -> codebook theme name
    params: dict[str, Any]
    assign_threshold: float
    fit_seconds: float
    phrases: list[list[Phrase]]  # (n,) each note's noun phrases, for names

    def subset(self, keep: np.ndarray) -> FittedNotes:
        """The same fit restricted to the notes where ``keep`` (n,) is True."""
        if keep.all():  # nothing deleted while the run fitted: no copy of every vector
            return self
        return FittedNotes(
            [n for n, k in zip(self.notes, keep, strict=True) if k],
            self.vectors[keep],
            self.labels[keep],
            self.coords[keep],
            self.center,
            self.seed_of_cluster,
            self.params,
            self.assign_threshold,
            self.fit_seconds,
            [p for p, k in zip(self.phrases, keep, strict=True) if k],
        )


def fit_notes(
    db: Database,
    nlp: NlpResources,
    project_id: int,
    notes: Sequence[RunNote],
    use_codebook: bool,
    report: ProgressFn,
) -> FittedNotes:
    """Fit the theme model on ``notes`` (or a sample of them, see the module docstring)."""
    vectors = note_vectors(db, nlp, notes)
    seed_names, seeds = _seed_vectors(db, nlp, project_id) if use_codebook else ([], None)
    sample = fit_sample(notes, nlp.settings.fit_sample_notes)
    report(0.2, "finding themes")
    started = time.perf_counter()
    rows = np.arange(len(notes)) if sample is None else sample
    lemma_docs = [notes[int(i)].lemma_doc for i in rows]
    model = ThemeModel().fit(vectors[rows], lemma_docs, seeds=seeds)
    labels, coords = np.asarray(model.labels_), np.asarray(model.coords_)
    # n_runs as the fit used it (None asks the model for its own count).
    params = {**_params(model), "n_runs": model.n_runs_, "use_codebook": use_codebook}
    if sample is not None:
        report(0.8, "assigning the other notes")
        placed = assign_rest(
            vectors, sample, labels, model.center_, model.assign_threshold_, coords
        )
        labels, coords = placed.labels, placed.coords
        params["fit_sample"] = {"notes": len(notes), "fitted_on": len(sample)}
    fit_seconds = round(time.perf_counter() - started, 3)
    report(0.85, "naming themes")
    phrases = note_phrases(db, nlp, [n.id for n in notes], [n.text for n in notes])
    return FittedNotes(
        notes=notes,
        vectors=vectors,
        labels=labels,
        coords=coords,
        center=np.asarray(model.center_),
        seed_of_cluster={c: seed_names[s] for c, s in enumerate(model.seed_of_theme_) if s >= 0},
        params=params,
        assign_threshold=float(model.assign_threshold_),
        fit_seconds=fit_seconds,
        phrases=phrases,
    )


def fit_sample(notes: Sequence[RunNote], limit: int) -> np.ndarray | None:
    """Indexes of the notes to fit on when there are more than ``limit`` (> 0): a
    stratified sample by region and document; None: fit on all."""
    if limit <= 0 or len(notes) <= limit:
        return None
    _, regions = np.unique([n.region for n in notes], return_inverse=True)
    documents = np.array([n.document_id for n in notes], dtype=np.int64)
    return stratified_sample(documents, limit, regions=regions)


def _seed_vectors(
    db: Database, nlp: NlpResources, project_id: int
) -> tuple[list[str], np.ndarray | None]:
    with db.session() as session:
        stored = session.get(ProjectCodebook, project_id)
        if stored is None or not stored.themes:
            return [], None
        book = Codebook(
            tuple(
                SeedTheme(t["name"], t.get("description", ""), tuple(t.get("examples", ())))
                for t in stored.themes
            )
        )
    return [t.name for t in book.themes], embed_texts_cached(db, nlp, seed_texts(book))


def _params(model: Any) -> dict[str, Any]:
    """The model's constructor parameters (scikit-learn style), stored with the run."""
    import inspect

    names = [n for n in inspect.signature(type(model).__init__).parameters if n != "self"]
    return {name: getattr(model, name) for name in names}
