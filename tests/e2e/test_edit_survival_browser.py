"""Issue 13's coordinator sequence in headless Chromium against the real API and UI
processes: on the sample project, rename theme 2, merge themes 5 and 7 into
"Seutukaupungit ja työvoima", upload a seven-note document with "run themes after
upload" ticked, read the change report in words (apply it if it waits), and check that
the merge, the name and the sizes held; then ask for coarser themes. Screenshots under
test-artifacts/screenshots/ (10-15)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.corpora import read_manifest
from tests.api.themes_helpers import KAINUU_WORKSHOP
from tests.e2e.browsing import field, no_tracebacks, settle, shoot, sign_in
from tests.e2e.servers import Servers, api_and_ui
from tests.e2e.test_browser import THEMES_TIMEOUT_MS

playwright = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Page  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::ResourceWarning")]
MERGED, RENAMED = "Seutukaupungit ja työvoima", "Hyvinvointi ja terveys"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with api_and_ui(tmp_path_factory.mktemp("e2e-edits")) as urls:
        yield urls


def _sample_project(api: httpx.Client, project: str) -> None:
    """The sample documents and one theme run, as `make run` leaves them."""
    assert api.post("/projects", json={"name": project}).status_code == 201
    for entry in read_manifest():
        answer = api.post(
            f"/projects/{project}/documents?wait=true",
            data={"region": entry.region, "kind": entry.kind},
            files=[("files", (entry.path.name, entry.path.read_bytes()))],
        )
        assert answer.status_code == 201, answer.text
    answer = api.post(f"/projects/{project}/runs?wait=true", json={})
    assert api.get(f"/jobs/{answer.json()['job_id']}").json()["state"] == "succeeded"


def _themes(api: httpx.Client, project: str) -> dict[int, dict]:
    return {t["id"]: t for t in api.get(f"/projects/{project}/themes").json()["themes"]}


def _notes_of(api: httpx.Client, project: str, key: int) -> set[int]:
    return {n["id"] for n in api.get(f"/projects/{project}/themes/{key}").json()["notes"]}


def _pick(page: Page, label: str, option: str) -> None:
    """Choose an option of a multiselect by typing part of its label."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.fill(option)
    page.get_by_role("option").filter(has_text=option).first.click()
    page.keyboard.press("Escape")


