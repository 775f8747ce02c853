"""``teemakartta serve --ui`` as a person starts it: its terminal output ends with a
one-time sign-in link and what to do next, requests are logged to data/logs/ and not to
the terminal, the UI answers with security headers, and SIGTERM (or a SIGKILL of the
service) stops the UI too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from service.config import REPO_ROOT
from tests.postgres import free_port

pytestmark = pytest.mark.slow

START_SECONDS = 180


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    data_dir: Path
    api_url: str
    ui_url: str
    out: Path
    err: Path

    def _children(self, marker: bytes) -> list[int]:
        # Each thread's children: serve starts a worker again from its supervising thread.
        tasks = Path(f"/proc/{self.process.pid}/task").glob("*/children")
        pids = [int(p) for task in tasks for p in task.read_text().split()]
        return [p for p in pids if marker in Path(f"/proc/{p}/cmdline").read_bytes()]

    def ui_pid(self) -> int:
        (pid,) = self._children(b"streamlit")
        return pid

    def worker_pids(self) -> list[int]:
        return self._children(b"worker")

    def terminal(self) -> str:
        return self.out.read_text() + self.err.read_text()


def _gone(pid: int, seconds: float = 30) -> bool:
    """True once ``pid`` has ended (a zombie counts as ended)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    api_port, ui_port = free_port(), free_port()
    env = {
        **os.environ,
        "TEEMA_DATA_DIR": str(tmp_path / "data"),
        "TEEMA_UI_PORT": str(ui_port),
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("TEEMA_API_TOKEN", None)
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--ui", "--port", str(api_port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    run = Running(
        process,
        tmp_path / "data",
        f"http://127.0.0.1:{api_port}",
        f"http://127.0.0.1:{ui_port}",
        out,
        err,
    )
    ui: int | None = None
    workers: list[int] = []
    try:
        deadline = time.monotonic() + START_SECONDS
        while "?token=" not in out.read_text():
            assert process.poll() is None, run.terminal()
            assert time.monotonic() < deadline, run.terminal()
            time.sleep(0.3)
        time.sleep(0.5)  # the last lines follow the link
        ui = run.ui_pid()
        workers = run.worker_pids()
        yield run
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    for child in [ui, *workers]:  # a test failed: leave no UI or worker behind
        if child is not None and not _gone(child, seconds=10):
            os.kill(child, signal.SIGKILL)


def test_start_up_output_ends_with_the_sign_in_link(running: Running) -> None:
    lines = running.out.read_text().strip().splitlines()
    assert lines[0] == "Teemakartta is running."
    link = lines[-2].strip()
    assert link.startswith(f"{running.ui_url}/?token=tl_")
    assert lines[-1].startswith("Open it in your browser.")
    assert "teemakartta sign-in-link" in lines[-1] and "Ctrl+C" in lines[-1]
    token = (running.data_dir / "admin-token").read_text().strip()
    assert token not in running.terminal()  # the long-lived token is never shown
    # requests go to the log file, not to the terminal
    for _ in range(3):
        assert httpx.get(f"{running.api_url}/health").is_success
    page = httpx.get(running.ui_url)  # the UI's own answers carry the security headers
    assert page.is_success and page.headers["x-frame-options"] == "DENY"
    assert page.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    time.sleep(0.5)
    assert "GET /health" not in running.terminal()
    assert "GET /health" in (running.data_dir / "logs" / "api.log").read_text()
    assert (running.data_dir / "logs" / "ui.log").exists()
    # the link signs in once
    first = httpx.get(link, follow_redirects=False)
    assert first.status_code == 303 and "teema_session=ts_" in first.headers["set-cookie"]
    again = httpx.get(link, follow_redirects=False)
    assert again.headers["location"].endswith("?sign_in=refused")


def _upload_runs_to_the_end(running: Running) -> None:
    """As a user: a project, one small upload waited for; its job succeeded."""
    token = (running.data_dir / "admin-token").read_text().strip()
    api = httpx.Client(
        base_url=running.api_url, headers={"Authorization": f"Bearer {token}"}, timeout=600
    )
    assert api.post("/projects", json={"name": "p"}).status_code == 201
    upload = api.post(
        "/projects/p/documents?wait=true",
        data={"region": "Kainuu"},
        files={"files": ("muistio.txt", "- Nuoret tarvitsevat kesätöitä.\n".encode())},
    )
    assert upload.status_code == 201, upload.text
    assert api.get(f"/jobs/{upload.json()['job_id']}").json()["state"] == "succeeded"


def test_the_jobs_run_in_a_worker_process_beside_the_api(running: Running) -> None:
    (worker,) = running.worker_pids()  # TEEMA_WORKER_PROCESSES=1
    _upload_runs_to_the_end(running)
    log = (running.data_dir / "logs" / "worker-1.log").read_text()
    assert f":{worker}:" in log  # "Worker host:pid:... runs the jobs of ..."


def test_sigterm_stops_the_ui_too(running: Running) -> None:
    ui, workers = running.ui_pid(), running.worker_pids()
    running.process.send_signal(signal.SIGTERM)
    assert running.process.wait(timeout=60) == 0
    assert _gone(ui), "the UI outlived the service"
    assert workers and all(_gone(w) for w in workers), "a worker outlived the service"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{running.ui_url}/_stcore/health", timeout=2)


def test_a_killed_service_takes_the_ui_with_it(running: Running) -> None:
    ui, workers = running.ui_pid(), running.worker_pids()
    running.process.send_signal(signal.SIGKILL)
    running.process.wait(timeout=30)
    assert _gone(ui), "the UI outlived the service"
    assert workers and all(_gone(w) for w in workers), "a worker outlived the service"


def test_a_worker_that_dies_is_started_again(running: Running) -> None:
    """A worker ends when a job outgrows its limits (status 75, service.job_limits), or is
    killed: ``serve`` starts another in its place and the jobs go on."""
    (first,) = running.worker_pids()
    os.kill(first, signal.SIGKILL)
    assert _gone(first)
    deadline = time.monotonic() + 60
    while not (workers := running.worker_pids()) or workers == [first]:
        assert time.monotonic() < deadline, running.terminal()
        time.sleep(0.3)
    (second,) = workers
    assert second != first
    _upload_runs_to_the_end(running)
    log = (running.data_dir / "logs" / "worker-1.log").read_text()
    assert f":{second}:" in log and "started again" in log, log
