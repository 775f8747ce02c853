"""CSV, Parquet and XLSX exports read back and checked row by row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from service.export import write_export
from service.export.rows import COLUMNS
from service.storage.models import Document, Project
from tests.factories import SAMPLE_THEMES, SampleProject, database, sample_project


def _export(database_url: str, tmp_path: Path, fmt: str) -> tuple[SampleProject, Path]:
    path = tmp_path / f"out.{fmt}"
    with database(database_url) as db:
        sample = sample_project(db)
        with db.session() as session:
            result = write_export(session, session.get(Project, sample.project_id), fmt, path)
    assert result.notes == len(sample.notes)
    return sample, path


def _check_frame(frame: pd.DataFrame, sample: SampleProject) -> None:
    assert list(frame.columns) == list(COLUMNS)
    assert frame["note_id"].tolist() == sorted(sample.notes)
    for row in frame.itertuples(index=False):
        region, text, key = sample.notes[row.note_id]
        assert (row.region, row.text) == (region, text)
        if key is None:
            assert pd.isna(row.theme_id) and pd.isna(row.theme_name)
            assert pd.isna(row.theme_description) or row.theme_description == ""
        else:
            assert (int(row.theme_id), row.theme_name) == (key, SAMPLE_THEMES[key].name)
            assert row.theme_description == SAMPLE_THEMES[key].description
            assert row.theme_score == pytest.approx(0.5)
    kajaani = frame[frame["text"].str.startswith("Kajaanin")]
    assert kajaani["human_edited"].tolist() == [True]
    assert frame["human_edited"].sum() == 1
    first = frame.iloc[0]
    assert first["document"] == "pohjois-savo.txt" and first["event"] == "Työpaja Pohjois-Savo"
    assert first["kind"] == "workshop" and first["group"] == "Ryhmä 1"
    assert "Äänekoski ja Iisalmi tarvitsevat lisää hoitajia" in frame["text"].tolist()


def test_csv_has_one_row_per_note_with_umlauts(database_url: str, tmp_path: Path) -> None:
    sample, path = _export(database_url, tmp_path, "csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert "Etelä-Savo".encode() in raw
    frame = pd.read_csv(
        path,
        encoding="utf-8-sig",
        keep_default_na=False,
        na_values={"theme_id": [""], "theme_name": [""]},
    )
    _check_frame(frame, sample)
    assert set(frame["date"]) == {"2017-11-01", "2018-02-15", ""}


def test_parquet_has_typed_columns(database_url: str, tmp_path: Path) -> None:
    sample, path = _export(database_url, tmp_path, "parquet")
    table = pq.read_table(path)
    assert str(table.schema.field("date").type) == "date32[day]"
    assert str(table.schema.field("human_edited").type) == "bool"
    frame = table.to_pandas()
    _check_frame(frame, sample)
    dates = set(frame["date"].dropna())
    assert dates == {dt.date(2017, 11, 1), dt.date(2018, 2, 15)}
    assert frame["date"].isna().sum() == 3


def test_xlsx_notes_codebook_and_region_table(database_url: str, tmp_path: Path) -> None:
    sample, path = _export(database_url, tmp_path, "xlsx")
    workbook = load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["notes", "themes", "region_theme"]
    rows = list(workbook["notes"].iter_rows(values_only=True))
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    _check_frame(frame, sample)
    themes = list(workbook["themes"].iter_rows(values_only=True))
    assert themes[0] == ("theme_id", "name", "keywords", "description", "size")
    assert themes[1][:3] == (1, "Osaavan työvoiman saatavuus", "työvoima, osaaminen, rekrytointi")
    # The description column: the seed's description and the theme's sentence; the
    # keywords have their own column.
    assert SAMPLE_THEMES[1].description in themes[1][3] and themes[1][4] == 4
    assert "Keywords" not in themes[1][3]
    assert themes[2][3] == SAMPLE_THEMES[2].description
    table = list(workbook["region_theme"].iter_rows(values_only=True))
    assert table[0] == (
        "region",
        "Osaavan työvoiman saatavuus",
        "Vetovoima ja markkinointi",
        "Yhteistyö ja verkostot",
        "unassigned",
        "total",
    )
    assert table[1:] == [
        ("Etelä-Savo", 0, 1, 3, 0, 4),
        ("Kainuu", 0, 1, 1, 1, 3),
        ("Pohjois-Savo", 4, 2, 0, 1, 7),
    ]
    workbook.close()


def test_chunked_queries_return_every_note_once(database_url: str) -> None:
    from service.export.rows import iter_coded_spans, iter_note_rows

    with database(database_url) as db:
        sample = sample_project(db)
        with db.session() as session:
            # Chunks of 3 cross document boundaries; every note comes once, in document order.
            rows = list(iter_note_rows(session, sample.project_id, sample.run_id, chunk_size=3))
            whole = list(iter_note_rows(session, sample.project_id, sample.run_id))
            documents = session.scalars(select(Document.id).order_by(Document.id)).all()
            spans = [
                s
                for document_id in documents
                for s in iter_coded_spans(
                    session, sample.project_id, sample.run_id, document_id, chunk_size=2
                )
            ]
    assert rows == whole and [r.note_id for r in rows] == sorted(sample.notes)
    coded = sorted(i for i, (_, _, key) in sample.notes.items() if key is not None)
    assert [s.note_id for s in spans] == coded
    assert all(s.theme_key == sample.notes[s.note_id][2] for s in spans)
