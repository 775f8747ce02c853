"""The coordinator's overview in headless Chromium against the real API and UI processes:
the comparison in sentences, needs vs projects, who is involved, the one-click Word
report, the codebook editor and document management. The user signs in by typing the
token into the sidebar. Screenshots go to test-artifacts/screenshots/ (overview-*)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.analysis.finnish import format_percent
from service.corpora import read_manifest
from tests.e2e.browsing import field, no_tracebacks, settle, shoot
from tests.e2e.servers import Servers, api_and_ui
from tests.e2e.test_browser import go

playwright = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Page  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::ResourceWarning")]
PROJECT = "kokonaisuus"
JOB_TIMEOUT_MS = 600_000


def _ingest(api: httpx.Client) -> None:
    assert api.post("/projects", json={"name": PROJECT}).status_code == 201
    for document in read_manifest():
        form = {
            "region": document.region,
            "kind": document.kind,
            **({"date": document.date} if document.date else {}),
            **({"event": document.event} if document.event else {}),
        }
        files = [("files", (document.path.name, document.path.read_bytes(), "text/plain"))]
        answer = api.post(f"/projects/{PROJECT}/documents?wait=true", data=form, files=files)
        assert answer.status_code == 201, answer.text
    run = api.post(f"/projects/{PROJECT}/runs?wait=true", json={})
    assert api.get(f"/jobs/{run.json()['job_id']}").json()["state"] == "succeeded"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with api_and_ui(tmp_path_factory.mktemp("e2e-overview")) as running:
        with running.api() as api:
            _ingest(api)
        yield running


def sign_in(page: Page, servers: Servers, link: str | None = None) -> None:
    """Open the UI on the project, type the token into the sidebar, then follow ``link``."""
    page.goto(f"{servers.ui_url}/?project={PROJECT}")
    settle(page)
    token = field(page, "API-tunnus")
    token.fill(servers.token)
    token.press("Enter")
    settle(page)
    page.get_by_text("Kirjautunut: admin").wait_for()
    if link:
        go(page, link)


def test_comparison_in_sentences(servers: Servers, page: Page) -> None:
    with servers.api() as api:
        compare = api.get(f"/projects/{PROJECT}/compare").json()
    sign_in(page, servers, "Alueiden vertailu")
    page.get_by_role("heading", name="Erot sanoin").wait_for()
    shown = page.locator("[data-testid=stMain]").inner_text()
    for group in compare["findings"]:
        for sentence in group["sentences"]["fi"]:
            assert sentence.replace("\u00a0", " ") in shown.replace("\u00a0", " ")
    assert "Pohjois-Savossa puhutaan muita alueita" in shown
    # The meaning of each statistic is one hover away.
    page.locator("[data-testid=stMetric]").filter(has_text="Cramér").locator(
        "[data-testid=stTooltipHoverTarget]"
    ).hover()
    page.get_by_text("0 = alueet puhuvat samoista teemoista").wait_for()
    no_tracebacks(page)
    shoot(page, "overview-compare")


def test_needs_vs_projects(servers: Servers, page: Page) -> None:
    with servers.api() as api:
        needs = api.get(f"/projects/{PROJECT}/needs").json()["overall"]
    assert needs["gaps"] and needs["orphans"]
    sign_in(page, servers, "Tarpeet ja hankkeet")
    page.get_by_text("Aukot").first.wait_for()
    settle(page)  # the whole page, not only its first parts (the counts came after)
    # The two counts, each waited for in its own metric: under load they were not on the
    # page yet when it was read, although the sentences below them were (CI, 2026-12-02).
    metrics = page.locator("[data-testid=stMain] [data-testid=stMetric]")
    for label, count in (
        ("Työpajamuistiinpanoja", "need_notes"),
        ("Hankemuistiinpanoja", "project_notes"),
    ):
        metrics.filter(has_text=label).filter(has_text=str(needs[count])).wait_for()
    shown = page.locator("[data-testid=stMain]").inner_text().replace("\u00a0", " ")
    for row in needs["themes"]:
        if row["status"] in ("gap", "orphan"):
            assert row["sentence"]["fi"].replace("\u00a0", " ") in shown
    assert str(needs["need_notes"]) in shown and str(needs["project_notes"]) in shown
    page.locator(".js-plotly-plot").first.wait_for()
    no_tracebacks(page)
    shoot(page, "overview-needs")


def test_who_is_involved(servers: Servers, page: Page) -> None:
    sign_in(page, servers, "Toimijat")
    # The first visit finds the names (a job with a progress bar), then shows them.
    page.get_by_role("heading", name="Toimijat ja teemat").wait_for(timeout=JOB_TIMEOUT_MS)
    settle(page)
    with servers.api() as api:
        actors = api.get(f"/projects/{PROJECT}/actors").json()
    assert actors["pending"] == 0
    names = [a["name"] for a in actors["actors"]]
    assert "Sitra" in names
    plot = page.locator(".js-plotly-plot").first
    plot.wait_for()
    assert "Sitra" in plot.inner_text()
    no_tracebacks(page)
    shoot(page, "overview-actors")


def test_report_download(servers: Servers, page: Page) -> None:
    from docx import Document

    sign_in(page, servers, "Raportti")
    with page.expect_download(timeout=JOB_TIMEOUT_MS) as download:
        page.get_by_role("button", name="Lataa raportti (Word)").click()
    assert download.value.suggested_filename == f"teemakartta-{PROJECT}-fi.docx"
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Yhteenveto",
        "Teemat",
        "Alueiden vertailu",
        "Tarpeet ja hankkeet",
        "Toimijat",
        "Liite: menetelmä",
    ]
    texts = "\n".join(p.text for p in document.paragraphs)
    with servers.api() as api:
        themes = api.get(f"/projects/{PROJECT}/themes").json()["themes"]
    for theme in themes:
        share = format_percent(theme["share"], "fi", 1)
        assert f"{theme['name']} ({theme['size']} muistiinpanoa, {share})" in texts
    assert len(document.inline_shapes) == 2
    no_tracebacks(page)
    shoot(page, "overview-report")


def test_codebook_editor_and_documents(servers: Servers, page: Page) -> None:
    sign_in(page, servers, "Koodikirja")
    page.get_by_text("Projektilla ei ole koodikirjaa").wait_for()
    page.get_by_role("button", name="Aloita oletuskoodikirjasta").click()
    settle(page)
    page.get_by_role("button", name="Tallenna koodikirja").click()
    page.get_by_text("Koodikirja tallennettu: 8 teemaa.").wait_for()
    with servers.api() as api:
        stored = api.get(f"/projects/{PROJECT}/codebook").json()
        default = api.get("/codebooks/default").json()
    assert stored == default
    no_tracebacks(page)
    shoot(page, "overview-codebook")
    page.get_by_role("button", name="Tyhjennä koodikirja").click()
    page.get_by_text("Koodikirja tyhjennetty.").wait_for()
    with servers.api() as api:
        assert api.get(f"/projects/{PROJECT}/codebook").json() == []

    go(page, "Dokumentit")
    page.get_by_text("Muokattava dokumentti").wait_for()
    field(page, "Tilaisuus").fill("Learning Cafe, Kuopio 2017")
    page.get_by_role("button", name="Tallenna muutokset").click()
    page.get_by_text("tiedot tallennettu").wait_for()
    with servers.api() as api:
        documents = api.get(f"/projects/{PROJECT}/documents").json()
    assert documents[0]["event"] == "Learning Cafe, Kuopio 2017"
    no_tracebacks(page)
    shoot(page, "overview-documents")
