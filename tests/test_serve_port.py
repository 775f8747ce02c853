"""A second `teemakartta serve` on a taken port stops before it touches the database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from service.config import REPO_ROOT


@pytest.mark.parametrize("taken", ["api", "ui"])
def test_serve_on_a_taken_port_stops_and_changes_nothing(tmp_path: Path, taken: str) -> None:
    with socket.socket() as other:  # another server listening there
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            free_port = free.getsockname()[1]
        api_port, ui_port = (port, free_port) if taken == "api" else (free_port, port)
        answer = subprocess.run(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(api_port), "--ui"],
            cwd=REPO_ROOT,
            env={**os.environ, "TEEMA_DATA_DIR": str(tmp_path), "TEEMA_UI_PORT": str(ui_port)},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert answer.returncode == 2, answer.stderr
    assert f"Port {port} on 127.0.0.1 is in use" in answer.stderr
    assert "Nothing was changed" in answer.stderr
    assert list(tmp_path.iterdir()) == []  # no database, no token: nothing was touched
