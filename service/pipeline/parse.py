"""Parse an upload (file name + bytes) into a ``ParsedDocument`` of normalised text.

Every problem a user can cause — an empty, damaged, encrypted, scanned, oversized or
unknown file — raises ``ParseError`` whose ``message`` says what to do. No other
exception type leaves ``parse_document``: the API turns ``ParseError`` into a 4xx.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import Any

from service.pipeline.document import DocumentFormat, ParsedDocument, Row

__all__ = ["ACCEPTED_EXTENSIONS", "ParseError", "decode_text", "normalize_text", "parse_document"]

ACCEPTED_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf", ".csv", ".xlsx")
TEXT_COLUMN_NAMES = ("text", "teksti", "note", "muistiinpano", "kommentti", "vastaus")

# Zip containers (docx, xlsx) are checked from their central directory before any
# library inflates them: Python's zipfile never inflates past a member's declared
# size, so bounding the declared sizes bounds the memory a zip bomb can take.
MAX_ZIP_MEMBERS = 10_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 300  # deflate tops out near 1030:1; real Office XML stays far below 300:1
ZIP_RATIO_MIN_BYTES = 5 * 1024 * 1024  # tiny members may legitimately compress very well
MAX_BINARY_BYTES = 200 * 1024 * 1024
MAX_TABLE_ROWS = 200_000
MAX_TABLE_COLUMNS = 100  # Excel rows are padded to this width, so it bounds the work
MAX_CONTROL_SHARE = 0.02  # real text has almost no control characters; binaries have ~10 %

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
_CP1252_HIGH = {b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(128, 160)}
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_WESTERN = frozenset("äöåÄÖÅéÉüÜšžŠŽèàáíóúñçæøÆØêôîûëïß€“”‘’„–—…•«»§°±½×·´²³©®™\u00a0\u00ad")
_NEWLINE_RE = re.compile("\r\n|[\r\u2028\u2029]")
_SPACES_RE = re.compile(r"[\u00a0\u2007\u202f]")  # non-breaking spaces of Word and the web
# UTF-8 read as cp1252 ("Ã¤" for "ä"): Excel round trips leave such files behind.
_MOJIBAKE_RE = re.compile(
    "[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013-\u203a\u20ac\u2122]"
)


class ParseError(ValueError):
    """A problem with an uploaded file that the user can fix; ``message`` says how."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_document(
    filename: str,
    content: bytes,
    *,
    text_column: str | None = None,
    max_chars: int = 5_000_000,
) -> ParsedDocument:
    """Turn an uploaded file into normalised text (NFC, ``\\n`` lines, no BOM).

    The format comes from the extension of ``filename`` (case-insensitive).
    ``text_column`` names the note column of a csv/xlsx file (picked automatically
    when None). ``max_chars`` bounds the text length in code points.
    Raises ``ParseError`` for anything wrong with the file, and nothing else.
    """
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if suffix not in ACCEPTED_EXTENSIONS:
        raise ParseError(
            f"Files of type {suffix or '(no extension)'!r} are not supported: upload one of "
            f"{', '.join(ACCEPTED_EXTENSIONS)}."
        )
    if not content.strip():
        raise ParseError("The file is empty: upload a file with text.")
    fmt: DocumentFormat = suffix[1:]  # type: ignore[assignment]
    if fmt in ("txt", "md", "csv") and len(content) > 4 * max_chars + 4:
        raise _too_long(max_chars)  # UTF-8 needs at most 4 bytes per character
    if len(content) > MAX_BINARY_BYTES:
        raise ParseError(f"The file is larger than {MAX_BINARY_BYTES // 2**20} MB: split it.")
    if fmt in ("csv", "xlsx"):
        return _parse_table(fmt, content, text_column, max_chars)
    title: str | None = None
    encoding: str | None = None
    if fmt in ("txt", "md"):
        raw, encoding = decode_text(content)
    elif fmt == "docx":
        raw, title = _docx_text(content)
    else:
        raw, title = _pdf_text(content, max_chars)
    if len(raw) > max_chars:
        raise _too_long(max_chars)
    text = normalize_text(raw).strip("\n")
    if not text.strip():
        raise ParseError("The file is empty: upload a file with text.")
    if len(text) > max_chars:
        raise _too_long(max_chars)
    if fmt == "md":
        headings = (line[2:].strip() for line in text.split("\n") if line.startswith("# "))
        title = next(headings, None)
    return ParsedDocument(text=text, format=fmt, encoding=encoding, title=title or None)


