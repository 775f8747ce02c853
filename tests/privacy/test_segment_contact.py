"""Segmentation keeps sentences that happen to hold an e-mail or phone number: the privacy
stage redacts the value, so the "contact" rule only drops lines that are nothing else."""

from __future__ import annotations

import pytest

from service.pipeline.document import ParsedDocument
from service.pipeline.segment import is_leftover, segment

TURNS = [
    "Laita viestiä sanna.tiihonen@pshyvinvointi.fi niin sovitaan aika.",
    "Minuun saa yhteyttä numerosta +358 40 555 0199 tai sähköpostilla s.t@pshyvinvointi.fi.",
    "Soita minulle, puh. 040 123 4567, jos tarvitset kyydin kylältä.",
]


@pytest.mark.parametrize("turn", TURNS)
def test_a_sentence_with_contact_details_is_content(turn: str) -> None:
    assert not is_leftover(turn)
    document = ParsedDocument(
        f"Kuljetukset\n\n{turn}\n\nToinen ajatus on tässä ihan lauseena.", "txt"
    )
    assert turn in [note.text for note in segment(document, kind="other")]


@pytest.mark.parametrize(
    "line", ["merja.olenius@esavo.fi", "Sähköposti: merja.olenius@esavo.fi", "puh. 040 629 7210"]
)
def test_a_line_of_contact_details_alone_is_still_a_leftover(line: str) -> None:
    assert is_leftover(line)
