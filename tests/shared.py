"""``../shared`` beside the clone: DESIGN.md, seeds/ (source documents) and data/ (the
labelled Finnish sets). A fresh clone elsewhere may not have it; tests that need it skip."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import REPO_ROOT

SHARED = REPO_ROOT.parent / "shared"


def shared_file(relative: str) -> Path:
    """``../shared/<relative>`` (a file or folder). Skips the calling test, saying what is
    missing and where it was looked for, when it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(
            f"{relative} is absent: this test needs the shared Finnish data in ../shared "
            f"beside the clone (looked in {SHARED})."
        )
    return path
