"""Development sets of the shapes the three shared files lack, built from those files.

The default is judged again on Finnish data nobody here can see: comments grouped by the
question they answer (the shape of Learning Cafe notes under a group's question), 25-27
questions, 1,187-1,560 notes, 45-60 notes a question, 180-320 characters on average. The
shared files have 7, 7 and 15 labels. These sets give the missing shapes the same weight
in every comparison (``python -m evaluation.quality``):

* ``omastadi_questions``: OmaStadi proposals grouped by the subject their title names
  (dog parks, outdoor gyms, lighting, benches, ...; ``QUESTIONS``), a proposal counting
  only when its title names exactly one subject; the 19 subjects with at least 45 such
  proposals, 45-60 drawn of each, each text cut to whole sentences of at most 320
  characters. Real citizens' notes grouped by "question".
* ``questions_mixed``: those 19 questions and SIB-200's 7 topics, 45-60 notes each:
  26 groups, the count and size of the unseen sets.
* ``all_labels_drawn``: every label of the three files (7 + 7 + 15 = 29), 45-60 notes
  of each.
* ``all_labels_full``: the three files whole, 7,980 notes of 29 labels of very uneven
  size: many themes at a size where a rule of n has the most room to go wrong.
* ``three_sources``: 400 notes of each file, the label is the file: few themes, two
  kinds of text (encyclopaedic, parliamentary) nearer each other than the third.
* ``sib_top3``: SIB-200's three largest labels: few, balanced, real topics.
* ``dominant_topic``: SIB-200's largest label whole, every other label cut to 25
  notes: one topic is most of the corpus.
* ``sib_plus_two_sources``: SIB-200 whole and 300 notes of each other file labelled by
  file: one region of the space much denser in topics than the rest.
* ``omastadi_questions_typical``, ``questions_mixed_typical``, ``all_labels_typical``: the
  same questions and labels, but of each the 45-60 most typical notes (nearest the
  label's mean direction, ``typical_rows``): questions that are distinct from each other.
  The unseen sets are of that kind (BERTopic + reduce_outliers scores ARI 0.44-0.69 on
  them, 0.35-0.42 on the drawn sets), and on such notes a rule that picks too few
  themes loses most.

Every draw is fixed (``SEED``), so the sets are the same on every machine (other draws,
``build_sets(..., draw=N)``, keep the questions and labels and draw other notes); vectors and
lemmas come from the caches of ``evaluation.datasets`` (the shortened OmaStadi texts
are embedded once under their own cache name). To look at them or run
``teemakartta evaluate`` on one:

    python -m evaluation.devsets --output data/devsets
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
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

__all__ = [
    "DEV_SETS",
    "FILES",
    "QUESTIONS",
    "SHARED_DATA",
    "DevSet",
    "build_sets",
    "question_rows",
    "shorten",
    "typical_rows",
]

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FILES = {
    "sib": "sib200_fin_topics",
    "omastadi": "omastadi_proposals",
    "eduskunta": "eduskunta_vkk_ministry_sentences",
}
SEED = 0  # every draw below; fixed so that the sets are the same every time
PER_GROUP = (45, 60)  # notes drawn per question or label, as in the unseen sets
LONGEST_NOTE = 320  # characters; the unseen notes average 180-320
SHORTEST_NOTE = 60  # a proposal cut shorter than this ("katso liite") is left out

# The subject a proposal's title names, as a pattern on the lower-cased title. A title
# naming two subjects is ambiguous and left out; subjects with fewer than 45 proposals
# (swimming halls, libraries, frisbee golf, ...) cannot make a question of 45-60 notes.
QUESTIONS = {
    "koirat": r"koir",
    "ulkokuntoilu": r"ulkokunto|ulkoliikun|kuntoilu|kuntoport|kuntolait|ulkosali|kuntorat",
    "valaistus": r"valais|valoa|valot\b|valoja|valo\b|lamp",
    "leikkipuistot": r"leikki",
    "skeittaus": r"skeit|skate|rullalau|parkour",
    "penkit": r"penk|istuim|istuskel",
    "uimarannat": r"uimarant|uimapaik|rantasauna|laituri",
    "uimahallit": r"uimahall|maauimal|uimala\b|uima-allas|kylpylä",
    "saunat_talviuinti": r"sauna|talviui|avanto",
    "roskat_siisteys": r"roskis|roska|jäteas|jäteastia|siisti",
    "nuoret": r"nuor",
    "ikaantyneet": r"senior|ikäihm|ikääntyn|vanhus|eläkeläi",
    "pyoraily": r"pyöräil|pyörät|pyöräpaik|pyöräteil|kaupunkipyör|pyörätie|pyörien",
    "luistelu": r"tekojää|luistel|luistin|kaukalo|jääkiek",
    "taide": r"taide|taitee|muraali|graffiti|katutaid|seinämaal|veistos",
    "puut_istutukset": r"puita|puiden|puu\b|puut\b|istut|kukk|vehre",
    "liikenneturvallisuus": r"liikenn|suojatie|nopeus|hidaste|koulutie|ylityspaik",
    "ulkoilureitit": r"reitti|reitit|reitin|polku|polut|latu|ladu|hiihto|luontopol",
    "tapahtumat_kulttuuri": r"tapahtum|festivaal|kulttuuri|teatter|elokuv|konsert|musiik|tanssi",
    "koulut": r"koulu",
    "kirjastot": r"kirjasto",
    "pallopelit": r"jalkapall|koripall|lentopall|pallokent|pallopel|futis|\bpallo",
    "mailapelit": r"tennis|padel|sulkapall|pingis|squash",
    "grillit": r"grill",
    "frisbeegolf": r"frisbee|frisbe|fribe",
    "niityt_luonto": r"niity|niitt|pölyttäj|perhos|lintu|linnu|hyönte",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class DevSet:
    """One development set: the notes (with labels), their (n, 384) vectors, lemma docs."""

    notes: LabelledNotes
    vectors: np.ndarray
    lemma_docs: list[str]
    shape: str  # what the set stands for, in a few words


def shorten(text: str, most: int = LONGEST_NOTE) -> str:
    """Whole sentences of ``text`` up to ``most`` characters (whitespace collapsed); a
    first sentence longer than that is cut at the last word that fits."""
    sentences = _SENTENCE_END.split(" ".join(text.split()))
    kept = ""
    for sentence in sentences:
        joined = f"{kept} {sentence}".strip()
        if len(joined) > most:
            break
        kept = joined
    if not kept:
        kept = sentences[0][:most].rsplit(" ", 1)[0]
    return kept


def question_rows(rows: Sequence[dict[str, Any]]) -> dict[str, list[int]]:
    """Question -> indexes of the OmaStadi rows whose title names that subject alone."""
    patterns = {name: re.compile(pattern) for name, pattern in QUESTIONS.items()}
    found: dict[str, list[int]] = {name: [] for name in QUESTIONS}
    for index, row in enumerate(rows):
        title = str(row.get("title", "")).lower()
        named = [name for name, pattern in patterns.items() if pattern.search(title)]
        if len(named) == 1 and len(shorten(row["text"])) >= SHORTEST_NOTE:
            found[named[0]].append(index)
    return found


def typical_rows(vectors: np.ndarray, members: np.ndarray, size: int) -> np.ndarray:
    """The ``size`` of ``members`` (row indexes of ``vectors`` (n, d), centred on their
    source's mean) nearest by cosine to the members' mean direction, sorted: a label's
    most typical notes. All of them when there are no more than ``size``."""
    rows = vectors[members]
    direction = rows.mean(axis=0)
    cosine = rows @ direction / np.maximum(np.linalg.norm(rows, axis=1), 1e-12)
    return np.sort(members[np.argsort(-cosine, kind="stable")[:size]])


Part = tuple[DevSet, np.ndarray, list[str]]
"""Rows of one source: (the source as a set, chosen rows, label of each chosen row)."""


def _combine(name: str, shape: str, parts: Sequence[Part]) -> DevSet:
    """One labelled set of the chosen rows of each part, with the given labels."""
    ids: list[str] = []
    texts: list[str] = []
    raw: list[str] = []
    regions: list[str | None] = []
    vectors: list[np.ndarray] = []
    lemmas: list[str] = []
    for source, rows, labels in parts:
        notes = source.notes
        ids += [f"{notes.name}:{notes.ids[i]}" for i in rows]
        texts += [notes.texts[i] for i in rows]
        regions += [notes.regions[i] for i in rows]
        raw += labels
        vectors.append(source.vectors[rows])
        lemmas += [source.lemma_docs[i] for i in rows]
    notes = labelled_notes(name, ids, texts, raw, regions)
    return DevSet(notes, np.vstack(vectors), lemmas, shape)


def _omastadi_questions(data_dir: Path, embedder: Any, analyzer: Any) -> DevSet:
    """Every OmaStadi proposal whose title names one subject, its text shortened; the
    label is the subject (``question_rows``)."""
    lines = (data_dir / f"{FILES['omastadi']}.jsonl").read_text("utf-8").split("\n")
    rows = [json.loads(line) for line in lines if line.strip()]
    chosen = [(q, i) for q, indexes in question_rows(rows).items() for i in indexes]
    notes = labelled_notes(
        "omastadi_question_pool",
        [str(rows[i]["id"]) for _, i in chosen],
        [shorten(rows[i]["text"]) for _, i in chosen],
        [q for q, _ in chosen],
        [rows[i].get("region") for _, i in chosen],
    )
    vectors, _ = cached_vectors(notes, embedder)
    lemmas, _ = cached_lemma_docs(notes, analyzer)
    return DevSet(notes, vectors, list(lemmas), "pool")


def _sources(data_dir: Path, embedder: Any, analyzer: Any) -> dict[str, DevSet]:
    """Source key -> the whole source as a set (its vectors and lemmas cached): each shared
    file, and "questions", the OmaStadi question pool."""
    sources: dict[str, DevSet] = {}
    for key, stem in FILES.items():
        notes = read_jsonl(data_dir / f"{stem}.jsonl")
        vectors, _ = cached_vectors(notes, embedder)
        lemmas, _ = cached_lemma_docs(notes, analyzer)
        sources[key] = DevSet(notes, vectors, list(lemmas), "shared file")
    sources["questions"] = _omastadi_questions(data_dir, embedder, analyzer)
    return sources


def _per_label(source: DevSet, rng: np.random.Generator, typical: bool = False) -> Part:
    """45-60 rows of every label of ``source`` that has at least 45, their number drawn
    with ``rng``: drawn at random with ``rng`` too, or (``typical``) the label's most
    typical rows (``typical_rows``)."""
    notes = source.notes
    centred = source.vectors - source.vectors.mean(axis=0) if typical else source.vectors
    rows = []
    for label in range(int(notes.labels.max()) + 1):
        members = np.flatnonzero(notes.labels == label)
        if len(members) < PER_GROUP[0]:
            continue
        size = int(rng.integers(PER_GROUP[0], PER_GROUP[1] + 1))
        if typical:
            rows.append(typical_rows(centred, members, size))
        else:
            rows.append(rng.choice(members, min(len(members), size), replace=False))
    chosen = np.sort(np.concatenate(rows))
    return source, chosen, [notes.label_names[notes.labels[i]] for i in chosen]


def _dominant_rows(sib: LabelledNotes, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sorted row indexes: every note of SIB's largest label and 25 drawn of each other."""
    largest = int(counts.argmax())
    rows = [np.flatnonzero(sib.labels == largest)]
    for label in range(len(sib.label_names)):
        if label != largest:
            rows.append(rng.choice(np.flatnonzero(sib.labels == label), 25, replace=False))
    return np.sort(np.concatenate(rows))


def build_sets(data_dir: Path, embedder: Any, analyzer: Any, draw: int = SEED) -> dict[str, DevSet]:
    """Every development set (module docstring), in a fixed order: name -> set. ``draw``:
    the seed of every draw (``SEED``: the reference sets; any other: the same questions
    and labels, other notes drawn, to see that a result is not one draw's luck)."""
    rng = np.random.default_rng(draw)
    sources = _sources(data_dir, embedder, analyzer)

    # The typical sets draw their sizes apart, so that the sets above stay as they were.
    typical_rng = np.random.default_rng([draw, 1])

    def per_label(key: str, typical: bool = False) -> Part:
        return _per_label(sources[key], typical_rng if typical else rng, typical)

    def by_file(key: str, count: int) -> Part:
        rows = np.sort(rng.choice(len(sources[key].notes.texts), count, replace=False))
        return sources[key], rows, [key] * count

    def whole(key: str, rows: np.ndarray | None = None) -> Part:
        notes = sources[key].notes
        chosen = np.arange(len(notes.texts)) if rows is None else rows
        return sources[key], chosen, [notes.label_names[notes.labels[i]] for i in chosen]

    sets = {
        "omastadi_questions": _combine(
            "omastadi_questions", "question-grouped", [per_label("questions")]
        ),
        "questions_mixed": _combine(
            "questions_mixed", "question-grouped", [per_label("questions"), per_label("sib")]
        ),
        "all_labels_drawn": _combine(
            "all_labels_drawn", "question-grouped", [per_label(k) for k in FILES]
        ),
        "all_labels_full": _combine("all_labels_full", "many themes", [whole(k) for k in FILES]),
        "three_sources": _combine("three_sources", "few themes", [by_file(k, 400) for k in FILES]),
    }
    sib = sources["sib"].notes
    counts = np.bincount(sib.labels)
    top3 = np.sort(np.argsort(-counts, kind="stable")[:3])
    sets["sib_top3"] = _combine(
        "sib_top3", "few themes", [whole("sib", np.flatnonzero(np.isin(sib.labels, top3)))]
    )
    sets["dominant_topic"] = _combine(
        "dominant_topic", "one dominant theme", [whole("sib", _dominant_rows(sib, counts, rng))]
    )
    sets["sib_plus_two_sources"] = _combine(
        "sib_plus_two_sources",
        "dense and sparse regions",
        [whole("sib"), by_file("omastadi", 300), by_file("eduskunta", 300)],
    )
    typical_parts = {
        "omastadi_questions_typical": ["questions"],
        "questions_mixed_typical": ["questions", "sib"],
        "all_labels_typical": list(FILES),
    }
    for name, keys in typical_parts.items():
        parts = [per_label(key, typical=True) for key in keys]
        sets[name] = _combine(name, "question-grouped", parts)
    return sets


DEV_SETS = (
    "omastadi_questions", "questions_mixed", "all_labels_drawn", "all_labels_full",
    "three_sources", "sib_top3", "dominant_topic", "sib_plus_two_sources",
    "omastadi_questions_typical", "questions_mixed_typical", "all_labels_typical",
)  # fmt: skip


def write_jsonl(dev_set: DevSet, path: Path) -> None:
    """The set as a labelled JSONL file that ``teemakartta evaluate`` reads."""
    notes = dev_set.notes
    with path.open("w", encoding="utf-8") as handle:
        for i, text in enumerate(notes.texts):
            row = {"id": notes.ids[i], "text": text, "label": notes.label_names[notes.labels[i]]}
            if notes.regions[i] is not None:
                row["region"] = notes.regions[i]
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def describe(dev_set: DevSet) -> dict[str, Any]:
    """Facts of one set: notes, labels, label sizes, mean characters, the shape."""
    notes = dev_set.notes
    sizes = np.bincount(notes.labels)
    return {
        "shape": dev_set.shape,
        "notes": len(notes.texts),
        "labels": len(notes.label_names),
        "notes_per_label": [int(sizes.min()), int(sizes.max())],
        "mean_characters": round(float(np.mean([len(t) for t in notes.texts])), 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    from evaluation.quality import default_embedder_and_analyzer

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="the shared data folder")
    parser.add_argument("--output", type=Path, help="write each set here as <name>.jsonl")
    args = parser.parse_args(argv)
    sets = build_sets(args.data, *default_embedder_and_analyzer())
    if args.output:
        args.output.mkdir(parents=True, exist_ok=True)
    for name, dev_set in sets.items():
        print(name, json.dumps(describe(dev_set), ensure_ascii=False))
        if args.output:
            write_jsonl(dev_set, args.output / f"{name}.jsonl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
