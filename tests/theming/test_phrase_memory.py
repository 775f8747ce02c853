"""The phrases of a large run's notes share their strings.

A run keeps every note's phrases for naming (200,000 notes at a time in bench
``large``); the same phrase in many notes was a separate string in each.
"""

from __future__ import annotations

import json

from service.pipeline.phrases import as_phrases


def test_the_same_phrase_in_many_notes_is_stored_once() -> None:
    notes = 20_000
    stored = json.dumps(
        [[["kehittäminen", "kehittämistä", "1"], ["pito", "pitovoimaa", "2"]]] * notes
    )
    decoded = json.loads(stored)  # as the database gives them: new strings per note
    phrases = [as_phrases(note) for note in decoded]
    assert phrases[0] == [("kehittäminen", "kehittämistä", "1"), ("pito", "pitovoimaa", "2")]
    # One string for all notes, so the decoded copies can go once the rows are read.
    assert all(p[0][0] is phrases[0][0][0] and p[1][1] is phrases[0][1][1] for p in phrases)
