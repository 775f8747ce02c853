"""The UI's only way to the service: a small HTTP client over the Teemakartta API.

Every failure (server down, 4xx, 5xx, a body that is not JSON) becomes an ``ApiError``
with a message a coordinator can act on, so pages show ``st.error`` and never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import httpx

from ui.api_types import (
    Comparison,
    DocumentOut,
    Empty,
    FindingOut,
    JobOut,
    MeOut,
    NotePage,
    NoteScores,
    PrivacyOut,
    ProjectOut,
    RunSummary,
    SpeakerOut,
    ThemeDetail,
    ThemeEditOut,
    ThemeTable,
    TreeNode,
    UploadAccepted,
    UploadRules,
)

DEFAULT_API_URL = "http://127.0.0.1:8000"
# Theme fits and exports of large projects take a while; reads are quick.
_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
_LONG_TIMEOUT = httpx.Timeout(600.0, connect=5.0)


# The browser's session from a sign-in link: an HttpOnly cookie that ui/server.py sets.
SESSION_COOKIE = "teema_session"


def forwarded_for(address: str | None) -> dict[str, str]:
    """The header telling the API whose request the UI passes on, so its limit on failed
    sign-ins counts each browser rather than the UI server as one (None: a local browser)."""
    return {"X-Forwarded-For": address} if address else {}


def default_api_url() -> str:
    return os.environ.get("TEEMA_API_URL", DEFAULT_API_URL).rstrip("/")


class ApiError(Exception):
    """A call that did not give what the page asked for.

    ``status`` is the HTTP status (0 when the service could not be reached);
    ``missing_endpoint`` is true when the service has no such route at all (an
    older service), as opposed to a missing project, theme or run. ``kind`` lets the
    page say in the user's language what went wrong when the service said nothing;
    ``code`` is the service's own name of a 404 (``"no_theme_run"``, ``"not_found"``);
    ``finnish`` the service's message in Finnish where it gave one ("" otherwise).
    """

    def __init__(
        self,
        message: str,
        status: int = 0,
        missing_endpoint: bool = False,
        kind: str = "http",
        code: str = "",
        finnish: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.missing_endpoint = missing_endpoint
        self.kind = kind  # "http" | "unreachable" | "timeout" | "format"
        self.code = code
        self.finnish = finnish


@dataclass(frozen=True)
class Download:
    """A file the API sent: its bytes, name and media type."""

    content: bytes
    filename: str
    media_type: str


@dataclass(frozen=True)
class UploadFile:
    filename: str
    content: bytes
    media_type: str = "application/octet-stream"


def _detail(response: httpx.Response) -> str:
    """The API's own explanation: ``{"detail": str}`` or FastAPI's list of field errors."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:500] or response.reason_phrase
    detail = body.get("detail") if isinstance(body, dict) else body
    if isinstance(detail, list):
        parts = []
        for problem in detail:
            if isinstance(problem, dict):
                where = ".".join(str(p) for p in problem.get("loc", []) if p != "body")
                parts.append(f"{where}: {problem.get('msg', '')}".strip(": "))
            else:
                parts.append(str(problem))
        return "; ".join(parts)
    return str(detail) if detail is not None else response.reason_phrase


def _field(response: httpx.Response, name: str) -> str:
    """A field the service puts beside its message (``code``: a 404's name; ``detail_fi``:
    the message in Finnish), or ""."""
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get(name) or "") if isinstance(body, dict) else ""


