"""What every page shares: the API client of this session, the chosen project, cached
reads of the current run, error display and following a job to its end."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import streamlit as st

from ui.client import SESSION_COOKIE, ApiClient, ApiError, default_api_url, forwarded_for
from ui.i18n import job_message, language, option_labels, t
from ui.safe_text import csv_bytes, md
from ui.upload_rules import UploadRules

# A page reruns on every click, so reads are cached; the key includes a freshness token
# (latest run and latest edit), so anyone's re-run or edit shows at the next click, and the
# time limit only bounds memory.
# The kinds of document the service knows (service.pipeline.segment.KINDS), in form order.
DOCUMENT_KINDS = ("workshop", "project_description", "transcript", "other")
READ_TTL_SECONDS = 600
JOB_POLL_SECONDS = 0.5
JOB_GIVE_UP_SECONDS = 3600


def api_url() -> str:
    """Tests and deployments pass the API address in session state or TEEMA_API_URL."""
    url = st.session_state.get("api_url") or default_api_url()
    st.session_state["api_url"] = url
    return str(url)


def api_token() -> str | None:
    """The token the UI acts with: the one typed in the sidebar, else the session this
    browser got from a sign-in link (an HttpOnly cookie set by ``ui/server.py``). Nothing
    else: an empty field and no session is no one signed in."""
    return _typed_token() or _session_cookie()


def signed_in_by_link() -> bool:
    """True when the UI acts with the browser's session rather than a typed token."""
    return not _typed_token() and _session_cookie() is not None


def _typed_token() -> str | None:
    return str(st.session_state.get("api_token") or "").strip() or None


def _session_cookie() -> str | None:
    # Outside a browser (AppTest) the request context is a stand-in, not a string.
    session = st.context.cookies.get(SESSION_COOKIE)
    return session if isinstance(session, str) and session else None


def client() -> ApiClient:
    address = st.context.ip_address
    return ApiClient(
        api_url(), api_token(), forwarded_for(address if isinstance(address, str) else None)
    )


def current_project() -> str | None:
    project = st.session_state.get("project")
    return str(project) if project else None


def keep_in_url(name: str, value: str, default: str) -> None:
    """Keep a choice in the URL (a reload keeps it), but write it into an address without it
    only when it is not what that address shows anyway (``default``): every such write
    pushes a history entry, and Back from there landed on the bare address, whose run
    wrote it again (Back bounced)."""
    if name in st.query_params or value != default:
        st.query_params[name] = value


def data_version() -> int:
    """Bumped after every edit or run in this session so cached reads are refetched."""
    return int(st.session_state.get("data_version", 0))


def data_changed() -> None:
    """After an edit or a job: this session's next reads go to the service (other sessions
    notice through the freshness token; clearing the whole cache would slow them all)."""
    st.session_state["data_version"] = data_version() + 1


def show_error(error: ApiError, context: str | None = None) -> None:
    """One error box in the user's language; the service's own explanation follows."""
    if error.kind == "unreachable":
        message = t("error_unreachable", url=api_url())
    elif error.kind == "timeout":
        message = t("error_timeout")
    elif error.status == 401:
        message = t("error_sign_in")
    elif error.status == 403:
        message = t("error_forbidden", detail=md(error.message))
    elif error.missing_endpoint:
        message = t("error_missing_endpoint", what=md(error.message))
    elif error.status >= 500:
        message = t("error_server", detail=md(error.message))
    else:  # the service's words can quote what a user typed
        message = md(_service_words(error.message, error.finnish))
    st.error(f"{t(context)}: {message}" if context else message, icon=":material/warning:")


def job_error(job: Mapping[str, Any]) -> str:
    """Why a job failed, in the UI's language where the service said it in Finnish too;
    markdown-safe (the service's words can quote a file name)."""
    return md(_service_words(str(job.get("error") or "?"), job.get("error_fi")))


def _service_words(english: str, finnish: str | None) -> str:
    """The service's message in the UI's language: its Finnish when the UI speaks Finnish
    and the service gave one, else its English."""
    return finnish if finnish and language() == "fi" else english


def require_project() -> str | None:
    """The chosen project, or a hint to choose one (the page then stops)."""
    project = current_project()
    if project is None:
        st.info(t("choose_project_first"))
        st.page_link("views/projects.py", label=t("nav_projects"), icon=":material/folder_open:")
    return project


def no_run_yet(error: ApiError) -> bool:
    """The service's 404 for a project that has not been themed yet."""
    return error.status == 404 and error.code == "no_theme_run"


def show_no_run() -> None:
    st.info(t("no_run_yet"))
    st.page_link("views/projects.py", label=t("go_run_themes"), icon=":material/play_arrow:")


def show_read_error(error: ApiError, context: str | None = None) -> None:
    """A failed read of a project's themes: how to start a run if there is none yet,
    otherwise the error (with ``context`` as for ``show_error``)."""
    if no_run_yet(error):
        show_no_run()
    else:
        show_error(error, context)


