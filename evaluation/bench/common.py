"""What every benchmark needs: the machine it ran on, the data sets, fair A/B timing.

Timings on a shared 2-core machine are noisy (other jobs come and go), so benchmarks
compare contenders in one process, close together in time, in alternating order, and
report medians of paired ratios next to totals; the load average is recorded with them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
RESULTS_DIR = REPO_ROOT / "evaluation" / "results"
LIBRARIES = (
    "numpy", "scikit-learn", "torch", "transformers", "sentence-transformers", "tokenizers",
    "onnxruntime", "onnx", "matplotlib",
)  # fmt: skip


@dataclass(frozen=True)
class LabelledNotes:
    """One labelled data set: note texts with their ids and gold (or silver) labels."""

    name: str
    ids: list[str]
    texts: list[str]
    labels: list[str]

    def sample(self, size: int | None, seed: int = 0) -> LabelledNotes:
        """A fixed random subset of ``size`` notes (all of them if None or larger)."""
        if size is None or size >= len(self.texts):
            return self
        keep = np.sort(np.random.default_rng(seed).choice(len(self.texts), size, replace=False))
        return LabelledNotes(
            self.name,
            [self.ids[i] for i in keep],
            [self.texts[i] for i in keep],
            [self.labels[i] for i in keep],
        )


def read_labelled(path: Path) -> LabelledNotes:
    """A JSON-lines file with ``id``, ``text`` and ``label`` per row."""
    # split("\n"), not splitlines(): notes may hold U+2028 and other Unicode line breaks.
    lines = path.read_text(encoding="utf-8").split("\n")
    rows = [json.loads(line) for line in lines if line.strip()]
    return LabelledNotes(
        path.stem,
        [str(row["id"]) for row in rows],
        [str(row["text"]) for row in rows],
        [str(row["label"]) for row in rows],
    )


def shared_datasets(folder: Path = SHARED_DATA) -> list[LabelledNotes]:
    """Every labelled ``*.jsonl`` data set in ``folder``, by file name."""
    return [read_labelled(path) for path in sorted(folder.glob("*.jsonl"))]


def cpu_model() -> str:
    """The CPU's marketing name from /proc/cpuinfo (platform's guess elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_flags(wanted: Sequence[str] = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16",
                                       "amx_int8")) -> list[str]:  # fmt: skip
    """Which of the instruction-set extensions that matter for int8/bf16 the CPU has."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines()
                  if line.startswith("flags")), [])  # fmt: skip
    return [flag for flag in wanted if flag in flags]


def library_versions(names: Sequence[str] = LIBRARIES) -> dict[str, str | None]:
    """Installed version of each distribution, None if it is not installed."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def machine_info() -> dict[str, Any]:
    """CPU, cores, memory, load, library versions and a UTC timestamp."""
    from service.pipeline.embed_onnx import physical_cores

    pages = os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else 0
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_model": cpu_model(),
        "cpu_flags": cpu_flags(),
        "logical_cpus": os.cpu_count(),
        "physical_cores": physical_cores(),
        "memory_gb": round(pages * os.sysconf("SC_PAGE_SIZE") / 2**30, 1) if pages else None,
        "load_average": list(os.getloadavg()),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "libraries": library_versions(),
    }


@dataclass
class Timing:
    """Wall and CPU seconds of one contender, one entry per alternating round."""

    wall: list[float]
    cpu: list[float]


def alternate(
    contenders: dict[str, Callable[[int], object]], rounds: int
) -> tuple[dict[str, Timing], dict[str, list[object]]]:
    """Run ``contenders[name](round)`` for each round, flipping the order every round.

    A/B, B/A, A/B, ... cancels slow drifts in the machine's load; each pair runs close
    together in time, so a per-round ratio is fairer than a ratio of totals.
    Returns the timings and each contender's results, both by name.
    """
    timings = {name: Timing([], []) for name in contenders}
    results: dict[str, list[object]] = {name: [] for name in contenders}
    names = list(contenders)
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else names[::-1]:
            wall, cpu = time.perf_counter(), time.process_time()
            results[name].append(contenders[name](round_))
            timings[name].wall.append(time.perf_counter() - wall)
            timings[name].cpu.append(time.process_time() - cpu)
    return timings, results


def write_json(path: Path, content: object) -> Path:
    """Write ``content`` as indented UTF-8 JSON, creating the folder; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def csv_upload(texts: Sequence[str]) -> bytes:
    """A CSV file of one note per row (column ``teksti``), as a user would upload it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["teksti"])
    writer.writerows([text] for text in texts)
    return out.getvalue().encode("utf-8")
