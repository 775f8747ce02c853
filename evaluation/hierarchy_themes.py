"""Per theme of the default's choice: how mixed it is and how distinct its own best
sub-partition is (the evidence behind ``hierarchy.py``'s split rule).

For each theme: notes, gold labels inside, purity, and the best (highest distinctness)
sub-partition found by re-clustering its notes on the first UMAP layout with every pair
of ``GRANULARITIES``, scored among the theme's notes re-centred on their mean; ``subARI``
is that sub-partition's agreement with the gold labels inside the theme. S is the
chosen granularity's own score.

    python -m evaluation.hierarchy_themes all_labels_drawn,three_sources 42
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
from sklearn.metrics import adjusted_rand_score

from evaluation.quality import _cached_layouts_model, all_sets
from service.pipeline.partitions import theme_distinctness, unit_rows
from service.pipeline.themes import GRANULARITIES

warnings.simplefilter("ignore")
names = sys.argv[1].split(",")
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 42
sets = all_sets()
for name in names:
    s = sets[name]
    gold = np.asarray(s.notes.labels)
    model = _cached_layouts_model(random_state=seed)
    model.fit(s.vectors, s.lemma_docs)
    centred = unit_rows(s.vectors - s.vectors.mean(0))
    layouts, _ = model._layouts(centred)
    labels = model.labels_
    top = max(model.distinctness_.values())
    print(
        f"== {name} seed {seed} chosen {model.granularity_} S={top:.3f} themes {labels.max() + 1}"
    )
    sims = {}
    for t in range(labels.max() + 1):
        members = np.flatnonzero(labels == t)
        local = unit_rows(s.vectors[members] - s.vectors[members].mean(0))
        d = np.clip(1 - local @ local.T, 0, 2)
        np.fill_diagonal(d, 0)
        labs, counts = np.unique(gold[members], return_counts=True)
        purity = counts.max() / counts.sum()
        best = (-1.0, None, None)
        for size, sel in GRANULARITIES:
            if len(members) < 2 * size:
                continue
            sub, _ = model._partition(layouts[0][members], np.full(len(members), -1), 0, size, sel)
            sc = theme_distinctness(d, sub)
            if sc > best[0]:
                best = (sc, (size, sel), sub)
        ari = adjusted_rand_score(gold[members], best[2]) if best[2] is not None else float("nan")
        k = best[2].max() + 1 if best[2] is not None else 0
        print(
            f"  t{t:2d} n={len(members):4d} labels={len(labs):2d} purity={purity:.2f} "
            f"bestsub={best[0]:.3f} {best[1]} k={k} subARI={ari:.2f}"
        )
