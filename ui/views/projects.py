"""Projects and upload: choose or create a project, upload documents with their
metadata, follow the ingest and theme jobs to the end, start a new theme run."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from ui import common, run_report, upload_rules
from ui.client import ApiError, UploadFile
from ui.i18n import option_labels, t, translated
from ui.privacy_section import privacy_section
from ui.safe_text import md

KINDS = common.DOCUMENT_KINDS
# The service's rule for project names, checked here first to answer in Finnish at once.
PROJECT_NAME = re.compile(r"^[a-z0-9äöå][a-z0-9äöå_-]{0,62}$")


def _kind_label() -> Callable[[str], str]:
    return option_labels(KINDS, lambda k: t(f"kind_{k}"))


def _create_project() -> None:
    with st.form("create_project", clear_on_submit=True):
        st.subheader(t("create_project"))
        name = st.text_input(t("project_name"), help=t("project_name_help"))
        description = st.text_input(t("project_description"))
        if not st.form_submit_button(t("create")):
            return
    name = name.strip()
    if not PROJECT_NAME.match(name):
        st.error(t("project_name_invalid"))
        return
    try:
        common.client().create_project(name, description.strip())
    except ApiError as error:
        common.show_error(error, "project_not_created")
        return
    # The sidebar's picker already stands in this run; it takes the new project on the next.
    st.session_state["pending_project"] = name
    st.session_state["flash"] = t("project_created", name=md(name))
    st.rerun()


def _project_overview(project: str) -> None:
    try:
        documents = common.client().documents(project)
    except ApiError as error:
        common.show_error(error)
        return
    st.subheader(t("documents_of", project=md(project)))
    if not documents:
        st.info(t("no_documents"))
        return
    table = pd.DataFrame(
        [
            {
                t("col_file"): d["filename"],
                t("col_region"): d["region"],
                t("col_kind"): t(f"kind_{d['kind']}"),
                t("col_date"): d["date"] or "",
                t("col_event"): d["event"] or "",
                t("col_notes"): d["note_count"],
            }
            for d in documents
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")


def _upload_form(project: str) -> None:
    # A successful upload moves to a fresh uploader (a new key), so pressing the button again
    # cannot send the same files and start another ingest and theme run.
    generation = int(st.session_state.get("upload_generation", 0))
    st.markdown(upload_rules.dropzone_style(), unsafe_allow_html=True)
    with st.form("upload", clear_on_submit=False):
        st.subheader(t("upload_title"))
        # No ``type=``: Streamlit would refuse other files with an English tooltip and the
        # form would only say "choose a file"; upload_rules names them in the UI's language.
        files = st.file_uploader(
            t("upload_files"),
            accept_multiple_files=True,
            key=f"upload_files_{generation}",
            help=t("upload_files_help"),
        )
        rules = common.upload_rules()
        if rules is not None:
            st.caption(upload_rules.caption(rules))
        meta, run_after = _metadata_fields()
        submitted = st.form_submit_button(t("upload_button"), type="primary")
    if not submitted:
        _show_last_upload(project)
        return
    if problem := upload_rules.problem(files or [], meta, rules):
        st.error(problem)
        return
    uploads = [
        UploadFile(f.name, f.getvalue(), f.type or "application/octet-stream") for f in files or []
    ]
    outcome = _send(project, uploads, meta, run_after)
    if outcome is not None:
        st.session_state["upload_generation"] = generation + 1
        st.session_state["last_upload"] = outcome
        st.rerun()


def _metadata_fields() -> tuple[dict[str, str | None], bool]:
    """The upload's metadata as the service's form fields (None: not given), and whether
    to run themes afterwards."""
    left, right = st.columns(2)
    region = left.text_input(t("col_region"), placeholder="Pohjois-Savo", key="upload_region")
    kind = right.selectbox(
        t("col_kind"), KINDS, format_func=_kind_label(), key=translated("upload_kind")
    )
    date = left.date_input(
        t("col_date"),
        value=None,
        format="DD.MM.YYYY",
        min_value=dt.date(1990, 1, 1),
        key="upload_date",
    )
    event = right.text_input(t("col_event"), key="upload_event")
    text_column = left.text_input(
        t("text_column"), help=t("text_column_help"), key="upload_text_column"
    )
    facilitator = right.text_input(
        t("facilitator"), help=t("facilitator_help"), key="upload_facilitator"
    )
    columns = left.text_input(
        t("field_columns"), help=t("field_columns_help"), key="upload_columns"
    )
    run_after = right.checkbox(t("run_after_upload"), value=True, key="upload_run_after")
    meta = {
        "region": region.strip(),
        "kind": kind,
        "event": event.strip() or None,
        "date": date.isoformat() if date else None,
        "text_column": text_column.strip() or None,
        "facilitator": facilitator.strip() or None,
        "columns": columns.strip() or None,
    }
    return meta, run_after


def _send(
    project: str, uploads: list[UploadFile], meta: dict[str, str | None], run_after: bool
) -> dict[str, Any] | None:
    """Upload, follow the ingest job and (optionally) the theme run with progress bars.

    Returns ``{"answer", "ingested", "run", "run_asked"}`` (the upload's answer, whether an
    ingest job ran, the finished theme job or None, whether a run was asked for) once the
    files are in; None when they are not (the error is shown and the form keeps the files
    for another try). Files that were all in the project already start no theme run.
    """
    try:
        with st.spinner(t("uploading", count=len(uploads))):
            answer = common.client().upload(project, uploads, meta)
    except ApiError as error:
        # The service refuses the whole upload when one file is bad, and says which and why.
        common.show_error(error, "upload_rejected")
        return None
    _show_upload_answer(st.empty(), answer, processed=False)
    if answer.get("job_id"):
        job = common.follow_job(answer["job_id"], t("job_ingest"), project)
        common.data_changed()
        if not _report_job(job, "ingest_done", "ingest_failed"):
            return None
    ingested = bool(answer.get("job_id"))  # no job: every file was already in the project
    run = _start_and_follow(project, {}) if run_after and ingested else None
    return {"answer": answer, "ingested": ingested, "run": run, "run_asked": run_after}


def _show_last_upload(project: str) -> None:
    """What the last upload of this session did, shown once after the form was cleared."""
    outcome = st.session_state.pop("last_upload", None)
    if outcome is None:
        return
    answer = outcome["answer"]
    added = [f["filename"] for f in answer.get("files", []) if f["status"] != "duplicate"]
    if added:
        st.success(t("upload_done", files=md(", ".join(added))), icon=":material/check_circle:")
    _show_upload_answer(st.empty(), answer, processed=True)
    if outcome["ingested"]:
        st.success(t("ingest_done"), icon=":material/check_circle:")
    elif outcome.get("run_asked"):
        st.info(t("upload_nothing_new"))
    if outcome["run"] is not None:
        _show_run_outcome(project, outcome["run"], draft_shown=True)


def _show_upload_answer(slot: Any, answer: dict[str, Any], processed: bool) -> None:
    """Each file's fate: queued (then processed) or already in the project."""

    def status(state: str) -> str:
        return t("file_processed") if processed and state == "queued" else t(f"file_{state}")

    rows = [
        {
            t("col_file"): f["filename"],
            t("col_status"): status(f["status"]),
            t("col_notes"): f["note_count"],
        }
        for f in answer.get("files", [])
    ]
    with slot.container():
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        duplicates = [f["filename"] for f in answer.get("files", []) if f["status"] == "duplicate"]
        if duplicates:
            st.info(t("upload_duplicates", files=md(", ".join(duplicates))))


