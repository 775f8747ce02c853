"""UMAP layouts of note vectors: one exact neighbour graph, seeded runs on two cores.

Split out of ``themes`` (which computes the layouts through these helpers) so that
each module stays readable; nothing here knows about themes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["_exact_knn", "_prepare_umap", "_umap"]


def _prepare_umap() -> None:
    """Make UMAP's compiled parts run on two cores at once and compile once per machine.

    A seeded UMAP is single-threaded (that is what makes it reproducible), and its
    numba-compiled epoch holds Python's GIL, so threads would take turns. The same
    function compiled with ``nogil=True`` computes the same numbers (checked in
    tests/pipeline/test_themes.py) and lets threads run at once: 1.9x on 2 cores.

    UMAP compiles that epoch and its two graph functions (``smooth_knn_dist``,
    ``compute_membership_strengths``) in every new process, without numba's cache:
    8-9 s of a theme run's 34 s of layouts on 3,996 notes, paid by every
    ``teemakartta themes``. Compiled here with ``cache=True`` (same options otherwise),
    a process after the first loads them from numba's cache (``NUMBA_CACHE_DIR``, else
    beside UMAP's files or in the user's cache folder); where no cache folder can be
    written they are compiled as before. Skipped for a UMAP version without these names.
    """
    import umap.layouts as layouts
    import umap.umap_ as umap_

    name = "_nb_optimize_layout_euclidean_single_epoch"
    epoch = getattr(layouts, "_optimize_layout_euclidean_single_epoch", None)
    current = getattr(layouts, name, None)
    if epoch is not None and current is not None and not _prepared(current):
        setattr(layouts, name, _compiled(epoch, fastmath=True, parallel=False, nogil=True))
    for graph_function in ("smooth_knn_dist", "compute_membership_strengths"):
        dispatcher: Any = getattr(umap_, graph_function, None)
        if dispatcher is not None and hasattr(dispatcher, "py_func") and not _prepared(dispatcher):
            # The same options, and the same types of locals (float32 sums and bounds):
            # without them numba infers float64 and the graph, hence the themes, change.
            options = {k: v for k, v in dispatcher.targetoptions.items() if k != "nopython"}
            options["locals"] = dict(dispatcher.locals)
            setattr(umap_, graph_function, _compiled(dispatcher.py_func, **options))


def _prepared(dispatcher: Any) -> bool:
    return bool(getattr(dispatcher, "_teemakartta_prepared", False))


def _compiled(function: Any, **options: Any) -> Any:
    """``numba.njit(function, **options)`` with numba's on-disk cache when it can have one."""
    import numba

    try:
        dispatcher = numba.njit(function, cache=True, **options)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        dispatcher = numba.njit(function, **options)
    dispatcher._teemakartta_prepared = True
    return dispatcher


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