def freshness(project: str) -> str:
    """Changes whenever anyone starts a new run or edits a theme: two small reads."""
    api = client()
    try:
        runs = api.runs(project)
        edits = api.edits(project)
    except ApiError:
        return f"v{data_version()}"  # unreadable now: the session's own edits still count
    latest_run = runs[0]["id"] if runs else 0
    latest_edit = max((e["id"] for e in edits), default=0)
    return f"{latest_run}:{latest_edit}:{data_version()}"


# Cached reads, keyed by address, API token (users see different projects), project and
# freshness token; a leading underscore would keep an argument out of the key.
@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False, max_entries=8)
def _upload_rules(url: str, secret: str | None) -> dict[str, Any]:
    return ApiClient(url, secret).upload_rules()


def upload_rules() -> UploadRules | None:
    """The service's upload rules, or None when it cannot say (it still checks uploads)."""
    try:
        return UploadRules.from_api(_upload_rules(api_url(), api_token()))
    except ApiError:
        return None


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False, max_entries=32)
def _themes(url: str, secret: str | None, project: str, token: str) -> dict[str, Any]:
    return ApiClient(url, secret).themes(project)


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False, max_entries=32)
def _theme(url: str, secret: str | None, project: str, theme_id: int, token: str) -> dict[str, Any]:
    return ApiClient(url, secret).theme(project, theme_id)


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False, max_entries=8)
def _compare(
    url: str, secret: str | None, project: str, period: str | None, token: str, by: str = "region"
) -> dict[str, Any]:
    return ApiClient(url, secret).compare(project, by, period)


def themes(project: str) -> dict[str, Any]:
    return _themes(api_url(), api_token(), project, freshness(project))


def theme(project: str, theme_id: int) -> dict[str, Any]:
    return _theme(api_url(), api_token(), project, theme_id, freshness(project))


def compare(project: str, period: str | None = None, by: str = "region") -> dict[str, Any]:
    return _compare(api_url(), api_token(), project, period, freshness(project), by)


def _cancel(project: str, job_id: str) -> None:
    """The cancel button's callback: runs before the page's next run, which then no
    longer follows the job; the outcome is shown at the top of that run."""
    try:
        client().cancel_job(project, job_id)
        st.session_state["job_cancelled"] = True
    except ApiError as error:
        st.session_state["job_cancel_refused"] = error.message


def cancel_outcome() -> None:
    """Say what the last click on a job's cancel button did (once)."""
    if st.session_state.pop("job_cancelled", False):
        st.info(t("job_cancelled"), icon=":material/cancel:")
    refused = st.session_state.pop("job_cancel_refused", None)
    if refused:
        st.warning(t("job_cancel_refused", error=md(refused)))


def time_left(seconds: float | None) -> str:
    """ ", about 3 min left" from a job's estimate; empty without one."""
    if seconds is None:
        return ""
    if seconds < 60:
        return " · " + t("job_eta_under_minute")
    return " · " + t("job_eta", minutes=round(seconds / 60))


def follow_job(job_id: str, label: str, project: str | None = None) -> dict[str, Any] | None:
    """Show a progress bar that follows a job until it succeeds or fails, with a cancel
    button when ``project`` is given.

    Returns the finished job, or None when the job could not be read (error shown).
    """
    bar = st.progress(0.0, text=label)
    if project is not None:
        st.button(
            t("job_cancel"),
            key=f"cancel-{job_id}",
            icon=":material/cancel:",
            on_click=_cancel,
            args=(project, job_id),
        )
    started = time.monotonic()
    api = client()
    while True:
        try:
            job = api.job(job_id)
        except ApiError as error:
            show_error(error, "job_unreadable")
            return None
        progress = min(max(float(job.get("progress") or 0.0), 0.0), 1.0)
        message = job.get("message")
        message = md(job_message(message)) if message else t(f"job_state_{job['state']}")
        bar.progress(progress, text=f"{label} — {message}{time_left(job.get('eta_seconds'))}")
        if job["state"] in ("succeeded", "failed"):
            if job["state"] == "succeeded":
                bar.progress(1.0, text=f"{label} — {t('job_state_succeeded')}")
            return job
        if time.monotonic() - started > JOB_GIVE_UP_SECONDS:
            st.warning(t("job_still_running", job=job_id))
            return job
        time.sleep(JOB_POLL_SECONDS)


def theme_labels(options: Any, names: dict[int, str]) -> Any:
    """``format_func`` for a choice of themes (ids; -1 or None = unassigned)."""
    return option_labels(options, lambda key: theme_label(key, names))


def theme_label(theme_id: int | None, names: dict[int, str]) -> str:
    if theme_id is None or theme_id < 0:
        return t("unassigned")
    return f"{names.get(theme_id, '?')} (#{theme_id})"


def csv_download(frame: Any, file_name: str, key: str, index: bool = False) -> None:
    """The one CSV download button: the table through ``csv_bytes`` (no cell, column name
    or index a spreadsheet would run as a formula), the page not rerun on click."""
    st.download_button(
        t("download_csv"),
        csv_bytes(frame, index),
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",
    )