def _report_job(job: dict[str, Any] | None, done_key: str, failed_key: str) -> bool:
    if job is None:
        return False
    if job["state"] == "succeeded":
        st.success(t(done_key), icon=":material/check_circle:")
        return True
    if job["state"] == "failed":
        st.error(t(failed_key, error=common.job_error(job)), icon=":material/warning:")
    return False


def _start_and_follow(project: str, request: dict[str, Any]) -> dict[str, Any] | None:
    """Start a theme run and follow it to its end: the finished job, or None (error shown)."""
    try:
        job_id = common.client().start_run(project, request)
    except ApiError as error:
        common.show_error(error, "run_not_started")
        return None
    job = common.follow_job(job_id, t("job_themes"), project)
    common.data_changed()
    return job


def _show_run_outcome(project: str, job: dict[str, Any], draft_shown: bool = False) -> None:
    """A finished theme job: its summary and report, or the draft panel (unless the page
    already shows it at its top)."""
    if (job.get("result") or {}).get("status") == "draft":
        # It would change edited themes: nothing changes until a person decides.
        if not draft_shown:
            run_report.draft_panel(project)
        return
    if _report_job(job, "themes_done", "themes_failed"):
        result = job.get("result") or {}
        st.write(
            t(
                "themes_summary",
                themes=result.get("themes", "?"),
                notes=result.get("notes", "?"),
                unassigned=f"{100 * float(result.get('unassigned_share') or 0):.0f}",
            )
        )
        run_report.show_report(result, expanded=True)
        st.page_link("views/theme_map.py", label=t("open_map"), icon=":material/map:")


