"""A coordinator's session in headless Chromium against the real API and UI processes:
upload a workshop summary, wait for its themes, open the map, rename a theme, open the
comparison, download a CSV export and check its rows. Each page is saved as a screenshot
under test-artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from service.config import REPO_ROOT
from tests.e2e.servers import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, Servers, api_and_ui

playwright = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, Locator, Page  # noqa: E402

LEARNING_CAFE = REPO_ROOT / "corpora" / "pohjois-savo_learning-cafe_2017.txt"
THEMES_TIMEOUT_MS = 600_000  # ingest + theme run of one document on two CPU cores
PAGE_TIMEOUT_MS = 60_000
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::ResourceWarning")]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with api_and_ui(tmp_path_factory.mktemp("e2e")) as urls:
        yield urls


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A browser tab; the UI must not reach beyond this machine (no fonts, icons, metrics)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    outside: list[str] = []
    context.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if urlparse(request.url).hostname not in LOCAL_HOSTS
            and urlparse(request.url).scheme in ("http", "https", "ws", "wss")
            else None
        ),
    )
    yield context.new_page()
    context.close()
    assert outside == []


def shoot(page: Page, name: str) -> Path:
    """Save what the page shows; the app scrolls inside its own container, so the
    viewport is grown to the content's height first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    settle(page)
    # Plotly's "image download succeeded" notes fade on their own; keep them out of the picture.
    page.wait_for_function(
        "() => !document.querySelector('.plotly-notifier .notifier-note')", timeout=PAGE_TIMEOUT_MS
    )
    height = page.evaluate(
        "() => Math.max(1000, ...[...document.querySelectorAll('section, [data-testid=stMain]')]"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 6000)})
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


def settle(page: Page) -> None:
    """Wait until Streamlit has finished its rerun (no 'running' indicator)."""
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=PAGE_TIMEOUT_MS
    )
    page.wait_for_timeout(300)


def no_tracebacks(page: Page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0


def field(page: Page, label: str) -> Locator:
    """A text box by its label (the label's help icon is a button of the same name)."""
    return page.get_by_role("textbox", name=label, exact=True)


def go(page: Page, link: str) -> None:
    """Follow a sidebar link, keeping the browser session (and its chosen project)."""
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=link, exact=True).click()
    settle(page)


def create_project(page: Page, ui_url: str, name: str) -> None:
    page.goto(ui_url)
    settle(page)
    field(page, "Projektin nimi").fill(name)
    page.get_by_role("button", name="Luo projekti").click()
    page.get_by_text(f"Projekti {name} luotiin.").wait_for()
    settle(page)


def upload_and_wait_for_themes(page: Page, path: Path) -> None:
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(path))
    page.locator(f'[data-testid=stFileChip][aria-label^="{path.name}"]').wait_for()
    field(page, "Alue").fill("Pohjois-Savo")
    field(page, "Tilaisuus").fill("Learning Cafe")
    page.get_by_role("button", name="Lataa", exact=True).click()
    page.get_by_text("Dokumentit käsitelty.").wait_for(timeout=THEMES_TIMEOUT_MS)
    failure = page.get_by_text("Teemojen etsintä epäonnistui")
    done = page.get_by_text("Teemat valmiina.").or_(failure)
    done.first.wait_for(timeout=THEMES_TIMEOUT_MS)
    settle(page)
    assert failure.count() == 0, failure.first.inner_text()


def wait_for_map(page: Page) -> None:
    """The map is drawn when Plotly has laid out its WebGL traces on a canvas."""
    page.wait_for_function(
        "() => { const plot = document.querySelector('.js-plotly-plot');"
        " return plot && plot._fullData && plot._fullData.some(t => t.type === 'scattergl')"
        " && plot.querySelector('canvas') !== null; }",
        timeout=PAGE_TIMEOUT_MS,
    )


def lasso(page: Page) -> None:
    """Pick the lasso in Plotly's toolbar and draw it around the middle of the map."""
    plot = page.locator(".js-plotly-plot").first
    plot.hover()
    plot.locator(".modebar-btn[data-title='Lasso Select']").click()
    box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    w, h = box["width"] * 0.45, box["height"] * 0.45
    page.mouse.move(cx - w, cy - h)
    page.mouse.down()
    for x, y in ((cx + w, cy - h), (cx + w, cy + h), (cx - w, cy + h), (cx - w, cy - h + 2)):
        page.mouse.move(x, y, steps=8)
    page.mouse.up()
    settle(page)


def click_theme(page: Page) -> str:
    """Click the marker at the centre of the largest theme; returns the theme's name."""
    spot = page.evaluate("""() => {
        const plot = document.querySelector('.js-plotly-plot');
        const markers = plot._fullData.find(t => t.type === 'scatter' && t.x.length > 0);
        const largest = markers.customdata.reduce((a, b, i) => b[2] > a[1][2] ? [i, b] : a,
                                                  [0, markers.customdata[0]])[0];
        const layout = plot._fullLayout, box = plot.getBoundingClientRect();
        return {x: box.left + layout._size.l + layout.xaxis.l2p(markers.x[largest]),
                y: box.top + layout._size.t + layout.yaxis.l2p(markers.y[largest]),
                name: markers.customdata[largest][1]};
    }""")
    page.mouse.move(spot["x"], spot["y"])
    page.mouse.click(spot["x"], spot["y"])
    settle(page)
    return str(spot["name"])


