"""``teemakartta serve [--ui]`` and ``teemakartta sign-in-link``.

``serve`` runs the API (uvicorn, in this process) and with ``--ui`` the Streamlit UI (a
child process, ``streamlit run ui/server.py``). The terminal gets a short start-up report
that ends with the administrator's one-time sign-in link and what to do next; the
request logs go to ``<data dir>/logs/api.log`` and ``ui.log`` (warnings and errors of the
API show in the terminal too).

Stopping: Ctrl+C or SIGTERM stops the API gracefully, then the UI. uvicorn re-raises the
signal it caught once it has shut down; with Python's default SIGTERM action that would
end the process before it stops the UI, so SIGTERM is made an ordinary exit first. If
this process is killed outright (SIGKILL), Linux sends the UI a SIGTERM of its own.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from service.commands import fail

if TYPE_CHECKING:
    import uvicorn

    from service.config import Settings

UI_SCRIPT = Path(__file__).resolve().parents[2] / "ui" / "server.py"
UI_START_SECONDS = 120


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port of the API.")] = None,
    ui: Annotated[bool, typer.Option(help="Also start the Streamlit UI.")] = False,
) -> None:
    """Start the HTTP API (OpenAPI docs at /docs), and with --ui the browser UI beside it."""
    from service.commands.local_workers import Supervisor
    from service.config import Settings
    from service.serving import PortInUse, api_server, check_port_free, claim_port
    from service.storage.db import Database

    settings = Settings()
    host = host or settings.api_host
    port = port or settings.api_port
    try:  # before anything touches the data: another instance may be using it
        api_socket = claim_port(host, port)
        if ui:
            check_port_free(host, settings.ui_port, "TEEMA_UI_PORT")
    except PortInUse as error:
        raise fail(str(error)) from None
    logs = settings.data_dir / "logs"
    for folder in (settings.data_dir, logs):  # private: notes and tokens live here
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _exit)
    migrated = Database(settings.resolved_database_url)  # once, before API and workers
    migrated.migrate()
    migrated.dispose()
    workers = Supervisor(settings, logs)  # started again when one ends
    if workers.processes:  # they run the jobs; the API only submits and reads
        settings = settings.model_copy(update={"job_workers": 0})
    ui_process = _start_ui(settings, host, port, logs / "ui.log") if ui else None
    server = api_server(settings, host, port, _log_config(logs / "api.log"))
    threading.Thread(
        target=_report_when_up, args=(server, settings, host, port, ui_process), daemon=True
    ).start()
    try:
        server.run(sockets=[api_socket])
    finally:
        if ui_process is not None:
            _stop(ui_process)
        workers.stop()


def sign_in_link(
    user: Annotated[
        str | None, typer.Option(help="Whose link (default: the first administrator).")
    ] = None,
) -> None:
    """Print a one-time link that signs a browser in to the UI (valid once, for
    TEEMA_SIGN_IN_LINK_MINUTES)."""
    from service.config import Settings

    settings = Settings()
    try:
        link = _new_link(settings, settings.api_host, user)
    except LookupError as error:
        raise fail(str(error)) from None
    typer.echo(link)
    typer.echo(
        f"Open it in a browser within {settings.sign_in_link_minutes:g} minutes; it works once.",
        err=True,
    )


def _exit(_signal: int, _frame: object) -> NoReturn:
    raise SystemExit(0)


def _die_with_parent() -> None:
    """In the UI's process, before it runs: end it when this process ends (Linux)."""
    # Not Linux: Ctrl+C and SIGTERM still stop the UI; only a SIGKILL would leave it.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _start_ui(settings: Settings, host: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TEEMA_API_URL": f"http://{_local(host)}:{port}"}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(UI_SCRIPT),
        "--server.port",
        str(settings.ui_port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # The uploader's own limit matches the API's, so a user learns it up front.
        "--server.maxUploadSize",
        str(max(1, int(settings.max_upload_mb))),
        "--client.toolbarMode",
        "minimal",
    ]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _local(host: str) -> str:
    """An address a browser on this machine can open for ``host``."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def _log_config(path: Path) -> dict[str, Any]:
    """uvicorn's logging: everything to ``path``; warnings and errors also to stderr."""
    plain = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": plain},
            "access": {
                "()": "uvicorn.logging.AccessFormatter",
                "fmt": '%(asctime)s %(client_addr)s "%(request_line)s" %(status_code)s',
                "use_colors": False,
            },
        },
        "handlers": {
            "file": {"class": "logging.FileHandler", "filename": str(path), "formatter": "plain"},
            "requests": {
                "class": "logging.FileHandler",
                "filename": str(path),
                "formatter": "access",
            },
            "terminal": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "level": "WARNING",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["file", "terminal"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": ["requests"], "level": "INFO", "propagate": False},
            "teemakartta": {"handlers": ["file", "terminal"], "level": "INFO", "propagate": False},
        },
    }


def _report_when_up(
    server: uvicorn.Server,
    settings: Settings,
    host: str,
    port: int,
    ui_process: subprocess.Popen[bytes] | None,
) -> None:
    """Once the API (and the UI) answer: where everything is, then the sign-in link."""
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.1)
    api = f"http://{_local(host)}:{port}"
    logs = settings.data_dir / "logs"
    lines = [
        "Teemakartta is running.",
        f"  API   {api}  (documentation: {api}/docs)",
        f"  Admin API token (for scripts): {settings.data_dir / 'admin-token'}",
        f"  Logs  {logs / 'api.log'}" + (f", {logs / 'ui.log'}" if ui_process else ""),
    ]
    if ui_process is None:
        typer.echo("\n".join([*lines, "Press Ctrl+C to stop."]))
        return
    ui_url = f"http://{_local(host)}:{settings.ui_port}"
    if not _wait_for_ui(ui_url, ui_process):
        typer.secho(
            f"The UI did not start; see {logs / 'ui.log'}. The API keeps running.",
            fg=typer.colors.RED,
            err=True,
        )
        return
    link = _new_link(settings, host, None)
    minutes = f"{settings.sign_in_link_minutes:g}"
    lines[1:1] = [f"  UI    {ui_url}"]
    lines += [
        "",
        f"Sign in to the UI as administrator with this link (works once, for {minutes} minutes):",
        f"  {link}",
        "Open it in your browser. Others sign in with their own API token. "
        "For a new link run `teemakartta sign-in-link`; Ctrl+C stops Teemakartta.",
    ]
    typer.echo("\n".join(lines))


def _wait_for_ui(url: str, process: subprocess.Popen[bytes]) -> bool:
    import httpx

    deadline = time.monotonic() + UI_START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).is_success:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False


def _new_link(settings: Settings, host: str, user_name: str | None) -> str:
    """A one-time sign-in link to the UI for ``user_name`` (default: the first
    administrator). Raises LookupError when there is no such user."""
    from service import auth
    from service.commands import database
    from service.core.accounts import first_admin
    from service.errors import NotFound

    with database(settings) as db, db.session() as session:
        if user_name is None:
            user = first_admin(session)
            if user is None:
                raise LookupError("No administrator yet: start `teemakartta serve` once.")
        else:
            try:
                user = auth.find_user(session, user_name)
            except NotFound as error:
                raise LookupError(str(error)) from None
        code = auth.create_sign_in_link(session, user, settings.sign_in_link_minutes)
    return f"http://{_local(host)}:{settings.ui_port}/?token={code}"
