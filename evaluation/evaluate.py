"""Theme quality against labelled Finnish data: the default pipeline versus baselines.

Each JSONL row is one note. The default pipeline is exactly what the service runs:
the embedder and Finnish lemmatiser the service builds from its settings
(``TEEMA_EMBEDDING_BACKEND``, ``TEEMA_EMBEDDING_MODEL``, ``TEEMA_LANGUAGE_BACKEND``; the
vector cache is keyed by that embedder's model id) and ``ThemeModel()`` with its
defaults; labels are only read to score. With ``--baselines`` the same vectors also go
through BERTopic with its defaults (UMAP random_state fixed), BERTopic +
``reduce_outliers(strategy="embeddings")`` + ``update_topics``, and k-means told the true
number of labels. ``--backends onnx-int8,sentence-transformers`` also fits the default
pipeline on each other embedding backend's vectors of the same notes (same lemmas),
as ``teemakartta[<backend>]``, with the per-note cosine between the backends' vectors.

Unassigned notes (-1) count as one cluster of their own in ARI, NMI and V-measure for
every method, so leaving notes out is never free.

    python -m evaluation.evaluate --dataset ../shared/data/sib200_fin_topics.jsonl --baselines
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.datasets import LabelledNotes, cached_language, cached_vectors, read_jsonl
from evaluation.naming import name_themes

__all__ = [
    "compare_methods",
    "machine_info",
    "main",
    "most_frequent_labels",
    "run_evaluation",
    "score",
    "service_embedder_and_analyzer",
]

UNASSIGNED_NOTE = "unassigned notes (-1) count as one cluster of their own in ARI/NMI/V-measure"
NAMING_NOTE = (
    "coverage: share of a theme's notes containing a lemma of its name; exclusivity: share "
    "of those lemmas' occurrences inside the theme; means over themes (stop words left out); "
    "'themes' = the default model's themes, 'labels' = the data set's labels as themes; "
    "description_on_label: share of themes described by a note of their most common label"
)
_LIBRARIES = (
    "numpy", "scipy", "scikit-learn", "umap-learn", "hdbscan", "bertopic",
    "sentence-transformers", "torch", "simplemma", "spacy",
)  # fmt: skip


def score(gold: np.ndarray, found: np.ndarray) -> dict[str, float | int]:
    """ARI, NMI, V-measure of ``found`` (n,) against ``gold`` (n,); -1 is a cluster."""
    from sklearn import metrics

    found = np.asarray(found)
    return {
        "ari": round(float(metrics.adjusted_rand_score(gold, found)), 4),
        "nmi": round(float(metrics.normalized_mutual_info_score(gold, found)), 4),
        "v_measure": round(float(metrics.v_measure_score(gold, found)), 4),
        "themes": int(len(set(found.tolist()) - {-1})),
        "labels": int(len(set(np.asarray(gold).tolist()))),
        "unassigned_share": round(float(np.mean(found < 0)), 4),
    }


def machine_info() -> dict[str, Any]:
    """CPU, cores, Python and library versions, for results that say where they ran."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        # Other jobs share this machine; a load above the core count inflates timings.
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "libraries": versions,
    }


def _timed(fit: Callable[[], np.ndarray]) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    labels = fit()
    return np.asarray(labels), round(time.perf_counter() - started, 2)


def _bertopic(texts: Sequence[str], vectors: np.ndarray, reduce: bool) -> np.ndarray:
    from bertopic import BERTopic
    from umap import UMAP

    # BERTopic's own UMAP defaults, with the seed fixed so that runs repeat.
    umap_model = UMAP(
        n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42
    )
    model = BERTopic(umap_model=umap_model)
    topics, _ = model.fit_transform(list(texts), embeddings=vectors)
    if not reduce or -1 not in topics:  # reduce_outliers raises when there are none
        return np.asarray(topics)
    topics = model.reduce_outliers(list(texts), topics, strategy="embeddings", embeddings=vectors)
    model.update_topics(list(texts), topics=topics)
    return np.asarray(topics)


def _kmeans(vectors: np.ndarray, k: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=10, random_state=42).fit(vectors).labels_


def most_frequent_labels(notes: LabelledNotes, k: int) -> tuple[LabelledNotes, np.ndarray]:
    """The notes of the ``k`` most frequent labels (ties by label name), and their rows.

    A data set with fewer, clearer topics than the original: the pipeline must not split
    them up to fill its theme-count window."""
    counts = np.bincount(notes.labels, minlength=len(notes.label_names))
    chosen = sorted(np.lexsort((np.array(notes.label_names), -counts))[:k].tolist())
    keep = np.flatnonzero(np.isin(notes.labels, chosen))
    codes = np.searchsorted(np.array(chosen), notes.labels[keep])
    subset = LabelledNotes(
        name=f"{notes.name}_top{k}",
        ids=tuple(notes.ids[i] for i in keep),
        texts=tuple(notes.texts[i] for i in keep),
        labels=codes.astype(np.int64),
        label_names=tuple(notes.label_names[c] for c in chosen),
        regions=tuple(notes.regions[i] for i in keep),
    )
    return subset, keep


