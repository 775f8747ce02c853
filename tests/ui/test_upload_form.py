"""The upload form and the first theme run against the real API (issue 15, item 5): a
visible "Run themes" button for a project with notes but no run, upload errors in the UI's
language before anything is sent, no second ingest or run when the form is pressed again,
and Streamlit's English drop-zone texts replaced by the UI's own caption."""

from __future__ import annotations

import time

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from service.config import REPO_ROOT
from tests.ui.conftest import open_app
from tests.ui.page_content import errors, progress_bars, shown, texts
from ui import upload_rules

LEARNING_CAFE = REPO_ROOT / "corpora" / "pohjois-savo_learning-cafe_2017.txt"

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def new_project(api: httpx.Client, name: str) -> str:
    assert api.post("/projects", json={"name": name}).status_code == 201
    deadline = time.monotonic() + 10  # the 201 may come before the commit (see conftest)
    while api.get(f"/projects/{name}").status_code == 404 and time.monotonic() < deadline:
        time.sleep(0.05)
    return name


def press_upload(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.label in ("Lataa", "Upload")).click().run()


def test_a_project_with_notes_but_no_run_has_a_visible_run_button(
    api_url: str, api_token: str, api: httpx.Client
) -> None:
    project = new_project(api, "ensiajo")
    files = [("files", (LEARNING_CAFE.name, LEARNING_CAFE.read_bytes(), "text/plain"))]
    answer = api.post(
        f"/projects/{project}/documents?wait=true", data={"region": "Kainuu"}, files=files
    )
    assert answer.status_code in (200, 201), answer.text
    at = open_app(api_url, api_token, project)
    button = at.button(key="run_first")
    assert button.label == "Aja teemat"
    button.click().run()
    assert not at.exception and not errors(at), errors(at)
    assert [bar.value for bar in progress_bars(at)] == [100]
    assert any("Teemat valmiina" in text for text in texts(at.success))
    assert not any("ei vielä teemoja" in text for text in texts(at.info))
    assert len(api.get(f"/projects/{project}/runs").json()) == 1
    # With a current run the button gives way to the expander of optional filters.
    at = open_app(api_url, api_token, project)
    assert "run_first" not in [b.key for b in at.button]
    assert any(e.label.startswith("Aja teemat uudelleen") for e in at.expander)


def test_an_unsupported_file_is_named_in_finnish_and_nothing_is_sent(
    api_url: str, api_token: str, api: httpx.Client
) -> None:
    project = new_project(api, "vaara-tyyppi")
    at = open_app(api_url, api_token, project)
    at.file_uploader[0].set_value(
        [
            (LEARNING_CAFE.name, LEARNING_CAFE.read_bytes(), "text/plain"),
            ("muistio.odt", b"PK\x03\x04 not a supported document", "application/zip"),
        ]
    )
    at.text_input(key="upload_region").set_value("Kainuu")
    press_upload(at)
    assert not at.exception
    [error] = errors(at)
    assert "muistio.odt" in error and ".odt" in error and "pptx" in error
    assert LEARNING_CAFE.name not in error
    assert "Valitse ainakin yksi tiedosto" not in error
    assert api.get(f"/projects/{project}/documents").json() == []


