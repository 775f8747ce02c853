"""Data sets of another shape, built from the shared ones: does the default still hold?

The default pipeline is judged on Finnish data it has never seen, whose number and
balance of topics nobody knows in advance. These sets are built from the three shared
files (vectors and lemmas from their caches) to have shapes those files lack:

* ``three_sources``: 400 random notes of each file, the label is the file. Three very
  different kinds of text, two of them (encyclopaedic sentences, parliamentary
  questions) nearer each other than the third: HDBSCAN's blob case, with few labels.
* ``dominant_topic``: SIB-200's largest label whole and every other label cut to 25
  notes: one topic is most of the corpus.
* ``sib_plus_two_sources``: all of SIB-200 (7 topics) and 300 notes of each other file
  labelled by file: 9 labels, one region much denser in topics than the rest.

Each set goes through ``compare_methods`` (the default pipeline and the baselines on the
same vectors), exactly as ``teemakartta evaluate --baselines`` does.

    python -m evaluation.robustness [--output evaluation/results/robustness.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.datasets import (
    LabelledNotes,
    cached_lemma_docs,
    cached_vectors,
    labelled_notes,
    read_jsonl,
)
from evaluation.evaluate import UNASSIGNED_NOTE, compare_methods, format_table, machine_info

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FILES = {
    "sib": "sib200_fin_topics",
    "omastadi": "omastadi_proposals",
    "eduskunta": "eduskunta_vkk_ministry_sentences",
}
SEED = 0  # the draws of notes; fixed so that the sets are the same every time


Part = tuple[LabelledNotes, np.ndarray, list[str], np.ndarray, list[str]]
"""One source's draw: (notes, vectors, lemma docs, chosen rows, label of each row)."""


def _combine(name: str, parts: Sequence[Part]) -> tuple[LabelledNotes, np.ndarray, list[str]]:
    """One labelled set of the chosen rows of each part, with the given labels."""
    ids: list[str] = []
    texts: list[str] = []
    raw: list[str] = []
    regions: list[str | None] = []
    vectors: list[np.ndarray] = []
    lemmas: list[str] = []
    for notes, part_vectors, part_lemmas, rows, labels in parts:
        ids += [f"{notes.name}:{notes.ids[i]}" for i in rows]
        texts += [notes.texts[i] for i in rows]
        regions += [notes.regions[i] for i in rows]
        raw += labels
        vectors.append(part_vectors[rows])
        lemmas += [part_lemmas[i] for i in rows]
    return labelled_notes(name, ids, texts, raw, regions), np.vstack(vectors), lemmas


def build_sets(
    data_dir: Path, embedder: Any, analyzer: Any
) -> dict[str, tuple[LabelledNotes, np.ndarray, list[str]]]:
    """The three constructed sets: name -> (notes, vectors, lemma docs)."""
    rng = np.random.default_rng(SEED)
    loaded = {}
    for key, stem in FILES.items():
        notes = read_jsonl(data_dir / f"{stem}.jsonl")
        vectors, _ = cached_vectors(notes, embedder)
        lemmas, _ = cached_lemma_docs(notes, analyzer)
        loaded[key] = (notes, vectors, list(lemmas))

    def draw(key: str, count: int) -> Part:
        notes, vectors, lemmas = loaded[key]
        rows = np.sort(rng.choice(len(notes.texts), count, replace=False))
        return notes, vectors, lemmas, rows, [key] * count

    def by_label(key: str, rows: np.ndarray) -> Part:
        notes, vectors, lemmas = loaded[key]
        return notes, vectors, lemmas, rows, [notes.label_names[notes.labels[i]] for i in rows]

    sets = {"three_sources": _combine("three_sources", [draw(k, 400) for k in FILES])}
    sib = loaded["sib"][0]
    largest = int(np.bincount(sib.labels).argmax())
    rows = [np.flatnonzero(sib.labels == largest)]
    for label in range(len(sib.label_names)):
        if label != largest:
            rows.append(rng.choice(np.flatnonzero(sib.labels == label), 25, replace=False))
    sets["dominant_topic"] = _combine(
        "dominant_topic", [by_label("sib", np.sort(np.concatenate(rows)))]
    )
    everything = np.arange(len(sib.texts))
    sets["sib_plus_two_sources"] = _combine(
        "sib_plus_two_sources",
        [by_label("sib", everything), draw("omastadi", 300), draw("eduskunta", 300)],
    )
    return sets


def run(data_dir: Path = SHARED_DATA) -> dict[str, Any]:
    from evaluation.evaluate import service_embedder_and_analyzer

    embedder, analyzer = service_embedder_and_analyzer()
    results = {}
    for name, (notes, vectors, lemmas) in build_sets(data_dir, embedder, analyzer).items():
        methods, _ = compare_methods(notes, vectors, lemmas, baselines=True)
        results[name] = {
            "dataset": name,
            "notes": len(notes.texts),
            "labels": len(notes.label_names),
            "label_sizes": {
                label: int(count)
                for label, count in zip(notes.label_names, np.bincount(notes.labels), strict=True)
            },
            "methods": methods,
        }
    return {
        "embedding_model": embedder.model_id,
        "lemmatizer": repr(analyzer),
        "sets": results,
        "machine": machine_info(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="the shared data folder")
    parser.add_argument("--output", type=Path, help="also write the JSON result here")
    args = parser.parse_args(argv)
    missing = [stem for stem in FILES.values() if not (args.data / f"{stem}.jsonl").is_file()]
    if missing:
        parser.error(f"missing in {args.data}: {', '.join(missing)}")
    result = run(args.data)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    for item in result["sets"].values():
        table = {**item, "note": UNASSIGNED_NOTE, "embed_seconds": None, "lemmatize_seconds": None}
        print("\n".join(format_table(table).splitlines()[:-1]), end="\n\n")  # no timings
    return 0


if __name__ == "__main__":
    sys.exit(main())