def compare_methods(
    notes: LabelledNotes, vectors: np.ndarray, lemma_docs: Sequence[str], baselines: bool
) -> tuple[dict[str, Any], Any]:
    """Scores (and fit seconds) of the default pipeline and, with ``baselines``, of
    BERTopic, BERTopic + reduce_outliers and k-means with the true k, on the same
    vectors: (method name -> result, the fitted ``ThemeModel``)."""
    from service.pipeline.themes import ThemeModel

    model = ThemeModel()
    labels, seconds = _timed(lambda: model.fit(vectors, lemma_docs).labels_)
    methods: dict[str, Any] = {
        "teemakartta": {**score(notes.labels, labels), "fit_seconds": seconds}
    }
    if baselines:
        contenders: dict[str, Callable[[], np.ndarray]] = {
            "bertopic_default": lambda: _bertopic(notes.texts, vectors, reduce=False),
            "bertopic_reduce_outliers": lambda: _bertopic(notes.texts, vectors, reduce=True),
            "kmeans_true_k": lambda: _kmeans(vectors, len(notes.label_names)),
        }
        for name, fit in contenders.items():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    found, seconds = _timed(fit)
            except Exception as error:  # a baseline that cannot run here is reported, not fatal
                methods[name] = {"error": f"{type(error).__name__}: {error}"}
                continue
            methods[name] = {**score(notes.labels, found), "fit_seconds": seconds}
    return methods, model


def _naming(
    found: np.ndarray,
    notes: LabelledNotes,
    vectors: np.ndarray,
    lemma_docs: list[str],
    phrases: list[Any],
    embedder: Any,
) -> dict[str, Any]:
    """The names of the found themes and of the human labels, with the naming note."""
    return {
        "definition": NAMING_NOTE,
        "themes": name_themes(
            found, vectors, notes.texts, lemma_docs, phrases, embedder.embed, notes.labels
        ),
        "labels": name_themes(
            notes.labels, vectors, notes.texts, lemma_docs, phrases, embedder.embed
        ),
    }


def run_evaluation(
    dataset_path: Path | str,
    baselines: bool = False,
    embedder: Any = None,
    analyzer: Any = None,
    top_labels: int | None = None,
    backends: Sequence[str] = (),
) -> dict[str, Any]:
    """Score the default pipeline (and baselines) on one JSONL data set.

    ``embedder``/``analyzer`` default to what the service builds from ``Settings()``;
    ``backends``: other embedding backends whose vectors of the same notes the default
    pipeline is also fitted on (``teemakartta[<backend>]``; see the module doc).
    Returns a JSON-ready dict: data set facts, ``methods`` (name -> scores and
    ``fit_seconds``), embedding/lemmatising seconds (None when read from the cache),
    ``naming`` (the default pipeline's theme names, today's keyword triplets beside the
    phrase names, with their coverage and exclusivity; see ``evaluation.naming``), and
    machine info.
    """
    from service.config import Settings

    settings = Settings()
    served_embedder, served_analyzer = service_embedder_and_analyzer(settings)
    embedder = embedder or served_embedder
    analyzer = analyzer or served_analyzer
    notes: LabelledNotes = read_jsonl(Path(dataset_path))
    vectors, embed_seconds = cached_vectors(notes, embedder)
    lemma_docs, phrases, lemma_seconds = cached_language(notes, analyzer)
    keep = np.arange(len(notes.texts))
    if top_labels is not None:  # after the caches: a subset reuses the full set's vectors
        notes, keep = most_frequent_labels(notes, top_labels)
        vectors, lemma_docs = vectors[keep], [lemma_docs[i] for i in keep]
        phrases = [phrases[i] for i in keep]

    methods, model = compare_methods(notes, vectors, lemma_docs, baselines)
    other_backends = [b for b in dict.fromkeys(backends) if b != settings.embedding_backend]
    agreement = {}
    for backend in other_backends:
        scores, cosines = _other_backend(settings, backend, dataset_path, keep, vectors, lemma_docs)
        methods[f"teemakartta[{backend}]"] = {**scores, "embedding_model": scores.pop("model_id")}
        agreement[backend] = cosines
    naming = _naming(model.labels_, notes, vectors, lemma_docs, phrases, embedder)
    return {
        "dataset": notes.name,
        "top_labels": top_labels,
        "notes": len(notes.texts),
        "labels": len(notes.label_names),
        "note": UNASSIGNED_NOTE,
        "embedding_backend": settings.embedding_backend,
        "embedding_model": embedder.model_id,
        "backend_agreement": agreement,
        "lemmatizer": repr(analyzer),
        "embed_seconds": None if embed_seconds is None else round(embed_seconds, 2),
        "lemmatize_seconds": None if lemma_seconds is None else round(lemma_seconds, 2),
        "methods": methods,
        "naming": naming,
        "machine": machine_info(),
    }