def download_png(page: Page, plot_index: int = 0) -> tuple[str, bytes]:
    """Save a chart with the camera button of Plotly's toolbar (shown on hover)."""
    plot = page.locator(".js-plotly-plot").nth(plot_index)
    plot.hover()
    with page.expect_download() as download:
        plot.locator(".modebar-btn[data-title='Download plot as a PNG']").click()
    return download.value.suggested_filename, Path(download.value.path()).read_bytes()


def test_coordinator_session(servers: Servers, page: Page) -> None:
    api, ui_url = servers.api(), servers.ui_url
    create_project(page, ui_url, "selain")
    upload_and_wait_for_themes(page, LEARNING_CAFE)
    no_tracebacks(page)
    shoot(page, "01-upload")
    themes = api.get("/projects/selain/themes").json()["themes"]
    assert themes

    go(page, "Teemakartta")
    wait_for_map(page)
    no_tracebacks(page)
    name = click_theme(page)
    page.get_by_role("heading", name=f"{name}:").wait_for()  # "<theme>: N muistiinpanoa"
    lasso(page)
    page.get_by_text("Valitut muistiinpanot").wait_for()
    shoot(page, "02-map")
    name, png = download_png(page)
    assert name == "teemakartta-selain.png" and png.startswith(b"\x89PNG")

    go(page, "Teemat")
    # The table is drawn on a canvas; its cells exist for screen readers, hidden.
    page.get_by_text(themes[0]["name"]).first.wait_for(state="attached")
    shoot(page, "03-themes")

    go(page, "Teema")
    # The largest theme's page opens with its name and its one-sentence description.
    page.get_by_role("heading", name=themes[0]["name"]).first.wait_for()
    page.locator("blockquote").get_by_text(themes[0]["description"]).wait_for()
    page.get_by_text("Miksi tässä").first.wait_for(state="attached")
    field(page, "Uusi nimi").fill("Vetovoima ja osaaminen")
    page.get_by_role("button", name="Tallenna nimi").click()
    page.get_by_text("Teema nimettiin: Vetovoima ja osaaminen.").wait_for()
    settle(page)
    no_tracebacks(page)
    shoot(page, "04-theme")
    names = [t["name"] for t in api.get("/projects/selain/themes").json()["themes"]]
    assert "Vetovoima ja osaaminen" in names

    go(page, "Alueiden vertailu")
    page.locator(".js-plotly-plot").first.wait_for()
    no_tracebacks(page)
    shoot(page, "05-compare")
    name, png = download_png(page)
    assert name == "alueet-teemat-selain.png" and png.startswith(b"\x89PNG")

    go(page, "Vienti")
    page.get_by_role("button", name="Valmistele tiedosto").click()
    download_button = page.get_by_role("button", name="Lataa ")
    download_button.first.wait_for()
    with page.expect_download() as download_info:
        download_button.first.click()
    content = Path(download_info.value.path()).read_bytes()
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    notes = api.get("/projects/selain/notes?limit=1").json()["total"]
    assert len(rows) == notes > 20
    assert "Vetovoima ja osaaminen" in {row["theme_name"] for row in rows}
    assert {row["region"] for row in rows} == {"Pohjois-Savo"}
    page.locator("[data-testid=stDataFrame]").first.wait_for()  # the preview of the rows
    no_tracebacks(page)
    shoot(page, "06-export")
    api.close()


def test_english_switch_in_the_browser(servers: Servers, page: Page) -> None:
    with servers.api() as api:
        api.post("/projects", json={"name": "kieli"})
    page.goto(f"{servers.ui_url}/?project=kieli")
    settle(page)
    page.get_by_text("English", exact=True).click()
    settle(page)
    page.get_by_role("heading", name="Projects and upload").wait_for()
    # the kind chosen in Finnish ('työpaja') must not stay on screen in English
    kind = page.locator("[data-testid=stSelectbox]").filter(has_text="Kind").locator("input")
    assert kind.input_value() == "workshop"
    shoot(page, "07-english")


def map_render_seconds(page: Page, ui_url: str, project: str) -> float:
    """Seconds from navigating to the map page to its WebGL plot being drawn."""
    started = time.perf_counter()
    page.goto(f"{ui_url}/kartta?project={project}")
    wait_for_map(page)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return time.perf_counter() - started


def test_map_of_5000_notes_renders_in_seconds(servers: Servers, page: Page) -> None:
    from tests.e2e.big_corpus import upload_5000_notes

    with servers.api() as api:
        notes = upload_5000_notes(api, "iso")
        assert notes >= 5000
        answer = api.post("/projects/iso/runs?wait=true", json={})
        assert api.get(f"/jobs/{answer.json()['job_id']}").json()["state"] == "succeeded"
    timings = [map_render_seconds(page, servers.ui_url, "iso") for _ in range(3)]
    drawn = page.evaluate(
        "() => document.querySelector('.js-plotly-plot')._fullData"
        ".filter(t => t.type === 'scattergl').reduce((n, t) => n + t.x.length, 0)"
    )
    assert drawn == notes
    shoot(page, "08-map-5000")
    SCREENSHOTS.parent.joinpath("map_render.json").write_text(
        json.dumps({"notes": notes, "seconds": [round(s, 2) for s in timings]}, indent=1)
    )
    # The first view includes fetching and caching the map; later views must stay snappy.
    assert min(timings) < 10, timings
