"""Tabular uploads (csv, xlsx): one row, one note.

The header is the first row whose cells look like column names, so title rows above
it ("Palautekysely 2023 – Kainuu") are skipped. Columns named like a note field
(group/ryhmä, question/kysymys, speaker/puhuja) fill that field of the row's note;
the upload can name them instead (``columns``). Every non-empty cell but the text is
also kept as the note's metadata under its column's name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence

from service.pipeline.document import DocumentFormat, NoteField, ParsedDocument, Row
from service.pipeline.errors import ParseError, check_zip, reading
from service.pipeline.text import decode_text, normalize_text, too_long

__all__ = ["FIELD_COLUMN_NAMES", "TEXT_COLUMN_NAMES", "parse_columns", "parse_table"]

MAX_TABLE_ROWS = 200_000
MAX_TABLE_COLUMNS = 100  # Excel rows are padded to this width, so it bounds the work
MAX_TITLE_ROWS = 10  # the header is looked for among this many first rows
MAX_COLUMN_NAME_CHARS = 200  # survey exports name columns by their whole question
TEXT_COLUMN_NAMES = ("text", "teksti", "note", "muistiinpano", "kommentti", "vastaus")
# A column is a note field when one word of its name is one of these (case-insensitive).
FIELD_COLUMN_NAMES: dict[NoteField, tuple[str, ...]] = {
    "group": ("ryhmä", "ryhma", "group", "grupp", "pöytä", "table"),
    "question": ("kysymys", "question", "fråga", "kysymykset", "questions"),
    "speaker": ("puhuja", "speaker", "talare", "osallistuja", "participant", "vastaaja"),
}
_WORD_RE = re.compile(r"[^\W\d_]+")
_NUMBER_OR_DATE_RE = re.compile(r"[\d\s.,:/+-]+|\d{4}-\d{2}-\d{2}(?:T[\d:.]+)?")


def parse_columns(spec: str | None) -> dict[NoteField, str]:
    """'group=Pöytä, speaker=Nimi' -> {"group": "Pöytä", "speaker": "Nimi"}."""
    mapping: dict[NoteField, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        name, _, column = part.partition("=")
        field = name.strip().casefold()
        if field not in FIELD_COLUMN_NAMES or not column.strip():
            raise ParseError(
                f"Column roles are written as field=column, with a field among "
                f"{', '.join(FIELD_COLUMN_NAMES)} (for example 'group=Pöytä'); "
                f"got {part.strip()!r}.",
                finnish=f"Sarakkeiden roolit kirjoitetaan muodossa kenttä=sarake, kenttänä "
                f"jokin näistä: {', '.join(FIELD_COLUMN_NAMES)} (esimerkiksi 'group=Pöytä'); "
                f"annettu {part.strip()!r}.",
            )
        mapping[field] = column.strip()
    return mapping


def parse_table(
    fmt: DocumentFormat,
    content: bytes,
    text_column: str | None,
    max_chars: int,
    columns: Mapping[NoteField, str] | None = None,
) -> ParsedDocument:
    """The text column's cells joined by blank lines, one ``Row`` span per note.

    ``Row.metadata`` holds the row's other non-empty cells, so the work stays linear in
    the cells present however wide the header is.
    """
    encoding: str | None = None
    if fmt == "csv":
        raw, encoding = decode_text(content)
        table = _csv_rows(normalize_text(raw))
    else:
        table = _xlsx_rows(content)
    if not table:
        raise ParseError(
            "The table is empty: upload a file with a header row and rows of text.",
            finnish="Taulukko on tyhjä: lataa tiedosto, jossa on otsikkorivi ja tekstirivejä.",
        )
    first = header_row(table)
    body = table[first + 1 :]
    header = _column_names(table[first], max(len(row) for row in table[first:]))
    fields = _field_columns(header, columns or {})
    index = _choose_text_column(header, body, text_column, set(fields.values()))
    texts: list[str] = []
    spans: list[Row] = []
    offset = 0
    for row in body:
        text = row[index] if index < len(row) else ""
        if not text:
            continue
        if texts:
            offset += 2  # the "\n\n" that separates rows
        metadata = {header[i]: cell for i, cell in enumerate(row) if cell and i != index}
        values = {f: row[i] for f, i in fields.items() if i < len(row) and row[i]}
        spans.append(Row(start=offset, end=offset + len(text), metadata=metadata, fields=values))
        texts.append(text)
        offset += len(text)
        if offset > max_chars:
            raise too_long(max_chars)
    if not texts:
        raise ParseError(
            f"Column {header[index]!r} has no text in any row: choose another column.",
            finnish=f"Sarakkeessa {header[index]!r} ei ole tekstiä yhdelläkään rivillä: valitse "
            "toinen sarake.",
        )
    return ParsedDocument(text="\n\n".join(texts), format=fmt, encoding=encoding, rows=tuple(spans))


def header_row(table: Sequence[Sequence[str]]) -> int:
    """Index of the header: the first row that fills at least half of the table's columns
    (and two, when it has two) with cells that look like column names. Title rows fill
    one cell; a row of numbers or dates is data. Falls back to the first row."""
    width = max(sum(1 for cell in row if cell) for row in table[: MAX_TITLE_ROWS + 20])
    for index, row in enumerate(table[:MAX_TITLE_ROWS]):
        names = [cell for cell in row if cell]
        wide_enough = len(names) >= min(2, width) and 2 * len(names) >= width
        if wide_enough and all(_name_like(cell) for cell in names):
            return index
    return 0


def _name_like(cell: str) -> bool:
    return (
        len(cell) <= MAX_COLUMN_NAME_CHARS
        and any(c.isalpha() for c in cell)
        and _NUMBER_OR_DATE_RE.fullmatch(cell) is None
    )


def _field_columns(header: Sequence[str], named: Mapping[NoteField, str]) -> dict[NoteField, int]:
    """Column index per note field: the ones the upload names, else the first whose name
    has one of the field's words."""
    folded = [name.casefold() for name in header]
    found: dict[NoteField, int] = {}
    for field, column in named.items():
        if column.casefold() not in folded:
            raise ParseError(
                f"There is no column {column!r} for the {field}; the columns are: "
                f"{_listing(header)}.",
                finnish=f"Saraketta {column!r} ({field}) ei ole; sarakkeet ovat: "
                f"{_listing(header)}.",
            )
        found[field] = folded.index(column.casefold())
    taken = set(found.values())
    for field, words in FIELD_COLUMN_NAMES.items():
        if field in found:
            continue
        for i, name in enumerate(folded):
            if i not in taken and set(_WORD_RE.findall(name)) & set(words):
                found[field] = i
                taken.add(i)
                break
    return found


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
        raise ParseError(
            f"The CSV file could not be read ({error}); check its quoting.",
            finnish=f"CSV-tiedosto ei avautunut ({error}); tarkista sen lainausmerkit.",
        ) from None
    return [row for row in rows if any(row)]


