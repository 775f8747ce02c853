"""Internal imports sit at the top of their module, where the layering shows (and where
import-linter and a reader see them). An import inside a function hides a dependency; the
few that must stay there (an import cycle, a heavy library a light module must not load)
say why on their line or the line above: `# lazy: <reason>`.

The command line (service/cli.py, service/commands/) keeps its imports lazy on purpose:
`teemakartta --help` and each command start without loading what the others need."""

from __future__ import annotations

import ast
from pathlib import Path

from service.config import REPO_ROOT

SERVICE = REPO_ROOT / "service"
MARK = "# lazy:"


def _exempt(path: Path) -> bool:
    relative = path.relative_to(SERVICE).as_posix()
    return relative == "cli.py" or relative.startswith("commands/")


def _is_internal(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "service"
    return any(alias.name.split(".")[0] == "service" for alias in node.names)


def function_level_imports(path: Path) -> list[tuple[int, bool]]:
    """(line, has a `# lazy:` reason) of each internal import inside a function."""
    source = path.read_text("utf-8")
    lines = source.splitlines()
    found: dict[int, bool] = {}
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom) and _is_internal(node):
                end = node.end_lineno or node.lineno
                # The line above, and every line of the statement (a parenthesised one).
                nearby = lines[node.lineno - 2 : end]
                found[node.lineno] = any(MARK in line for line in nearby)
    return sorted(found.items())


def test_internal_imports_inside_functions_say_why() -> None:
    hidden = [
        f"{path.relative_to(REPO_ROOT).as_posix()}:{line}"
        for path in sorted(SERVICE.rglob("*.py"))
        if not _exempt(path)
        for line, explained in function_level_imports(path)
        if not explained
    ]
    advice = "move to the top of the module, or add `# lazy: <reason>`:\n"
    assert hidden == [], advice + "\n".join(hidden)


def test_the_walk_finds_a_hidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import service.config\n\n"
        "def f():\n    from service.pipeline import themes\n\n"
        "def g():\n    # lazy: loads spacy\n    from service.pipeline.language import x\n\n"
        "def h():\n    from service.pipeline.privacy.recognizers import (  # lazy: cycle\n"
        "        a,\n    )\n\n"
        "def i():\n    import numpy\n",
        "utf-8",
    )
    assert function_level_imports(module) == [(4, False), (8, True), (11, True)]
