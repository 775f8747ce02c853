"""Notes as tables: CSV, Parquet and XLSX, one row per note, written as the rows arrive.

- CSV: UTF-8 with a byte-order mark (so Excel shows ä and ö right), produced in chunks of
  bytes for a streaming HTTP response.
- Parquet: one row group per ``row_group_size`` notes; only that many rows are in memory.
- XLSX: openpyxl's write-only workbook (rows go to a temporary file, not a cell tree),
  sheets ``notes``, ``themes`` (the codebook) and ``region_theme`` (notes per region and
  theme).

Text that a spreadsheet would run as a formula is neutralised in CSV and XLSX
(``shared_rules.spreadsheet``); Parquet keeps every text exactly as stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from service.export.rows import COLUMNS, NoteRow, ThemeInfo
from shared_rules.spreadsheet import csv_text, looks_like_formula

ROWS_PER_CSV_CHUNK = 500
ROW_GROUP_SIZE = 10_000
_EXCEL_CELL_LIMIT = 32_767

PARQUET_SCHEMA = pa.schema(
    [
        ("note_id", pa.int64()),
        ("document_id", pa.int64()),
        ("document", pa.string()),
        ("region", pa.string()),
        ("date", pa.date32()),
        ("event", pa.string()),
        ("kind", pa.string()),
        ("group", pa.string()),
        ("question", pa.string()),
        ("text", pa.string()),
        ("theme_id", pa.int64()),
        ("theme_name", pa.string()),
        ("theme_description", pa.string()),
        ("theme_score", pa.float64()),
        ("human_edited", pa.bool_()),
    ]
)
assert tuple(PARQUET_SCHEMA.names) == COLUMNS


_HUMAN_EDITED = COLUMNS.index("human_edited")


def csv_chunks(
    rows: Iterable[NoteRow], rows_per_chunk: int = ROWS_PER_CSV_CHUNK
) -> Iterator[bytes]:
    """The CSV file as byte chunks: BOM + header first, then ``rows_per_chunk`` notes each."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    pending = 0
    first = True
    for row in rows:
        # csv writes None as "" and a date as its ISO form already; only the flag needs
        # words, and text that a spreadsheet would run as a formula needs its apostrophe.
        values = [csv_text(value) for value in row.values()]
        values[_HUMAN_EDITED] = "true" if values[_HUMAN_EDITED] else "false"
        writer.writerow(values)
        pending += 1
        if pending >= rows_per_chunk:
            yield (("\ufeff" if first else "") + buffer.getvalue()).encode("utf-8")
            first, pending = False, 0
            buffer.seek(0)
            buffer.truncate()
    yield (("\ufeff" if first else "") + buffer.getvalue()).encode("utf-8")


def write_csv(rows: Iterable[NoteRow], path: Path) -> int:
    """Write the CSV to ``path``; returns the number of notes written."""
    count = 0

    def counted() -> Iterator[NoteRow]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    with path.open("wb") as out:
        for chunk in csv_chunks(counted()):
            out.write(chunk)
    return count


ARROW_BATCH_SIZE = 2000


def _record_batch(batch: Sequence[NoteRow]) -> pa.RecordBatch:
    columns = list(zip(*(row.values() for row in batch), strict=True))
    return pa.RecordBatch.from_arrays(
        [
            pa.array(list(values), type=field.type)
            for values, field in zip(columns, PARQUET_SCHEMA, strict=True)
        ],
        schema=PARQUET_SCHEMA,
    )


def write_parquet(rows: Iterable[NoteRow], path: Path, row_group_size: int = ROW_GROUP_SIZE) -> int:
    """Write notes to a Parquet file in row groups of ``row_group_size``; returns the count.

    Python rows are turned into Arrow batches every ``ARROW_BATCH_SIZE`` notes, so at most
    that many row objects exist at once; a row group is gathered in Arrow's compact columns.
    """
    count = 0
    with pq.ParquetWriter(path, PARQUET_SCHEMA, compression="zstd") as writer:
        batch: list[NoteRow] = []
        group: list[pa.RecordBatch] = []
        grouped = 0

        def flush_rows() -> None:
            nonlocal batch, grouped
            if batch:
                group.append(_record_batch(batch))
                grouped += len(batch)
                batch = []

        def flush_group() -> None:
            nonlocal group, grouped
            if group:
                writer.write_table(
                    pa.Table.from_batches(group, schema=PARQUET_SCHEMA),
                    row_group_size=row_group_size,
                )
                group, grouped = [], 0

        for row in rows:
            batch.append(row)
            count += 1
            if len(batch) >= ARROW_BATCH_SIZE:
                flush_rows()
                if grouped >= row_group_size:
                    flush_group()
        flush_rows()
        flush_group()
        if count == 0:
            writer.write_table(PARQUET_SCHEMA.empty_table())
    return count


def _cell(sheet: Any, value: Any) -> Any:
    """A value for a write-only sheet: text cleaned of what Excel refuses, and text that
    looks like a formula as a string cell with the quote-prefix style (never ``<f>``)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    # Excel refuses control characters and cells over 32,767 characters.
    text = ILLEGAL_CHARACTERS_RE.sub("", value)[:_EXCEL_CELL_LIMIT]
    if not looks_like_formula(text):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would make "=..." a formula
    cell.quotePrefix = True
    return cell


def write_xlsx(
    rows: Iterable[NoteRow],
    themes: Sequence[ThemeInfo],
    region_table: tuple[list[str], list[str], list[list[int]]],
    path: Path,
) -> int:
    """Write the workbook; ``region_table`` is (regions, theme names, counts (regions x
    themes)). Returns the number of notes written."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    notes = workbook.create_sheet("notes")
    notes.append(list(COLUMNS))
    count = 0
    for row in rows:
        notes.append([_cell(notes, v) for v in row.values()])
        count += 1

    codebook = workbook.create_sheet("themes")
    codebook.append(["theme_id", "name", "keywords", "description", "size"])
    for theme in themes:
        codebook.append(
            [
                theme.key,
                _cell(codebook, theme.name),
                _cell(codebook, ", ".join(theme.keywords)),
                _cell(codebook, theme.summary),
                theme.size,
            ]
        )

    regions, theme_names, counts = region_table
    table = workbook.create_sheet("region_theme")
    table.append(["region", *(_cell(table, n) for n in theme_names), "total"])
    for region, row_counts in zip(regions, counts, strict=True):
        table.append([_cell(table, region), *row_counts, sum(row_counts)])
    workbook.save(path)
    return count
