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


# One rule makes rows unit length (pipeline.partitions.unit_rows, in place with out=); the
# ONNX embedder's pooling keeps its own float32 normalisation (sentence-transformers').
_ROW_RULE_AT = {"service/pipeline/partitions.py", "service/pipeline/embed_onnx.py"}


def _is_row_norm(node: ast.AST) -> bool:
    """``np.linalg.norm(x, axis=1 or -1, ...)``: the lengths of a matrix's rows."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "norm"
        and ast.unparse(node.func.value).endswith("linalg")
        and any(k.arg == "axis" and ast.unparse(k.value) in ("1", "-1") for k in node.keywords)
    )


def row_normalisations(source: str) -> list[int]:
    """Lines dividing by row lengths, directly or through a name that holds them."""
    tree = ast.parse(source)
    holders = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _is_row_norm(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    def by_lengths(divisor: ast.AST) -> bool:
        return any(
            _is_row_norm(n) or (isinstance(n, ast.Name) and n.id in holders)
            for n in ast.walk(divisor)
        )

    lines = []
    for node in ast.walk(tree):
        divisor: ast.AST | None = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            divisor = node.right
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Div):
            divisor = node.value
        elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith("divide"):
            divisor = node.args[1] if len(node.args) > 1 else None
        if divisor is not None and by_lengths(divisor):
            lines.append(node.lineno)
    return sorted(lines)


def test_rows_are_made_unit_length_by_one_rule() -> None:
    written_out = [
        f"{path.relative_to(REPO_ROOT).as_posix()}:{line}"
        for path in sorted(SERVICE.rglob("*.py"))
        if path.relative_to(REPO_ROOT).as_posix() not in _ROW_RULE_AT
        for line in row_normalisations(path.read_text("utf-8"))
    ]
    assert written_out == [], "use pipeline.partitions.unit_rows (out= for in place)"


def test_the_row_rule_check_sees_each_spelling() -> None:
    source = (
        "a = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)\n"
        "x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)\n"
        "norms = np.linalg.norm(m, axis=-1, keepdims=True)\n"
        "b = m / norms\n"
        "np.divide(m, norms, out=m)\n"
        "c = v / np.linalg.norm(v)\n"  # one vector: not a row rule
        "d = np.argmax(np.linalg.norm(m, axis=1))\n"  # lengths, no division
    )
    assert row_normalisations(source) == [1, 2, 4, 5]
