"""Language switch, signing in, roles, and what the pages say when the service is down,
older, or has nothing to show yet."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.ui.conftest import free_port, open_app
from tests.ui.page_content import errors, texts
from ui.i18n import t

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def test_english_switch(api_url: str, api_token: str, themed_project: str) -> None:
    at = open_app(api_url, api_token, themed_project, "views/themes.py", lang="en")
    assert "Themes" in texts(at.main.title)
    assert "Size" in at.dataframe[0].value.columns
    assert "Signed in: admin (administrator)" in texts(at.sidebar.caption)
    at.radio(key="lang").set_value("fi").run()
    assert "Teemat" in texts(at.main.title)
    assert "Koko" in at.dataframe[0].value.columns
    # a choice shown in one language does not stick to the other
    at.switch_page("views/projects.py").run()
    assert at.selectbox(key="upload_kind-fi").options == [
        "työpaja",
        "hankekuvaus",
        "litterointi",
        "muu",
    ]
    at.radio(key="lang").set_value("en").run()
    kind = at.selectbox(key="upload_kind-en")
    assert kind.options == ["workshop", "project description", "transcript", "other"]
    assert kind.value == "workshop"


PAGES = [
    "views/projects.py",
    "views/theme_map.py",
    "views/themes.py",
    "views/theme_detail.py",
    "views/compare.py",
    "views/export.py",
]


@pytest.mark.parametrize("page", PAGES)
def test_service_down_is_a_finnish_message_not_a_traceback(page: str) -> None:

    at = open_app(f"http://127.0.0.1:{free_port()}", "tk_ei-kay", project="jokin", page=page)
    assert not at.exception
    assert any("ei saada yhteyttä" in e for e in errors(at)), errors(at)


@pytest.mark.parametrize("page", ["views/theme_map.py", "views/themes.py", "views/compare.py"])
def test_project_without_a_run_gets_a_hint(
    api_url: str, api_token: str, api: httpx.Client, page: str
) -> None:
    api.post("/projects", json={"name": "ajamaton"})
    at = open_app(api_url, api_token, "ajamaton", page)
    assert not at.exception and not errors(at)
    assert any("ei ole vielä teema-ajoa" in i.value for i in at.info)
    assert not at.get("plotly_chart")  # no empty map frame left standing


@pytest.mark.parametrize("page", [None, "views/themes.py"])
def test_an_empty_field_signs_no_one_in(
    api_url: str, api_folder: Path, api_token: str, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    # What used to sign the UI in as administrator is all there: the token file in the
    # service's data folder and TEEMA_API_TOKEN. Neither may count any more.
    assert (api_folder / "admin-token").read_text().strip() == api_token
    monkeypatch.setenv("TEEMA_DATA_DIR", str(api_folder))
    monkeypatch.setenv("TEEMA_API_TOKEN", api_token)
    at = open_app(api_url, None, project="luku", page=page)
    assert not [c for c in texts(at.sidebar.caption) if c.startswith("Kirjautunut")]
    assert not at.sidebar.selectbox  # no project picker, no pages
    assert not errors(at) and not at.warning
    assert [i.value for i in at.main.info] == [t("sign_in_how", "fi")]


def test_a_wrong_token_is_said_once(api_url: str, themed_project: str) -> None:
    at = open_app(api_url, "tk_vaara", project=themed_project, page="views/themes.py")
    assert errors(at) == [t("token_wrong", "fi")]
    assert not at.warning and not at.main.info
    assert all("tunnus" not in str(e.value).lower() for e in at.main.markdown)


def test_signing_out_forgets_a_typed_token(api_url: str, api_token: str) -> None:
    at = open_app(api_url, api_token)
    assert "Kirjautunut: admin (ylläpitäjä)" in texts(at.sidebar.caption)
    at.button(key="sign_out").click().run()
    assert at.text_input(key="api_token").value == ""
    assert not [c for c in texts(at.sidebar.caption) if c.startswith("Kirjautunut")]
    assert [i.value for i in at.sidebar.info] == [t("signed_out", "fi")]
    at.run()  # said once: the next rerun does not repeat it
    assert not at.sidebar.info


def test_a_coordinator_may_edit_but_not_export(
    api_url: str, api: httpx.Client, themed_project: str
) -> None:
    token = api.post("/users", json={"name": "koordinaattori"}).json()["token"]
    role = {"role": "coordinator"}
    assert api.put(f"/projects/{themed_project}/members/koordinaattori", json=role).is_success
    at = open_app(api_url, token, themed_project, "views/themes.py")
    assert "Kirjautunut: koordinaattori (jäsen)" in texts(at.sidebar.caption)
    assert len(at.dataframe[0].value) > 0
    at.switch_page("views/export.py").run()
    at.button(key="export_prepare").click().run()
    assert not at.exception
    assert any(e.startswith("Vientiä ei voitu tehdä: Roolisi ei salli") for e in errors(at))
