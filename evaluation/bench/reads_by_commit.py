"""Idle reads of two versions of the service on one data folder, started in turn.

python -m evaluation.bench.reads_by_commit BEFORE AFTER [--turns 3] [--rounds 2]
    [--seconds 20] [--data DIR]

For a read-latency change between two commits: was it the code or the machine? BEFORE
and AFTER are git revisions (``.`` is this working tree as it is); each other revision is
checked out with ``git worktree`` into a temporary folder that uses this checkout's
models. Set-up A of the ``workers`` part (``serve`` with ``TEEMA_JOB_WORKERS=2``, no
worker process) runs from each in turn, ``turns`` times, on one data folder of 20,000
real sentences (filled and given a first theme run once, by this working tree, ~7
minutes; ``--data`` keeps it for the next call), and 20 clients read the theme list, a
notes page and the region comparison for ``seconds``, ``rounds`` times per start, with
nothing running. Requests per second and p50/p95 per endpoint of every round, the mean
per revision, in ``evaluation/results/reads_by_commit.json``. Single rounds of the same
code differ by up to 1.5x on the shared 2-core machine: compare the means of many
alternated rounds, not two runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from evaluation.bench.common import REPO_ROOT, RESULTS_DIR, machine_info, write_json
from evaluation.bench.system import real_sentences
from evaluation.bench.workers import _fill, _load, idle_reads, service

NOTES = 20_000


def _checkout(revision: str, folder: Path, stack: ExitStack) -> Path:
    """``revision``'s code in a worktree under ``folder`` (this tree itself for ``.``)."""
    if revision == ".":
        return REPO_ROOT
    tree = folder / f"tree-{revision.replace('/', '_')}"
    git = ["git", "-C", str(REPO_ROOT)]
    subprocess.run([*git, "worktree", "add", "--detach", "-f", str(tree), revision], check=True)
    stack.callback(subprocess.run, [*git, "worktree", "remove", "--force", str(tree)])
    (tree / "models").mkdir(exist_ok=True)
    (tree / "models" / "build").symlink_to(REPO_ROOT / "models" / "build")
    return tree


def _fill_once(data: Path) -> None:
    """Give ``data`` the load project and its first theme run, unless it has them."""
    if not (data / "filled").exists():
        data.mkdir(parents=True, exist_ok=True)
        with service(data, job_workers=2, worker_processes=0) as svc:
            print(f"reads_by_commit: filled {_fill(svc, real_sentences()[:NOTES])}", flush=True)
        (data / "filled").write_text("yes\n")


def _rounds(checkout: Path, data: Path, rounds: int, seconds: float) -> list[dict[str, Any]]:
    """One start of ``checkout``'s service: ``rounds`` rounds of idle reads."""
    measured = []
    with service(data, job_workers=2, worker_processes=0, checkout=checkout) as svc:
        for _ in range(rounds):
            load = _load()
            result = idle_reads(svc, seconds)
            requests = sum(e["requests"] for e in result["endpoints"].values())
            measured.append(
                {
                    "load_average": load,
                    "requests_per_second": round(requests / seconds, 1),
                    "endpoints": result["endpoints"],
                    "errors": result["errors"],
                }
            )
    return measured


def compare(
    before: str, after: str, data: Path, turns: int, rounds: int, seconds: float
) -> dict[str, Any]:
    """Both revisions in turn on one data folder; every round and the means."""
    results: dict[str, list[dict[str, Any]]] = {before: [], after: []}
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        trees = {revision: _checkout(revision, folder, stack) for revision in results}
        _fill_once(data)
        for _ in range(turns):
            for revision, tree in trees.items():
                results[revision] += _rounds(tree, data, rounds, seconds)
                print(f"reads_by_commit: {revision} {results[revision][-rounds:]}", flush=True)
    means = {
        revision: round(statistics.mean(r["requests_per_second"] for r in rows), 1)
        for revision, rows in results.items()
    }
    return {
        "machine": machine_info(),
        "notes": NOTES,
        "clients": 20,
        "seconds_per_round": seconds,
        "rounds": results,
        "mean_requests_per_second": means,
        "ratio_after_over_before": round(means[after] / means[before], 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", help="git revision, or . for this working tree")
    parser.add_argument("after", help="git revision, or . for this working tree")
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="rounds per start")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--data", type=Path, help="data folder to fill once and keep")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        data = args.data or Path(scratch) / "reads"
        result = compare(args.before, args.after, data, args.turns, args.rounds, args.seconds)
    write_json(RESULTS_DIR / "reads_by_commit.json", result)
    print(f"reads_by_commit: requests/s {result['mean_requests_per_second']}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
