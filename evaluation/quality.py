"""Theme quality over base seeds on every set: the shared files and the development sets.

One comparison, every method on the same e5 vectors, each run with several base seeds
(``--seeds``; ThemeModel's ``random_state``, the UMAP seed of BERTopic, k-means' seed),
reported as mean and spread (sample standard deviation) of ARI, NMI, theme count and
unassigned share. Unassigned notes (-1) count as one cluster of their own for every
method. Methods:

* ``teemakartta``: ``ThemeModel()`` with its defaults, exactly what the service runs
  (the granularity chosen per corpus from ``GRANULARITIES`` by theme distinctness).
* ``bertopic_default``: BERTopic with its defaults (UMAP 15 neighbours, 5-d,
  HDBSCAN min_cluster_size 10).
* ``bertopic_reduce_outliers``: the same + ``reduce_outliers(strategy="embeddings")``
  + ``update_topics``: the peer the bar is set against.
* ``bertopic_mcs5_reduce_outliers`` / ``bertopic_mcs20_reduce_outliers``: the peer with
  min_cluster_size 5 / 20 (issue 13's sweep: no fixed size is best everywhere).
* ``kmeans_true_k``: k-means told the true number of labels (a reference, not a rival).
* ``candidate:<name>``: ThemeModel with one granularity fixed (``CANDIDATES``: leaf or
  excess-of-mass selection, min_cluster_size 10, 15 or 30), to show what the choice
  per corpus gains over any fixed setting; ``distinctness_only`` and
  ``reproducibility_power1`` / ``3``: the choice scored by distinctness alone (the
  default before 2026-12-03) or weighed by the layouts' agreement to another power;
  ``best_score_only``: the best score wins even when others are tied with it (the
  default until the tie rule, 2026-12-03); ``runs3``: three UMAP layouts (until 2026-12-04).
* ``hier:<rule>``: the default's choice, then split inside themes and/or merged near
  themes by one rule of ``evaluation/hierarchy.py`` (measured, not adopted).

One UMAP layout per BERTopic run is shared by its three variants (they differ after it),
and ThemeModel's layouts are cached on disk by their inputs, so candidates that differ
after UMAP cost only their clustering.

    python -m evaluation.quality [--sets NAME,...] [--methods NAME,...] [--seeds 42,1000,7]
        [--draw N]   # other notes drawn for the development sets: results/quality_drawN/
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.datasets import CACHE_DIR, cached_lemma_docs, cached_vectors, read_jsonl
from evaluation.devsets import FILES, SEED, SHARED_DATA, DevSet, build_sets, describe
from evaluation.evaluate import UNASSIGNED_NOTE, machine_info, score

__all__ = [
    "BASELINES",
    "CANDIDATES",
    "SEEDS",
    "all_sets",
    "default_embedder_and_analyzer",
    "run_method",
    "summarise",
]

RESULTS = Path(__file__).resolve().parent / "results" / "quality"
SEEDS = (42, 1000, 7)
BASELINES = (
    "bertopic_default",
    "bertopic_reduce_outliers",
    "bertopic_mcs5_reduce_outliers",
    "bertopic_mcs20_reduce_outliers",
    "kmeans_true_k",
)
# ThemeModel variants against the default (keyword arguments): each granularity fixed;
# distinctness alone (default before 2026-12-03), other powers of the agreement, no tie,
# and three layouts (the default before 2026-12-04).
CANDIDATES: dict[str, dict[str, Any]] = {
    f"{selection}{size}": {"granularities": ((size, selection),)}
    for size, selection in ((10, "leaf"), (15, "leaf"), (10, "eom"), (15, "eom"), (30, "eom"))
}
CANDIDATES["distinctness_only"] = {"reproducibility_power": 0.0}
CANDIDATES["reproducibility_power1"] = {"reproducibility_power": 1.0}
CANDIDATES["reproducibility_power3"] = {"reproducibility_power": 3.0}
CANDIDATES["best_score_only"] = {"score_tie": 0.0}
CANDIDATES["runs3"] = {"n_runs": 3}
QUESTION_SHAPE = "question-grouped"


def default_embedder_and_analyzer() -> tuple[Any, Any]:
    """The embedder and lemmatiser the service builds from ``Settings()``."""
    from evaluation.evaluate import service_embedder_and_analyzer

    return service_embedder_and_analyzer()


def all_sets(
    data_dir: Path = SHARED_DATA, embedder: Any = None, analyzer: Any = None, draw: int = SEED
) -> dict[str, DevSet]:
    """The three shared files whole, then every development set (of ``draw``, see
    ``devsets.build_sets``): name -> set; vectors and lemmas from the given embedder and
    analyzer (default: the service's)."""
    if embedder is None or analyzer is None:
        served_embedder, served_analyzer = default_embedder_and_analyzer()
        embedder, analyzer = embedder or served_embedder, analyzer or served_analyzer
    sets = {}
    for stem in FILES.values():
        notes = read_jsonl(data_dir / f"{stem}.jsonl")
        vectors, _ = cached_vectors(notes, embedder)
        lemmas, _ = cached_lemma_docs(notes, analyzer)
        sets[stem] = DevSet(notes, vectors, list(lemmas), "shared file")
    return {**sets, **build_sets(data_dir, embedder, analyzer, draw)}


class _CachedLayout:
    """A UMAP stand-in for BERTopic: the layout of these vectors with this seed,
    computed once with BERTopic's own UMAP settings and kept on disk."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def fit_transform(self, embeddings: np.ndarray, y: Any = None) -> np.ndarray:
        from umap import UMAP

        digest = hashlib.sha256(np.ascontiguousarray(embeddings).tobytes()).hexdigest()[:16]
        path = CACHE_DIR / "layouts" / f"bertopic-{digest}-{self.seed}.npy"
        if path.is_file():
            return np.load(path)
        # BERTopic's UMAP defaults with the seed fixed, as ``evaluate --baselines`` runs it.
        umap_model = UMAP(
            n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=self.seed
        )
        layout = np.asarray(umap_model.fit_transform(embeddings))
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, layout)
        return layout

    def transform(self, embeddings: np.ndarray) -> np.ndarray:  # pragma: no cover - unused
        raise NotImplementedError("only fit_transform is used in a fit")


def _bertopic(dev_set: DevSet, seed: int, size: int, reduce: bool) -> np.ndarray:
    from bertopic import BERTopic
    from hdbscan import HDBSCAN

    texts = list(dev_set.notes.texts)
    # BERTopic's own HDBSCAN defaults, with min_cluster_size as asked.
    clusterer = HDBSCAN(
        min_cluster_size=size, metric="euclidean", cluster_selection_method="eom",
        prediction_data=True,
    )  # fmt: skip
    model = BERTopic(umap_model=_CachedLayout(seed), hdbscan_model=clusterer)
    topics, _ = model.fit_transform(texts, embeddings=dev_set.vectors)
    if not reduce or -1 not in topics:  # reduce_outliers raises when there are none
        return np.asarray(topics)
    topics = model.reduce_outliers(texts, topics, strategy="embeddings", embeddings=dev_set.vectors)
    model.update_topics(texts, topics=topics)
    return np.asarray(topics)


def _cached_layouts_model(base: type | None = None, **params: Any) -> Any:
    """A ThemeModel (or subclass ``base``) whose UMAP layouts are kept on disk, keyed by
    all they depend on (centred vectors, neighbours, dimensions, layout count, seed), so
    variants differing only after UMAP share them. The fit is otherwise the model's own."""
    from service.pipeline.themes import ThemeModel

    class CachedLayouts(base or ThemeModel):  # type: ignore[misc]
        def _layouts(self, centred: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
            key = hashlib.sha256(np.ascontiguousarray(centred).tobytes())
            key.update(repr((self.n_neighbors, self.n_components, self.n_runs_)).encode())
            key.update(repr(self.random_state).encode())
            path = CACHE_DIR / "layouts" / f"themes-{key.hexdigest()[:20]}.npz"
            if path.is_file():
                stored = np.load(path)
                return [stored[f"run{i}"] for i in range(len(stored) - 1)], stored["coords"]
            layouts, coords = super()._layouts(centred)
            path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(path, coords=coords, **{f"run{i}": x for i, x in enumerate(layouts)})
            return layouts, coords

    return CachedLayouts(**params)


def _theme_model(
    dev_set: DevSet, seed: int, params: dict[str, Any], base: type | None = None
) -> np.ndarray:
    model = _cached_layouts_model(base, random_state=seed, **params)
    return model.fit(dev_set.vectors, dev_set.lemma_docs).labels_


def _kmeans(dev_set: DevSet, seed: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    k = len(dev_set.notes.label_names)
    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit(dev_set.vectors).labels_


def method_fits() -> dict[str, Callable[[DevSet, int], np.ndarray]]:
    """Every method by name: (set, base seed) -> (n,) labels, -1 = unassigned."""
    fits: dict[str, Callable[[DevSet, int], np.ndarray]] = {
        "teemakartta": lambda s, seed: _theme_model(s, seed, {}),
        "bertopic_default": lambda s, seed: _bertopic(s, seed, 10, reduce=False),
        "bertopic_reduce_outliers": lambda s, seed: _bertopic(s, seed, 10, reduce=True),
        "bertopic_mcs5_reduce_outliers": lambda s, seed: _bertopic(s, seed, 5, reduce=True),
        "bertopic_mcs20_reduce_outliers": lambda s, seed: _bertopic(s, seed, 20, reduce=True),
        "kmeans_true_k": _kmeans,
    }
    for name, params in CANDIDATES.items():
        fits[f"candidate:{name}"] = lambda s, seed, p=params: _theme_model(s, seed, p)
    from evaluation.hierarchy import RULES, HierarchicalThemes

    for rule in RULES:  # hierarchical rules on top of the default's choice (hierarchy.py)
        fits[f"hier:{rule}"] = lambda s, seed, r=rule: _theme_model(
            s, seed, {"rule": r}, HierarchicalThemes
        )
    return fits


def run_method(name: str, dev_set: DevSet, seeds: Sequence[int]) -> dict[str, Any]:
    """One method on one set over ``seeds``: every run's scores, then mean and spread."""
    fit = method_fits()[name]
    runs = []
    for seed in seeds:
        started = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                labels = fit(dev_set, seed)
        except Exception as error:  # a baseline that cannot run here is reported, not fatal
            runs.append({"seed": seed, "error": f"{type(error).__name__}: {error}"})
            continue
        seconds = round(time.perf_counter() - started, 2)
        runs.append({"seed": seed, **score(dev_set.notes.labels, labels), "fit_seconds": seconds})
    return {"runs": runs, **summarise(runs)}


def summarise(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Mean and spread (sample standard deviation; 0 for one run) of each score."""
    done = [run for run in runs if "error" not in run]
    if not done:
        return {"mean": None, "spread": None}
    keys = ("ari", "nmi", "v_measure", "themes", "unassigned_share")
    values = {key: np.array([run[key] for run in done], dtype=float) for key in keys}
    return {
        "mean": {key: round(float(v.mean()), 4) for key, v in values.items()},
        "spread": {
            key: round(float(v.std(ddof=1)) if len(v) > 1 else 0.0, 4) for key, v in values.items()
        },
    }


def check_bar(result: dict[str, Any], ours: str = "teemakartta") -> dict[str, Any]:
    """The bar of issue 13 on one set: ours against BERTopic + reduce_outliers (means over
    seeds), at most 10% unassigned, and on question-grouped sets a theme count within
    0.7-1.3x of the number of labels."""
    mine = result["methods"].get(ours, {}).get("mean")
    peer = result["methods"].get("bertopic_reduce_outliers", {}).get("mean")
    if not mine or not peer:
        return {"checked": False}
    ratio = mine["themes"] / result["labels"]
    check = {
        "checked": True,
        "ari_beats_peer": mine["ari"] > peer["ari"],
        "nmi_beats_peer": mine["nmi"] > peer["nmi"],
        "unassigned_at_most_10pct": mine["unassigned_share"] <= 0.10,
        "theme_count_ratio": round(ratio, 2),
    }
    if result["shape"] == QUESTION_SHAPE:
        check["theme_count_within_0.7_1.3"] = 0.7 <= ratio <= 1.3
    check["met"] = all(v for k, v in check.items() if isinstance(v, bool))
    return check


def run_set(
    name: str,
    dev_set: DevSet,
    methods: Sequence[str],
    seeds: Sequence[int],
    output: Path,
    draw: int = SEED,
) -> dict[str, Any]:
    """Every method on one set; merged into ``output/<name>.json`` (methods run before
    and not asked for now are kept), so methods can be added one run at a time."""
    path = output / f"{name}.json"
    earlier = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    result = {
        "dataset": name,
        **describe(dev_set),
        "draw": draw,
        "seeds": list(seeds),
        "note": UNASSIGNED_NOTE,
        "methods": {
            method: scores
            for method, scores in earlier.get("methods", {}).items()
            if earlier.get("seeds") == list(seeds)
            and earlier.get("draw", SEED) == draw
            and method not in methods
        },
    }
    for method in methods:
        result["methods"][method] = run_method(method, dev_set, seeds)
        print(f"{name:36s} {method:34s} {_cell(result['methods'][method])}", flush=True)
    result["bar"] = check_bar(result)
    result["machine"] = machine_info()
    output.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return result


def _cell(scores: dict[str, Any]) -> str:
    """'ARI mean ± sd / NMI mean ± sd (themes)' of one method on one set."""
    mean, spread = scores.get("mean"), scores.get("spread")
    if not mean or not spread:
        return "failed"
    return (
        f"{mean['ari']:.3f} ± {spread['ari']:.3f} / {mean['nmi']:.3f} ± {spread['nmi']:.3f} "
        f"({mean['themes']:.1f})"
    )


def write_summary(output: Path) -> dict[str, Any]:
    """``quality_summary.json`` beside the per-set files: every set's means and spreads
    per method and whether the bar is met, and a markdown table of them printed."""
    sets = [json.loads(p.read_text("utf-8")) for p in sorted(output.glob("*.json"))]
    sets = [s for s in sets if "methods" in s]
    summary = {
        "note": UNASSIGNED_NOTE,
        "sets": {
            s["dataset"]: {
                "shape": s["shape"],
                "notes": s["notes"],
                "labels": s["labels"],
                "seeds": s["seeds"],
                "methods": {
                    m: {"mean": r.get("mean"), "spread": r.get("spread")}
                    for m, r in s["methods"].items()
                },
                "bar": s.get("bar"),
            }
            for s in sets
        },
    }
    path = output.parent / f"{output.name}_summary.json"
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return summary


def markdown_table(summary: dict[str, Any], methods: Sequence[str]) -> str:
    """Sets as rows, methods as columns: 'ARI ± sd / NMI ± sd (themes)'."""
    lines = [
        "| set | notes (labels) | " + " | ".join(methods) + " |",
        "|---|---|" + "---|" * len(methods),
    ]
    for name, s in summary["sets"].items():
        cells = [_cell(s["methods"][m]) if m in s["methods"] else "" for m in methods]
        lines.append(f"| {name} | {s['notes']:,} ({s['labels']}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    fits = method_fits()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="the shared data folder")
    parser.add_argument("--sets", help="comma-separated set names (default: all)")
    parser.add_argument(
        "--methods", default=",".join(["teemakartta", *BASELINES]),
        help=f"comma-separated, from: {', '.join(fits)}",
    )  # fmt: skip
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)), help="base seeds")
    parser.add_argument(
        "--draw", type=int, default=SEED,
        help=f"seed of the development sets' draws ({SEED}: the reference sets)",
    )  # fmt: skip
    parser.add_argument(
        "--output", type=Path,
        help="one JSON per set here (default: results/quality, results/quality_drawN)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    output = args.output or (
        RESULTS if args.draw == SEED else RESULTS.parent / f"quality_draw{args.draw}"
    )
    methods = [m for m in args.methods.split(",") if m]
    unknown = [m for m in methods if m not in fits]
    if unknown:
        parser.error(f"unknown methods: {', '.join(unknown)}")
    seeds = [int(s) for s in args.seeds.split(",") if s]
    sets = all_sets(args.data, draw=args.draw)
    names = [s for s in args.sets.split(",") if s] if args.sets else list(sets)
    missing = [n for n in names if n not in sets]
    if missing:
        parser.error(f"unknown sets: {', '.join(missing)} (known: {', '.join(sets)})")
    for name in names:
        run_set(name, sets[name], methods, seeds, output, args.draw)
    summary = write_summary(output)
    print(markdown_table(summary, methods))
    return 0


if __name__ == "__main__":
    sys.exit(main())
