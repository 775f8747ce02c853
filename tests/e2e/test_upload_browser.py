"""The upload form in Chromium (issue 15, item 5): no English drop-zone texts, a refused
file named in Finnish before anything is sent, the form cleared after a successful upload,
and a visible "Aja teemat" button for the first run. Screenshots under
test-artifacts/screenshots/ (upload-*.png)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from service.config import REPO_ROOT
from tests.e2e.browsing import field, no_tracebacks, settle, shoot, sign_in
from tests.e2e.servers import Servers

LEARNING_CAFE = REPO_ROOT / "corpora" / "pohjois-savo_learning-cafe_2017.txt"
THEMES_TIMEOUT_MS = 600_000


def test_upload_form_and_first_run(servers: Servers, page: Page, tmp_path: Path) -> None:
    with servers.api() as api:
        assert api.post("/projects", json={"name": "selain-lataus"}).status_code == 201
    sign_in(page, servers)
    page.goto(f"{servers.ui_url}/?project=selain-lataus")
    settle(page)
    uploader = page.locator("[data-testid=stFileUploader]")
    assert not page.get_by_text("Drag and drop files here").is_visible()
    assert not page.get_by_text("200MB", exact=False).is_visible()
    page.get_by_text("Sallitut tiedostotyypit: txt").wait_for()
    # Streamlit's button says "Upload" in every language; the page hides the word and
    # writes its own label in the button.
    button = uploader.locator("[data-testid=stFileUploaderDropzone] button")
    assert not button.get_by_text("Upload", exact=True).is_visible()
    label = button.locator("[data-testid=stMarkdownContainer]").evaluate(
        "text => getComputedStyle(text, '::after').content"
    )
    assert label == '"Valitse tiedostot"', label
    shoot(page, "upload-1-empty")

    odt = tmp_path / "muistio.odt"
    odt.write_bytes(b"PK\x03\x04 not a supported document")
    uploader.locator("input[type=file]").set_input_files([str(odt), str(LEARNING_CAFE)])
    page.locator('[data-testid=stFileChip][aria-label^="muistio.odt"]').wait_for()
    field(page, "Alue").fill("Pohjois-Savo")
    page.get_by_text("Aja teemat latauksen jälkeen").click()
    page.get_by_role("button", name="Lataa", exact=True).click()
    settle(page)
    error = page.locator("[data-testid=stAlertContentError]").first
    assert "muistio.odt" in error.inner_text() and "ei tueta" in error.inner_text()
    shoot(page, "upload-2-refused")
    with servers.api() as api:
        assert api.get("/projects/selain-lataus/documents").json() == []

    chip = page.locator('[data-testid=stFileChip][aria-label^="muistio.odt"]')
    chip.get_by_role("button").click()  # remove the refused file, keep the other
    settle(page)
    page.get_by_role("button", name="Lataa", exact=True).click()
    page.get_by_text("Ladattu: ").wait_for(timeout=THEMES_TIMEOUT_MS)
    settle(page)
    assert uploader.locator("[data-testid=stFileChip]").count() == 0  # the form is cleared
    run = page.get_by_role("button", name="Aja teemat", exact=True)
    run.wait_for()
    shoot(page, "upload-3-uploaded")
    run.click()
    page.get_by_text("Teemat valmiina.").wait_for(timeout=THEMES_TIMEOUT_MS)
    settle(page)
    no_tracebacks(page)
    shoot(page, "upload-4-themes")
