"""Storing a large run's assignments holds one chunk of notes at a time, not all of them.

At 200,000 notes the run peaked at 4.72 GB (bench ``large``); ``store_assignments`` held a
float64 copy of every vector (614 MB) and a row dict per note at once.
"""

from __future__ import annotations

import tracemalloc
from types import SimpleNamespace
from typing import Any

import numpy as np

from service.pipeline.describe import ThemeDescription
from service.theming.constraints import EditConstraints
from service.theming.store import store_assignments


class _Session:
    def __init__(self) -> None:
        self.rows = 0

    def execute(self, _statement: Any, rows: list[dict[str, Any]]) -> None:
        self.rows += len(rows)


def test_assignments_are_computed_and_written_in_chunks() -> None:
    n, d, themes = 60_000, 384, 4
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(n, d)).astype(np.float32)
    keys = rng.integers(-1, themes, n)
    centroids = np.eye(themes, d, dtype=np.float32)
    described = {
        k: ThemeDescription(centroids[k], [], f"t{k}", [], 0.0, 0.0, 1, centroids[k], 0.5, None)
        for k in range(themes)
    }
    run = SimpleNamespace(id=1, center=np.zeros(d, "<f4").tobytes())
    session = _Session()
    coords = np.zeros((n, 2))
    tracemalloc.start()
    try:
        store_assignments(
            session, run, list(range(n)), vectors, keys, coords, described, EditConstraints()
        )  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert session.rows == n
    # All at once: a float64 copy of the vectors alone is n * d * 8 = 184 MB.
    assert peak < 60 * 2**20, f"peak {peak / 2**20:.0f} MB"
