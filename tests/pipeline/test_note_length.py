"""Long notes are split at sentence, then clause, boundaries into notes of at most the
limit, with exact offsets; what cannot be split is refused."""

from __future__ import annotations

import pytest

from service.pipeline.document import NoteDraft, ParsedDocument
from service.pipeline.note_length import (
    MAX_NOTE_CHARS,
    NoteTooLong,
    bound_note_length,
    split_text,
)
from service.pipeline.segment import segment

SENTENCE = "Kuntien yhteistyö vahvistaa alueen elinvoimaa ja osaamista. "  # 60 characters


def _check_spans(text: str, spans: list[tuple[int, int]], limit: int) -> None:
    assert all(0 < end - start <= limit for start, end in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    covered = "".join(text[start:end] for start, end in spans)
    assert "".join(covered.split()) == "".join(text.split())  # nothing but spaces lost


def test_short_text_is_one_piece_and_sentences_are_packed_up_to_the_limit() -> None:
    assert split_text("Lyhyt muistiinpano.", 100) == [(0, 19)]
    text = SENTENCE * 10
    spans = split_text(text, 200)
    _check_spans(text, spans, 200)
    # whole sentences only: three fit in 200 characters
    assert [text[a:b].count(".") for a, b in spans] == [3, 3, 3, 1]


def test_a_sentence_too_long_is_split_at_its_clauses() -> None:
    clause = "yhteistyö on tärkeää kaikille kunnille, "  # no sentence ends in the text
    text = "Alussa " + clause * 200
    spans = split_text(text, 500)
    _check_spans(text, spans, 500)
    assert len(spans) == len(text) // 500 + 1
    assert all(text[a:b].endswith(",") for a, b in spans[:-1])
    dashed = "Ensin tämä – sitten tuo – " * 50
    _check_spans(dashed, split_text(dashed, 100), 100)


def test_text_without_any_boundary_is_refused_with_where_it_is() -> None:
    text = "Alku. Sana " + "sana " * 1000
    with pytest.raises(NoteTooLong) as refused:
        split_text(text, 2000)
    assert refused.value.start == 6 and refused.value.length == len(text) - 7
    assert "5,004 characters (from character 6) has no sentence or clause break" in str(
        refused.value
    )


def _notes(text: str) -> tuple[NoteDraft, ...]:
    return segment(ParsedDocument(text=text, format="txt"), kind="workshop")


def test_notes_keep_exact_offsets_positions_and_parents() -> None:
    long_bullet = (SENTENCE * 40).strip()  # 2,399 characters
    text = f"Otsikko\n\n- Lyhyt ensimmäinen kohta tässä\n- {long_bullet}\n  - Alakohta tässä\n"
    notes = _notes(text)
    assert [n.kind for n in notes] == ["bullet", "bullet", "sub_bullet"]
    bounded = bound_note_length(notes)
    assert len(bounded) == 4
    assert all(len(n.text) <= MAX_NOTE_CHARS for n in bounded)
    assert all(text[n.start : n.end] == n.text for n in bounded)
    assert [n.position for n in bounded] == [0, 1, 2, 3]
    assert bounded[3].parent == 1 and bounded[3].context == bounded[1].text
    assert bounded[1].kind == bounded[2].kind == "bullet"
    assert bound_note_length(bounded) == bounded  # nothing left to split


def test_table_rows_keep_their_metadata_when_split() -> None:
    row = NoteDraft(SENTENCE * 50, 0, 3000, 0, "row", metadata={"alue": "Kallio"})
    bounded = bound_note_length((row,), 1000)  # 16 sentences of 60 characters fit in one
    assert [n.text.count(".") for n in bounded] == [16, 16, 16, 2]
    assert {n.kind for n in bounded} == {"row"}
    assert all(n.metadata == {"alue": "Kallio"} for n in bounded)


def test_a_note_that_cannot_be_split_is_refused_at_its_place_in_the_document() -> None:
    text = "Otsikko\n\n" + "yhteistyö on tärkeää ja " * 200
    with pytest.raises(NoteTooLong) as refused:
        bound_note_length(_notes(text), 1000)
    assert refused.value.start == len("Otsikko\n\n")