def test_edits_survive_an_upload_with_a_run_in_the_browser(
    servers: Servers, page: Page, tmp_path: Path
) -> None:
    api, ui = servers.api(), servers.ui_url
    _sample_project(api, "kartta")
    keys = sorted(_themes(api, "kartta"))
    assert len(keys) >= 4, keys  # one to rename, two others to merge
    second, fifth, seventh = keys[1], keys[-2], keys[-1]

    sign_in(page, servers)  # a one-time link, as `make run` prints
    page.goto(f"{ui}/teema?project=kartta&theme={second}")
    settle(page)
    field(page, "Uusi nimi").fill(RENAMED)
    page.get_by_role("button", name="Tallenna nimi").click()
    page.get_by_text(f"Teema nimettiin: {RENAMED}.").wait_for()
    settle(page)

    page.goto(f"{ui}/teemat?project=kartta")
    settle(page)
    label = "Yhdistettävät teemat (ensimmäinen säilyy)"
    _pick(page, label, f"(#{fifth})")
    _pick(page, label, f"(#{seventh})")
    field(page, "Uusi nimi (vapaaehtoinen)").fill(MERGED)
    page.get_by_role("button", name="Yhdistä", exact=True).click()
    page.get_by_text(f"2 teemaa yhdistetty: {MERGED}.").wait_for()
    settle(page)
    no_tracebacks(page)
    shoot(page, "10-edited-themes")
    merged_notes = _notes_of(api, "kartta", fifth)
    assert _themes(api, "kartta")[fifth]["name"] == MERGED

    document = tmp_path / "kainuu.txt"
    document.write_text(KAINUU_WORKSHOP, encoding="utf-8")
    page.goto(f"{ui}/?project=kartta")  # the projects page is the default one
    settle(page)
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(document))
    page.locator('[data-testid=stFileChip][aria-label^="kainuu.txt"]').wait_for()
    field(page, "Alue").fill("Kainuu")
    page.get_by_role("button", name="Lataa", exact=True).click()
    page.get_by_text("Dokumentit käsitelty.").wait_for(timeout=THEMES_TIMEOUT_MS)
    waiting = page.get_by_text("muuttaisi teemoja, joita on muokattu")
    done = page.get_by_text("Teemat valmiina.")
    done.or_(waiting).first.wait_for(timeout=THEMES_TIMEOUT_MS)
    settle(page)
    no_tracebacks(page)
    if waiting.count():
        page.get_by_text(f"Teema '{MERGED}'").first.wait_for(state="attached")
        shoot(page, "11-run-after-upload-waits")
        page.get_by_role("button", name="Ota muutokset käyttöön").click()
        page.get_by_text("otettiin käyttöön").wait_for()
        settle(page)
    else:
        page.get_by_text("Muutokset edelliseen ajoon").wait_for()
    shoot(page, "11-run-after-upload")
    assert page.locator("[data-testid=stJson]").count() == 0  # the report is words
    report = api.get("/projects/kartta/runs").json()[0]
    assert report["status"] == "applied"
    for line in report["sentences"]["fi"][:3]:
        page.get_by_text(line, exact=False).first.wait_for(state="attached")

    after = _themes(api, "kartta")
    assert after[second]["name"] == RENAMED and after[fifth]["name"] == MERGED
    assert merged_notes <= _notes_of(api, "kartta", fifth) and seventh not in after
    table = api.get("/projects/kartta/themes").json()
    total = api.get("/projects/kartta/notes?limit=1").json()["total"]
    assert sum(t["size"] for t in table["themes"]) + table["unassigned"] == total
    assert table["run"]["note_count"] == total
    for key, theme in after.items():
        assert theme["size"] == len(_notes_of(api, "kartta", key))

    _draft_kept(page, ui, api)

    page.goto(f"{ui}/teemat?project=kartta")
    settle(page)
    page.get_by_text(MERGED).first.wait_for(state="attached")
    shoot(page, "13-themes-after-upload")
    slider = page.get_by_role("slider").first
    slider.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.get_by_role("button", name="Muuta tarkkuutta").click()
    page.get_by_text("Tarkkuus: karkeampi.").wait_for(timeout=THEMES_TIMEOUT_MS)
    settle(page)
    no_tracebacks(page)
    shoot(page, "14-coarser-themes")
    coarse = _themes(api, "kartta")
    assert len(coarse) < len(after)
    assert coarse[second]["name"] == RENAMED and coarse[fifth]["name"] == MERGED
    assert merged_notes <= _notes_of(api, "kartta", fifth)
    api.close()


def _draft_kept(page: Page, ui: str, api: httpx.Client) -> None:
    """A run without one region the merged theme has notes from would change it: the page
    says so in words and asks; the coordinator keeps the current themes."""
    current = api.get("/projects/kartta/themes").json()["run"]["id"]
    merged = next(t for t in _themes(api, "kartta").values() if t["name"] == MERGED)
    leave_out = sorted(r for r, share in merged["region_share"].items() if share > 0)[0]
    regions = sorted({n["region"] for n in api.get("/projects/kartta/map").json()["notes"]})
    page.goto(f"{ui}/?project=kartta")
    settle(page)
    page.get_by_text("Aja teemat uudelleen (valinnaiset rajaukset)").click()
    for region in regions:
        if region != leave_out:
            _pick(page, "Alue", region)
    page.get_by_role("button", name="Aja teemat", exact=True).click()
    page.get_by_text("muuttaisi teemoja, joita on muokattu").wait_for(timeout=THEMES_TIMEOUT_MS)
    settle(page)
    no_tracebacks(page)
    page.get_by_text(f"Teema '{MERGED}':").first.wait_for(state="attached")
    page.get_by_text("ei olisi mukana tässä ajossa").first.wait_for(state="attached")
    shoot(page, "12-run-waits-for-confirmation")
    page.get_by_role("button", name="Pidä nykyiset teemat").click()
    page.get_by_text("hylättiin").wait_for()
    settle(page)
    assert api.get("/projects/kartta/themes").json()["run"]["id"] == current
    assert all(r["status"] == "applied" for r in api.get("/projects/kartta/runs").json())
