"""Needs vs projects: gaps and orphans from a workshop x project-description table, through
the API (SQLite and PostgreSQL) and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.analysis import compare
from service.analysis.needs import needs_table
from service.cli import app as cli_app
from service.config import Settings
from tests.factories import (
    ThemeSpec,
    add_document,
    add_project,
    add_run,
    database,
    sample_project,
)

THEMES: list[tuple[int | None, str]] = [
    (1, "Työvoima"),
    (2, "Vetovoima"),
    (3, "Verkostot"),
    (4, "Liikenne"),
    (None, "unassigned"),
]


def test_gaps_orphans_and_their_numbers() -> None:
    counts = np.array([[40, 30, 25, 1, 4], [0, 28, 60, 1, 11]])
    result = needs_table(THEMES, counts)
    rows = {r["theme_id"]: r for r in result["themes"]}
    assert result["need_notes"] == 100 and result["project_notes"] == 100
    assert rows[1]["status"] == "gap" and rows[1]["clear"]  # 40 raised, none covered
    assert rows[3]["status"] == "orphan" and rows[3]["clear"]  # covered far more than raised
    assert rows[2]["status"] == "both" and rows[4]["status"] == "few"
    assert result["gaps"] == [1] and result["orphans"] == [3]
    low, high = compare.wilson_interval(40, 100)
    assert (rows[1]["need_share"], rows[1]["need_low"], rows[1]["need_high"]) == pytest.approx(
        (0.4, float(low), float(high))
    )
    _delta, z = compare.log_odds_dirichlet(counts[:, :4])
    assert rows[3]["z"] == pytest.approx(z[0, 2])
    assert rows[1]["sentence"]["fi"] == (
        "Työpajat nostavat esiin teeman ”Työvoima” (40\u00a0%), mutta hankekuvaukset eivät "
        "käsittele sitä; selvä ero."
    )
    assert rows[3]["sentence"]["en"].startswith("The project descriptions cover “Verkostot”")
    assert rows[2]["sentence"] == {"fi": "", "en": ""}


def test_small_kinds_make_gaps_uncertain_with_reasons() -> None:
    counts = np.array([[6, 2, 1, 0, 1], [0, 3, 4, 0, 0]])
    rows = {r["theme_id"]: r for r in needs_table(THEMES, counts)["themes"]}
    assert rows[1]["status"] == "gap" and not rows[1]["clear"]
    assert "small_group" in rows[1]["reasons"]
    assert "epävarma: alle 30 muistiinpanoa jommassakummassa" in rows[1]["sentence"]["fi"]


def test_the_api_per_project_and_region(client: TestClient, settings: Settings) -> None:
    with database(settings.resolved_database_url) as db:
        sample_project(db, "tarpeet")
    body = client.get("/projects/tarpeet/needs").json()
    assert body["ready"]
    assert body["documents"] == {"workshop": 2, "transcript": 0, "project_description": 1}
    overall = body["overall"]
    # Workshops: Pohjois-Savo (7 notes) and Kainuu (3); projects: Etelä-Savo (4).
    assert (overall["need_notes"], overall["project_notes"]) == (10, 4)
    rows = {r["theme_id"]: r for r in overall["themes"]}
    assert (rows[1]["need_count"], rows[1]["project_count"]) == (4, 0)
    assert rows[1]["status"] == "gap" and not rows[1]["clear"]
    assert (rows[3]["need_count"], rows[3]["project_count"]) == (1, 3)
    regions = {b["region"]: b for b in body["regions"]}
    assert regions["Kainuu"]["missing"] == ["project_description"]
    assert regions["Etelä-Savo"]["missing"] == ["workshop"]
    assert client.get("/projects/ei-ole/needs").status_code == 404


def test_a_project_of_one_kind_says_what_is_missing(client: TestClient, settings: Settings) -> None:
    with database(settings.resolved_database_url) as db:
        project_id = add_project(db, "yksi")
        ids = add_document(db, project_id, ["Työvoimaa tarvitaan", "Lisää koulutusta"], "Kainuu")
        add_run(db, project_id, {1: ThemeSpec("Työvoima")}, {i: 1 for i in ids})
    body = client.get("/projects/yksi/needs").json()
    assert not body["ready"] and body["overall"]["missing"] == ["project_description"]
    assert body["overall"]["gaps"] == []


def test_a_workshops_transcript_raises_needs(client: TestClient, settings: Settings) -> None:
    """A forum's transcript says what its participants need, as its notes would: a project
    of a transcript and a project description had no needs ("missing: workshop")."""
    with database(settings.resolved_database_url) as db:
        project_id = add_project(db, "litteroitu")
        heard = ["Työvoimaa tarvitaan", "Hoitajista on pula", "Lisää koulutusta"]
        ids = add_document(db, project_id, heard, "Kainuu", kind="transcript")
        ids += add_document(db, project_id, ["Koulutushanke"], "Kainuu", kind="project_description")
        add_run(db, project_id, {1: ThemeSpec("Työvoima")}, {i: 1 for i in ids})
    body = client.get("/projects/litteroitu/needs").json()
    assert body["documents"] == {"workshop": 0, "transcript": 1, "project_description": 1}
    assert body["ready"] and body["overall"]["missing"] == []
    assert (body["overall"]["need_notes"], body["overall"]["project_notes"]) == (3, 1)


def test_needs_command(tmp_path: Path) -> None:
    env = {"TEEMA_DATA_DIR": str(tmp_path), "TEEMA_DATABASE_URL": ""}
    with database(f"sqlite:///{tmp_path / 'teemakartta.db'}") as db:
        sample_project(db, "cli")
    runner = CliRunner()
    table = runner.invoke(cli_app, ["needs", "--project", "cli"], env=env)
    assert table.exit_code == 0, table.output
    assert "Osaavan työvoiman saatavuus" in table.output and "gap" in table.output
    as_json = runner.invoke(cli_app, ["needs", "--project", "cli", "--format", "json"], env=env)
    assert json.loads(as_json.output)["overall"]["need_notes"] == 10
    region = runner.invoke(cli_app, ["needs", "--project", "cli", "--region", "Lappi"], env=env)
    assert region.exit_code == 2 and "Kainuu" in region.output
    missing = runner.invoke(cli_app, ["needs", "--project", "ei-ole"], env=env)
    assert missing.exit_code == 2 and "No project" in missing.output