def service_embedder_and_analyzer(settings: Any = None) -> tuple[Any, Any]:
    """The embedder and lemmatiser the service builds from ``settings`` (default
    ``Settings()``): the same backend, model, prompt and batch size, the same analyzer."""
    from service.config import Settings
    from service.nlp import NlpResources

    nlp = NlpResources(settings or Settings())
    return nlp.embedder, nlp.analyzer


def _other_backend(
    settings: Any,
    backend: str,
    dataset_path: Path | str,
    keep: np.ndarray,
    vectors: np.ndarray,
    lemma_docs: Sequence[str],
) -> tuple[dict[str, Any], dict[str, float]]:
    """The default pipeline on ``backend``'s vectors of the same notes (rows ``keep``):
    its scores with ``fit_seconds`` and ``model_id``, and the per-note cosine (mean,
    min) between those vectors and ``vectors`` (n, d)."""
    from service.pipeline.themes import ThemeModel

    embedder, _ = service_embedder_and_analyzer(
        settings.model_copy(update={"embedding_backend": backend})
    )
    notes = read_jsonl(Path(dataset_path))
    other, _ = cached_vectors(notes, embedder)
    other = other[keep]
    labels, seconds = _timed(lambda: ThemeModel().fit(other, lemma_docs).labels_)
    gold = notes.labels[keep] if len(keep) == len(notes.labels) else None
    if gold is None:  # a --top-labels subset: codes follow the subset's label order
        gold = np.unique(notes.labels[keep], return_inverse=True)[1]
    cosines = np.sum(other * vectors, axis=1)
    scores = {**score(gold, labels), "fit_seconds": seconds, "model_id": embedder.model_id}
    return scores, {"mean_cosine": round(float(cosines.mean()), 4),
                    "min_cosine": round(float(cosines.min()), 4)}  # fmt: skip


def _naming_lines(naming: dict[str, Any] | None) -> list[str]:
    """Coverage and exclusivity of both kinds of names, then each theme's two names."""
    if not naming:
        return []
    lines = []
    for where in ("themes", "labels"):
        triplet, name = naming[where]["triplet"], naming[where]["name"]
        lines.append(
            f"names on {where}: coverage / exclusivity "
            f"triplet {triplet['coverage']:.3f} / {triplet['exclusivity']:.3f}, "
            f"phrase {name['coverage']:.3f} / {name['exclusivity']:.3f}"
        )
    for theme in naming["themes"]["themes"]:
        lines.append(f"  {theme['size']:5d}  {theme['triplet']}  ->  {theme['name']}")
    return lines


def format_table(result: dict[str, Any]) -> str:
    """The methods of one result as an aligned text table."""
    columns = ("ARI", 7), ("NMI", 7), ("V", 7), ("themes", 7), ("unassigned", 10), ("fit s", 7)
    head = f"{'method':26} " + " ".join(f"{title:>{width}}" for title, width in columns)
    lines = [
        f"{result['dataset']}: {result['notes']} notes, {result['labels']} labels "
        f"({result['note']})",
        head,
    ]
    for name, m in result["methods"].items():
        if "error" in m:
            lines.append(f"{name:26} failed: {m['error'][:200]}")
            continue
        lines.append(
            f"{name:26} {m['ari']:7.3f} {m['nmi']:7.3f} {m['v_measure']:7.3f} "
            f"{m['themes']:7d} {m['unassigned_share']:10.1%} {m['fit_seconds']:7.1f}"
        )
    lines.extend(_naming_lines(result.get("naming")))
    lines.append(
        f"embedding: {result['embed_seconds'] or 'cached'} s, "
        f"lemmas: {result['lemmatize_seconds'] or 'cached'} s"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="teemakartta evaluate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--dataset", required=True, type=Path, help="labelled JSONL file")
    parser.add_argument("--baselines", action="store_true", help="also run the baselines")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--output", type=Path, help="also write the JSON result here")
    parser.add_argument(
        "--top-labels", type=int, metavar="K", help="only the notes of the K most frequent labels"
    )
    parser.add_argument(
        "--backends", default="", metavar="B,...",
        help="also fit on these embedding backends' vectors (onnx-int8, sentence-transformers)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    from service.pipeline.embed_onnx import BACKENDS

    backends = [b for b in args.backends.split(",") if b]
    unknown = [b for b in backends if b not in BACKENDS]
    if unknown:
        parser.error(f"unknown backends: {', '.join(unknown)} (known: {', '.join(BACKENDS)})")
    if args.top_labels is not None and args.top_labels < 2:
        parser.error("--top-labels needs at least 2 labels")
    if not args.dataset.is_file():
        parser.error(f"no such data set: {args.dataset}")
    result = run_evaluation(
        args.dataset, baselines=args.baselines, top_labels=args.top_labels, backends=backends
    )
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text if args.json else format_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
