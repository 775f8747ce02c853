"""Files and functions stay small enough to read in one sitting (issue 16): every module
of service/, ui/, shared_rules/, evaluation/ and models/ at most 400 lines, every function
or method at most 60 lines. Migrations, the UI's translation tables (ui/i18n*.py) and the
API types generated for the UI (ui/api_types.py, one TypedDict per schema) are data, not
logic, and are not counted."""

from __future__ import annotations

import ast
from pathlib import Path

from service.config import REPO_ROOT

FOLDERS = ("service", "ui", "shared_rules", "evaluation", "models")
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60


def _counted_files() -> list[Path]:
    """Every .py file under FOLDERS, less migrations, i18n tables and generated types."""
    files: list[Path] = []
    for folder in FOLDERS:
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            relative = path.relative_to(REPO_ROOT)
            if "migrations" in relative.parts:
                continue
            if relative.parts[0] == "ui" and path.name.startswith("i18n"):
                continue
            if relative.as_posix() == "ui/api_types.py":  # generated: service/api/typegen.py
                continue
            files.append(path)
    return files


def _function_sizes(path: Path) -> list[tuple[str, int]]:
    """(qualified-ish name "file:line name", lines) of every def and async def in path."""
    tree = ast.parse(path.read_text("utf-8"))
    relative = path.relative_to(REPO_ROOT).as_posix()
    sizes = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            lines = node.end_lineno - node.lineno + 1
            sizes.append((f"{relative}:{node.lineno} {node.name}", lines))
    return sizes


def test_the_counted_folders_are_found() -> None:
    # A test that walks an empty folder would pass for nothing.
    assert len(_counted_files()) > 50


def test_no_file_is_over_the_limit() -> None:
    too_long = []
    for path in _counted_files():
        lines = len(path.read_text("utf-8").splitlines())
        if lines > MAX_FILE_LINES:
            too_long.append(f"{path.relative_to(REPO_ROOT).as_posix()} ({lines} lines)")
    assert not too_long, f"files over {MAX_FILE_LINES} lines: " + ", ".join(too_long)


def test_no_function_is_over_the_limit() -> None:
    too_long = [
        f"{name} ({lines} lines)"
        for path in _counted_files()
        for name, lines in _function_sizes(path)
        if lines > MAX_FUNCTION_LINES
    ]
    assert not too_long, f"functions over {MAX_FUNCTION_LINES} lines: " + ", ".join(too_long)