def test_an_oversized_file_is_named_in_english_and_nothing_is_sent(
    api_url: str, api_token: str, api: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.pipeline.parse import ACCEPTED_EXTENSIONS
    from ui import common

    # A service whose limit is 0.001 MB (the rules it answers on GET /upload-rules).
    tiny = upload_rules.UploadRules(ACCEPTED_EXTENSIONS, 0.001)
    monkeypatch.setattr(common, "upload_rules", lambda: tiny)
    project = new_project(api, "liian-iso")
    at = open_app(api_url, api_token, project, lang="en")
    at.file_uploader[0].set_value([(LEARNING_CAFE.name, LEARNING_CAFE.read_bytes(), "text/plain")])
    at.text_input(key="upload_region").set_value("Kainuu")
    press_upload(at)
    assert not at.exception
    [error] = errors(at)
    assert LEARNING_CAFE.name in error and "0.001 MB" in error
    assert "Choose at least one file" not in error
    assert api.get(f"/projects/{project}/documents").json() == []


def test_a_service_refusal_is_said_in_finnish(
    api_url: str, api_token: str, api: httpx.Client
) -> None:
    project = new_project(api, "palvelu-hylkaa")
    at = open_app(api_url, api_token, project)
    at.file_uploader[0].set_value([("tyhja.txt", b"   \n", "text/plain")])
    at.text_input(key="upload_region").set_value("Kainuu")
    press_upload(at)
    [error] = errors(at)
    assert error.startswith("Palvelu ei hyväksynyt tiedostoa: ") and "tyhja.txt" in error
    # The reason too, not only the lead: it was "The file is empty: upload a file with text."
    assert error.endswith("tyhja.txt: Tiedosto on tyhjä: lataa tiedosto, jossa on tekstiä.")


def test_pressing_upload_again_after_success_sends_nothing_more(
    api_url: str, api_token: str, api: httpx.Client
) -> None:
    project = new_project(api, "kahdesti")
    at = open_app(api_url, api_token, project)
    first_key = at.file_uploader[0].key
    at.file_uploader[0].set_value([(LEARNING_CAFE.name, LEARNING_CAFE.read_bytes(), "text/plain")])
    at.text_input(key="upload_region").set_value("Pohjois-Savo")
    press_upload(at)
    assert not at.exception and not errors(at), errors(at)
    # The result stays on the page; the uploader is a fresh, empty one.
    assert any("Dokumentit käsitelty" in text for text in texts(at.success))
    assert any("Teemat valmiina" in text for text in texts(at.success))
    assert at.file_uploader[0].key != first_key and not at.file_uploader[0].value
    jobs = api.get(f"/projects/{project}/jobs").json()
    press_upload(at)
    assert api.get(f"/projects/{project}/jobs").json() == jobs
    assert len(api.get(f"/projects/{project}/runs").json()) == 1


def test_the_uploader_speaks_the_ui_language(
    api_url: str, api_token: str, api: httpx.Client
) -> None:
    project = new_project(api, "kieli")
    for lang, types, limit in (
        ("fi", "Sallitut tiedostotyypit", "enintään 50 MB"),
        ("en", "Accepted file types", "at most 50 MB"),
    ):
        at = open_app(api_url, api_token, project, lang=lang)
        captions = texts(at.caption)
        assert any(types in c and limit in c and "pptx" in c for c in captions), captions
        # Streamlit's own English "Drag and drop files here / Limit 200MB per file" is hidden.
        styles = [m.value for m in at.markdown if "stFileUploaderDropzoneInstructions" in m.value]
        assert styles and "display: none" in styles[0]


def test_upload_rules_follow_the_service(
    api_url: str, api_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The UI's check agrees with the service it talks to (GET /upload-rules: the parser's
    extensions, the service's own size limit), not with the UI's environment, and leaves
    acceptable files alone."""
    from service.config import Settings
    from service.pipeline.parse import ACCEPTED_EXTENSIONS
    from ui.client import ApiClient

    services_limit = Settings(_env_file=None).max_upload_mb  # type: ignore[call-arg]
    monkeypatch.setenv("TEEMA_MAX_UPLOAD_MB", "0.001")  # the UI's environment, not the API's
    served = upload_rules.UploadRules.from_api(ApiClient(api_url, api_token).upload_rules())
    assert served.extensions == ACCEPTED_EXTENSIONS
    assert served.max_upload_mb == services_limit > 0.001

    rules = upload_rules.UploadRules(served.extensions, 1.5)
    megabyte = 1024 * 1024
    files = [
        ("MUISTIO.TXT", 10),
        ("dia.pptx", int(1.5 * megabyte)),
        ("README", 10),
        ("iso.pdf", 2 * megabyte),
    ]
    refused = [shown(line) for line in upload_rules.refusals(files, rules)]
    assert len(refused) == 2
    assert refused[0].startswith("README: ") and "(ei päätettä)" in refused[0]
    assert refused[1].startswith("iso.pdf: 2 MB") and "1,5 MB" in refused[1]
    assert "enintään 1,5 MB" in upload_rules.caption(rules)


def test_a_file_already_in_the_project_is_not_called_uploaded_and_runs_nothing(
    api_url: str, api_token: str, api: httpx.Client
) -> None:
    """Seen: the same deck uploaded again said "Ladattu: deck.pptx" beside "these files
    were already in the project", and ran the themes again for nothing."""
    project = new_project(api, "uudelleen")
    files = [("files", (LEARNING_CAFE.name, LEARNING_CAFE.read_bytes(), "text/plain"))]
    answer = api.post(
        f"/projects/{project}/documents?wait=true", data={"region": "Kainuu"}, files=files
    )
    assert answer.status_code in (200, 201), answer.text
    jobs = api.get(f"/projects/{project}/jobs").json()
    at = open_app(api_url, api_token, project)
    at.file_uploader[0].set_value([(LEARNING_CAFE.name, LEARNING_CAFE.read_bytes(), "text/plain")])
    at.text_input(key="upload_region").set_value("Kainuu")
    press_upload(at)  # "run themes after upload" is ticked, as by default
    assert not at.exception and not errors(at), errors(at)
    assert not any(text.startswith("Ladattu") for text in texts(at.success)), texts(at.success)
    infos = texts(at.info)
    assert any("olivat jo projektissa" in text and LEARNING_CAFE.name in text for text in infos)
    assert any("teemoja ei ajettu" in text for text in infos), infos
    assert api.get(f"/projects/{project}/jobs").json() == jobs  # no ingest, no theme run
    assert api.get(f"/projects/{project}/runs").json() == []
