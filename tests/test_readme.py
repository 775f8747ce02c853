"""The README stays true: every setting is documented and the CI entry runs `make test`."""

from __future__ import annotations

from service.config import REPO_ROOT, Settings


def test_every_setting_is_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        f"TEEMA_{name.upper()}"
        for name in Settings.model_fields
        if f"`TEEMA_{name.upper()}`" not in readme
    ]
    assert missing == []


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()
    assert "make test" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
