"""Theme matching across runs, on centroids of real embedded SIB-200 topics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from service.nlp import NlpResources
from service.pipeline.matching import match_themes
from service.pipeline.themes import split_labels

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.linalg.norm(matrix, axis=-1, keepdims=True)


@pytest.fixture(scope="module")
def topics(nlp: NlpResources) -> dict[str, object]:
    """210 sentences: vectors (210, 384), gold labels, label names, the corpus mean."""
    rows = [
        json.loads(line)
        for line in (SHARED_DATA / "sib200_fin_topics.jsonl").read_text("utf-8").splitlines()
    ][:210]
    names, labels = np.unique([row["label"] for row in rows], return_inverse=True)
    vectors = nlp.embedder.embed([row["text"] for row in rows])
    return {"vectors": vectors, "labels": labels, "names": list(names), "center": vectors.mean(0)}


def _centroids(vectors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return _unit(np.stack([vectors[labels == t].mean(0) for t in range(labels.max() + 1)]))


def test_identical_centroids_map_one_to_one(topics: dict[str, object]) -> None:
    vectors, labels = topics["vectors"], topics["labels"]
    assert isinstance(vectors, np.ndarray) and isinstance(labels, np.ndarray)
    centroids = _centroids(vectors, labels)
    order = np.random.default_rng(0).permutation(len(centroids))
    changes = match_themes(centroids, centroids[order], center=topics["center"])  # type: ignore[arg-type]
    assert changes.mapping == {new: int(old) for new, old in enumerate(order)}
    assert len(changes.persisted) == len(centroids)
    assert all(similarity > 0.999 for _, _, similarity in changes.persisted)
    assert changes.new == [] and changes.vanished == []
    assert changes.split == {} and changes.merged == {}


def test_a_theme_split_in_two_is_reported_as_split(topics: dict[str, object]) -> None:
    vectors, labels = topics["vectors"], topics["labels"]
    assert isinstance(vectors, np.ndarray) and isinstance(labels, np.ndarray)
    sports = list(topics["names"]).index("sports")  # type: ignore[call-overload]
    # By centroids: the sports notes halved at random, both halves still "sports".
    halves = labels.copy()
    members = np.flatnonzero(labels == sports)
    halves[members[1::2]] = labels.max() + 1
    changes = match_themes(
        _centroids(vectors, labels), _centroids(vectors, halves), center=topics["center"]
    )
    assert changes.split == {sports: [sports, int(labels.max()) + 1]}
    assert changes.mapping[sports] == sports  # one half keeps the identity
    assert changes.new == [] and changes.vanished == [] and changes.merged == {}
    # By note overlap: the sports theme re-clustered into two parts with split_labels.
    parts = split_labels(vectors[members], 2, random_state=42)
    relabelled = labels.copy()
    relabelled[members[parts == 1]] = labels.max() + 1
    changes = match_themes(
        _centroids(vectors, labels),
        _centroids(vectors, relabelled),
        previous_labels=labels,
        new_labels=relabelled,
        center=topics["center"],
    )
    assert changes.split == {sports: [sports, int(labels.max()) + 1]}


def test_new_vanished_and_merged_themes(topics: dict[str, object]) -> None:
    vectors, labels = topics["vectors"], topics["labels"]
    assert isinstance(vectors, np.ndarray) and isinstance(labels, np.ndarray)
    names = list(topics["names"])  # type: ignore[call-overload]
    centroids = _centroids(vectors, labels)
    sports, travel = names.index("sports"), names.index("travel")
    keep = [t for t in range(len(names)) if t != sports]
    # Previous run had no sports theme; the new run has it -> new.
    changes = match_themes(centroids[keep], centroids, center=topics["center"])  # type: ignore[arg-type]
    assert changes.new == [sports]
    assert changes.vanished == []
    # Previous run had travel; the new run does not -> vanished.
    without = [t for t in range(len(names)) if t != travel]
    changes = match_themes(centroids, centroids[without], center=topics["center"])  # type: ignore[arg-type]
    assert changes.vanished == [travel]
    assert changes.new == []
    # Two previous themes whose notes now form one theme -> merged.
    science, health = names.index("science/technology"), names.index("health")
    merged = labels.copy()
    merged[labels == health] = science
    merged = np.unique(merged, return_inverse=True)[1]
    changes = match_themes(
        centroids,
        _centroids(vectors, merged),
        previous_labels=labels,
        new_labels=merged,
        center=topics["center"],
    )
    target = int(merged[np.flatnonzero(labels == science)[0]])
    assert changes.merged == {target: sorted([science, health])}
    assert changes.split == {}


def test_empty_runs() -> None:
    rng = np.random.default_rng(1)
    some = _unit(rng.normal(size=(3, 8)))
    nothing = np.zeros((0, 8))
    assert match_themes(nothing, some).new == [0, 1, 2]
    assert match_themes(some, nothing).vanished == [0, 1, 2]
