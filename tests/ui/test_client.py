"""The UI's API client against the real API: answers, and every failure as an ApiError."""

from __future__ import annotations

import pytest

from tests.ui.conftest import free_port
from ui.client import ApiClient, ApiError, UploadFile, _filename_from_disposition


def test_projects_round_trip(api_url: str, api_token: str) -> None:
    client = ApiClient(api_url, api_token)
    assert client.health()
    created = client.create_project("asiakas", "kuvaus")
    assert created["name"] == "asiakas"
    assert "asiakas" in [p["name"] for p in client.projects()]
    with pytest.raises(ApiError) as exists:
        client.create_project("asiakas")
    assert exists.value.status == 409 and not exists.value.missing_endpoint


def test_field_errors_become_one_readable_line(api_url: str, api_token: str) -> None:
    with pytest.raises(ApiError) as bad:
        ApiClient(api_url, api_token).create_project("Iso Nimi")
    assert bad.value.status == 422 and "name" in bad.value.message
    assert bad.value.message.startswith("name: ") and "'loc'" not in bad.value.message


def test_missing_route_is_told_apart_from_missing_thing(api_url: str, api_token: str) -> None:
    client = ApiClient(api_url, api_token)
    with pytest.raises(ApiError) as project:
        client.themes("ei-ole")
    assert project.value.status == 404 and not project.value.missing_endpoint
    with pytest.raises(ApiError) as route:
        client._json("GET", "/tata-ei-ole")
    assert route.value.status == 404 and route.value.missing_endpoint


def test_upload_rejection_carries_the_reason(api_url: str, api_token: str) -> None:
    client = ApiClient(api_url, api_token)
    client.create_project("tyhjat")
    with pytest.raises(ApiError) as rejected:
        client.upload("tyhjat", [UploadFile("tyhja.txt", b"  ")], {"region": "Kainuu"})
    assert rejected.value.status == 422 and "tyhja.txt" in rejected.value.message


def test_unreachable_service() -> None:
    client = ApiClient(f"http://127.0.0.1:{free_port()}")
    assert not client.health()
    with pytest.raises(ApiError) as down:
        client.projects()
    assert down.value.kind == "unreachable" and down.value.status == 0


def test_the_token_signs_in_and_a_missing_one_is_a_401(api_url: str, api_token: str) -> None:
    assert ApiClient(api_url, api_token).me()["is_admin"] is True
    for token in (None, "tk_vaara"):
        with pytest.raises(ApiError) as refused:
            ApiClient(api_url, token).projects()
        assert refused.value.status == 401


def test_filename_from_content_disposition() -> None:
    assert _filename_from_disposition('attachment; filename="a b.csv"') == "a b.csv"
    assert (
        _filename_from_disposition(
            "attachment; filename*=UTF-8''p%C3%B6ll%C3%B6.csv; filename=\"x.csv\""
        )
        == "pöllö.csv"
    )
    assert _filename_from_disposition("inline") is None


def test_no_theme_run_is_told_by_its_code_not_its_words(api_url: str, api_token: str) -> None:
    from ui.common import no_run_yet

    client = ApiClient(api_url, api_token)
    client.create_project("ajoton")
    with pytest.raises(ApiError) as unthemed:
        client.themes("ajoton")
    assert unthemed.value.code == "no_theme_run" and no_run_yet(unthemed.value)
    # A missing run (a draft someone else discarded) is another 404, also naming a "run":
    # the page must not answer it with "this project has no themes yet".
    with pytest.raises(ApiError) as gone:
        client._json("POST", "/projects/ajoton/runs/99999/apply")
    assert gone.value.status == 404 and "run" in gone.value.message.lower()
    assert gone.value.code == "not_found" and not no_run_yet(gone.value)
