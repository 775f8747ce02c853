"""How well theme names say what their notes say: coverage and exclusivity of the name's
words, today's keyword triplet ("Yritys · nuori · kesätyö") against the phrase name.

For a theme t and its name's lemmas W (stop words left out, as "ja" in "A ja B"):

* coverage: the share of t's notes whose lemmas contain any word of W (does the name
  speak of what most of the theme's notes say?);
* exclusivity: the share of all occurrences of W's words, over every note, that fall in
  t's notes (does the name point at this theme and not at the others?).

Both are averaged over themes (each theme counts once). Measured twice per data set: on
the themes the default model finds, and on the data set's own labels taken as themes,
which does not depend on clustering (or its seed) at all.

    python -m evaluation.naming --dataset ../shared/data/sib200_fin_topics.jsonl --seeds 3
    python -m evaluation.naming --corpora --seeds 3
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.datasets import (
    LabelledNotes,
    cached_language,
    cached_vectors,
    labelled_notes,
    read_jsonl,
)
from service.pipeline.explain import first_sentence, theme_description
from service.pipeline.keywords import NAME_SEPARATOR, theme_keywords, theme_name
from service.pipeline.language import FINNISH_STOP_WORDS
from service.pipeline.naming import UNNAMED, theme_names
from service.pipeline.phrases import Phrase
from service.pipeline.words import written_names

__all__ = ["evaluate_naming", "main", "name_quality", "name_themes"]


def name_quality(
    labels: np.ndarray, lemma_docs: Sequence[str], names: Sequence[Sequence[str]]
) -> dict[str, float]:
    """Mean coverage and exclusivity of ``names`` (per theme 0..k-1, its lemmas) over the
    themes of ``labels`` (n,), with the notes' ``lemma_docs`` (n strings of lemmas)."""
    docs = [Counter(doc.split()) for doc in lemma_docs]
    totals: Counter[str] = Counter()
    for doc in docs:
        totals.update(doc)
    coverage, exclusivity = [], []
    for theme, lemmas in enumerate(names):
        words = {w for w in lemmas if w not in FINNISH_STOP_WORDS}
        members = np.flatnonzero(labels == theme)
        if not len(members):
            continue
        coverage.append(float(np.mean([any(w in docs[i] for w in words) for i in members])))
        inside = sum(docs[i][w] for i in members for w in words)
        total = sum(totals[w] for w in words)
        exclusivity.append(inside / total if total else 0.0)
    return {
        "coverage": round(float(np.mean(coverage)), 4) if coverage else 0.0,
        "exclusivity": round(float(np.mean(exclusivity)), 4) if exclusivity else 0.0,
    }


def _on_label(truth: np.ndarray, central: np.ndarray, texts: Sequence[str], said: str) -> bool:
    """Whether the note a theme's description ``said`` comes from (its members ``central``,
    most central first) carries the theme's most common human label."""
    source = next(i for i in central if first_sentence(texts[i]) == said)
    common = Counter(truth[central].tolist()).most_common(1)[0][0]
    return bool(truth[source] == common)


def name_themes(
    labels: np.ndarray,
    vectors: np.ndarray,
    texts: Sequence[str],
    lemma_docs: Sequence[str],
    phrases: Sequence[Sequence[Phrase]],
    embed: Callable[[list[str]], np.ndarray],
    truth: np.ndarray | None = None,
) -> dict[str, Any]:
    """Names of the themes of ``labels`` (n,) both ways, as the service makes them, and
    their quality: ``{"themes": [{theme, size, triplet, name, description}],
    "triplet": {coverage, exclusivity}, "name": {coverage, exclusivity}}``.

    ``vectors`` (n, d) the notes' embeddings; ``embed`` the same embedder. With ``truth``
    (n,) the human labels, also ``"description_on_label"``: the share of themes described
    by a note of their most common human label (the topic a reader takes it for is theirs).
    """
    labels = np.asarray(labels)
    k = int(labels.max()) + 1
    vectors = np.asarray(vectors, np.float64)
    keywords = theme_keywords(lemma_docs, labels)
    centroids = np.stack([vectors[labels == t].mean(axis=0) for t in range(k)])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    center, written = vectors.mean(axis=0), written_names(texts)
    names = theme_names(labels, phrases, keywords, centroids, embed, center, names=written)
    # Today's names exactly: keywords.theme_name's words (stop words and contained
    # lemmas skipped), "Yritys · nuori · kesätyö".
    triplet_names = [theme_name(words) for words in keywords]
    triplets = [
        [w.lower() for w in name.split(NAME_SEPARATOR)] if name != UNNAMED else []
        for name in triplet_names
    ]
    themes, on_label = [], []
    for t in range(k):
        members = np.flatnonzero(labels == t)
        central = members[np.argsort(-(vectors[members] @ centroids[t]), kind="stable")]
        description = theme_description(
            [texts[i] for i in central],
            central_lemmas=[lemma_docs[i] for i in central],
            keywords=[w for w, _ in keywords[t]],
            name_lemmas=names[t].lemmas,
        )
        name, triplet = names[t].name, triplet_names[t]
        themes.append(
            dict(theme=t, size=len(members), triplet=triplet, name=name, description=description)
        )
        if truth is not None and len(members):
            on_label.append(_on_label(truth, central, texts, description))
    result: dict[str, Any] = {
        "themes": themes,
        "triplet": name_quality(labels, lemma_docs, triplets),
        "name": name_quality(labels, lemma_docs, [n.lemmas for n in names]),
    }
    if on_label:
        result["description_on_label"] = round(float(np.mean(on_label)), 4)
    return result