def decode_text(content: bytes) -> tuple[str, str]:
    """Decode the bytes of a text file; returns (text, encoding name).

    Order: a byte-order mark; strict UTF-8; UTF-8 and cp1252 mixed line by line;
    cp1252 (Finnish Windows files) when the result looks like text; charset-normalizer
    as the last resort.
    """
    for bom, codec in _BOMS:
        if content.startswith(bom):
            try:
                return _checked_text(content.decode(codec)), codec
            except UnicodeDecodeError:
                raise ParseError(
                    f"The file says it is {codec.upper()} but is not: save it as UTF-8 and "
                    "upload again."
                ) from None
    if b"\x00" in content:
        raise _binary()
    try:
        return _checked_text(_repair_mojibake(content.decode("utf-8"))), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _decode_mixed_lines(content)
    if mixed is not None and _looks_like_text(mixed) and _looks_western(mixed):
        return mixed, "utf-8+cp1252"
    text = _decode_cp1252(content)
    if _looks_like_text(text) and _looks_western(text):
        return text, "cp1252"
    from charset_normalizer import from_bytes  # imported late: only odd files need it

    best = from_bytes(content).best()
    if best is not None and _looks_like_text(str(best)):
        return str(best), best.encoding
    raise ParseError(
        "The text encoding could not be recognised: save the file as UTF-8 and upload again."
    )


def _decode_mixed_lines(content: bytes) -> str | None:
    """Files pasted together from UTF-8 and Windows sources: decode line by line.

    Returns None unless some line is real multi-byte UTF-8 (otherwise the file is
    plain cp1252 and the caller's cp1252 path reads it the same way).
    """
    lines: list[str] = []
    saw_utf8 = False
    for raw in content.split(b"\n"):
        try:
            line = raw.decode("utf-8")
            saw_utf8 = saw_utf8 or not raw.isascii()
        except UnicodeDecodeError:
            line = _decode_cp1252(raw)
        lines.append(line)
    return "\n".join(lines) if saw_utf8 else None


def normalize_text(text: str) -> str:
    """NFC, ``\\n`` line ends, no BOM or control characters (``\\n``/``\\t`` kept),
    non-breaking spaces as spaces, no trailing spaces. Indentation and bullets stay."""
    text = _NEWLINE_RE.sub("\n", text)
    text = _SPACES_RE.sub(" ", _CONTROL_RE.sub("", text))
    # Per-line rstrip, not a regex: `[ \t]+$` backtracks quadratically on long space runs.
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    return unicodedata.normalize("NFC", text)


def _too_long(max_chars: int) -> ParseError:
    return ParseError(
        f"The text is longer than the limit of {max_chars:,} characters: split the file."
    )


def _binary() -> ParseError:
    return ParseError(
        "This is not a text file (it contains binary data): upload txt, md or csv text."
    )


def _checked_text(text: str) -> str:
    if not _looks_like_text(text):
        raise _binary()
    return text


def _looks_like_text(text: str) -> bool:
    """Few control characters: decoded binaries have ~10 %, real text almost none."""
    controls = sum(1 for _ in _CONTROL_RE.finditer(text)) - text.count("\ufeff")
    return controls <= max(1.0, MAX_CONTROL_SHARE * len(text))  # one stray byte is no binary


def _decode_cp1252(content: bytes) -> str:
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:  # Windows maps the five bytes cp1252 leaves undefined to C1
        return content.decode("latin-1").translate(_CP1252_HIGH)


