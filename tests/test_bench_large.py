"""The 200,000-note bench's notes: distinct, and as many as asked."""

from __future__ import annotations

import pytest

from evaluation.bench.large import varied_notes

SENTENCES = [
    "Nuoret muuttavat pois maakunnasta töiden perässä",
    "Yritykset tarvitsevat osaavaa työvoimaa",
]


def test_variants_are_distinct_and_keep_their_sources_words() -> None:
    notes = varied_notes(SENTENCES, 9)
    assert len(set(notes)) == 9 and notes[:2] == SENTENCES
    assert all(set(note.split()) <= set(" ".join(SENTENCES).split()) for note in notes)


def test_too_few_sentences_for_the_count_is_an_error() -> None:
    with pytest.raises(ValueError, match="only"):
        varied_notes(SENTENCES, 100)
