"""Lemmas per distinct word form: how close to the full spaCy pipeline, at what cost?

The language stage runs spaCy's Finnish pipeline (tok2vec, tagger, morphologizer,
parser, Voikko lemmatizer) over every note; that is the slowest part of an upload
(issue 18). The cheaper idea measured here: tokenise with spaCy's tokenizer alone,
ask Voikko once per distinct word form of the corpus, and keep its base form where
every reading agrees; only ambiguous forms would need the tagger. For those the
lemmatizer's own rule without a part of speech stands in (non-compound reading first).

Reported on the upload bench's notes (the two shared sentence sets): seconds of each
path, share of word tokens whose form is ambiguous (would need the tagger), and the
agreement of the per-form lemma with today's lemma, on every word token and on the
unambiguous ones.

Measured (1,000 notes, ``results/lemmas_per_form.json``): 25x faster (0.18 s against
4.62 s), but only 85.3% of word tokens get today's lemma (87.5% of tokens whose form
Voikko reads one way): the pipeline's lemmatizer chooses by part of speech even among
one base form's readings (adverbs keep their form, "esimerkiksi", "nopeasti";
participles go to their verb, "koskeva" -> koskea; "-minen" nouns), so the tagger is
needed on most tokens, and theme names need the parser's noun phrases anyway. Not adopted.

    python -m evaluation.lemmas [--notes 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evaluation.bench.common import RESULTS_DIR, write_json
from evaluation.bench.upload import upload_notes
from evaluation.evaluate import machine_info

RESULT = RESULTS_DIR / "lemmas_per_form.json"


def per_form_lemmas(nlp: Any, texts: Sequence[str]) -> tuple[list[list[tuple[str, str]]], set[str]]:
    """(form, lemma) of every word token per text, and the ambiguous forms; Voikko is
    asked once per distinct form, spaCy only tokenises."""
    from service.pipeline.language import _clean

    lemmatizer = nlp.get_pipe("lemmatizer")
    tokens = [
        [t.text for t in nlp.tokenizer(text) if any(c.isalnum() for c in t.text)] for text in texts
    ]
    lemma_of: dict[str, str] = {}
    ambiguous: set[str] = set()
    for form in {f for forms in tokens for f in forms}:
        readings = lemmatizer.voikko.analyze(form.rsplit("-", 1)[-1] or form)
        bases = {r.get("BASEFORM", "").lower() for r in readings} - {""}
        if len(bases) > 1:
            ambiguous.add(form)
            # The lemmatizer's rule for nouns when it cannot tell: non-compound first.
            readings = sorted(readings, key=lambda r: r.get("STRUCTURE", "").count("=") > 1)
        base = readings[0].get("BASEFORM", form) if readings else form
        if "-" in form.strip("-") and readings:
            base = form.rsplit("-", 1)[0] + "-" + base
        lemma_of[form] = _clean(base) or _clean(form)
    return [[(f, lemma_of[f]) for f in forms] for forms in tokens], ambiguous


def measure(count: int) -> dict[str, Any]:
    """Both paths on the first ``count`` upload notes: seconds, ambiguity, agreement."""
    from service.pipeline.language import FinnishAnalyzer, shared_pipeline

    texts = upload_notes(count)
    analyzer = FinnishAnalyzer(entities=False)
    analyzer.analyze(["Lämmittely."])  # load outside the clock
    nlp, _ = shared_pipeline()
    started = time.perf_counter()
    full = analyzer.analyze(texts)
    full_seconds = time.perf_counter() - started
    started = time.perf_counter()
    cheap, ambiguous = per_form_lemmas(nlp, texts)
    cheap_seconds = time.perf_counter() - started
    same = same_clear = clear = words = aligned_notes = 0
    for note, words_of_note in zip(full, cheap, strict=True):
        if len(note.lemmas) != len(words_of_note):
            continue  # tokenisation differs (a long text cut in pieces): not compared
        aligned_notes += 1
        for lemma, (form, guess) in zip(note.lemmas, words_of_note, strict=True):
            words += 1
            same += lemma == guess
            if form not in ambiguous:
                clear += 1
                same_clear += lemma == guess
    return {
        "notes": len(texts),
        "notes_compared": aligned_notes,
        "word_tokens": words,
        "distinct_forms": len({f for note in cheap for f, _ in note}),
        "spacy_pipeline_seconds": round(full_seconds, 2),
        "per_form_seconds": round(cheap_seconds, 2),
        "speedup": round(full_seconds / cheap_seconds, 1),
        "ambiguous_token_share": round(1 - clear / words, 4),
        "agreement_all_tokens": round(same / words, 4),
        "agreement_unambiguous_tokens": round(same_clear / clear, 4),
        "machine": machine_info(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, default=1000, help="first N upload notes")
    parser.add_argument("--output", type=Path, default=RESULT)
    args = parser.parse_args(argv)
    result = measure(args.notes)
    write_json(args.output, result)
    print({k: v for k, v in result.items() if k != "machine"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
