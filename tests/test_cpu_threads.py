"""Worker processes share the cores instead of each taking all of them.

Measured on the 2-core machine (bench ``workers``, int8 encoder): two worker processes
that each ran the encoder on every core ingested at 0.64x the rate of one worker.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from service.commands import local_workers
from service.config import Settings
from service.pipeline.embed_onnx import OnnxInt8Embedder, make_embedder, physical_cores


class _Popen:
    def __init__(self, command: list[str], **kwargs: Any) -> None:
        self.command = command
        self.env: dict[str, str] = kwargs.get("env") or {}


def _started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **values: Any) -> list[_Popen]:
    monkeypatch.delenv("TEEMA_CPU_THREADS", raising=False)
    monkeypatch.setattr(subprocess, "Popen", _Popen)
    settings = Settings(data_dir=tmp_path, **values)
    return local_workers.start_workers(settings, tmp_path)  # type: ignore[return-value]


def test_several_workers_get_an_equal_share_of_the_cores(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    workers = _started(monkeypatch, tmp_path, worker_processes=2)
    share = str(max(1, physical_cores() // 2))
    assert [w.env.get("TEEMA_CPU_THREADS") for w in workers] == [share, share]


def test_one_worker_uses_every_core(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (worker,) = _started(monkeypatch, tmp_path, worker_processes=1)
    assert "TEEMA_CPU_THREADS" not in worker.env


def test_a_chosen_thread_count_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    workers = _started(monkeypatch, tmp_path, worker_processes=3, cpu_threads=2)
    assert {w.env.get("TEEMA_CPU_THREADS") for w in workers} == {"2"}


def test_the_thread_count_limits_the_libraries_of_a_worker() -> None:
    env = local_workers.thread_environment(3)
    assert {env[name] for name in ("OMP_NUM_THREADS", "NUMBA_NUM_THREADS")} == {"3"}
    assert local_workers.thread_environment(0) == {}


def test_the_int8_encoder_runs_on_the_chosen_threads() -> None:
    model = Settings().embedding_model  # the folder `make setup` builds; not loaded here
    embedder = make_embedder(model, "onnx-int8", "query: ", 32, threads=1)
    assert isinstance(embedder, OnnxInt8Embedder)
    assert embedder.threads == 1
