"""GET /projects/{project}/compare through the real app, and the compare CLI command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.api.routes import compare
from service.commands import CommandApp
from service.commands.compare import compare as compare_command
from service.config import Settings
from tests.factories import add_project, database, include_routers, sample_project


@pytest.fixture
def api(client: TestClient) -> TestClient:
    return include_routers(client, compare.router)


def test_compare_by_region_and_by_quarter(api: TestClient, settings: Settings) -> None:
    with database(settings.resolved_database_url) as db:
        sample = sample_project(db, "vertailu")
    response = api.get("/projects/vertailu/compare")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["project"] == "vertailu" and body["run_id"] == sample.run_id
    assert body["by"] == "region" and body["period"] is None
    assert {"rows", "distinctive", "chi2", "dof", "p", "cramers_v", "warnings"} <= body.keys()
    row = next(r for r in body["rows"] if r["group"] == "Etelä-Savo" and r["theme_id"] == 3)
    assert (row["count"], row["total"], row["share"]) == (3, 4, 0.75)
    assert row["ci_low"] == pytest.approx(0.3006418, abs=1e-6)  # Wilson 3/4
    assert row["theme_name"] == "Yhteistyö ja verkostot"
    assert body["dof"] == 4 and body["chi2"] > 0
    small = {w["group"]: w for w in body["warnings"] if w["code"] == "small_group"}
    # Finnish puts the region in its case ("Kainuussa on vain 3 muistiinpanoa"), not
    # "Alueella Kainuu ...".
    assert small["Kainuu"]["in_group_fi"] == "Kainuussa"
    assert "left out" in body["unassigned"]["note"]

    by_quarter = api.get("/projects/vertailu/compare", params={"by": "kind", "period": "quarter"})
    assert by_quarter.status_code == 200
    periods = {r["period"] for r in by_quarter.json()["rows"]}
    assert periods == {"2017-Q4", "2018-Q1"}
    by_kind = [w for w in by_quarter.json()["warnings"] if w["code"] == "small_group"]
    said = {"workshop": "Työpajoissa", "project_description": "Hankekuvauksissa"}
    assert by_kind and all(w["in_group_fi"] == said[w["group"]] for w in by_kind)


def test_compare_errors_say_what_to_do(api: TestClient, settings: Settings) -> None:
    with database(settings.resolved_database_url) as db:
        add_project(db, "tyhja")
    bad_by = api.get("/projects/tyhja/compare", params={"by": "kunta"})
    assert bad_by.status_code == 422
    assert "region, kind, event, document, group, question" in bad_by.json()["detail"]
    bad_period = api.get("/projects/tyhja/compare", params={"period": "week"})
    assert bad_period.status_code == 422 and "month, quarter, year" in bad_period.json()["detail"]
    no_run = api.get("/projects/tyhja/compare")
    assert no_run.status_code == 404 and "no theme run" in no_run.json()["detail"]
    assert no_run.json()["code"] == "no_theme_run"
    assert api.get("/projects/ei-ole/compare").status_code == 404


def _cli() -> typer.Typer:
    app = CommandApp()  # as service.cli builds its app: user errors answered once
    app.command()(compare_command)
    app.command("noop")(lambda: None)  # two commands, so typer keeps the command name
    return app


def test_compare_command_formats(tmp_path: Path) -> None:
    env = {"TEEMA_DATA_DIR": str(tmp_path), "TEEMA_DATABASE_URL": ""}
    with database(f"sqlite:///{tmp_path / 'teemakartta.db'}") as db:
        sample_project(db, "cli")
    runner = CliRunner()
    as_json = runner.invoke(_cli(), ["compare", "--project", "cli", "--format", "json"], env=env)
    assert as_json.exit_code == 0, as_json.output
    report = json.loads(as_json.output)
    assert report["by"] == "region" and len(report["rows"]) == 12
    as_csv = runner.invoke(
        _cli(),
        ["compare", "--project", "cli", "--by", "kind", "--period", "year", "--format", "csv"],
        env=env,
    )
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert {r["period"] for r in rows} == {"2017", "2018"}
    assert {r["theme_name"] for r in rows} >= {"Vetovoima ja markkinointi", "unassigned"}
    table = runner.invoke(_cli(), ["compare", "--project", "cli"], env=env)
    assert table.exit_code == 0 and "Pohjois-Savo" in table.output and "Cramér" in table.output
    bad = runner.invoke(_cli(), ["compare", "--project", "cli", "--by", "kunta"], env=env)
    assert bad.exit_code == 2 and "use one of" in bad.output
    missing = runner.invoke(_cli(), ["compare", "--project", "ei-ole"], env=env)
    assert missing.exit_code == 2 and "No project" in missing.output