def _looks_western(text: str) -> bool:
    """Whether the non-ASCII characters are ones Finnish, Swedish or English text uses.

    Any byte decodes as cp1252, so a Cyrillic or Central European file would come out
    as Latin soup ("Ïðèâåò"); such files go to the detector instead.
    """
    foreign = _NON_ASCII_RE.findall(text)
    return sum(1 for c in foreign if c in _WESTERN) >= 0.8 * len(foreign)


def _repair_mojibake(text: str) -> str:
    """Undo one round of UTF-8-read-as-cp1252 ("Ã¤" -> "ä") when that is what happened."""
    if not _MOJIBAKE_RE.search(text):
        return text
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return text
    fixed = len(_MOJIBAKE_RE.findall(repaired)) < len(_MOJIBAKE_RE.findall(text))
    return repaired if fixed else text


@contextmanager
def _reading(what: str) -> Iterator[None]:
    """Run a third-party reader on user bytes; any failure becomes a ParseError.

    The readers raise dozens of exception types on damaged files (KeyError, struct
    errors, lxml errors, RecursionError ...), so catching broadly is the point here.
    Their warnings about odd-but-readable files are not the user's business either.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except ParseError:
        raise
    except Exception as error:
        raise ParseError(
            f"The {what} could not be read; it looks damaged. Open and save it again, then upload."
        ) from error


def _check_zip(content: bytes, what: str) -> None:
    """Refuse a docx/xlsx that is not a zip, or would inflate to too much (zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except Exception:  # BadZipFile, or struct/OSError/ValueError on mangled directories
        raise ParseError(
            f"This is not a valid {what} (it is not a zip archive): save it again and upload."
        ) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise ParseError(f"The {what} has {len(members):,} parts, too many to be real; not read.")
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise ParseError(
            f"The {what} would expand to more than {MAX_UNZIPPED_BYTES // 2**20} MB; split it or "
            "remove large images."
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > ZIP_RATIO_MIN_BYTES and ratio > MAX_ZIP_RATIO:
            raise ParseError(f"The {what} is compressed {ratio:,.0f}:1, like a zip bomb; not read.")


def _docx_text(content: bytes) -> tuple[str, str | None]:
    """Paragraphs and tables of a Word file in order; list items as indented "- " lines."""
    _check_zip(content, "Word file")
    with _reading("Word file"):
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


def _pdf_text(content: bytes, max_chars: int) -> tuple[str, str | None]:
    """The text layer of a PDF, page by page."""
    if b"%PDF-" not in content[:1024]:
        raise ParseError("This file is not a PDF: check the file or its extension.")
    with _reading("PDF"):
        from pypdf import PdfReader  # imported late: only PDF uploads pay for it

        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))  # an owner-only password still opens
            except Exception:
                opened = False
            if not opened:
                raise ParseError(
                    "This PDF is password protected: remove the password (or print it to a new "
                    "PDF) and upload again."
                )
        metadata = reader.metadata
        title = metadata.title if metadata is not None and isinstance(metadata.title, str) else None
        pages: list[str] = []
        length = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            length += len(pages[-1])
            if length > max_chars:
                raise _too_long(max_chars)
    text = "\n\n".join(pages)
    if not text.strip():
        raise ParseError("This PDF has no text layer; it needs OCR before upload.")
    return text, title


def _parse_table(
    fmt: DocumentFormat, content: bytes, text_column: str | None, max_chars: int
) -> ParsedDocument:
    """One row, one note: the text column's cells joined by blank lines, spans in ``rows``.

    The first row is the header. ``Row.metadata`` holds the row's other non-empty cells,
    so the work stays linear in the cells present however wide the header is.
    """
    encoding: str | None = None
    if fmt == "csv":
        raw, encoding = decode_text(content)
        table = _csv_rows(normalize_text(raw))
    else:
        table = _xlsx_rows(content)
    if not table:
        raise ParseError("The table is empty: upload a file with a header row and rows of text.")
    header = _column_names(table[0], max(len(row) for row in table))
    index = _choose_text_column(header, table[1:], text_column)
    texts: list[str] = []
    spans: list[Row] = []
    offset = 0
    for row in table[1:]:
        text = row[index] if index < len(row) else ""
        if not text:
            continue
        if texts:
            offset += 2  # the "\n\n" that separates rows
        metadata = {header[i]: cell for i, cell in enumerate(row) if cell and i != index}
        spans.append(Row(start=offset, end=offset + len(text), metadata=metadata))
        texts.append(text)
        offset += len(text)
        if offset > max_chars:
            raise _too_long(max_chars)
    if not texts:
        raise ParseError(f"Column {header[index]!r} has no text in any row: choose another column.")
    return ParsedDocument(text="\n\n".join(texts), format=fmt, encoding=encoding, rows=tuple(spans))


