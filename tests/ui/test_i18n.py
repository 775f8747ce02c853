"""Every text the UI asks for exists in Finnish and English with the same placeholders."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from ui.i18n import LANGUAGES, TEXTS, job_message, t

UI = Path(__file__).resolve().parents[2] / "ui"


def _keys_asked_for() -> set[str]:
    """Literal first arguments of t(...) and contexts of show_error / show_read_error."""
    keys: set[str] = set()
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            args = node.args
            if name == "t" and args and isinstance(args[0], ast.Constant):
                keys.add(str(args[0].value))
            if (
                name in ("show_error", "show_read_error")
                and len(args) > 1
                and isinstance(args[1], ast.Constant)
            ):
                keys.add(str(args[1].value))
    return keys


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_every_key_asked_for_is_translated() -> None:
    asked = _keys_asked_for()
    assert len(asked) > 100  # the scan itself works
    assert sorted(asked - TEXTS.keys()) == []


def test_both_languages_share_placeholders() -> None:
    mismatched = [
        key
        for key, (finnish, english) in TEXTS.items()
        if not finnish or not english or _fields(finnish) != _fields(english)
    ]
    assert mismatched == []


def test_dynamic_keys_exist() -> None:
    """Keys built at run time from API values: kinds, file states, job states, sources, formats."""
    for kind in ("workshop", "project_description", "other"):
        assert f"kind_{kind}" in TEXTS
    for prefix, values in {
        "file_": ("queued", "duplicate"),
        "job_state_": ("queued", "running", "succeeded", "failed"),
        "source_": ("model", "human"),
        "format_": ("csv", "xlsx", "parquet", "qdpx", "qdc"),
    }.items():
        for value in values:
            assert f"{prefix}{value}" in TEXTS
    for fmt in ("csv", "xlsx", "parquet", "qdpx", "qdc"):
        assert f"format_{fmt}_help" in TEXTS


def test_finnish_is_the_default_and_english_on_request() -> None:
    assert set(LANGUAGES) == {"fi", "en"}
    assert t("nav_map", lang="fi") == "Teemakartta"
    assert t("nav_map", lang="en") == "Theme map"
    assert t("moved", lang="fi", count=3) == "3 muistiinpanoa siirretty."
    assert t("no-such-key") == "no-such-key"


def _service_stages() -> set[str]:
    """Literal stage messages the service reports: report(x, "...") and message="..."."""
    stages: set[str] = set()
    service = UI.parent / "service"
    for path in service.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "report" and len(node.args) == 2:
                stage = node.args[1]
                if isinstance(stage, ast.Constant) and isinstance(stage.value, str):
                    stages.add(stage.value)
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg == "message" and isinstance(value, ast.Constant) and value.value:
                    stages.add(str(value.value))
    return stages


def test_job_stages_from_the_service_are_shown_in_both_languages() -> None:
    stages = _service_stages()
    assert {"lemmatizing", "embedding", "finding themes", "done"} <= stages
    assert sorted(s for s in stages if f"job_stage_{s}" not in TEXTS) == []
    assert job_message("muistio.docx: embedding", "fi") == "muistio.docx: upotetaan"
    assert job_message("finding themes", "en") == "finding themes"
    assert job_message("done", "fi") == "valmis"
    assert job_message("something new", "fi") == "something new"


def test_the_ui_offers_every_kind_of_document_the_service_knows_in_both_languages() -> None:
    from service.pipeline.segment import KINDS
    from ui.common import DOCUMENT_KINDS

    assert sorted(DOCUMENT_KINDS) == sorted(KINDS)
    for kind in KINDS:
        assert all(TEXTS[f"kind_{kind}"]), kind
