"""The API and UI processes and the browser, shared by the browser tests of a session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlparse

import pytest

from tests.e2e.servers import CHROMIUM, CHROMIUM_ARGS, Servers, api_and_ui

playwright = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, BrowserContext, Page  # noqa: E402

from tests.e2e.browsing import LOCAL_HOSTS, PAGE_TIMEOUT_MS  # noqa: E402


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with api_and_ui(tmp_path_factory.mktemp("e2e")) as urls:
        yield urls


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """Makes browser contexts (each its own cookies: another person's browser); the UI
    must not reach beyond this machine from any of them (no fonts, icons, metrics)."""
    contexts: list[BrowserContext] = []
    outside: list[str] = []

    def make() -> BrowserContext:
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, accept_downloads=True
        )
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        context.on(
            "request",
            lambda request: (
                outside.append(request.url)
                if urlparse(request.url).hostname not in LOCAL_HOSTS
                and urlparse(request.url).scheme in ("http", "https", "ws", "wss")
                else None
            ),
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert outside == []


@pytest.fixture
def page(new_context: Callable[[], BrowserContext]) -> Page:
    """A tab of a fresh browser: no one signed in yet."""
    return new_context().new_page()
