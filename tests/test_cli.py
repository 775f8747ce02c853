"""The command line, run in-process with typer's CliRunner against a temporary database."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from service.cli import app
from tests.conftest import CORPORA
from tests.factories import audit_log, database

FORMATS = Path(__file__).parent / "pipeline" / "fixtures" / "formats"


def test_ingest_then_notes(tmp_path: Path) -> None:
    env = {"TEEMA_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "ingest",
            str(CORPORA / "pohjois-savo_learning-cafe_2017.txt"),
            "--project",
            "lc",
            "--region",
            "Pohjois-Savo",
            "--date",
            "2017-11-01",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert (
        "pohjois-savo_learning-cafe_2017.txt:" in result.output and "notes (new)" in result.output
    )
    # A project the CLI creates is audited as one the API creates, as the local user's.
    (created,) = [entry for entry in _audit_log(tmp_path) if entry[0] == "create_project"]
    assert created[1].startswith("cli") and created[2] == "lc"
    folder = tmp_path / "in"
    folder.mkdir()
    for path in CORPORA.glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    again = runner.invoke(
        app, ["ingest", str(folder), "--project", "lc", "--region", "Pohjois-Savo"], env=env
    )
    assert again.exit_code == 0, again.output
    assert "(already ingested)" in again.output and again.output.count("(new)") == 4
    listed = runner.invoke(
        app, ["notes", "--project", "lc", "--region", "Pohjois-Savo", "--format", "jsonl"], env=env
    )
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert rows and all(r["region"] == "Pohjois-Savo" for r in rows)
    assert {"document", "group", "question", "start", "end", "text"} <= rows[0].keys()
    table = runner.invoke(app, ["notes", "--project", "lc"], env=env)
    assert table.exit_code == 0 and f"{len(rows)} notes" in table.output


def test_ingest_a_folder_of_transcripts_and_decks_with_a_facilitator(tmp_path: Path) -> None:
    env = {"TEEMA_DATA_DIR": str(tmp_path)}
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("etatyo_teams.vtt", "paluumuutto.srt", "osaaminen_tyopaja.pptx"):
        (folder / name).write_bytes((FORMATS / name).read_bytes())
    runner = CliRunner()
    command = ["ingest", str(folder), "--project", "t", "--region", "Kainuu"]
    result = runner.invoke(app, [*command, "--facilitator", "Matti Virtanen"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.count("(new)") == 3
    listed = runner.invoke(app, ["notes", "--project", "t", "--format", "jsonl"], env=env)
    rows = [json.loads(line) for line in listed.output.splitlines()]
    # Speakers are stored as pseudonyms (the privacy stage); their roles stay.
    roles = {r["speaker"]: r["speaker_role"] for r in rows if r["document"] == "etatyo_teams.vtt"}
    assert all(speaker.startswith("Puhuja ") for speaker in roles)
    assert sorted(set(roles.values())) == ["facilitator", "participant"]
    assert "Matti Virtanen" not in listed.output and "Liisa Korhonen" not in listed.output
    # Where the named facilitator does not speak, the one asking the questions leads.
    srt = {r["speaker"]: r["speaker_role"] for r in rows if r["document"] == "paluumuutto.srt"}
    assert srt == {"Puhuja 1": "participant"}  # the interviewer's questions are no notes
    assert {r["document"] for r in rows} == {
        "etatyo_teams.vtt", "paluumuutto.srt", "osaaminen_tyopaja.pptx"
    }  # fmt: skip
    assert all(
        r["start_time"] is not None for r in rows if r["document"] != "osaaminen_tyopaja.pptx"
    )


def test_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    env = {"TEEMA_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    bad_date = runner.invoke(
        app,
        ["ingest", str(CORPORA), "--project", "x", "--region", "Kainuu", "--date", "2017-13-45"],
        env=env,
    )
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.output
    missing = runner.invoke(app, ["notes", "--project", "ei-ole"], env=env)
    assert missing.exit_code == 2 and "No project" in missing.output
    assert (
        runner.invoke(
            app,
            ["ingest", str(tmp_path / "nothing.txt"), "--project", "x", "--region", "Kainuu"],
            env=env,
        ).exit_code
        == 2
    )


def _commands(group: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(name, command) of every command under ``group``, sub-commands as "run apply"."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def test_every_command_that_writes_a_file_takes_o_for_output() -> None:
    group = typer.main.get_command(app)
    writers = {
        name: param.opts
        for name, command in _commands(group)
        for param in command.params
        if param.name == "output"
    }
    assert {"export", "report", "evaluate"} <= set(writers)
    assert {name: opts for name, opts in writers.items() if "-o" not in opts} == {}


def test_help_imports_nothing_heavy() -> None:
    # What keeps --help quick is that it loads no model or database library; checked by
    # the modules it loads, not by a stopwatch on a shared machine.
    code = (
        "import sys\nfrom service.cli import app\ntry:\n    app(['--help'])\n"
        "except SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'spacy', 'sentence_transformers', 'bertopic',"
        " 'sqlalchemy', 'umap', 'hdbscan') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "ingest" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "HEAVY []"


def test_theme_edits_tree_and_codebook_from_the_command_line(tmp_path: Path) -> None:
    env = {"TEEMA_DATA_DIR": str(tmp_path)}
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    document = str(CORPORA / "pohjois-savo_learning-cafe_2017.txt")
    run("ingest", document, "--project", "lc", "--region", "Pohjois-Savo")
    assert "has no codebook" in run("codebook", "--project", "lc")
    assert "- Vetovoima" in run("codebook", "--project", "lc", "--default")
    assert "- Vetovoima" in run("codebook", "--project", "lc")
    assert "no codebook now" in run("codebook", "--project", "lc", "--clear")
    run("themes", "--project", "lc")

    tree = json.loads(run("theme", "tree", "--project", "lc", "--json"))

    def leaves(node: dict) -> list[dict]:
        return [node] if "theme" in node else [x for c in node["children"] for x in leaves(c)]

    keys = [leaf["theme"] for leaf in leaves(tree)]
    run("theme", "rename", "--project", "lc", str(keys[0]), "Kunnan rooli")
    assert f"[{keys[0]}] Kunnan rooli" in run("theme", "tree", "--project", "lc")
    assert f"into theme {keys[0]}" in run("theme", "merge", "--project", "lc", *map(str, keys[:2]))
    assert "split into" in run("theme", "split", "--project", "lc", str(keys[0]), "--parts", "2")
    notes = json.loads(run("notes", "--project", "lc", "--format", "jsonl").splitlines()[0])
    assert "unassigned" in run("theme", "move", "--project", "lc", str(notes["id"]))

    unknown = runner.invoke(app, ["theme", "rename", "--project", "lc", "99999", "x"], env=env)
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output
    # Edits from the command line are audited as the API's are, as the local user's.
    audited = _audit_log(tmp_path)
    edits = ["rename_theme", "merge_themes", "split_theme", "move_notes"]
    assert [action for action, *_ in audited if action in edits] == edits
    assert all(user.startswith("cli") and project == "lc" for _, user, project in audited)
    changes = [a for a, user, _ in _audit_log(tmp_path) if "codebook" in a]
    assert changes == ["set_codebook", "clear_codebook"]
    both = runner.invoke(app, ["codebook", "--project", "lc", "--default", "--clear"], env=env)
    assert both.exit_code == 2 and "one of" in both.output


def test_samples_get_themes_once_and_drafts_from_the_command_line(tmp_path: Path) -> None:
    env = {"TEEMA_DATA_DIR": str(tmp_path)}
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    first = run("samples")
    assert "5 new" in first and "Themes found:" in first
    second = run("samples")  # `make run` again: nothing new, the themes stay
    assert "0 new, 5 already there" in second and "Themes found" not in second
    assert run("run", "list", "--project", "esimerkki").count("applied") == 1

    coarse = run("themes", "--project", "esimerkki", "--detail", "-1")
    assert "detail level -1" in coarse and "merged into '" in coarse
    # a preview waits as a draft: not a terminal, so nothing is asked or applied
    kept = run("themes", "--project", "esimerkki", "--preview")
    assert "kept as a draft" in kept
    draft = int(run("run", "list", "--project", "esimerkki").split()[0])
    shown = run("run", "show", "--project", "esimerkki", str(draft), "--language", "fi")
    assert "(draft," in shown and "Teema" in shown
    assert "discarded" in run("run", "discard", "--project", "esimerkki", str(draft))
    assert "No run" in run("run", "apply", "--project", "esimerkki", str(draft), code=2)

    run("themes", "--project", "esimerkki", "--preview")
    draft = int(run("run", "list", "--project", "esimerkki").split()[0])
    assert "applied" in run("run", "apply", "--project", "esimerkki", str(draft))
    assert "already applied" in run("run", "discard", "--project", "esimerkki", str(draft), code=2)
    # a rename, then a run without Pohjois-Savo's notes: it would change the renamed theme
    tree = json.loads(run("theme", "tree", "--project", "esimerkki", "--json"))
    theme = tree["children"][0]
    while "theme" not in theme:
        theme = theme["children"][0]
    run("theme", "rename", "--project", "esimerkki", str(theme["theme"]), "Oma nimi")
    regions = ["Etelä-Savo", "Useita alueita", "Valtakunnallinen"]
    args = [arg for region in regions for arg in ("--region", region)]
    asked = run("themes", "--project", "esimerkki", *args, "--yes")
    assert "would change themes people edited" in asked and "applied" in asked
    decisions = [a for a, *_ in _audit_log(tmp_path) if a in ("apply_run", "discard_run")]
    assert decisions == ["discard_run", "apply_run", "apply_run"]


def _audit_log(data_dir: Path) -> list[tuple[str, str, str | None]]:
    """(action, user, project) of every audit entry of the CLI's database, oldest first."""
    from service.config import Settings

    with database(Settings(data_dir=data_dir).resolved_database_url) as db:
        return audit_log(db)


def test_themes_print_names_descriptions_and_keywords(tmp_path: Path) -> None:
    from service.config import Settings
    from service.storage.db import Database
    from service.theming.views import theme_table

    env = {"TEEMA_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    document = str(CORPORA / "sitra_alueiden-osaamisen-aika.txt")
    assert runner.invoke(app, ["ingest", document, "--project", "s", "--region", "Useita"], env=env)
    result = runner.invoke(app, ["themes", "--project", "s"], env=env)
    assert result.exit_code == 0, result.output
    db = Database(Settings(data_dir=tmp_path).resolved_database_url)
    with db.session() as session:
        themes = theme_table(session, 1)["themes"]
    db.dispose()
    for theme in themes:  # each theme: its line, its sentence, its keywords, unwrapped
        assert f"[{theme['id']}] {theme['name']} ({theme['size']} notes;" in result.output
        assert f"\n    {theme['description']}\n" in result.output
        assert f"    keywords: {', '.join(theme['keywords'][:8])}\n" in result.output
