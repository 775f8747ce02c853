"""GET /projects/{project}/export through the real app, and the export CLI command."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import typer
from fastapi.testclient import TestClient
from lxml import etree
from openpyxl import load_workbook
from typer.testing import CliRunner

from service.api.routes import exports
from service.commands import CommandApp, cli_user
from service.commands.export import export as export_command
from service.config import Settings
from service.export.qdpx_import import read_qdpx
from tests.factories import (
    add_document,
    add_project,
    audit_log,
    database,
    include_routers,
    sample_project,
)


@pytest.fixture
def api(client: TestClient) -> TestClient:
    return include_routers(client, exports.router)


def test_every_format_downloads_with_its_contents(api: TestClient, settings: Settings) -> None:
    with database(settings.resolved_database_url) as db:
        sample = sample_project(db, "lataus")
    texts = {text for _, text, _ in sample.notes.values()}

    csv_response = api.get("/projects/lataus/export", params={"format": "csv"})
    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert 'filename="lataus.csv"' in csv_response.headers["content-disposition"]
    frame = pd.read_csv(io.BytesIO(csv_response.content), encoding="utf-8-sig")
    assert set(frame["text"]) == texts and len(frame) == 14

    parquet = api.get("/projects/lataus/export?format=parquet")
    assert parquet.status_code == 200 and "lataus.parquet" in parquet.headers["content-disposition"]
    table = pq.read_table(io.BytesIO(parquet.content))
    assert set(table.column("text").to_pylist()) == texts

    xlsx = api.get("/projects/lataus/export?format=xlsx")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert [r[9] for r in workbook["notes"].iter_rows(min_row=2, values_only=True)] == [
        sample.notes[i][1] for i in sorted(sample.notes)
    ]
    workbook.close()

    qdpx = api.get("/projects/lataus/export?format=qdpx")
    assert qdpx.status_code == 200 and qdpx.headers["content-type"] == "application/zip"
    assert "lataus.qdpx" in qdpx.headers["content-disposition"]
    project = read_qdpx(qdpx.content)
    assert sum(len(s.selections) for s in project.sources) == 12
    assert zipfile.ZipFile(io.BytesIO(qdpx.content)).testzip() is None

    qdc = api.get("/projects/lataus/export?format=qdc")
    assert qdc.status_code == 200 and "lataus-codebook.qdc" in qdc.headers["content-disposition"]
    root = etree.fromstring(qdc.content)
    assert [c.get("name") for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")] == [
        "Osaavan työvoiman saatavuus",
        "Vetovoima ja markkinointi",
        "Yhteistyö ja verkostot",
    ]


def test_export_errors_and_projects_without_themes(api: TestClient, settings: Settings) -> None:
    with database(settings.resolved_database_url) as db:
        project = add_project(db, "äänekoski")
        add_document(db, project, ["Yksi ajatus"], "Keski-Suomi")
    bad = api.get("/projects/äänekoski/export?format=docx")
    assert bad.status_code == 422 and "csv, xlsx, parquet, qdpx, qdc" in bad.json()["detail"]
    no_codebook = api.get("/projects/äänekoski/export?format=qdc")
    assert no_codebook.status_code == 404 and "theme run" in no_codebook.json()["detail"]
    # Notes without a run still export, with empty theme columns; the name survives.
    plain = api.get("/projects/äänekoski/export?format=csv")
    assert plain.status_code == 200
    assert "filename*=UTF-8''%C3%A4%C3%A4nekoski.csv" in plain.headers["content-disposition"]
    frame = pd.read_csv(io.BytesIO(plain.content), encoding="utf-8-sig")
    assert frame["text"].tolist() == ["Yksi ajatus"] and frame["theme_id"].isna().all()
    assert api.get("/projects/ei-ole/export").status_code == 404


def _cli() -> typer.Typer:
    app = CommandApp()  # as service.cli builds its app: user errors answered once
    app.command()(export_command)
    app.command("noop")(lambda: None)
    return app


def test_export_command_writes_whole_files_only(tmp_path: Path) -> None:
    env = {"TEEMA_DATA_DIR": str(tmp_path), "TEEMA_DATABASE_URL": ""}
    with database(f"sqlite:///{tmp_path / 'teemakartta.db'}") as db:
        sample_project(db, "cli")
    runner = CliRunner()
    out = tmp_path / "out" / "notes.parquet"
    result = runner.invoke(
        _cli(), ["export", "--project", "cli", "--format", "parquet", "--output", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    assert "14 notes" in result.output and pq.read_table(out).num_rows == 14
    qdpx = tmp_path / "p.qdpx"
    result = runner.invoke(
        _cli(), ["export", "--project", "cli", "--format", "qdpx", "--output", str(qdpx)], env=env
    )
    assert result.exit_code == 0 and "12 codings" in result.output
    bad = runner.invoke(
        _cli(),
        ["export", "--project", "cli", "--format", "pdf", "--output", str(tmp_path / "x.pdf")],
        env=env,
    )
    assert bad.exit_code == 2 and "use one of" in bad.output
    missing = runner.invoke(
        _cli(),
        ["export", "--project", "ei-ole", "--format", "csv", "--output", str(tmp_path / "x.csv")],
        env=env,
    )
    assert missing.exit_code == 2 and not (tmp_path / "x.csv").exists()
    assert not list(tmp_path.glob(".*.partial"))
    # Exports from the command line are audited as the local user, as the API's are.
    with database(f"sqlite:///{tmp_path / 'teemakartta.db'}") as db:
        exports = [entry for entry in audit_log(db) if entry[0] == "export"]
    assert exports == [("export", cli_user(), "cli")] * 2
