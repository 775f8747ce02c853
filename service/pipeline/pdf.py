"""PDF text by layout: lines with their positions (pdfplumber), laid out again as text
the segmenter reads — bullets as "- " lines indented by level, wrapped lines joined.

Lines are joined by where they sit, not by their first letter: a line continues the
one above when it starts at the same indentation (or at a bullet's hanging indent) with
no more than a line's gap between them. Text repeated at the same place on most pages
(running headers, footers, page numbers, slide logos) is dropped.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from service.pipeline.errors import ParseError, reading
from service.pipeline.leftovers import furniture_key
from service.pipeline.text import too_long

__all__ = ["BULLET_GLYPHS", "Line", "lay_out", "pdf_lines"]

# Word's Symbol bullet (U+F0B7) and Wingdings squares/arrows (U+F0A7, U+F0D8), the
# bullet, squares, circles, dashes, and Word's second-level "o" (Courier New).
BULLET_GLYPHS = (
    "\uf0b7\uf0a7\uf0d8\uf076\uf0fc"  # Symbol and Wingdings, as Word embeds them
    "\u2022\u25aa\u25cf\u25e6\u25a0\u25a1\u2023\u2043\u27a2\u25ba"  # • ▪ ● ◦ ■ □ ‣ ⁃ ➢ ►
    "\u2013\u2014\u2212-*o"  # dashes, asterisk, "o"
)
_BULLET_RE = re.compile(rf"(?P<glyph>[{re.escape(BULLET_GLYPHS)}])\s+(?P<body>\S.*)")
# Tolerances in points: positions within ALIGN_POINTS are the same indentation; a
# gap above a line larger than PARAGRAPH_GAP line heights starts a new paragraph (one
# larger than LIST_GAP a new list); a
# line HEADING_SIZE times the body's font size is a heading.
ALIGN_POINTS = 3.0
PARAGRAPH_GAP = 0.8
LIST_GAP = 2.5  # list items are spaced apart more than wrapped lines, but stay one list
HEADING_SIZE = 1.2
REPEATED_SHARE = 0.5
MIN_REPEATS = 3
PLACE_POINTS = 12.0  # "the same place" on two pages: tops within this many points


@dataclass(frozen=True)
class Line:
    """One line of a page: ``x0`` its left edge and ``body_x0`` where its text starts after
    a bullet glyph, ``top``/``bottom`` from the page's top, ``size`` the font size (all in
    points)."""

    text: str
    x0: float
    top: float
    bottom: float
    size: float
    body_x0: float | None = None

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


def pdf_lines(content: bytes, max_chars: int) -> tuple[list[list[Line]], str | None]:
    """The lines of every page (in reading order) and the PDF's title, if it has one."""
    if b"%PDF-" not in content[:1024]:
        raise ParseError(
            "This file is not a PDF: check the file or its extension.",
            finnish="Tiedosto ei ole PDF: tarkista tiedosto tai sen pääte.",
        )
    _refuse_locked(content)
    pages: list[list[Line]] = []
    length = 0
    with reading("PDF"):
        import pdfplumber  # imported late: only PDF uploads pay for it

        with pdfplumber.open(io.BytesIO(content)) as pdf:
            title = pdf.metadata.get("Title")
            for page in pdf.pages:
                lines = [_line(raw) for raw in page.extract_text_lines(return_chars=True)]
                pages.append([line for line in lines if line is not None])
                length += sum(len(line.text) + 1 for line in pages[-1])
                if length > max_chars:
                    raise too_long(max_chars)
                page.close()  # pdfplumber caches every page's objects otherwise
    if not any(pages):
        raise ParseError(
            "This PDF has no text layer; it needs OCR before upload.",
            finnish="PDF-tiedostossa ei ole tekstikerrosta: se pitää tekstintunnistaa (OCR) "
            "ennen latausta.",
        )
    return pages, title if isinstance(title, str) and title.strip() else None


def _refuse_locked(content: bytes) -> None:
    """A PDF that needs a password to open; an owner-only password still opens."""
    with reading("PDF"):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(content))
        if not reader.is_encrypted:
            return
        try:
            opened = bool(reader.decrypt(""))
        except Exception:
            opened = False
    if not opened:
        raise ParseError(
            "This PDF is password protected: remove the password (or print it to a new "
            "PDF) and upload again.",
            finnish="PDF-tiedosto on suojattu salasanalla: poista salasana (tai tulosta se "
            "uudeksi PDF-tiedostoksi) ja lataa uudelleen.",
        )


