"""What one spaCy call is given is bounded, and two jobs share spaCy in turn."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from service.pipeline import language
from service.pipeline.language import (
    _MAX_BATCH_CHARS,
    FairLock,
    _analyze_with_spacy,
    _batches,
    _load_spacy,
)
from tests.conftest import CORPORA


class _Recording:
    """The real spaCy pipeline, noting how many characters each ``pipe`` call gets."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.calls: list[int] = []
        self.pipe_names = nlp.pipe_names

    def pipe(self, texts: Sequence[str], batch_size: int, disable: list[str]) -> Iterator[Any]:
        self.calls.append(sum(len(t) for t in texts))
        return self.nlp.pipe(texts, batch_size=batch_size, disable=disable)


def test_batches_hold_at_most_so_many_texts_and_characters() -> None:
    assert _batches([10] * 5, batch_size=2, max_chars=100) == [(0, 2), (2, 4), (4, 5)]
    assert _batches([40, 40, 40, 150, 10], batch_size=64, max_chars=100) == [
        (0, 2),
        (2, 3),
        (3, 4),  # a longer text alone
        (4, 5),
    ]
    assert _batches([], batch_size=64) == []


def test_no_spacy_call_gets_more_than_the_bound() -> None:
    """The issue: one 4.9M-character note went to spaCy whole (as 49 pieces in one batch)
    and took the service from 2 to 11 GB. Here a 120,000-character text and many notes."""
    text = (CORPORA / "sitra_alueiden-osaamisen-aika.txt").read_text(encoding="utf-8")
    long_text = (text * (120_000 // len(text) + 1))[:120_000]
    notes = [line for line in text.splitlines() if len(line.split()) > 3]
    recording = _Recording(_load_spacy(language.DEFAULT_SPACY_MODEL))
    analyses = _analyze_with_spacy(recording, [long_text, *notes], batch_size=64)  # type: ignore[arg-type]
    assert len(recording.calls) >= 120_000 // _MAX_BATCH_CHARS + 1
    assert max(recording.calls) <= _MAX_BATCH_CHARS
    assert sum(recording.calls) == len(long_text) + sum(len(n) for n in notes)
    assert len(analyses) == len(notes) + 1 and len(analyses[0].lemmas) > 10_000


def test_the_spacy_lock_is_taken_in_turn() -> None:
    """A thread that releases the lock and asks again queues behind one already waiting."""
    lock = FairLock()
    order: list[str] = []
    lock.__enter__()

    def other() -> None:
        with lock:
            order.append("other")

    waiting = threading.Thread(target=other)
    waiting.start()
    while lock._next_ticket < 2:  # the other thread has asked
        time.sleep(0.001)
    lock.__exit__(None, None, None)
    with lock:
        order.append("first again")
    waiting.join()
    assert order == ["other", "first again"]
