"""PowerPoint decks (.pptx) as text the segmenter reads like a Learning Cafe summary.

Each slide becomes: its title on a line of its own (a group heading: its offset goes
into ``ParsedDocument.headings``), the first body paragraph when it is a question, then
every other paragraph as a "- " bullet indented by its ``paragraph.level``, then the
notes pane's paragraphs as bullets. Footers, dates and slide numbers are dropped by
placeholder type; text boxes repeated on most slides (logos, funding lines, page
numbers typed by hand) and notes pane lines repeated on most slides (a facilitator's
contact line pasted into every slide's notes) by counting. A title slide's title is the
document's title.
"""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from service.pipeline.document import ParsedDocument
from service.pipeline.errors import ParseError, check_zip, reading
from service.pipeline.leftovers import furniture_key
from service.pipeline.sentences import ends_in_question
from service.pipeline.text import normalize_text, too_long

__all__ = ["REPEATED_SHARE", "pptx_document"]

# A text box on at least this share of the slides (and on at least MIN_REPEATS of
# them) is furniture: logos, funding lines, footers typed by hand.
REPEATED_SHARE = 0.5
MIN_REPEATS = 3
MAX_LEVEL = 8  # PowerPoint's deepest outline level
MAX_SLIDES = 5_000

_TITLES = {1, 3, 5}  # PP_PLACEHOLDER TITLE, CENTER_TITLE, VERTICAL_TITLE
_FURNITURE = {13, 14, 15, 16}  # SLIDE_NUMBER, HEADER, FOOTER, DATE
_CENTER_TITLE = 3


@dataclass(frozen=True)
class Paragraph:
    text: str
    level: int = 0


@dataclass
class Slide:
    """What one slide says: title, text boxes (each a list of paragraphs), notes pane."""

    title: str | None = None
    title_slide: bool = False
    boxes: list[list[Paragraph]] = field(default_factory=list)
    notes: list[Paragraph] = field(default_factory=list)


def pptx_document(content: bytes, max_chars: int) -> ParsedDocument:
    """The deck as normalised text with its slide titles as group headings."""
    check_zip(content, "PowerPoint file")
    with reading("PowerPoint file"):
        from pptx import Presentation  # imported late: only decks pay for it

        presentation = Presentation(io.BytesIO(content))
        slides: list[Slide] = []
        for number, slide in enumerate(presentation.slides):
            if number >= MAX_SLIDES:
                raise ParseError(
                    f"The deck has more than {MAX_SLIDES:,} slides: split it.",
                    finnish=f"Esityksessä on yli {MAX_SLIDES} diaa: jaa se osiin.",
                )
            slides.append(_read_slide(slide))
    boxes, notes_lines = repeated_boxes(slides), repeated_notes(slides)
    blocks: list[str] = []
    headings: list[int] = []
    length = 0
    title: str | None = None
    for slide in slides:
        for block, is_heading in _slide_blocks(slide, boxes, notes_lines):
            if is_heading:
                headings.append(length)
            blocks.append(block)
            length += len(block) + 2
            if length > max_chars:
                raise too_long(max_chars)
        if slide.title_slide and title is None:
            title = slide.title
    text = "\n\n".join(blocks)
    if not text.strip():
        raise ParseError(
            "The deck has no text on its slides: upload a deck with text.",
            finnish="Esityksen dioilla ei ole tekstiä: lataa esitys, jossa on tekstiä.",
        )
    return ParsedDocument(text=text, format="pptx", title=title, headings=frozenset(headings))


def repeated_boxes(slides: list[Slide]) -> set[str]:
    """Keys (see ``_box_key``) of text boxes that appear on most slides."""
    return _on_most([{_box_key(box) for box in slide.boxes} for slide in slides])


def repeated_notes(slides: list[Slide]) -> set[str]:
    """Keys of notes pane paragraphs that appear on most slides."""
    return _on_most([{furniture_key(p.text) for p in slide.notes} for slide in slides])


