"""Large runs (issue 17): above ``fit_sample_notes`` a run fits on a stratified sample and
assigns the other notes in batches as new notes are assigned; the run says so."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from service.config import Settings
from service.corpora import read_manifest
from service.ingest import ingest_document, prepare_document, validate_meta
from service.nlp import NlpResources
from service.pipeline.sampling import assign_rest, stratified_sample
from service.storage.db import Database
from service.storage.models import Assignment, Theme, ThemeRun
from service.theming.notes import RunFilters, select_notes
from service.theming.report import sentences
from service.theming.runs import RunOptions, fit_run
from tests.factories import add_project, database
from tests.shared import proposals_csv


def _strata() -> tuple[np.ndarray, np.ndarray]:
    """(documents, regions) of 200 rows: documents 1..4 of 100, 50, 30, 20 rows,
    1 and 3 in region A, 2 and 4 in region B; rows interleaved."""
    documents = np.repeat([1, 2, 3, 4], [100, 50, 30, 20])
    order = np.random.default_rng(5).permutation(200)
    documents = documents[order]
    return documents, np.where(np.isin(documents, [1, 3]), 0, 1)


def test_the_sample_is_stratified_and_deterministic() -> None:
    documents, regions = _strata()
    sample = stratified_sample(documents, 50, regions=regions)
    assert len(sample) == 50 and len(set(sample.tolist())) == 50
    assert (np.diff(sample) > 0).all()  # sorted row indexes
    per_document = Counter(documents[sample].tolist())
    for document, rows in Counter(documents.tolist()).items():
        assert abs(per_document[document] - rows / 4) <= 1, (document, per_document)
    per_region = Counter(regions[sample].tolist())
    assert per_region == {0: 33, 1: 17}  # 130 and 70 of 200: 32.5 and 17.5, exactly shared
    again = stratified_sample(documents, 50, regions=regions)
    assert (again == sample).all()
    assert not np.array_equal(stratified_sample(documents, 50, seed=1, regions=regions), sample)
    assert (stratified_sample(documents, 500) == np.arange(200)).all()


def test_the_rest_joins_the_nearest_theme_above_the_threshold() -> None:
    center = np.zeros(3)
    vectors = np.array(
        [[1, 0, 0], [0, 1, 0], [0.9, 0.1, 0], [0.1, 0.9, 0], [0, 0, 1], [1, 0.05, 0]], float
    )
    sample = np.array([0, 1])
    coords = np.array([[1.0, 2.0], [5.0, 6.0]])
    placed = assign_rest(vectors, sample, np.array([0, 1]), center, 0.5, coords, batch=2)
    assert placed.labels.tolist() == [0, 1, 0, 1, -1, 0]
    assert placed.coords[2].tolist() == [1.0, 2.0] and placed.coords[3].tolist() == [5.0, 6.0]


def test_the_rest_sits_on_the_map_beside_its_nearest_fitted_note() -> None:
    """Not all on its theme's centre (180,000 notes on 40 points at 200,000 notes): at the
    place of the most similar fitted note of its theme; unassigned, of all fitted notes."""
    vectors = np.array(
        [[1, 0, 0], [0.8, 0.6, 0], [0, 0, 1], [0.7, 0.7, 0], [0.99, 0.05, 0], [0, 1, 0]], float
    )
    sample, labels = np.array([0, 1, 2]), np.array([0, 0, 1])
    coords = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    placed = assign_rest(vectors, sample, labels, np.zeros(3), 0.5, coords, batch=2)
    assert placed.labels.tolist() == [0, 0, 1, 0, 0, -1]
    assert placed.coords[3:].tolist() == [[10.0, 0.0], [0.0, 0.0], [10.0, 0.0]]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with database(f"sqlite:///{tmp_path / 'teema.db'}") as migrated:
        yield migrated


def _fill(db: Database, nlp: NlpResources) -> int:
    """The five sample documents (four regions) and 90 real proposals (a fifth region)."""
    project_id = add_project(db, "iso")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    files = [(e.path.name, e.path.read_bytes(), e.region) for e in read_manifest()]
    files.append(("ehdotukset.csv", proposals_csv(90), "Uusimaa"))
    for name, content, region in files:
        prepared = prepare_document(name, content, validate_meta(region), settings)
        ingest_document(db, nlp, project_id, prepared)
    return project_id


def test_a_large_run_fits_on_a_sample_and_assigns_the_rest(
    db: Database, nlp: NlpResources, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_id = _fill(db, nlp)
    with db.session() as session:
        notes = select_notes(session, project_id, RunFilters())
    total = len(notes)
    assert total > 180
    limited = nlp.settings.model_copy(update={"fit_sample_notes": 60})
    monkeypatch.setattr(nlp, "settings", limited)
    summary = fit_run(db, nlp, project_id, RunFilters(), RunOptions(use_codebook=False))

    assert summary["notes"] == total
    assert summary["fit_sample"] == {"notes": total, "fitted_on": 60}
    assert any("60" in line and str(total) in line for line in summary["sentences"]["en"])
    with db.session() as session:
        run = session.get(ThemeRun, summary["run_id"])
        assert run is not None
        assert run.params["fit_sample"] == {"notes": total, "fitted_on": 60}
        assert run.params["n_runs"] == 6  # the layouts the fit drew, for the report to say
        assert run.changes["fit_sample"] == {"notes": total, "fitted_on": 60}
        rows = session.scalars(select(Assignment).where(Assignment.run_id == run.id)).all()
        sizes = {
            t.key: t.size for t in session.scalars(select(Theme).where(Theme.run_id == run.id))
        }
    # Every note is labelled or unassigned, and the themes hold far more than the sample.
    assert {r.note_id for r in rows} == {n.id for n in notes}
    themed = [r for r in rows if r.theme_key is not None]
    assert len(themed) > 60 + (total - 60) // 2
    assert Counter(r.theme_key for r in themed) == {k: s for k, s in sizes.items() if s}
    assert all(np.isfinite([r.x, r.y]).all() for r in rows)


def test_the_report_says_the_run_was_sampled() -> None:
    report = {"persisted": [], "vanished": [], "new": [0, 1]}
    assert sentences(report, "en", False) == ["First run: 2 themes."]
    sampled = {**report, "fit_sample": {"notes": 50000, "fitted_on": 20000}}
    fi, en = sentences(sampled, "fi", False), sentences(sampled, "en", False)
    assert len(en) == 2 and "20000" in en[1] and "50000" in en[1]
    assert len(fi) == 2 and "20000" in fi[1]
