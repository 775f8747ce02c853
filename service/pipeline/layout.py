"""UMAP layouts of note vectors: one exact neighbour graph, seeded runs on two cores.

Split out of ``themes`` (which computes the layouts through these helpers) so that
each module stays readable; nothing here knows about themes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["_exact_knn", "_release_gil_in_umap", "_umap"]


def _release_gil_in_umap() -> None:
    """Let UMAP runs with different seeds use different cores.

    A seeded UMAP is single-threaded (that is what makes it reproducible), and its
    numba-compiled epoch holds Python's GIL, so threads would take turns. The same
    function compiled with ``nogil=True`` computes the same numbers (checked in
    tests/pipeline/test_themes.py) and lets threads run at once: 1.9x on 2 cores.
    Skipped when a UMAP version lacks the private name.
    """
    import numba
    import umap.layouts as layouts

    name = "_nb_optimize_layout_euclidean_single_epoch"
    epoch = getattr(layouts, "_optimize_layout_euclidean_single_epoch", None)
    current = getattr(layouts, name, None)
    if epoch is None or current is None or getattr(current, "_teemakartta_nogil", False):
        return
    released = numba.njit(epoch, fastmath=True, parallel=False, nogil=True)
    released._teemakartta_nogil = True
    setattr(layouts, name, released)


def _umap(
    vectors: np.ndarray, dims: int, neighbors: int, seed: int, knn: Any, epochs: int | None = None
) -> Any:
    from umap import UMAP

    return UMAP(
        n_neighbors=neighbors,
        n_components=dims,
        min_dist=0.0,
        metric="cosine",
        random_state=seed,  # also makes UMAP single-threaded, hence reproducible
        init="spectral" if len(vectors) >= 30 else "random",
        precomputed_knn=knn,
        force_approximation_algorithm=True,  # use knn above, not a dense distance matrix
        n_epochs=epochs,
    )


def _exact_knn(unit: np.ndarray, k: int, chunk: int = 2048) -> tuple[np.ndarray, np.ndarray, None]:
    """Exact k nearest neighbours by cosine of unit rows (n, d): (indices, distances, None).

    Each note is its own first neighbour, as UMAP expects. Rows are done in chunks
    so that memory stays at chunk * n floats (16,000 notes: 130 MB).
    """
    n = len(unit)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    matrix = unit.astype(np.float32)
    for start in range(0, n, chunk):
        block = 1.0 - matrix[start : start + chunk] @ matrix.T
        rows = np.arange(len(block))
        block[rows, start + rows] = -1.0  # self first, whatever rounding says
        part = np.argpartition(block, k - 1, axis=1)[:, :k]
        order = np.argsort(np.take_along_axis(block, part, axis=1), axis=1, kind="stable")
        indices[start : start + chunk] = np.take_along_axis(part, order, axis=1)
        distances[start : start + chunk] = np.maximum(
            np.take_along_axis(block, indices[start : start + chunk], axis=1), 0.0
        )
    return indices, distances, None
