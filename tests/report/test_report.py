"""The Word report: it opens, has every section and picture, its numbers are the API's, and
user text stays plain text (no field codes, hyperlinks or control characters)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from service.analysis.finnish import format_number, format_p, format_percent
from service.cli import app as cli_app
from service.commands import cli_user
from service.config import Settings
from service.pipeline.segment import KINDS
from service.pipeline.themes import ThemeModel
from service.report.document import method_choice
from service.report.texts import text
from service.storage.models import Note, Theme
from tests.factories import (
    ThemeSpec,
    add_document,
    add_project,
    add_run,
    audit_log,
    database,
    sample_project,
)

DOCUMENT_COLUMNS = ("col_file", "col_kind", "col_region", "col_date", "col_notes")
SECTIONS = {
    "fi": [
        "Yhteenveto",
        "Teemat",
        "Alueiden vertailu",
        "Tarpeet ja hankkeet",
        "Toimijat",
        "Liite: menetelmä",
    ],
    "en": [
        "Summary",
        "Themes",
        "Comparison of regions",
        "Needs and projects",
        "Actors",
        "Appendix: method",
    ],
}


def _report(client: TestClient, project: str, lang: str) -> Document:
    answer = client.get(f"/projects/{project}/report", params={"lang": lang})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert f"teemakartta-{project}-" in answer.headers["content-disposition"]
    return Document(io.BytesIO(answer.content))


def _tables(document: Document) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]


def _table_with(document: Document, header: list[str]) -> list[list[str]]:
    return next(rows[1:] for rows in _tables(document) if rows[0] == header)


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_the_report_has_every_section_and_the_apis_numbers(
    client: TestClient, settings: Settings, lang: str
) -> None:
    with database(settings.resolved_database_url) as db:
        sample_project(db, "raportti")
    document = _report(client, "raportti", lang)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings == SECTIONS[lang]
    assert len(document.inline_shapes) == 2  # the heatmap and the map

    themes = client.get("/projects/raportti/themes").json()
    compare = client.get("/projects/raportti/compare").json()
    needs = client.get("/projects/raportti/needs").json()
    documents = client.get("/projects/raportti/documents").json()
    notes = client.get("/projects/raportti/notes?limit=1").json()["total"]
    texts = "\n".join(p.text for p in document.paragraphs)

    size_word = "muistiinpanoa" if lang == "fi" else "notes"
    for theme in themes["themes"]:
        share = format_percent(theme["share"], lang, 1)
        assert f"{theme['name']} ({theme['size']} {size_word}, {share})" in texts
    dates = sorted(d["date"] for d in documents if d["date"])
    assert f"{dates[0]} – {dates[-1]}" in texts
    assert format_number(notes, lang, 0) in texts
    region_word = "Alue" if lang == "fi" else "Region"
    regions = _table_with(document, [region_word, "Muistiinpanoja" if lang == "fi" else "Notes"])
    assert {r: int(n) for r, n in regions} == {g["group"]: g["notes"] for g in compare["groups"]}
    share_tables = [
        rows[1:]
        for rows in _tables(document)
        if rows[0] == [region_word, "Osuus" if lang == "fi" else "Share"]
    ]
    for theme, rows in zip(themes["themes"], share_tables, strict=True):
        assert rows == [
            [region, format_percent(share, lang, 1)]
            for region, share in theme["region_share"].items()
        ]
    for group in compare["findings"]:
        for sentence in group["sentences"][lang]:
            assert sentence in texts
    assert f"{format_number(compare['chi2'], lang, 1)} " in texts
    assert f"), {format_p(compare['p'], lang)}, " in texts
    needs_rows = _table_with(
        document,
        ["Teema", "Työpajat", "Hankekuvaukset", "Tila"]
        if lang == "fi"
        else ["Theme", "Workshops", "Project descriptions", "Status"],
    )
    assert [[r[0], r[1], r[2]] for r in needs_rows] == [
        [
            t["theme_name"],
            format_percent(t["need_share"], lang, 1),
            format_percent(t["project_share"], lang, 1),
        ]
        for t in needs["overall"]["themes"]
    ]
    actors = client.get("/projects/raportti/actors").json()["actors"]
    actor_rows = _table_with(
        document,
        ["Toimija", "Tyyppi", "Muistiinpanoja", "Alue", "Teemat"]
        if lang == "fi"
        else ["Actor", "Type", "Notes", "Region", "Themes"],
    )
    assert [(r[0], int(r[2])) for r in actor_rows] == [(a["name"], a["notes"]) for a in actors]
    assert {"Kuopio", "Iisalmi"} <= {a["name"] for a in actors}


HOSTILE = '{ HYPERLINK "http://x.example/" }=cmd|\' /C calc\'!A0 \x0b<w:fldSimple w:instr="X"/>'


def test_user_text_stays_plain_text(client: TestClient, settings: Settings) -> None:
    with database(settings.resolved_database_url) as db:
        project_id = add_project(db, "vihamielinen")
        ids = add_document(db, project_id, ['=HYPERLINK("http://x")', "Tavallinen"], "Kainuu")
        ids += add_document(db, project_id, ["Toinen alue", "Kolmas"], "Lappi")
        add_run(db, project_id, {1: ThemeSpec(HOSTILE)}, {i: 1 for i in ids})
    answer = client.get("/projects/vihamielinen/report")
    assert answer.status_code == 200, answer.text
    xml = zipfile.ZipFile(io.BytesIO(answer.content)).read("word/document.xml").decode()
    for active in ("<w:fldChar", "<w:instrText", "<w:hyperlink", "<w:fldSimple"):
        assert active not in xml
    texts = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert HOSTILE.replace("\x0b", "") in texts


def test_a_quoted_sub_bullet_says_which_bullet_it_answers(
    client: TestClient, settings: Settings
) -> None:
    """Seen in the sample project's report: the quotes "Kiinnostava kokonaisuus" and
    "Mahtava mahdollisuus" alone, sub-bullets of "Savilahti ja muut seudulliset
    kampukset" that mean nothing without it. The API gives a representative its parent's
    text, and the report quotes it with it."""
    parent = "Savilahti ja muut seudulliset kampukset"
    with database(settings.resolved_database_url) as db:
        project_id = add_project(db, "alakohdat")
        ids = add_document(db, project_id, [parent, "Kiinnostava kokonaisuus"], "Kainuu")
        run_id = add_run(db, project_id, {1: ThemeSpec("Kampukset")}, {i: 1 for i in ids})
        with db.session() as session:
            child = session.get(Note, ids[1])
            assert child is not None
            child.kind, child.parent_id, child.context = "sub_bullet", ids[0], parent
            theme = session.scalars(select(Theme).where(Theme.run_id == run_id)).one()
            theme.representatives = [ids[1], ids[0]]
    [row] = client.get("/projects/alakohdat/themes").json()["themes"]
    assert row["representatives"] == [
        {"id": ids[1], "text": "Kiinnostava kokonaisuus", "context": parent},
        {"id": ids[0], "text": parent, "context": None},
    ]
    finnish = "\n".join(p.text for p in _report(client, "alakohdat", "fi").paragraphs)
    assert f"”Kiinnostava kokonaisuus” (kohdan ”{parent}” alla)" in finnish
    assert f"”{parent}”\n" in finnish + "\n"  # a bullet of its own is quoted alone
    english = "\n".join(p.text for p in _report(client, "alakohdat", "en").paragraphs)
    assert f"”Kiinnostava kokonaisuus” (under “{parent}”)" in english


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_every_kind_of_document_is_named_in_the_report(
    client: TestClient, settings: Settings, lang: str
) -> None:
    """Seen as a new user: a project with a transcript made the report fail with
    KeyError 'kind_transcript' (the report had words for three kinds of four)."""
    with database(settings.resolved_database_url) as db:
        project_id = add_project(db, "lajit")
        ids: list[int] = []
        for kind in KINDS:
            ids += add_document(db, project_id, [f"Muistiinpano {kind}"], "Kainuu", kind=kind)
        add_run(db, project_id, {1: ThemeSpec("Kaikki")}, {i: 1 for i in ids})
    rows = _table_with(_report(client, "lajit", lang), [text(k, lang) for k in DOCUMENT_COLUMNS])
    assert sorted(row[1] for row in rows) == sorted(text(f"kind_{kind}", lang) for kind in KINDS)


def test_report_errors_say_what_to_do(client: TestClient, settings: Settings) -> None:
    with database(settings.resolved_database_url) as db:
        add_project(db, "tyhja")
    assert client.get("/projects/tyhja/report").status_code == 404
    assert "no theme run" in client.get("/projects/tyhja/report").json()["detail"]
    assert client.get("/projects/tyhja/report?lang=sv").status_code == 422
    assert client.get("/projects/ei-ole/report").status_code == 404


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_report_command(tmp_path: Path, settings: Settings) -> None:
    env = {"TEEMA_DATA_DIR": str(tmp_path), "TEEMA_DATABASE_URL": settings.resolved_database_url}
    with database(settings.resolved_database_url) as db:
        sample_project(db, "cli")
    out = tmp_path / "raportti.docx"
    runner = CliRunner()
    result = runner.invoke(
        cli_app, ["report", "--project", "cli", "-o", str(out), "--lang", "en"], env=env
    )
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    assert document.paragraphs[0].text == "Theme map: cli"
    wrong = runner.invoke(
        cli_app, ["report", "--project", "cli", "-o", str(tmp_path / "r.pdf")], env=env
    )
    assert wrong.exit_code == 2 and ".docx" in wrong.output
    missing = runner.invoke(cli_app, ["report", "--project", "ei", "-o", str(out)], env=env)
    assert missing.exit_code == 2 and "No project" in missing.output
    with database(settings.resolved_database_url) as db:
        reports = [entry for entry in audit_log(db) if entry[0] == "report"]
    assert reports == [("report", cli_user(), "cli")]


def test_without_spacy_the_report_leaves_the_actors_out(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    from service.api.app import create_app

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path, language_backend="simplemma"
    )
    with database(settings.resolved_database_url) as db:
        sample_project(db, "kevyt")
    with TestClient(create_app(settings, nlp)) as client:
        token = (tmp_path / "admin-token").read_text().strip()
        client.headers["Authorization"] = f"Bearer {token}"
        refused = client.get("/projects/kevyt/actors")
        assert refused.status_code == 409 and "TEEMA_LANGUAGE_BACKEND" in refused.json()["detail"]
        document = _report(client, "kevyt", "en")
    texts = [p.text for p in document.paragraphs]
    assert "Actors were not looked for: the service lacks spaCy's Finnish model." in texts


def test_the_method_says_how_the_number_of_themes_was_chosen() -> None:
    """The appendix said "Asetukset: granularities = [[5, 'leaf'], ...]" and nothing a
    reader could follow about how many themes there are and why. The run's own settings
    now say it in words."""
    model = ThemeModel()
    names = ("granularities", "n_runs", "n_components", "reproducibility_power", "score_tie")
    # as the run stores them: JSON, so lists where the model has tuples
    params = json.loads(json.dumps({name: getattr(model, name) for name in names}))
    params["n_runs"] = 6  # stored as the fit used it (theming/fitting.py)
    finnish = method_choice(params, "fi")
    assert finnish is not None
    assert "10 rakeisuutta" in finnish and "5–30 muistiinpanoa" in finnish
    assert "6 UMAP-tiivistykseen (10 ulottuvuutta)" in finnish
    assert "erottuvuus × toistettavuus²" in finnish and "5 %:n" in finnish
    english = method_choice(params, "en")
    assert english is not None and "10 granularities" in english and "6 UMAP layouts" in english
    assert method_choice({}, "fi") is None  # a run stored without them: nothing made up
    # A coordinator asked for coarser themes: the text says so, with the level.
    coarser = method_choice({**params, "detail": -2}, "fi")
    assert coarser is not None and "karkeampia teemoja (tarkkuustaso -2)" in coarser
    finer = method_choice({**params, "detail": 1}, "en")
    assert finer is not None and "finer themes (detail level +1)" in finer
    assert "detail level" not in english
    # A large project is fitted on a sample and the other notes join their nearest theme.
    sampled = method_choice({**params, "fit_sample": {"notes": 40000, "fitted_on": 16000}}, "fi")
    assert sampled is not None and "16\u00a0000 muistiinpanon otokseen" in sampled
    assert "muut 24\u00a0000 liitettiin" in sampled
