"""A clone anywhere runs the tests: those that need ../shared (the labelled Finnish sets
and seed documents beside the clone) skip with a message saying so when it is absent, no
file names a folder of the machine it was written on, and no test asserts a wall-clock
limit (on a shared machine that tests the load; speed is measured by evaluation.bench)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.config import REPO_ROOT
from tests.shared import shared_file

TESTS = Path(__file__).resolve().parent
# A path built by hand into ../shared: it would raise FileNotFoundError on a fresh clone.
_BY_HAND = re.compile(r"""\bSHARED_DATA\b|["'](shared|seeds)["']\s*\)?\s*/""")


def test_a_missing_shared_file_skips_and_says_what_is_missing() -> None:
    with pytest.raises(pytest.skip.Exception, match=r"data/ei-ole\.jsonl.*\.\./shared"):
        shared_file("data/ei-ole.jsonl")


def test_a_present_shared_file_is_returned() -> None:
    path = shared_file("data")
    assert path.name == "data" and path.parent.name == "shared"


def test_no_test_reads_a_shared_file_by_hand() -> None:
    by_hand = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.name not in ("shared.py", "test_portability.py")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if _BY_HAND.search(line)
    ]
    assert by_hand == [], "read these through tests.shared.shared_file: " + ", ".join(by_hand)


_TEXT_FILES = {".py", ".md", ".toml", ".txt", ".json", ".cfg", ".ini", ".yaml", ".yml", ".sh"}
_NOT_OURS = {".venv", ".git", "build", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache"}


def test_no_file_names_a_folder_of_this_machine() -> None:
    # The folder holding the clone is where this machine's layout shows; a path that
    # starts with it works here and nowhere else.
    here = f"{REPO_ROOT.parent}/"
    found = []
    for path in sorted(REPO_ROOT.rglob("*")):
        parts = set(path.relative_to(REPO_ROOT).parts)
        if parts & _NOT_OURS or not path.is_file():
            continue
        text_file = path.suffix in _TEXT_FILES or path.name == "Makefile"
        if text_file and here in path.read_text("utf-8", errors="replace"):
            found.append(str(path.relative_to(REPO_ROOT)))
    assert found == [], f"{here} is named in: {', '.join(found)}"


# A stopwatch read inside an assertion, or a duration compared with a limit.
_STOPWATCH = re.compile(r"assert .*(perf_counter\(\)|time\.time\(\)|monotonic\(\)).*<")
_DURATION = re.compile(r"assert .*\b(elapsed|seconds|timings?|duration)\b.*<")


def test_no_test_asserts_a_wall_clock_limit() -> None:
    found = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "test_portability.py"
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        # A deadline that only ends a wait for a hung process is no speed claim.
        if (_STOPWATCH.search(line) or _DURATION.search(line)) and "deadline" not in line
    ]
    assert found == [], "wall-clock assertions: " + ", ".join(found)
