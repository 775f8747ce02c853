"""Redact detected personal data with typed placeholders, keeping every offset right.

Pure functions over plain data: ``redact_text`` replaces detections with their
placeholders through Presidio's ``AnonymizerEngine``; ``OffsetMap`` carries a
position in the original text to the same place in the redacted one, so that a note
that was ``text[start:end]`` is ``redacted[map.start(start):map.end(end)]``.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.pipeline.privacy.detect import PLACEHOLDERS, Detection

if TYPE_CHECKING:
    from presidio_anonymizer import AnonymizerEngine

__all__ = ["OffsetMap", "Redaction", "redact_text", "without_placeholders"]


@dataclass(frozen=True)
class Redaction:
    """A redacted text and where each placeholder now stands.

    ``spans[i]`` is the (start, end) of the placeholder of ``detections[i]`` in
    ``text``; ``offsets`` maps positions of the original text into ``text``.
    """

    text: str
    detections: tuple[Detection, ...]
    spans: tuple[tuple[int, int], ...]
    offsets: OffsetMap


class OffsetMap:
    """Positions of an original text -> positions in its redacted version.

    ``replaced``: (start, end, new_start, new_end) of each replaced span, in order and
    non-overlapping. A position inside a replaced span goes to the start of its
    placeholder when it starts something (``start``) and to its end when it ends
    something (``end``), so a note never ends up holding half a placeholder.
    """

    def __init__(self, replaced: Sequence[tuple[int, int, int, int]]) -> None:
        self.replaced = tuple(replaced)
        self._starts = [start for start, _end, _new_start, _new_end in self.replaced]

    def start(self, position: int) -> int:
        return self._map(position, at_end=False)

    def end(self, position: int) -> int:
        return self._map(position, at_end=True)

    def _map(self, position: int, *, at_end: bool) -> int:
        # The last replaced span that starts before the position (or at it, for a start).
        find = bisect.bisect_left if at_end else bisect.bisect_right
        index = find(self._starts, position) - 1
        if index < 0:
            return position
        _start, end, new_start, new_end = self.replaced[index]
        if at_end and position <= end:
            return new_end
        if not at_end and position < end:
            return new_start
        return new_end + (position - end)


def redact_text(text: str, detections: Sequence[Detection]) -> Redaction:
    """Replace each detection (non-overlapping, any order) with its typed placeholder."""
    ordered = sorted(detections, key=lambda d: d.start)
    if not ordered:
        return Redaction(text, (), (), OffsetMap(()))
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    anonymized = _anonymizer().anonymize(
        text=text,
        analyzer_results=[RecognizerResult(d.entity, d.start, d.end, d.score) for d in ordered],
        operators={
            entity: OperatorConfig("replace", {"new_value": placeholder})
            for entity, placeholder in PLACEHOLDERS.items()
        },
        merge_entities_with_spaces=False,  # one placeholder per finding, as listed
    )
    placed = sorted((item.start, item.end) for item in anonymized.items)
    if len(placed) != len(ordered):  # the detections overlapped: a caller's error
        raise ValueError("detections to redact must not overlap")
    replaced = [(d.start, d.end, s, e) for d, (s, e) in zip(ordered, placed, strict=True)]
    return Redaction(anonymized.text, tuple(ordered), tuple(placed), OffsetMap(replaced))


def without_placeholders(text: str) -> str:
    """``text`` with every placeholder blanked out, for the lemmatizer.

    A placeholder is no word of the note: "[NIMI]" must not become the lemma "nimi"
    and name a theme.
    """
    for placeholder in PLACEHOLDERS.values():
        text = text.replace(placeholder, " ")
    return text


@functools.cache
def _anonymizer() -> AnonymizerEngine:
    from presidio_anonymizer import AnonymizerEngine

    return AnonymizerEngine()