class ApiClient:
    """Thin wrapper: one method per endpoint the pages use; returns parsed JSON."""

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = (base_url or default_api_url()).rstrip("/")
        self.token = (token or "").strip() or None
        self.headers = dict(headers or {})  # e.g. X-Forwarded-For with the browser's address

    # -- plumbing -------------------------------------------------------------------
    def _request(
        self, method: str, path: str, *, timeout: httpx.Timeout = _TIMEOUT, **kwargs: Any
    ) -> httpx.Response:
        # The service knows the editor from the token, so edits are logged under their name.
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(self.headers)
        try:
            with httpx.Client(base_url=self.base_url, timeout=timeout, headers=headers) as http:
                response = http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise ApiError(f"{method} {path}", kind="timeout") from None
        except httpx.HTTPError as error:
            raise ApiError(f"{self.base_url} ({error})", kind="unreachable") from None
        if response.status_code >= 400:
            detail = _detail(response)
            # FastAPI answers an unknown route with exactly this; real misses say what is missing.
            missing = response.status_code in (404, 405) and detail in (
                "Not Found",
                "Method Not Allowed",
            )
            raise ApiError(
                detail,
                response.status_code,
                missing_endpoint=missing,
                code=_field(response, "code"),
                finnish=_field(response, "detail_fi"),
            )
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ApiError(f"{method} {path}", response.status_code, kind="format") from None

    # -- projects and documents -----------------------------------------------------
    def health(self) -> bool:
        try:
            return bool(self._json("GET", "/health"))
        except ApiError:
            return False

    def me(self) -> MeOut:
        """The signed-in user: ``{name, is_admin, token_expires_at, projects}``."""
        return cast("MeOut", self._json("GET", "/me"))

    def projects(self) -> list[ProjectOut]:
        return cast("list[ProjectOut]", self._json("GET", "/projects"))

    def upload_rules(self) -> UploadRules:
        """The file types and size limit an upload may have (``GET /upload-rules``)."""
        return cast("UploadRules", self._json("GET", "/upload-rules"))

    def create_project(self, name: str, description: str = "") -> ProjectOut:
        body = {"name": name, "description": description}
        return cast("ProjectOut", self._json("POST", "/projects", json=body))

    def delete_project(self, project: str) -> None:
        self._json("DELETE", f"/projects/{project}")

    def documents(self, project: str) -> list[DocumentOut]:
        return cast("list[DocumentOut]", self._json("GET", f"/projects/{project}/documents"))

    def delete_document(self, project: str, document_id: int) -> None:
        self._json("DELETE", f"/projects/{project}/documents/{document_id}")

    def upload(
        self, project: str, files: Iterable[UploadFile], meta: Mapping[str, str | None]
    ) -> UploadAccepted:
        """POST several files with one set of metadata; answers ``{job_id, files}``."""
        parts = [("files", (f.filename, f.content, f.media_type)) for f in files]
        form = {k: v for k, v in meta.items() if v}
        return cast(
            "UploadAccepted",
            self._json(
                "POST",
                f"/projects/{project}/documents",
                files=parts,
                data=form,
                timeout=_LONG_TIMEOUT,
            ),
        )

    def notes(self, project: str, **filters: Any) -> NotePage:
        params = {k: v for k, v in filters.items() if v not in (None, "")}
        return cast("NotePage", self._json("GET", f"/projects/{project}/notes", params=params))

    def job(self, job_id: str) -> JobOut:
        return cast("JobOut", self._json("GET", f"/jobs/{job_id}"))

    def jobs(self, project: str) -> list[JobOut]:
        return cast("list[JobOut]", self._json("GET", f"/projects/{project}/jobs"))

    def cancel_job(self, project: str, job_id: str) -> JobOut:
        return cast("JobOut", self._json("POST", f"/projects/{project}/jobs/{job_id}/cancel"))

    # -- theme runs and themes --------------------------------------------------------
    def start_run(self, project: str, request: Mapping[str, Any]) -> str:
        return str(self._json("POST", f"/projects/{project}/runs", json=dict(request))["job_id"])

    def runs(self, project: str) -> list[RunSummary]:
        return cast("list[RunSummary]", self._json("GET", f"/projects/{project}/runs"))

    def apply_run(self, project: str, run_id: int) -> RunSummary:
        """Make a draft run the current one (409 if it no longer fits)."""
        return cast("RunSummary", self._json("POST", f"/projects/{project}/runs/{run_id}/apply"))

    def discard_run(self, project: str, run_id: int) -> None:
        self._json("DELETE", f"/projects/{project}/runs/{run_id}")

    def change_detail(self, project: str, level: int) -> str:
        """Start a run at another detail level (-3..3); its job id."""
        body = {"level": level}
        return str(self._json("POST", f"/projects/{project}/runs/detail", json=body)["job_id"])

    def themes(self, project: str) -> ThemeTable:
        return cast("ThemeTable", self._json("GET", f"/projects/{project}/themes"))

    def theme(self, project: str, theme_id: int) -> ThemeDetail:
        return cast("ThemeDetail", self._json("GET", f"/projects/{project}/themes/{theme_id}"))

    def theme_tree(self, project: str) -> TreeNode | Empty:
        return cast("TreeNode | Empty", self._json("GET", f"/projects/{project}/themes/tree"))

    def edits(self, project: str) -> list[ThemeEditOut]:
        """Every human edit of the project's themes, oldest first."""
        return cast("list[ThemeEditOut]", self._json("GET", f"/projects/{project}/edits"))

    def note_scores(self, project: str, note_id: int) -> NoteScores:
        return cast("NoteScores", self._json("GET", f"/projects/{project}/notes/{note_id}/scores"))

    def rename_theme(self, project: str, theme_id: int, name: str) -> ThemeDetail:
        path = f"/projects/{project}/themes/{theme_id}"
        return cast("ThemeDetail", self._json("PATCH", path, json={"name": name}))

    def merge_themes(self, project: str, theme_ids: list[int], name: str | None) -> int:
        body = {"themes": theme_ids, "name": name or None}
        answer = self._json(
            "POST", f"/projects/{project}/themes/merge", json=body, timeout=_LONG_TIMEOUT
        )
        return int(answer["theme"])

    def split_theme(self, project: str, theme_id: int, parts: int) -> list[int]:
        answer = self._json(
            "POST",
            f"/projects/{project}/themes/{theme_id}/split",
            json={"parts": parts},
            timeout=_LONG_TIMEOUT,
        )
        return [int(k) for k in answer["themes"]]

    def move_notes(self, project: str, note_ids: list[int], theme_id: int | None) -> None:
        """Move notes to a theme; ``theme_id`` None marks them unassigned."""
        self._json(
            "POST",
            f"/projects/{project}/notes/move",
            json={"notes": note_ids, "theme": theme_id},
            timeout=_LONG_TIMEOUT,
        )

    # -- comparison and export (another engineer's endpoints) -------------------------
    def compare(self, project: str, by: str = "region", period: str | None = None) -> Comparison:
        params = {"by": by, **({"period": period} if period else {})}
        return cast(
            "Comparison",
            self._json("GET", f"/projects/{project}/compare", params=params, timeout=_LONG_TIMEOUT),
        )

    def export(self, project: str, fmt: str) -> Download:
        response = self._request(
            "GET", f"/projects/{project}/export", params={"format": fmt}, timeout=_LONG_TIMEOUT
        )
        disposition = response.headers.get("content-disposition", "")
        filename = _filename_from_disposition(disposition) or f"{project}.{fmt}"
        media_type = response.headers.get("content-type", "application/octet-stream")
        return Download(response.content, filename, media_type.split(";")[0])

    # -- personal data (policy for members; findings and speakers for project admins) ----
    def privacy(self, project: str) -> PrivacyOut:
        return cast("PrivacyOut", self._json("GET", f"/projects/{project}/privacy"))

    def set_privacy_policy(self, project: str, policy: str) -> PrivacyOut:
        return cast(
            "PrivacyOut", self._json("PUT", f"/projects/{project}/privacy", json={"policy": policy})
        )

    def privacy_findings(self, project: str, review: str = "pending") -> list[FindingOut]:
        path = f"/projects/{project}/privacy/findings"
        return cast("list[FindingOut]", self._json("GET", path, params={"review": review}))

    def review_finding(self, project: str, finding_id: int, decision: str) -> FindingOut:
        path = f"/projects/{project}/privacy/findings/{finding_id}/review"
        return cast("FindingOut", self._json("POST", path, json={"decision": decision}))

    def speaker_names(self, project: str) -> list[SpeakerOut]:
        return cast("list[SpeakerOut]", self._json("GET", f"/projects/{project}/privacy/speakers"))


def _filename_from_disposition(disposition: str) -> str | None:
    """``attachment; filename="x.csv"`` (or RFC 5987 ``filename*=UTF-8''x.csv``) -> ``x.csv``."""
    from urllib.parse import unquote

    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename*" and "''" in value:
            return unquote(value.split("''", 1)[1].strip('"')) or None
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename":
            return value.strip().strip('"') or None
    return None
