"""How fast the theme map of 5,000 notes appears in Chromium, first view and later views.

    python -m evaluation.bench.map_view --data /tmp/map5000 [--repo PATH] [--output F]

``--data`` holds a prepared project (made on the first call: 5,000 notes of the shared
Finnish data sets and a theme run) and is copied before each measurement, so the
service under test starts from the same database every time. Each ``--repo`` is a checkout
whose API and UI are started (default: this one); give two to measure two versions of the
code in one job, taking turns. A "first view" is a fresh API and UI process (every cache
empty) and a new browser that has opened the one-time sign-in link (the projects page, as
after ``make run``) going to the map page, until its plot is drawn: by its address
(``first_view_s``, a new page load) or by the sidebar's link as a user does
(``first_view_by_link_s``, Streamlit changes page in the loaded web page); "later
views" go to it again in the same tab (the browser keeps Streamlit's scripts, as a
user's does); a page without a chart (the projects page) is the reference of what any
page costs on the machine at that moment. Also reported: the bytes of GET /map as sent.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import httpx

from evaluation.bench.common import REPO_ROOT, machine_info

PROJECT = "kartta5000"
CHROMIUM = "/usr/bin/chromium"


def _wait(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


class _Running(NamedTuple):
    """A started API and UI of one checkout: addresses, admin token, how they were started."""

    api: str
    ui: str
    token: str
    repo: Path
    python: str
    env: dict[str, str]


@contextmanager
def _servers(repo: Path, data: Path, api_port: int, ui_port: int) -> Iterator[_Running]:
    """The API and the UI's web server (``ui/server.py``, which trades sign-in links) of
    ``repo`` on ``data``."""
    env = {
        **os.environ,
        "TEEMA_DATA_DIR": str(data),
        "TEEMA_API_URL": f"http://127.0.0.1:{api_port}",
        "TEEMA_UI_PORT": str(ui_port),
        "HF_HUB_OFFLINE": "1",
        "TEEMA_MAX_NOTES_PER_DOCUMENT": "50000",
    }
    env.pop("TEEMA_API_TOKEN", None)
    python = str(repo / ".venv" / "bin" / "python")
    api = subprocess.Popen(
        [python, "-m", "service.cli", "serve", "--port", str(api_port)],
        cwd=repo,
        env=env,
        stdout=(data / "api.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    ui = None
    try:
        _wait(f"http://127.0.0.1:{api_port}/health")
        token = (data / "admin-token").read_text().strip()
        ui = subprocess.Popen(
            [
                python,
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
            ],
            cwd=repo,
            env=env,
            stdout=(data / "ui.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        _wait(f"http://127.0.0.1:{ui_port}/_stcore/health")
        yield _Running(
            env["TEEMA_API_URL"], f"http://127.0.0.1:{ui_port}", token, repo, python, env
        )
    finally:
        for process in (ui, api):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)


def _sign_in_code(servers: _Running) -> str:
    """A one-time sign-in code, as ``make run`` prints it in its link."""
    done = subprocess.run(
        [servers.python, "-m", "service.cli", "sign-in-link"],
        cwd=servers.repo,
        env=servers.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().split("?token=", 1)[1]


def _prepare(repo: Path, data: Path) -> None:
    """A 5,000-note project with one theme run, made through the API of ``repo``."""
    sys.path.insert(0, str(REPO_ROOT))
    from tests.e2e.big_corpus import upload_5000_notes
    from tests.postgres import free_port

    data.mkdir(parents=True, exist_ok=True)
    with _servers(repo, data, free_port(), free_port()) as servers:
        headers = {"Authorization": f"Bearer {servers.token}"}
        with httpx.Client(base_url=servers.api, headers=headers, timeout=3600) as api:
            upload_5000_notes(api, PROJECT)
            run = api.post(f"/projects/{PROJECT}/runs?wait=true", json={})
            run.raise_for_status()


def _seconds(page: Any, url: str, drawn: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(drawn, timeout=120_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return time.perf_counter() - started


def _click_seconds(page: Any, link: str, drawn: str) -> float:
    """Seconds from clicking a sidebar link (Streamlit changes page without loading the
    web page again) until ``drawn``."""
    started = time.perf_counter()
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=link, exact=True).click()
    page.wait_for_function(drawn, timeout=120_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return time.perf_counter() - started


MAP_LINK = "Teemakartta"
# Drawn: a WebGL map has its canvas; an SVG map has its points in the scatter layer.
MAP_DRAWN = (
    "() => { const p = document.querySelector('.js-plotly-plot');"
    " if (!p || !p._fullData) return false;"
    " if (p._fullData.some(t => t.type === 'scattergl'))"
    " return p.querySelector('canvas') !== null;"
    " return p.querySelectorAll('.scatterlayer .point').length > 0; }"
)
PAGE_DRAWN = (
    "() => document.querySelector('[data-testid=stApp][data-test-script-state=notRunning]')"
    " && document.querySelector('h1')"
)


def _round(repo: Path, data: Path, by_link: bool) -> dict[str, Any]:
    """One fresh API and UI on a copy of ``data``, as after ``make run``: a new browser opens
    the one-time sign-in link (the projects page), then the map (its first view: the API's
    caches and the browser's Plotly are cold) by typing its address or, ``by_link``, by
    the sidebar's link as a user goes there (Streamlit changes page without loading the
    web page again), three later views in the same tab, and a page without a chart for
    reference."""
    from playwright.sync_api import sync_playwright

    from tests.postgres import free_port

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / "data"
        shutil.copytree(data, work, ignore=shutil.ignore_patterns("*.log"))
        with (
            _servers(repo, work, free_port(), free_port()) as servers,
            sync_playwright() as driver,
        ):
            browser = driver.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            ui_url = servers.ui
            code = _sign_in_code(servers)
            sign_in = _seconds(page, f"{ui_url}/?project={PROJECT}&token={code}", PAGE_DRAWN)
            map_url = f"{ui_url}/kartta?project={PROJECT}"
            if by_link:
                first = _click_seconds(page, MAP_LINK, MAP_DRAWN)
            else:
                first = _seconds(page, map_url, MAP_DRAWN)
            later = [_seconds(page, map_url, MAP_DRAWN) for _ in range(3)]
            plain = _seconds(page, f"{ui_url}/projektit?project={PROJECT}", PAGE_DRAWN)
            browser.close()
            headers = {"Authorization": f"Bearer {servers.token}", "Accept-Encoding": "gzip"}
            answer = httpx.get(
                f"{servers.api}/projects/{PROJECT}/map", headers=headers, timeout=120
            )
            # What the map page reads: /map-view where the service has it, else /map.
            view = httpx.get(
                f"{servers.api}/projects/{PROJECT}/map-view", headers=headers, timeout=120
            )
            if view.status_code == 404:
                view = answer
    return {
        "sign_in": sign_in,
        "first": first,
        "later": later,
        "plain": plain,
        "map_bytes_sent": int(answer.headers.get("content-length") or len(answer.content)),
        "map_encoding": answer.headers.get("content-encoding", "identity"),
        "page_reads_bytes": int(view.headers.get("content-length") or len(view.content)),
        "page_reads": str(view.url.path).rsplit("/", 1)[-1],
    }


def measure(repos: list[Path], data: Path, rounds: int) -> dict[str, Any]:
    """``rounds`` rounds per checkout, the checkouts taking turns so that both meet the
    same load of a shared machine."""
    results: dict[str, dict[str, Any]] = {
        str(r): {
            "sign_in_page_s": [],
            "first_view_s": [],
            "first_view_by_link_s": [],
            "later_views_s": [],
            "page_without_chart_s": [],
        }
        for r in repos
    }
    turns = [(repo, by_link) for repo in repos for by_link in (False, True)]
    for _ in range(rounds):
        for repo, by_link in turns:
            found = _round(repo, data, by_link)
            entry = results[str(repo)]
            entry["sign_in_page_s"].append(round(found["sign_in"], 2))
            first = "first_view_by_link_s" if by_link else "first_view_s"
            entry[first].append(round(found["first"], 2))
            entry["later_views_s"].extend(round(s, 2) for s in found["later"])
            entry["page_without_chart_s"].append(round(found["plain"], 2))
            entry["map_bytes_sent"] = found["map_bytes_sent"]
            entry["map_encoding"] = found["map_encoding"]
            entry["page_reads"] = f"GET /{found['page_reads']}: {found['page_reads_bytes']} bytes"
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument(
        "--repo", type=Path, action="append", help="Checkout to measure (repeat for several)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    repos = [r.resolve() for r in args.repo or [REPO_ROOT]]
    if not (args.data / "admin-token").exists():
        _prepare(repos[0], args.data)
    started = time.time()
    result = {
        "machine": machine_info(),
        "load_average": os.getloadavg(),
        "checkouts": measure(repos, args.data, args.rounds),
        "load_average_after": os.getloadavg(),
        "seconds": round(time.time() - started),
    }
    text = json.dumps(result, indent=1)
    print(text)
    if args.output:
        args.output.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