def _csv_rows(text: str) -> list[list[str]]:
    lines = text.split("\n", 20)
    sample = "\n".join(lines[:20])[:4096]  # Sniffer's regexes get slow on long samples
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:  # one column, or too little to tell: the most frequent candidate wins
        delimiter = max(",;\t", key=lines[0].count)
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        rows = [[cell.strip() for cell in row] for row in reader]
    except csv.Error as error:
        raise ParseError(f"The CSV file could not be read ({error}); check its quoting.") from None
    return [row for row in rows if any(row)]


def _xlsx_rows(content: bytes) -> list[list[str]]:
    """Non-empty rows of the first worksheet (its first MAX_TABLE_COLUMNS columns)."""
    _check_zip(content, "Excel file")
    table: list[list[str]] = []
    with _reading("Excel file"):
        import openpyxl  # imported late: only Excel uploads pay for it

        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # The file's own dimension tag may claim millions of empty cells; ignore it
            # and cap rows and columns instead, so a small file cannot make huge work.
            sheet.reset_dimensions()
            rows = sheet.iter_rows(max_col=MAX_TABLE_COLUMNS, values_only=True)
            for number, values in enumerate(rows):
                if number >= MAX_TABLE_ROWS:
                    raise ParseError(
                        f"The sheet has more than {MAX_TABLE_ROWS:,} rows: split the file."
                    )
                if any(value is not None for value in values):
                    table.append([_cell_text(value) for value in values])
        finally:
            workbook.close()
    return [row for row in table if any(row)]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return normalize_text(str(value)).strip()


def _column_names(cells: Sequence[str], width: int) -> list[str]:
    """``width`` header names, made unique and non-empty so every column can be named."""
    names: list[str] = []
    taken: set[str] = set()
    suffixes: dict[str, int] = {}  # next number per repeated name: no rescans from 2
    for i in range(width):
        base = (" ".join(cells[i].split()) if i < len(cells) else "") or f"column {i + 1}"
        name = base
        while name in taken:
            suffixes[base] = suffixes.get(base, 1) + 1
            name = f"{base} ({suffixes[base]})"
        names.append(name)
        taken.add(name)
    return names


def _choose_text_column(
    header: Sequence[str], rows: Sequence[Sequence[str]], wanted: str | None
) -> int:
    """The note column: the one asked for, a conventional name, else the longest text."""
    folded = [name.casefold() for name in header]
    if wanted is not None:
        if wanted.strip().casefold() in folded:
            return folded.index(wanted.strip().casefold())
        raise ParseError(f"There is no column {wanted!r}; the columns are: {_listing(header)}.")
    for name in TEXT_COLUMN_NAMES:
        if name in folded:
            return folded.index(name)
    lengths = [0] * len(header)
    textual = [False] * len(header)
    for row in rows:  # cell by cell: linear in the cells present
        for i, cell in enumerate(row):
            lengths[i] += len(cell)
            textual[i] = textual[i] or any(c.isalpha() for c in cell)
    if not any(textual):
        raise ParseError(
            f"No column holds text; the columns are: {_listing(header)}. Upload a table "
            "with a text column."
        )
    # Equal row counts per column, so the longest total is the longest average text.
    return max((i for i in range(len(header)) if textual[i]), key=lambda i: lengths[i])


def _listing(header: Sequence[str]) -> str:
    shown = ", ".join(header[:20])
    return shown + (f" and {len(header) - 20:,} more" if len(header) > 20 else "")