def _corpora_notes() -> tuple[LabelledNotes, list[str]]:
    """The five documents of corpora/ as notes (labelled by document), and the texts the
    embedder sees (a sub-bullet with its parent), as the service ingests them."""
    from service.config import Settings
    from service.corpora import read_manifest
    from service.ingest import embedding_text, prepare_document, validate_meta

    ids, texts, embedded, documents = [], [], [], []
    for document in read_manifest():
        meta = validate_meta(document.region, document.kind)
        prepared = prepare_document(
            document.path.name, document.path.read_bytes(), meta, Settings()
        )
        for note in prepared.notes:
            ids.append(f"{document.path.stem}-{note.position}")
            texts.append(note.text)
            embedded.append(embedding_text(note.text, note.context))
            documents.append(document.path.stem)
    return labelled_notes("corpora", ids, texts, documents, [None] * len(ids)), embedded


def evaluate_naming(dataset_path: Path | None, seeds: int = 3) -> dict[str, Any]:
    """Naming quality on one JSONL data set (None: the sample corpora, labelled by their
    document): on its labels as themes (no clustering, no seed) and on the default
    model's themes for ``seeds`` seeds (random_state 42, 43, ...), with mean and
    standard deviation; the names of the first seed and of the labels."""
    from evaluation.evaluate import NAMING_NOTE, machine_info, service_embedder_and_analyzer
    from service.pipeline.language import FinnishAnalyzer
    from service.pipeline.themes import ThemeModel

    embedder, _ = service_embedder_and_analyzer()  # the service's embedder and backend
    if dataset_path is None:
        notes, embedded = _corpora_notes()
        vectors = embedder.embed(embedded)
    else:
        notes = read_jsonl(dataset_path)
        vectors, _ = cached_vectors(notes, embedder)
    lemma_docs, phrases, _ = cached_language(notes, FinnishAnalyzer(backend="spacy"))

    def named(labels: np.ndarray) -> dict[str, Any]:
        return name_themes(
            labels, vectors, notes.texts, lemma_docs, phrases, embedder.embed, notes.labels
        )

    runs = [
        named(ThemeModel(random_state=42 + seed).fit(vectors, lemma_docs).labels_)
        for seed in range(seeds)
    ]
    summary: dict[str, Any] = {
        way: {
            measure: {
                "mean": round(float(np.mean([r[way][measure] for r in runs])), 4),
                "sd": round(float(np.std([r[way][measure] for r in runs])), 4),
            }
            for measure in ("coverage", "exclusivity")
        }
        for way in ("triplet", "name")
    }
    summary["description_on_label"] = {
        "mean": round(float(np.mean([r["description_on_label"] for r in runs])), 4),
        "sd": round(float(np.std([r["description_on_label"] for r in runs])), 4),
    }
    return {
        "dataset": notes.name,
        "notes": len(notes.texts),
        "labels": len(notes.label_names),
        "definition": NAMING_NOTE,
        "embedding_model": embedder.model_id,
        "labels_as_themes": named(notes.labels),
        "themes": {"seeds": [42 + s for s in range(seeds)], **summary, "first_seed": runs[0]},
        "machine": machine_info(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evaluation.naming", description=__doc__.split("\n")[0]
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--dataset", type=Path, help="labelled JSONL file")
    source.add_argument(
        "--corpora", action="store_true", help="the sample corpora, labelled by document"
    )
    parser.add_argument("--seeds", type=int, default=3, help="theme model seeds (default 3)")
    parser.add_argument("--output", type=Path, help="also write the JSON result here")
    args = parser.parse_args(argv)
    if args.dataset is not None and not args.dataset.is_file():
        parser.error(f"no such data set: {args.dataset}")
    result = evaluate_naming(args.dataset, max(1, args.seeds))
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text + "\n", encoding="utf-8")
    themes = result["themes"]
    for way in ("triplet", "name"):
        cov, exc = themes[way]["coverage"], themes[way]["exclusivity"]
        print(
            f"{result['dataset']} {way:8s} coverage {cov['mean']:.3f} ± {cov['sd']:.3f}, "
            f"exclusivity {exc['mean']:.3f} ± {exc['sd']:.3f} ({len(themes['seeds'])} seeds)"
        )
    described = themes["description_on_label"]
    print(
        f"{result['dataset']} descriptions from a note of the theme's most common label: "
        f"{described['mean']:.3f} ± {described['sd']:.3f}"
    )
    for theme in themes["first_seed"]["themes"]:
        print(f"  {theme['size']:5d}  {theme['triplet']}  ->  {theme['name']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
