"""One family of user errors, answered once: by the API with its status and message,
and by the CLI with the message in red and exit status 2 (issue 16)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.analysis.prevalence import CompareError
from service.api.errors import add_error_handlers
from service.coding import HumanCodeError
from service.commands import CommandApp
from service.errors import Conflict, Invalid, NotFound, ServiceError
from service.export import ExportError
from service.ingest import UploadError
from service.pipeline.codebook import CodebookError
from service.storage.repository import NoThemeRun
from service.theming.edits import EditError
from service.theming.runs import RunError
from service.user_names import InvalidName

USER_ERRORS = [
    (CompareError("Choose region or kind."), 422),
    (HumanCodeError("No document matches."), 422),
    (ExportError("No such format."), 422),
    (CodebookError("Not a codebook."), 422),
    (EditError("Themes 1 and 1 are the same."), 422),
    (RunError("Too few notes."), 422),
    (InvalidName("Bad name."), 422),
    (UploadError("Too large.", status=413), 413),
    (NoThemeRun("No theme run yet."), 404),
    (NotFound("No such theme."), 404),
    (Conflict("Already applied."), 409),
]


@pytest.mark.parametrize(("error", "status"), USER_ERRORS, ids=lambda e: type(e).__name__)
def test_every_user_error_is_a_service_error(error: Exception, status: int) -> None:
    assert isinstance(error, ServiceError) and error.status == status


@pytest.mark.parametrize(("error", "status"), USER_ERRORS, ids=lambda e: type(e).__name__)
def test_the_api_answers_each_once_with_its_status_and_words(
    error: ServiceError, status: int
) -> None:
    app = FastAPI()
    add_error_handlers(app)

    @app.get("/fail")
    def fail() -> None:
        raise error

    answer = TestClient(app).get("/fail")
    assert answer.status_code == status
    assert answer.json()["detail"] == error.message
    if isinstance(error, NotFound):
        assert answer.json()["code"] == error.code


def test_the_cli_answers_each_once_in_words_with_status_2() -> None:
    app = CommandApp()

    @app.command()
    def edit(theme: int) -> None:
        raise Invalid(f"Theme {theme} cannot be merged with itself.")

    @app.command()
    def other() -> None:
        raise RuntimeError("a bug")

    done = CliRunner().invoke(app, ["edit", "3"])
    assert done.exit_code == 2
    assert "Error: Theme 3 cannot be merged with itself." in done.output
    bug = CliRunner().invoke(app, ["other"])  # a bug is not a user error: it is raised
    assert isinstance(bug.exception, RuntimeError)


def test_a_sub_app_of_commands_answers_the_same() -> None:
    app, group = CommandApp(), CommandApp()

    @group.command()
    def show() -> None:
        raise NotFound("No run 7 in this project.")

    app.add_typer(group, name="run")
    done = CliRunner().invoke(app, ["run", "show"])
    assert done.exit_code == 2 and "Error: No run 7 in this project." in done.output
    assert isinstance(app, typer.Typer)


def test_a_finnish_message_is_answered_beside_the_english_one() -> None:
    app = FastAPI()
    add_error_handlers(app)

    @app.get("/fail")
    def fail() -> None:
        raise UploadError("The file is empty.", finnish="Tiedosto on tyhjä.")

    body = TestClient(app).get("/fail").json()
    assert body == {"detail": "The file is empty.", "detail_fi": "Tiedosto on tyhjä."}


def test_every_upload_and_parse_error_says_it_in_finnish_too() -> None:
    """The UI speaks Finnish, and an upload's refusal is what a new user meets first: every
    ``UploadError`` and ``ParseError`` the service raises gives ``finnish=``."""
    service = Path(__file__).resolve().parents[1] / "service"
    missing = []
    for path in sorted(service.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("UploadError", "ParseError")
                and not any(k.arg == "finnish" for k in node.keywords)
            ):
                missing.append(f"{path.relative_to(service.parent)}:{node.lineno}")
    assert not missing, missing
