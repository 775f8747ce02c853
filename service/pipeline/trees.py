"""HDBSCAN's tree, computed once per layout and minimum size, not once per selection.

A fit tries every granularity of ``themes.GRANULARITIES`` on every UMAP layout: each
min_cluster_size with leaf and with excess-of-mass selection. Both selections read the
same single-linkage tree (HDBSCAN's costly step: the mutual-reachability spanning tree);
they differ only in which of its clusters they keep. HDBSCAN takes a ``memory`` with
joblib's ``cache`` interface for exactly this; ``SharedTrees`` keeps the trees of one fit
in memory (a few MB), keyed by the layout's bytes and the tree's parameters, so the
second selection reuses the first one's tree (the same labels, half the trees).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["SharedTrees"]


class SharedTrees:
    """A joblib.Memory stand-in for ``hdbscan.HDBSCAN(memory=...)``: results of the
    functions it wraps, kept for the life of this object, by their exact arguments."""

    def __init__(self) -> None:
        self._results: dict[tuple[Any, ...], Any] = {}
        self.computed = 0  # how many trees were built (tests, profiling)

    def cache(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def cached(points: np.ndarray, *args: Any, **kwargs: Any) -> Any:
            data = np.ascontiguousarray(points)
            digest = hashlib.blake2b(data.tobytes(), digest_size=16).hexdigest()
            key = (function.__name__, digest, data.shape, args, tuple(sorted(kwargs.items())))
            if key not in self._results:
                self._results[key] = function(points, *args, **kwargs)
                self.computed += 1
            return self._results[key]

        return cached
