"""``../shared`` beside the clone: DESIGN.md, seeds/ (source documents) and data/ (the
labelled Finnish sets). A fresh clone elsewhere may not have it; tests that need it skip."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from service.config import REPO_ROOT

SHARED = REPO_ROOT.parent / "shared"


def fresh_process_answer(script: str, **env: str) -> Any:
    """Run ``script`` with this Python in a new process (the repository as working folder,
    ``env`` added to the environment) and read the JSON value it prints last."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


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


def proposals_csv(rows: int) -> bytes:
    """The first ``rows`` real OmaStadi proposals of ../shared/data (about 480 characters
    each) as a two-column CSV (teksti, alue); skips the test when the data is absent."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["teksti", "alue"])
    with shared_file("data/omastadi_proposals.jsonl").open(encoding="utf-8") as lines:
        for _, line in zip(range(rows), lines, strict=False):
            row = json.loads(line)
            writer.writerow([row["text"], row.get("region", "")])
    return out.getvalue().encode()
