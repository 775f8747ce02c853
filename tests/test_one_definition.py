"""Each rule and constant has one definition: twins drift apart (a limit raised in one
route and not in the next, a model builder's completeness check changed in one builder)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from service.config import REPO_ROOT

SERVICE = REPO_ROOT / "service"
MODELS = REPO_ROOT / "models"


def _definitions(folder: Path) -> dict[str, list[str]]:
    """Module-level class, public function and UPPER_CASE constant names -> the modules
    that define them."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(folder.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.parse(path.read_text("utf-8")).body:
            names: list[str] = []
            if isinstance(node, ast.ClassDef | ast.FunctionDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = [node.target.id]
            for name in names:
                found[name].append(str(path.relative_to(REPO_ROOT)))
    return found


def test_no_two_classes_of_the_service_share_a_name() -> None:
    classes: dict[str, list[str]] = defaultdict(list)
    for path in sorted(SERVICE.rglob("*.py")):
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, ast.ClassDef):
                classes[node.name].append(str(path.relative_to(REPO_ROOT)))
    assert {name: where for name, where in classes.items() if len(where) > 1} == {}


def test_the_named_constants_and_rules_have_one_definition() -> None:
    service = _definitions(SERVICE)
    for name in ("KINDS", "MAX_ID", "next_theme_key"):
        assert len(service[name]) == 1, (name, service[name])
    assert len(_definitions(MODELS)["is_complete"]) == 1


def test_the_next_theme_key_rule_is_written_once() -> None:
    # Keys are never reused in a project: one more than the largest key any run used.
    rule = "func.max(Theme.key)"
    where = [
        str(path.relative_to(REPO_ROOT))
        for path in sorted(SERVICE.rglob("*.py"))
        if rule in path.read_text("utf-8")
    ]
    assert len(where) == 1, where