def _on_most(keys: list[set[str]]) -> set[str]:
    """The keys found in at least ``REPEATED_SHARE`` of the slides' key sets."""
    if len(keys) < MIN_REPEATS:
        return set()
    counts: Counter[str] = Counter(key for slide in keys for key in slide)
    limit = max(MIN_REPEATS, REPEATED_SHARE * len(keys))
    return {key for key, count in counts.items() if count >= limit}


def _box_key(box: list[Paragraph]) -> str:
    return furniture_key(" ".join(p.text for p in box))


def _slide_blocks(
    slide: Slide, boxes: set[str], notes_lines: set[str]
) -> Iterator[tuple[str, bool]]:
    """(block of text, whether it is a group heading) in reading order, without the text
    boxes and notes pane lines whose keys are furniture (``boxes``, ``notes_lines``)."""
    if slide.title and not slide.title_slide:
        yield slide.title, True
    elif slide.title:
        yield slide.title, False
    paragraphs = [p for box in slide.boxes if _box_key(box) not in boxes for p in box]
    if paragraphs and slide.title and not slide.title_slide and _is_question(paragraphs[0]):
        yield paragraphs[0].text, False
        paragraphs = paragraphs[1:]
    if slide.title_slide:  # a subtitle is prose under the document's title, not a bullet
        yield from ((p.text, False) for p in paragraphs)
        paragraphs = []
    notes = [p for p in slide.notes if furniture_key(p.text) not in notes_lines]
    bullets = [" " * p.level + "- " + p.text for p in paragraphs + notes]
    if bullets:
        yield "\n".join(bullets), False


def _is_question(paragraph: Paragraph) -> bool:
    return paragraph.level == 0 and ends_in_question(paragraph.text)


def _read_slide(slide: Any) -> Slide:
    read = Slide()
    for shape in sorted(_shapes(slide.shapes), key=_reading_order):
        kind = _placeholder_type(shape)
        if kind in _FURNITURE:
            continue
        if kind in _TITLES and read.title is None:
            read.title = " ".join(p.text for p in _paragraphs(shape)) or None
            read.title_slide = kind == _CENTER_TITLE
            continue
        box = list(_paragraphs(shape))
        if box:
            read.boxes.append(box)
    if slide.has_notes_slide:
        frame = slide.notes_slide.notes_text_frame
        if frame is not None:
            read.notes = [p for p in (_paragraph(p) for p in frame.paragraphs) if p is not None]
    return read


def _shapes(shapes: Any) -> Iterator[Any]:
    """Every shape, group shapes opened (at most a few levels, as PowerPoint makes them)."""
    for shape in shapes:
        if getattr(shape, "shape_type", None) == 6:  # MSO_SHAPE_TYPE.GROUP
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _reading_order(shape: Any) -> tuple[int, int, int]:
    kind = _placeholder_type(shape)
    first = 0 if kind in _TITLES else 1  # titles first, wherever they were placed
    return first, int(shape.top or 0), int(shape.left or 0)


def _placeholder_type(shape: Any) -> int | None:
    if not shape.is_placeholder:
        return None
    kind = shape.placeholder_format.type
    return int(kind) if kind is not None else None


def _paragraphs(shape: Any) -> Iterator[Paragraph]:
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        for paragraph in shape.text_frame.paragraphs:
            read = _paragraph(paragraph)
            if read is not None:
                yield read
    elif getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            cells: list[str] = []
            for cell in row.cells:
                text = _clean(cell.text)
                if text and (not cells or cells[-1] != text):  # merged cells repeat
                    cells.append(text)
            if cells:
                yield Paragraph(" | ".join(cells))


def _paragraph(paragraph: Any) -> Paragraph | None:
    text = _clean(paragraph.text)
    if not text:
        return None
    return Paragraph(text, min(max(int(paragraph.level or 0), 0), MAX_LEVEL))


def _clean(text: str) -> str:
    """One line: soft line breaks (vertical tabs) and runs of spaces become one space."""
    text = normalize_text(text.replace("\v", " ").replace("\n", " "))
    return unicodedata.normalize("NFC", " ".join(text.split()))
