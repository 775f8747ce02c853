"""Human codes in (CSV and QDPX) and agreement out, through the real app and the CLI."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.api.routes import agreement, exports
from service.commands import CommandApp
from service.commands.agreement import agreement as agreement_command
from service.commands.agreement import human_codes as human_codes_command
from service.config import Settings
from service.storage.human_codes import HumanCode
from tests.factories import (
    SAMPLE_THEMES,
    add_document,
    add_project,
    add_run,
    database,
    include_routers,
    sample_project,
    tool_qdpx,
)


@pytest.fixture
def api(client: TestClient) -> TestClient:
    return include_routers(client, agreement.router, exports.router)


def _upload(api: TestClient, project: str, name: str, content: bytes, coder: str = "Aino") -> dict:
    response = api.post(
        f"/projects/{project}/human-codes",
        data={"coder": coder},
        files={"file": (name, content, "application/octet-stream")},
    )
    return {"status": response.status_code, **response.json()}


def test_csv_codes_and_agreement_report(api: TestClient, settings: Settings) -> None:
    with database(settings.resolved_database_url) as db:
        sample = sample_project(db, "koodit")
    # The coder agrees with the model except on one note, and codes the unassigned ones.
    names = {1: "työvoima", 2: "imago", 3: "yhteistyö"}
    lines = ["note_id,code"]
    for note_id, (_, text, key) in sorted(sample.notes.items()):
        code = names[key] if key is not None else "muu"
        if text.startswith("Rekrytointi"):
            code = "työvoima"  # the model said theme 2
        lines.append(f"{note_id},{code}")
    lines.append("999999,työvoima")  # no such note
    stored = _upload(api, "koodit", "aino.csv", "\n".join(lines).encode("utf-8"))
    assert stored["status"] == 201, stored
    assert stored["stored"] == 14 and stored["unmatched"] == 1
    assert stored["codes"] == ["imago", "muu", "työvoima", "yhteistyö"]

    response = api.get("/projects/koodit/agreement")
    assert response.status_code == 200, response.text
    (report,) = response.json()["reports"]
    assert report["coder"] == "Aino" and report["notes"] == 14
    assert report["coded_outside_run"] == 0
    # 1 -> työvoima, 2 -> imago, 3 -> yhteistyö; the disagreement and the 2 unassigned
    # notes (coded "muu") miss: 11 of 14.
    assert {m["theme_id"]: m["code"] for m in report["mapping"]} == {
        1: "työvoima",
        2: "imago",
        3: "yhteistyö",
    }
    assert report["matched"] == 11 and report["unassigned"] == 2
    assert 0.5 < report["cohen_kappa"] < 1 and 0 < report["krippendorff_alpha"] < 1
    assert {r["region"] for r in report["by_region"]} == {"Pohjois-Savo", "Etelä-Savo", "Kainuu"}
    assert any(w["code"] == "small_sample" for w in report["warnings"])
    assert api.get("/projects/koodit/agreement?coder=Eero").status_code == 404


def test_codes_by_text_with_semicolons_replace_earlier_codes(
    api: TestClient, settings: Settings
) -> None:
    with database(settings.resolved_database_url) as db:
        project = add_project(db, "teksti")
        notes = ["Työvoimaa tarvitaan", "Työvoimaa tarvitaan", "Kahvi loppui", "Myöhemmin"]
        ids = add_document(db, project, notes, "Kainuu")
        # The run leaves the last note out.
        add_run(db, project, {1: SAMPLE_THEMES[1]}, {ids[0]: 1, ids[1]: 1, ids[2]: None})
    content = "text;code\nTyövoimaa tarvitaan;työ\nKahvi loppui;muu\nEi ole;x\nMyöhemmin;työ\n"
    first = _upload(api, "teksti", "koodit.csv", content.encode("cp1252"))
    assert first["status"] == 201 and first["stored"] == 4 and first["unmatched"] == 1
    again = _upload(api, "teksti", "koodit.csv", b"text,code\nKahvi loppui,tauko\n")
    assert again["stored"] == 1
    with database(settings.resolved_database_url) as db, db.session() as session:
        codes = {c.note_id: c.code for c in session.query(HumanCode)}
    assert codes == {ids[0]: "työ", ids[1]: "työ", ids[2]: "tauko", ids[3]: "työ"}
    (report,) = api.get("/projects/teksti/agreement").json()["reports"]
    assert report["notes"] == 3 and report["coded_outside_run"] == 1


def test_our_own_qdpx_as_human_codes_agrees_perfectly(api: TestClient, settings: Settings) -> None:
    with database(settings.resolved_database_url) as db:
        sample_project(db, "kierros")
    exported = api.get("/projects/kierros/export?format=qdpx")
    stored = _upload(api, "kierros", "kierros.qdpx", exported.content, coder="malli")
    assert stored["status"] == 201 and stored["stored"] == 12 and stored["source"] == "qdpx"
    (report,) = api.get("/projects/kierros/agreement").json()["reports"]
    assert report["notes"] == 12 and report["matched"] == 12
    assert report["cohen_kappa"] == pytest.approx(1.0)
    assert report["krippendorff_alpha"] == pytest.approx(1.0)
    assert report["ari"] == pytest.approx(1.0) and report["nmi"] == pytest.approx(1.0)
    assert {m["code"] for m in report["mapping"]} == {t.name for t in SAMPLE_THEMES.values()}


def test_crlf_sources_with_single_character_offsets_match(
    api: TestClient, settings: Settings, tmp_path: Path
) -> None:
    # QualCoder's "add line endings for MAXQDA" writes each source with CRLF line endings
    # but keeps the offsets of the text with single-character line breaks.
    with database(settings.resolved_database_url) as db:
        sample_project(db, "rivit")
    exported = api.get("/projects/rivit/export?format=qdpx").content
    crlf = tmp_path / "crlf.qdpx"
    with zipfile.ZipFile(io.BytesIO(exported)) as source, zipfile.ZipFile(crlf, "w") as out:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("sources/"):
                assert b"\n" in content  # else the test would prove nothing
                content = content.replace(b"\n", b"\r\n")
            out.writestr(info.filename, content)
    stored = _upload(api, "rivit", "crlf.qdpx", crlf.read_bytes(), coder="qualcoder")
    assert stored["status"] == 201, stored
    assert stored["stored"] == 12 and stored["unmatched"] == 0
    (report,) = api.get("/projects/rivit/agreement").json()["reports"]
    assert report["matched"] == 12 and report["cohen_kappa"] == pytest.approx(1.0)


def test_a_qda_tool_project_maps_selections_to_notes(
    api: TestClient, settings: Settings, tmp_path: Path
) -> None:
    with database(settings.resolved_database_url) as db:
        project = add_project(db, "tyokalu")
        notes = ["Työvoimaa tarvitaan", "Äänekoski ja Iisalmi tarvitsevat hoitajia"]
        ids = add_document(db, project, notes, "Keski-Suomi")
        add_run(db, project, {1: SAMPLE_THEMES[1]}, {ids[0]: 1, ids[1]: 1})
    text = "Otsikko\n\n- Työvoimaa tarvitaan\n- Äänekoski ja Iisalmi tarvitsevat hoitajia\n"
    stored = _upload(api, "tyokalu", "tool.qdpx", tool_qdpx(tmp_path, text).read_bytes())
    assert stored["status"] == 201, stored
    assert stored["codes"] == ["Rekrytointi", "Työvoima"]
    # "file" has a text no document has, "docx only" has no plain text.
    assert stored["unmatched"] == 2
    with database(settings.resolved_database_url) as db, db.session() as session:
        codes = {c.note_id: c.code for c in session.query(HumanCode)}
    # A whole-note selection with the parent code, a phrase inside the second note with the
    # nested code.
    assert codes == {ids[0]: "Työvoima", ids[1]: "Rekrytointi"}
    (report,) = api.get("/projects/tyokalu/agreement").json()["reports"]
    assert report["notes"] == 2 and report["matched"] == 1
    (merge,) = report["merges"]
    assert merge["theme_id"] == 1 and {c["code"] for c in merge["codes"]} == set(codes.values())


def test_human_code_errors(api: TestClient, settings: Settings) -> None:
    with database(settings.resolved_database_url) as db:
        project = add_project(db, "virheet")
        add_document(db, project, ["Yksi"], "Kainuu")
    assert api.get("/projects/virheet/agreement").status_code == 404  # no run yet
    no_column = _upload(api, "virheet", "a.csv", b"id,label\n1,x\n")
    assert no_column["status"] == 422 and "'code' column" in no_column["detail"]
    wrong_type = _upload(api, "virheet", "a.docx", b"x")
    assert wrong_type["status"] == 422 and ".csv or a .qdpx" in wrong_type["detail"]
    nothing = _upload(api, "virheet", "a.csv", b"text,code\nEi ole,x\n")
    assert nothing["status"] == 422 and "matched" in nothing["detail"]
    broken = _upload(api, "virheet", "a.qdpx", b"PK not really")
    assert broken["status"] == 422 and "zip" in broken["detail"]
    missing_coder = api.post(
        "/projects/virheet/human-codes",
        files={"file": ("a.csv", b"text,code\nYksi,x\n", "text/csv")},
    )
    assert missing_coder.status_code == 422


def _cli() -> typer.Typer:
    app = CommandApp()  # as service.cli builds its app: user errors answered once
    app.command("human-codes")(human_codes_command)
    app.command()(agreement_command)
    return app


def test_agreement_commands(tmp_path: Path) -> None:
    env = {"TEEMA_DATA_DIR": str(tmp_path), "TEEMA_DATABASE_URL": ""}
    with database(f"sqlite:///{tmp_path / 'teemakartta.db'}") as db:
        sample = sample_project(db, "cli")
    codes = tmp_path / "codes.csv"
    codes.write_text(
        "note_id,code\n"
        + "".join(f"{i},{'t' if k == 1 else 'm'}\n" for i, (_, _, k) in sample.notes.items()),
        "utf-8",
    )
    runner = CliRunner()
    imported = runner.invoke(
        _cli(), ["human-codes", "--project", "cli", str(codes), "--coder", "Aino"], env=env
    )
    assert imported.exit_code == 0, imported.output
    assert "14 notes coded by Aino (2 codes)" in imported.output
    as_json = runner.invoke(_cli(), ["agreement", "--project", "cli", "--format", "json"], env=env)
    assert as_json.exit_code == 0, as_json.output
    (report,) = json.loads(as_json.output)["reports"]
    # "m" covers themes 2 and 3 (and the unassigned notes): the model splits it.
    (split,) = report["splits"]
    assert report["notes"] == 14 and split["code"] == "m"
    assert {t["theme_id"] for t in split["themes"]} == {2, 3}
    table = runner.invoke(_cli(), ["agreement", "--project", "cli"], env=env)
    assert table.exit_code == 0 and "kappa" in table.output and "split: code 'm'" in table.output
    unknown = runner.invoke(_cli(), ["agreement", "--project", "cli", "--coder", "X"], env=env)
    assert unknown.exit_code == 2 and "No human codes" in unknown.output
