"""The layer contracts of pyproject.toml ([tool.importlinter]) hold, and stay complete.

The pipeline imports no service layer above it, storage imports nothing above it, reads
do not import writes, theming does not import the ingest orchestrator, and API bodies use
no storage internals. docs/ARCHITECTURE.md draws the layers."""

from __future__ import annotations

import tomllib

import pytest
from importlinter.cli import lint_imports

from service.config import REPO_ROOT

# Rules with no imports of their own, below every layer: any layer may use them.
BASE_MODULES = {"service.config", "service.errors", "service.project_names"}


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _top_level_modules() -> set[str]:
    """service.<name> for every module and package directly under service/."""
    service = REPO_ROOT / "service"
    modules = {p.stem for p in service.glob("*.py") if p.stem != "__init__"}
    packages = {p.parent.name for p in service.glob("*/__init__.py")}
    return {f"service.{name}" for name in modules | packages}


def test_the_import_contracts_are_kept(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO_ROOT)
    code = lint_imports(config_filename=str(REPO_ROOT / "pyproject.toml"), no_cache=True)
    assert code == 0, capsys.readouterr().out


@pytest.mark.parametrize("contract", ["pipeline", "storage"])
def test_nothing_above_names_every_other_module(contract: str) -> None:
    # A module added to service/ must be added to the lists, or the layer could import it.
    (source,) = _contracts()[contract]["source_modules"]
    forbidden = set(_contracts()[contract]["forbidden_modules"])
    assert forbidden == _top_level_modules() - BASE_MODULES - {source}


def test_base_modules_import_nothing_of_the_service() -> None:
    for module in BASE_MODULES:
        text = (REPO_ROOT / f"{module.replace('.', '/')}.py").read_text("utf-8")
        assert "from service" not in text and "import service" not in text, module


# theming/ modules that hold no database work by design, and why they are not pipeline.
THEMING_WITHOUT_STORAGE = {
    "__init__": "the package",
    "plan": "applies people's edits (constraints) to a fit: the rules of edits",
    "report": "the change report in the user's words",
}


def test_theme_math_lives_in_the_pipeline() -> None:
    """Describing themes, their tree, matching runs and detail levels are pure functions of
    arrays (pipeline/); a module of theming/ reads or writes the database (issue 16)."""
    import ast

    pure = []
    for path in sorted((REPO_ROOT / "service" / "theming").glob("*.py")):
        if path.stem in THEMING_WITHOUT_STORAGE:
            continue
        imported = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
        if not any(m.startswith(("sqlalchemy", "service.storage")) for m in imported):
            pure.append(path.name)
    assert pure == [], f"pure theme math belongs in service/pipeline/: {pure}"
