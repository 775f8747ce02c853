"""Parse an upload (file name + bytes) into a ``ParsedDocument`` of normalised text.

Every problem a user can cause — an empty, damaged, encrypted, scanned, oversized or
unknown file — raises ``ParseError`` whose ``message`` says what to do. No other
exception type leaves ``parse_document``: the API turns ``ParseError`` into a 4xx.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from service.pipeline import pdf, slides, tables, transcript
from service.pipeline.document import DocumentFormat, NoteField, ParsedDocument
from service.pipeline.errors import ParseError, check_zip, reading
from service.pipeline.text import decode_text, normalize_text, too_long

__all__ = ["ACCEPTED_EXTENSIONS", "ParseError", "decode_text", "normalize_text", "parse_document"]

ACCEPTED_EXTENSIONS: tuple[str, ...] = (
    ".txt", ".md", ".docx", ".pdf", ".csv", ".xlsx", ".vtt", ".srt", ".pptx",
)  # fmt: skip
MAX_BINARY_BYTES = 200 * 1024 * 1024
_TEXT_FORMATS = ("txt", "md", "csv", "vtt", "srt")


def parse_document(
    filename: str,
    content: bytes,
    *,
    text_column: str | None = None,
    columns: Mapping[NoteField, str] | None = None,
    transcript_declared: bool = False,
    max_chars: int = 5_000_000,
) -> ParsedDocument:
    """Turn an uploaded file into normalised text (NFC, ``\\n`` lines, no BOM).

    The format comes from the extension of ``filename`` (case-insensitive).
    ``text_column`` names the note column of a csv/xlsx file (picked automatically
    when None) and ``columns`` its note-field columns. A txt, md or docx file whose
    lines name speakers is read as a transcript; ``transcript_declared`` (the upload
    says it is one) also accepts speakers named by a single word ("Liisa: ...").
    ``max_chars`` bounds the text length in code points.
    Raises ``ParseError`` for anything wrong with the file, and nothing else.
    """
    fmt = _checked_format(filename, content, max_chars)
    if fmt in ("csv", "xlsx"):
        return tables.parse_table(fmt, content, text_column, max_chars, columns)
    if fmt == "pptx":
        return slides.pptx_document(content, max_chars)
    title: str | None = None
    encoding: str | None = None
    if fmt in ("txt", "md", "vtt", "srt"):
        raw, encoding = decode_text(content)
    elif fmt == "docx":
        raw, title = _docx_text(content)
    else:
        pages, title = pdf.pdf_lines(content, max_chars)
        raw = pdf.lay_out(pages)
    if len(raw) > max_chars:
        raise too_long(max_chars)
    text = normalize_text(raw).strip("\n")
    if not text.strip():
        raise _empty()
    cues = _transcript_cues(fmt, text, transcript_declared)
    if cues is not None:
        return _transcript_document(fmt, cues, encoding, title, max_chars)
    if len(text) > max_chars:
        raise too_long(max_chars)
    if fmt == "md":
        headings = (line[2:].strip() for line in text.split("\n") if line.startswith("# "))
        title = next(headings, None)
    return ParsedDocument(text=text, format=fmt, encoding=encoding, title=title or None)


def _checked_format(filename: str, content: bytes, max_chars: int) -> DocumentFormat:
    """The format an upload's extension names, once its size and kind are acceptable."""
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if suffix not in ACCEPTED_EXTENSIONS:
        raise ParseError(
            f"Files of type {suffix or '(no extension)'!r} are not supported: upload one of "
            f"{', '.join(ACCEPTED_EXTENSIONS)}.",
            finnish=f"Tiedostotyyppiä {suffix or '(ei päätettä)'!r} ei tueta: lataa jokin "
            f"näistä: {', '.join(ACCEPTED_EXTENSIONS)}.",
        )
    if not content.strip():
        raise _empty()
    fmt: DocumentFormat = suffix[1:]  # type: ignore[assignment]
    if fmt in _TEXT_FORMATS and len(content) > 4 * max_chars + 4:
        raise too_long(max_chars)  # UTF-8 needs at most 4 bytes per character
    if len(content) > MAX_BINARY_BYTES:
        raise ParseError(
            f"The file is larger than {MAX_BINARY_BYTES // 2**20} MB: split it.",
            finnish=f"Tiedosto on yli {MAX_BINARY_BYTES // 2**20} Mt: jaa se osiin.",
        )
    return fmt


def _empty() -> ParseError:
    return ParseError(
        "The file is empty: upload a file with text.",
        finnish="Tiedosto on tyhjä: lataa tiedosto, jossa on tekstiä.",
    )


def _transcript_cues(
    fmt: DocumentFormat, text: str, declared: bool
) -> list[transcript.SpokenCue] | None:
    if fmt == "vtt":
        return transcript.read_vtt(text)
    if fmt == "srt":
        return transcript.read_srt(text)
    if fmt in ("txt", "md", "docx"):
        return transcript.speaker_cues(text, declared=declared)
    return None


def _transcript_document(
    fmt: DocumentFormat,
    cues: list[transcript.SpokenCue],
    encoding: str | None,
    title: str | None,
    max_chars: int,
) -> ParsedDocument:
    text, turns = transcript.assemble(cues)
    if not turns:
        raise ParseError(
            "The transcript has no speech in it (only times or recording notices): check "
            "that it is the right file.",
            finnish="Litteroinnissa ei ole puhetta (vain aikoja tai tallennusilmoituksia): "
            "tarkista, että tiedosto on oikea.",
        )
    if len(text) > max_chars:
        raise too_long(max_chars)
    return ParsedDocument(text=text, format=fmt, encoding=encoding, title=title, turns=turns)


def _docx_text(content: bytes) -> tuple[str, str | None]:
    """Paragraphs and tables of a Word file in order; list items as indented "- " lines."""
    check_zip(content, "Word file")
    with reading("Word file"):
        import docx  # imported late: only Word uploads pay for it
        from docx.table import Table

        document = docx.Document(io.BytesIO(content))
        title = document.core_properties.title or None
        blocks: list[str] = []
        previous_was_list = False
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                rows = [_table_row(row.cells) for row in block.rows]
                blocks.append("\n\n" + "\n".join(r for r in rows if r))
                previous_was_list = False
                continue
            text = block.text.strip()
            if not text:
                continue
            level = _list_level(block)
            if level is None:
                blocks.append("\n\n" + text)
            else:  # items of one list stay on adjacent lines so they read as one list
                blocks.append(("\n" if previous_was_list else "\n\n") + " " * level + "- " + text)
            previous_was_list = level is not None
    return "".join(blocks), title


def _table_row(cells: Sequence[Any]) -> str:
    texts: list[str] = []
    for cell in cells:
        text = " ".join(cell.text.split())
        if text and (not texts or texts[-1] != text):  # merged cells repeat their text
            texts.append(text)
    return " | ".join(texts)


def _list_level(paragraph: Any) -> int | None:
    """0-based list level of a Word paragraph, or None when it is not a list item."""
    ppr = paragraph._p.pPr
    numbering = ppr.numPr if ppr is not None else None
    if numbering is not None and numbering.numId is not None and numbering.numId.val != 0:
        ilvl = numbering.ilvl
        return int(ilvl.val) if ilvl is not None and ilvl.val is not None else 0
    style = paragraph.style.name if paragraph.style is not None else ""
    if "List" not in (style or ""):
        return None
    match = re.search(r"(\d+)\s*$", style)  # "List Bullet 2" is the second level
    return max(int(match.group(1)) - 1, 0) if match else 0
