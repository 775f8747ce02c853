"""The reads-by-commit bench runs each revision's own code, and leaves no worktree."""

from __future__ import annotations

import subprocess
from contextlib import ExitStack
from pathlib import Path

from evaluation.bench.common import REPO_ROOT
from evaluation.bench.reads_by_commit import _checkout


def _worktrees() -> str:
    return subprocess.run(
        ["git", "-C", str(REPO_ROOT), "worktree", "list"], capture_output=True, text=True
    ).stdout


def test_a_revision_is_checked_out_beside_this_trees_models_and_removed_after(
    tmp_path: Path,
) -> None:
    head = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    with ExitStack() as stack:
        assert _checkout(".", tmp_path, stack) == REPO_ROOT
        tree = _checkout(head, tmp_path, stack)
        assert tree.parent == tmp_path and str(tree) in _worktrees()
        checked_out = subprocess.run(
            ["git", "-C", str(tree), "rev-parse", "HEAD"], capture_output=True, text=True
        )
        assert checked_out.stdout.strip() == head
        assert (tree / "service" / "cli.py").is_file()
        assert (tree / "models" / "build").readlink() == REPO_ROOT / "models" / "build"
    assert not tree.exists() and str(tree) not in _worktrees()
