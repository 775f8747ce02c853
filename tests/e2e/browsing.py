"""Driving the UI in Chromium: waiting for Streamlit, screenshots, fields, signing in."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page

from tests.e2e.servers import SCREENSHOTS, Servers

PAGE_TIMEOUT_MS = 60_000
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


# The theme map is drawn: its note traces are laid out, as SVG points in the scatter layer
# or (a map of many notes) WebGL traces on a canvas.
MAP_DRAWN = (
    "() => { const p = document.querySelector('.js-plotly-plot');"
    " if (!p || !p._fullData) return false;"
    " const notes = p._fullData.filter(t => t.meta === 'notes');"
    " if (notes.length === 0) return false;"
    " if (notes.some(t => t.type === 'scattergl')) return p.querySelector('canvas') !== null;"
    " return p.querySelectorAll('.scatterlayer .point').length > 0; }"
)


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


def signed_in_as(page: Page) -> Locator:
    return page.locator("[data-testid=stSidebar]").get_by_text("Kirjautunut:")


def sign_in(page: Page, servers: Servers, user: str | None = None) -> None:
    """Sign this browser in the way a person does: open a fresh one-time link."""
    page.goto(servers.sign_in_link(user))
    settle(page)
    signed_in_as(page).wait_for()