def _xlsx_rows(content: bytes) -> list[list[str]]:
    """Non-empty rows of the first worksheet (its first MAX_TABLE_COLUMNS columns)."""
    check_zip(content, "Excel file")
    table: list[list[str]] = []
    with reading("Excel file"):
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
                        f"The sheet has more than {MAX_TABLE_ROWS:,} rows: split the file.",
                        finnish=f"Taulukossa on yli {MAX_TABLE_ROWS} riviä: jaa tiedosto osiin.",
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
    header: Sequence[str], rows: Sequence[Sequence[str]], wanted: str | None, fields: set[int]
) -> int:
    """The note column: the one asked for, a conventional name, else the longest text
    among the columns that are not note fields."""
    folded = [name.casefold() for name in header]
    if wanted is not None:
        if wanted.strip().casefold() in folded:
            return folded.index(wanted.strip().casefold())
        raise ParseError(
            f"There is no column {wanted!r}; the columns are: {_listing(header)}.",
            finnish=f"Saraketta {wanted!r} ei ole; sarakkeet ovat: {_listing(header)}.",
        )
    for name in TEXT_COLUMN_NAMES:
        if name in folded:
            return folded.index(name)
    lengths = [0] * len(header)
    textual = [False] * len(header)
    for row in rows:  # cell by cell: linear in the cells present
        for i, cell in enumerate(row):
            lengths[i] += len(cell)
            textual[i] = textual[i] or any(c.isalpha() for c in cell)
    candidates = [i for i in range(len(header)) if textual[i] and i not in fields]
    if not candidates:
        raise ParseError(
            f"No column holds text; the columns are: {_listing(header)}. Upload a table "
            "with a text column.",
            finnish=f"Missään sarakkeessa ei ole tekstiä; sarakkeet ovat: {_listing(header)}. "
            "Lataa taulukko, jossa on tekstisarake.",
        )
    # Equal row counts per column, so the longest total is the longest average text.
    return max(candidates, key=lambda i: lengths[i])


def _listing(header: Sequence[str]) -> str:
    shown = ", ".join(header[:20])
    return shown + (f" and {len(header) - 20:,} more" if len(header) > 20 else "")
