"""The API and the UI as real subprocesses on free loopback ports, and headless Chromium.

Chromium is Debian's (/usr/bin/chromium) driven by Playwright's Python API; Playwright's
own browser download is never used.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from service.config import REPO_ROOT
from tests.postgres import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(url, timeout=2).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up:\n{log.read_text(errors='replace')[-3000:]}")


@contextmanager
def _process(
    command: list[str], env: dict[str, str], health: str, log: Path, seconds: float = 120
) -> Iterator[None]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_up(health, process, log, seconds)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass(frozen=True)
class Servers:
    api_url: str
    ui_url: str
    token: str  # the administrator's API token, for setting up through the API
    env: dict[str, str]  # what the CLI needs to reach the same data folder and UI

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.api_url, timeout=1800, headers={"Authorization": f"Bearer {self.token}"}
        )

    def sign_in_link(self, user: str | None = None) -> str:
        """A one-time sign-in link, from ``teemakartta sign-in-link`` as a user runs it."""
        command = [sys.executable, "-m", "service.cli", "sign-in-link"]
        command += ["--user", user] if user else []
        done = subprocess.run(
            command, cwd=REPO_ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        link = done.stdout.strip()
        assert link.startswith(f"{self.ui_url}/?token="), link
        return link


@contextmanager
def api_and_ui(data_dir: Path) -> Iterator[Servers]:
    """Start ``python -m service.cli serve`` and ``streamlit run ui/server.py``; no one is
    signed in to the UI until a test opens a sign-in link or types a token."""
    api_port, ui_port = free_port(), free_port()
    api_url, ui_url = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{ui_port}"
    env = {
        **os.environ,
        "TEEMA_DATA_DIR": str(data_dir),
        "TEEMA_API_URL": api_url,
        "TEEMA_UI_PORT": str(ui_port),
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("TEEMA_API_TOKEN", None)
    api = [sys.executable, "-m", "service.cli", "serve", "--port", str(api_port)]
    ui = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "ui/server.py",
        "--server.port",
        str(ui_port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",  # as `teemakartta serve` starts it: no "Deploy" button
        "minimal",
    ]
    with _process(api, env, f"{api_url}/health", data_dir / "api.log"):
        token = (data_dir / "admin-token").read_text(encoding="utf-8").strip()
        with _process(ui, env, f"{ui_url}/_stcore/health", data_dir / "ui.log"):
            yield Servers(api_url, ui_url, token, env)


@contextmanager
def api_only(
    data_dir: Path, port: int | None = None, log: str = "api.log", **env: str
) -> Iterator[Servers]:
    """Start ``python -m service.cli serve`` alone (``env``: extra TEEMA_ settings)."""
    api_url = f"http://127.0.0.1:{port or free_port()}"
    environment = {**os.environ, "TEEMA_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", **env}
    command = [sys.executable, "-m", "service.cli", "serve", "--port", api_url.rsplit(":", 1)[1]]
    with _process(command, environment, f"{api_url}/health", data_dir / log):
        token = (data_dir / "admin-token").read_text(encoding="utf-8").strip()
        yield Servers(api_url, "", token, environment)
