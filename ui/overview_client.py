"""Calls of the overview pages (needs vs projects, actors, report, codebook, documents) on
the API client of ``ui.client``: one function per endpoint, returning parsed JSON."""

from __future__ import annotations

import json
from typing import Any

from ui.client import _LONG_TIMEOUT, ApiClient, Download, _filename_from_disposition


def needs(api: ApiClient, project: str) -> dict[str, Any]:
    return dict(api._json("GET", f"/projects/{project}/needs", timeout=_LONG_TIMEOUT))


def actors(api: ApiClient, project: str, limit: int = 200) -> dict[str, Any]:
    return dict(
        api._json(
            "GET", f"/projects/{project}/actors", params={"limit": limit}, timeout=_LONG_TIMEOUT
        )
    )


def find_actors(api: ApiClient, project: str) -> str | None:
    """Start finding the actors of notes not analysed yet; the job's id, or None."""
    answer = api._json("POST", f"/projects/{project}/actors")
    return str(answer["job_id"]) if answer and answer.get("job_id") else None


def report(api: ApiClient, project: str, lang: str) -> Download:
    response = api._request(
        "GET", f"/projects/{project}/report", params={"lang": lang}, timeout=_LONG_TIMEOUT
    )
    filename = _filename_from_disposition(response.headers.get("content-disposition", ""))
    return Download(
        response.content,
        filename or f"teemakartta-{project}.docx",
        response.headers.get("content-type", "application/octet-stream").split(";")[0],
    )


def default_codebook(api: ApiClient) -> list[dict[str, Any]]:
    return list(api._json("GET", "/codebooks/default"))


def codebook(api: ApiClient, project: str) -> list[dict[str, Any]]:
    return list(api._json("GET", f"/projects/{project}/codebook") or [])


def save_codebook(api: ApiClient, project: str, themes: list[dict[str, Any]]) -> list[Any]:
    """PUT the codebook as a JSON file (the route takes files, as the CLI sends them)."""
    body = json.dumps({"themes": themes}, ensure_ascii=False).encode("utf-8")
    files = [("file", ("koodikirja.json", body, "application/json"))]
    return list(api._json("PUT", f"/projects/{project}/codebook", files=files))


def clear_codebook(api: ApiClient, project: str) -> None:
    api._json("DELETE", f"/projects/{project}/codebook")


def edit_document(
    api: ApiClient, project: str, document_id: int, fields: dict[str, Any]
) -> dict[str, Any]:
    return dict(api._json("PATCH", f"/projects/{project}/documents/{document_id}", json=fields))
