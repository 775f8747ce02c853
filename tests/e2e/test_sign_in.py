"""Signing in to the UI in headless Chromium against the real API and UI processes: an
empty field signs no one in, a sign-in link signs in once and leaves neither the URL nor
the history holding it, a spent link is refused, signing out ends the session, a wrong
token is said once, and user text on the pages stays text. Screenshots go to
test-artifacts/screenshots/ (10-16)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from service.config import REPO_ROOT
from tests.e2e.browsing import field, no_tracebacks, settle, shoot, sign_in, signed_in_as
from tests.e2e.servers import Servers
from ui.safe_text import WORD_JOINER

playwright = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import BrowserContext, Page  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::ResourceWarning")]

HOW_TO = "Et ole kirjautunut."
WRONG = "Tunnus ei kelpaa."
REFUSED = "Kirjautumislinkki ei kelpaa"
HOSTILE_NAME = (
    "[klikkaa](http://x.example/?leak=1) ![](http://x.example/p.png) "
    "<img src=http://x.example/i.png> www.x.example :red[punainen]"
)


def _errors(page: Page) -> list[str]:
    return page.locator(
        "[data-testid=stAlertContentError] [data-testid=stMarkdownContainer]"
    ).all_inner_texts()


def test_an_empty_field_signs_no_one_in(servers: Servers, page: Page) -> None:
    page.goto(servers.ui_url)
    settle(page)
    page.get_by_text(HOW_TO).wait_for()
    assert signed_in_as(page).count() == 0
    assert field(page, "API-tunnus").input_value() == ""
    assert page.locator("[data-testid=stSidebarNav]").count() == 0  # no pages
    assert _errors(page) == []
    no_tracebacks(page)
    shoot(page, "10-signed-out")


def test_a_link_signs_in_once_and_leaves_no_trace(
    servers: Servers, page: Page, new_context: Callable[[], BrowserContext]
) -> None:
    with servers.api() as api:  # a project to show (the suite's order may have made none)
        assert api.post("/projects", json={"name": "linkki"}).status_code in (201, 409)
    link = servers.sign_in_link()
    page.goto(link)
    settle(page)
    signed_in_as(page).wait_for()
    assert "Kirjautunut: admin (ylläpitäjä)" in signed_in_as(page).inner_text()
    # the code is gone from the address (the redirect replaced it)
    assert page.url.startswith(servers.ui_url) and "token=" not in page.url
    # ... and the app's run added no entry to the history: the first project needs no
    # "?project=" (written, it was pushed, and Back from it bounced to the bare address)
    page.wait_for_timeout(1500)
    settle(page)
    assert "project=" not in page.url, page.url
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["teema_session"]
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    assert "teema_session" not in page.evaluate("document.cookie")
    page.reload()  # the session outlives a reload
    settle(page)
    signed_in_as(page).wait_for()
    shoot(page, "11-signed-in-by-link")
    # ... and from the history: walk back to the blank tab, no page on the way holds it
    # Each step waits for the app's run: an entry the run added would bounce Back (seen
    # under load: the bare address the link redirects to got "?project=" pushed again).
    visited = []
    for _ in range(int(page.evaluate("history.length"))):
        visited.append(page.url)
        if page.url == "about:blank":
            break
        page.go_back()
        if page.url != "about:blank":
            page.wait_for_timeout(1500)
            settle(page)
    assert visited[-1] == "about:blank" and not [u for u in visited if "token=" in u], visited

    # the same link in another browser: refused, said once, no one signed in
    other = new_context().new_page()
    other.goto(link)
    settle(other)
    other.get_by_text(REFUSED).wait_for()
    assert len(_errors(other)) == 1 and signed_in_as(other).count() == 0
    assert "token" not in other.url
    no_tracebacks(other)
    shoot(other, "12-link-used-already")


def test_signing_out_ends_the_session(servers: Servers, page: Page) -> None:
    sign_in(page, servers)
    session = next(c["value"] for c in page.context.cookies() if c["name"] == "teema_session")
    with servers.api() as api:
        assert api.get("/me", headers={"Authorization": f"Bearer {session}"}).is_success
        page.get_by_role("link", name="Kirjaudu ulos").click()
        settle(page)
        page.get_by_text("Olet kirjautunut ulos.").wait_for()
        assert signed_in_as(page).count() == 0
        assert "teema_session" not in {c["name"] for c in page.context.cookies()}
        ended = api.get("/me", headers={"Authorization": f"Bearer {session}"})
        assert ended.status_code == 401
    shoot(page, "13-signed-out")
    page.reload()
    settle(page)
    page.get_by_text(HOW_TO).wait_for()
    assert page.get_by_text("Olet kirjautunut ulos.").count() == 0  # said once
    assert signed_in_as(page).count() == 0


def test_a_wrong_token_is_said_once_and_a_typed_one_signs_out(servers: Servers, page: Page) -> None:
    page.goto(servers.ui_url)
    settle(page)
    field(page, "API-tunnus").fill("tk_vaara")
    field(page, "API-tunnus").press("Enter")
    settle(page)
    page.get_by_text(WRONG).wait_for()
    assert _errors(page) == [f"{WRONG} Tarkista se tai pyydä ylläpitäjältä uusi."]
    assert page.get_by_text("API-tunnus", exact=False).count() == 1  # the field's label only
    no_tracebacks(page)
    shoot(page, "14-wrong-token")
    field(page, "API-tunnus").fill(servers.token)
    field(page, "API-tunnus").press("Enter")
    settle(page)
    signed_in_as(page).wait_for()
    assert _errors(page) == []
    page.get_by_role("button", name="Kirjaudu ulos").click()
    settle(page)
    page.get_by_text("Olet kirjautunut ulos.").wait_for()
    assert field(page, "API-tunnus").input_value() == ""
    assert signed_in_as(page).count() == 0


def test_user_text_stays_text_on_the_pages(servers: Servers, page: Page) -> None:
    """A theme named like Markdown, HTML and a Streamlit directive shows as typed: no
    link, no image, nothing fetched from elsewhere (the page fixture checks requests)."""
    document = REPO_ROOT / "corpora" / "pohjois-savo_learning-cafe_2017.txt"
    with servers.api() as api:
        assert api.post("/projects", json={"name": "vihamielinen"}).status_code == 201
        answer = api.post(
            "/projects/vihamielinen/documents?wait=true",
            data={"region": "Pohjois-Savo"},
            files=[("files", (document.name, document.read_bytes(), "text/plain"))],
        )
        assert answer.status_code == 201, answer.text
        assert api.post("/projects/vihamielinen/runs?wait=true", json={}).status_code == 201
        themes = api.get("/projects/vihamielinen/themes").json()["themes"]
        largest = max(themes, key=lambda theme: theme["size"])
        renamed = api.patch(
            f"/projects/vihamielinen/themes/{largest['id']}", json={"name": HOSTILE_NAME}
        )
        assert renamed.status_code == 200, renamed.text
    sign_in(page, servers)
    page.goto(f"{servers.ui_url}/teema?project=vihamielinen&theme={largest['id']}")
    settle(page)
    heading = page.locator("h2").filter(has_text="klikkaa").first
    # shown as typed (with invisible word joiners that keep addresses from becoming links)
    assert heading.inner_text().replace(WORD_JOINER, "") == HOSTILE_NAME
    shoot(page, "15-hostile-theme-name")
    assert _links_and_images_to(page, "x.example") == []
    for path in ("teemat", "kartta"):
        page.goto(f"{servers.ui_url}/{path}?project=vihamielinen")
        settle(page)
        page.locator(".js-plotly-plot, [data-testid=stDataFrame]").first.wait_for()
        assert _links_and_images_to(page, "x.example") == [], path
        no_tracebacks(page)
    shoot(page, "16-hostile-theme-on-map")


def _links_and_images_to(page: Page, host: str) -> list[str]:
    """Every href, xlink:href and src in the page (Plotly's SVG included) that names
    ``host``."""
    return list(
        page.evaluate(
            """host => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes])
                .filter(a => (a.name.endsWith('href') || a.name === 'src')
                             && a.value.includes(host))
                .map(a => a.name + '=' + a.value)""",
            host,
        )
    )