def _run_themes(project: str, request: dict[str, Any]) -> None:
    job = _start_and_follow(project, request)
    if job is not None:
        _show_run_outcome(project, job)


def _first_run(project: str) -> None:
    """A visible "Run themes" for a project with notes but no current run: without it a new
    user finds every page empty and the run hidden in a closed panel."""
    try:
        documents = common.client().documents(project)
        runs = common.client().runs(project)
    except ApiError:
        return  # the sections below say what failed
    has_notes = any(d.get("note_count") for d in documents)
    has_current_run = any(r.get("status", "applied") == "applied" for r in runs)
    if not has_notes or has_current_run:
        return
    hint = st.empty()
    with hint.container():
        st.info(t("run_first_hint"), icon=":material/play_arrow:")
        pressed = st.button(t("run_button"), type="primary", key="run_first")
    if pressed:
        hint.empty()  # the run's progress and result take its place
        _run_themes(project, {})


def _run_form(project: str) -> None:
    with st.expander(t("run_title")):
        try:
            documents = common.client().documents(project)
        except ApiError as error:
            common.show_error(error)
            return
        regions = sorted({d["region"] for d in documents})
        with st.form("run"):
            chosen_regions = st.multiselect(t("col_region"), regions, placeholder=t("all"))
            chosen_kinds = st.multiselect(
                t("col_kind"), KINDS, placeholder=t("all"), format_func=_kind_label()
            )
            left, right = st.columns(2)
            date_from = left.date_input(t("date_from"), value=None, format="DD.MM.YYYY")
            date_to = right.date_input(t("date_to"), value=None, format="DD.MM.YYYY")
            use_codebook = st.checkbox(t("use_codebook"), value=True)
            if not st.form_submit_button(t("run_button"), type="primary"):
                return
        request = {
            "regions": chosen_regions,
            "kinds": chosen_kinds,
            "use_codebook": use_codebook,
            "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None,
        }
        _run_themes(project, request)


def _unfinished_jobs(project: str) -> None:
    """Jobs still going (say the coordinator left the page mid-upload): follow them here."""
    try:
        jobs = common.client().jobs(project)
    except ApiError as error:
        common.show_error(error, "job_unreadable")
        return
    for job in jobs:
        if job["state"] in ("queued", "running"):
            label = t("job_themes") if job["kind"] == "themes" else t("job_ingest")
            done_key, failed_key = (
                ("themes_done", "themes_failed")
                if job["kind"] == "themes"
                else ("ingest_done", "ingest_failed")
            )
            _report_job(common.follow_job(job["id"], label, project), done_key, failed_key)
            common.data_changed()


def _runs(project: str) -> None:
    try:
        runs = common.client().runs(project)
    except ApiError as error:
        if not error.missing_endpoint:
            common.show_error(error)
        return
    if not runs:
        return
    st.subheader(t("runs_title"))
    current = next((r for r in runs if r.get("status", "applied") == "applied"), None)
    table = pd.DataFrame(
        [
            {
                "#": r["id"],
                t("col_status"): t(_run_status(r, current)),
                t("col_created"): r["created_at"][:16].replace("T", " "),
                t("col_detail"): t(f"detail_level_{r.get('detail', 0)}"),
                t("col_notes"): r["note_count"],
                t("col_unassigned"): f"{100 * float(r.get('unassigned_share') or 0):.0f} %",
            }
            for r in runs
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    if current is not None:
        # What the current run changed; open right after a person applied it.
        just_applied = st.session_state.pop("applied_run", None) == current["id"]
        run_report.show_report(current, expanded=just_applied)


def _run_status(run: dict[str, Any], current: dict[str, Any] | None) -> str:
    """Key of a run's status: the newest applied run is in use, older ones are history."""
    status = run.get("status", "applied")
    if status == "applied" and current is not None and run["id"] != current["id"]:
        return "run_status_earlier"
    return f"run_status_{status}"


st.title(t("projects_title"))
if flash := st.session_state.pop("flash", None):
    st.success(flash, icon=":material/check_circle:")
project = common.current_project()
if project:
    _unfinished_jobs(project)
    run_report.draft_panel(project)
    _first_run(project)
    _upload_form(project)
    _run_form(project)
    _project_overview(project)
    _runs(project)
    privacy_section(project)
else:
    st.info(t("no_projects_yet"))
_create_project()