def _line(raw: dict[str, object]) -> Line | None:
    text = " ".join(str(raw["text"]).split())
    chars = raw.get("chars")
    if not text or not isinstance(chars, list) or not chars:
        return None
    sizes = [float(c["size"]) for c in chars if str(c.get("text", "")).strip()]
    body_x0 = None
    if _BULLET_RE.fullmatch(text):
        visible = [c for c in chars if str(c.get("text", "")).strip()]
        body_x0 = float(visible[1]["x0"]) if len(visible) > 1 else None
    return Line(
        text,
        float(raw["x0"]),  # type: ignore[arg-type]
        float(raw["top"]),  # type: ignore[arg-type]
        float(raw["bottom"]),  # type: ignore[arg-type]
        statistics.median(sizes) if sizes else 0.0,
        body_x0,
    )


def drop_repeated(pages: Sequence[Sequence[Line]]) -> list[list[Line]]:
    """Pages without the lines that recur at the same place on most pages (see
    ``furniture_key``)."""

    def key(line: Line) -> tuple[str, int]:
        return furniture_key(line.text), round(line.top / PLACE_POINTS)

    if len(pages) < MIN_REPEATS:
        return [list(page) for page in pages]
    counts: Counter[tuple[str, int]] = Counter()
    for page in pages:
        counts.update({key(line) for line in page})
    limit = max(MIN_REPEATS, REPEATED_SHARE * len(pages))
    return [[line for line in page if counts[key(line)] < limit] for page in pages]


def lay_out(pages: Sequence[Sequence[Line]]) -> str:
    """Text blocks separated by blank lines; bullets as "- " lines, two spaces per level.

    A page break ends a paragraph (a paragraph running over a page becomes two).
    """
    pages = drop_repeated(pages)
    body_size = _body_size(pages)
    levels = _bullet_levels(pages)
    blocks: list[list[str]] = []
    for page in pages:
        previous: Line | None = None
        kind = ""  # of the block being written: "bullet", "prose" or "heading"
        block_lines = 0  # lines in the block being written
        for line in page:
            block_lines += 1
            bullet = _BULLET_RE.fullmatch(line.text)
            heading = body_size > 0 and line.size >= HEADING_SIZE * body_size
            if bullet is not None and not heading:
                entry = "  " * levels.get(_position(line.x0), 0) + "- " + bullet["body"]
                if kind == "bullet" and previous is not None and _near(previous, line, LIST_GAP):
                    blocks[-1].append(entry)
                else:
                    blocks.append([entry])
                kind, block_lines = "bullet", 1
            elif (
                previous is not None
                and heading == (kind == "heading")
                and _continues(previous, line, kind, hanging=block_lines == 2)
            ):
                blocks[-1][-1] = _join(blocks[-1][-1], line.text)
                if kind == "bullet":  # the next wrapped line aligns with the bullet's text
                    line = replace(line, x0=previous.x0, body_x0=previous.body_x0)
            else:
                blocks.append([line.text])
                kind, block_lines = ("heading" if heading else "prose"), 1
            previous = line
    return "\n\n".join("\n".join(block) for block in blocks)


def _continues(previous: Line, line: Line, kind: str, hanging: bool) -> bool:
    """A wrapped line: close below, at the text's own indentation, in the same type size.

    ``hanging``: ``line`` would be the block's second line, which may sit to the right of
    the first (a hanging indent)."""
    if not _near(previous, line) or abs(line.size - previous.size) > 1.0:
        return False
    if kind == "bullet":
        indent = previous.body_x0 if previous.body_x0 is not None else previous.x0
        return line.x0 >= indent - ALIGN_POINTS
    # Prose and headings: the same left edge, back to it after an indented first line, or
    # a hanging indent from the first line on.
    return hanging or line.x0 <= previous.x0 + ALIGN_POINTS


def _near(previous: Line, line: Line, gap_lines: float = PARAGRAPH_GAP) -> bool:
    gap = line.top - previous.bottom
    return -previous.height < gap <= gap_lines * previous.height


def _join(text: str, more: str) -> str:
    """Join a wrapped line; a word broken with a hyphen ("työ-" + "voima") is mended."""
    if text.endswith("-") and more[:1].islower() and more.split(" ", 1)[0] not in _CONJUNCTIONS:
        return text[:-1] + more if text[-2:-1].isalpha() else text + more
    return text + " " + more


_CONJUNCTIONS = frozenset({"ja", "tai", "sekä", "eli", "och", "and", "or"})


def _body_size(pages: Sequence[Sequence[Line]]) -> float:
    """The font size carrying most characters."""
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page:
            weights[round(line.size, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _position(x0: float) -> int:
    return round(x0 / ALIGN_POINTS)


def _bullet_levels(pages: Sequence[Sequence[Line]]) -> dict[int, int]:
    """Bullet indentations, left to right, as levels 0, 1, 2 ... (nearby ones merged)."""
    positions = sorted(
        {_position(line.x0) for page in pages for line in page if _BULLET_RE.fullmatch(line.text)}
    )
    levels: dict[int, int] = {}
    level = -1
    last: int | None = None
    for position in positions:
        if last is None or position - last > 1:
            level += 1
        levels[position] = level
        last = position
    return levels
