"""Edits as constraints on a fit, on small hand-made cluster labels: which model cluster
carries which edited theme, and notes placed by hand put back."""

from __future__ import annotations

import numpy as np

from service.theming.constraints import EditConstraints, claim_clusters, pin_notes
from service.theming.plan import PreviousTheme, plan_themes

NOTES = list(range(101, 113))  # 12 notes


def test_a_merged_theme_claims_every_cluster_its_notes_fill() -> None:
    # People merged themes 5 and 7 into 5: all eight notes are pinned to 5. The model
    # finds them again as two clusters (1 and 2); both stay theme 5.
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    merged = {n: 5 for n in NOTES[4:]}
    constraints = EditConstraints(pinned=merged, previous={**dict.fromkeys(NOTES[:4], 1), **merged})
    assert claim_clusters(labels, NOTES, constraints) == {1: 5, 2: 5}


def test_a_cluster_with_few_pinned_notes_stays_free() -> None:
    labels = np.array([0] * 12)
    constraints = EditConstraints(pinned={101: 3, 102: 3}, previous=dict.fromkeys(NOTES, 3))
    # Theme 3 holds pinned notes, so it is edited, and the cluster holds all its notes:
    # it follows them (step two), not the two pins (step one).
    assert claim_clusters(labels, NOTES, constraints) == {0: 3}
    assert claim_clusters(labels, NOTES, EditConstraints(pinned={101: 3, 102: 3})) == {}


def test_split_parts_stay_apart_when_the_model_joins_them() -> None:
    labels = np.array([0] * 8 + [1] * 4)
    parts = {**{n: 3 for n in NOTES[:5]}, **{n: 9 for n in NOTES[5:8]}}
    constraints = EditConstraints(pinned=parts, previous={**parts, **dict.fromkeys(NOTES[8:], 4)})
    assert claim_clusters(labels, NOTES, constraints) == {0: 3}
    keys = pin_notes(np.array([3] * 8 + [4] * 4), NOTES, constraints)
    assert keys.tolist() == [3] * 5 + [9] * 3 + [4] * 4


def test_a_renamed_theme_follows_the_majority_of_its_notes_or_nothing() -> None:
    previous = {**dict.fromkeys(NOTES[:6], 2), **dict.fromkeys(NOTES[6:], 4)}
    renamed = EditConstraints(names={2: "Hyvinvointi ja terveys"}, previous=previous)
    labels = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    assert claim_clusters(labels, NOTES, renamed) == {1: 2}
    scattered = np.array([0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3])
    assert claim_clusters(scattered, NOTES, renamed) == {}


def test_notes_unassigned_by_hand_stay_unassigned() -> None:
    constraints = EditConstraints(pinned={101: None, 105: 7})
    keys = pin_notes(np.array([1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]), NOTES, constraints)
    assert keys[0] == -1 and keys[4] == 7 and keys[1] == 1


def _vectors(labels: np.ndarray, seed: int = 0) -> np.ndarray:
    """Unit vectors around one direction per cluster, in 16 dimensions."""
    rng = np.random.default_rng(seed)
    directions = np.eye(16)[: int(labels.max()) + 1] * 3
    vectors = directions[labels] + rng.normal(0, 0.3, (len(labels), 16)) + 1.0
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_plan_keeps_ids_of_unedited_themes_and_the_edits() -> None:
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    vectors = _vectors(labels)
    center = vectors.mean(axis=0)
    centroid = {k: vectors[labels == c].mean(axis=0) for c, k in ((0, 11), (2, 13))}
    previous = [
        PreviousTheme(11, "A", False, centroid[11] / np.linalg.norm(centroid[11])),
        PreviousTheme(13, "C", False, centroid[13] / np.linalg.norm(centroid[13])),
    ]
    # cluster 1 was theme 12, renamed; one of its notes was moved by hand to theme 13
    constraints = EditConstraints(
        pinned={104: 13},
        names={12: "B"},
        previous={
            **dict.fromkeys(NOTES[:4], 11),
            **dict.fromkeys(NOTES[4:8], 12),
            **dict.fromkeys(NOTES[8:], 13),
        },
    )
    plan = plan_themes(labels, vectors, center, NOTES, previous, constraints, next_key=20)
    assert plan.keys.tolist() == [11, 11, 11, 13, 12, 12, 12, 12, 13, 13, 13, 13]
    finer = plan_themes(labels, vectors, center, NOTES, previous, constraints, 20, detail=3)
    assert set(finer.keys[4:8].tolist()) == {12}  # the edited theme is never split
