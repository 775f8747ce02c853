"""Theme runs on screen: what a run changed, in sentences of the UI's language (never
JSON), and a draft that waits for a person: apply it, or keep the current themes.

The service writes the sentences (``GET /projects/{p}/runs`` gives them in Finnish and
English); they hold theme names people typed, so they are shown as plain text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from ui import common
from ui.client import ApiError
from ui.i18n import language, t


def report_lines(run: Mapping[str, Any]) -> list[str]:
    """The run's change report in the UI's language (a run summary or a job's result)."""
    sentences = run.get("sentences") or {}
    return [str(line) for line in sentences.get(language(), [])]


def show_lines(lines: list[str]) -> None:
    for line in lines:
        st.text(f"• {line}")


def show_report(run: Mapping[str, Any], expanded: bool = False) -> None:
    """An applied run's changes, folded under a heading."""
    lines = report_lines(run)
    if lines:
        with st.expander(t("run_changes"), expanded=expanded):
            show_lines(lines)


def draft_panel(project: str) -> bool:
    """The project's waiting draft, if any: why it waits, its changes, and the two
    choices. True if a draft is shown."""
    try:
        runs = common.client().runs(project)
    except ApiError as error:
        if not error.missing_endpoint:
            common.show_error(error)
        return False
    draft = next((r for r in runs if r.get("status") == "draft"), None)
    if draft is None:
        return False
    run_id = int(draft["id"])
    with st.container(border=True, key=f"draft-{run_id}"):
        why = "draft_waiting" if draft.get("needs_confirmation") else "draft_preview"
        st.warning(t(why, run=run_id), icon=":material/rule:")
        show_lines(report_lines(draft))
        left, right = st.columns(2)
        if left.button(t("apply_run"), type="primary", key=f"apply-run-{run_id}"):
            _decide(project, run_id, apply=True)
        if right.button(t("keep_current"), key=f"keep-themes-{run_id}"):
            _decide(project, run_id, apply=False)
    return True


def show_applied(project: str) -> None:
    """After a draft was applied (the page reran): what that run changed, open, so the
    person sees what they accepted."""
    run_id = st.session_state.pop("applied_run", None)
    if run_id is None:
        return
    try:
        runs = common.client().runs(project)
    except ApiError:
        return  # the themes below are what counts; the report is a courtesy here
    run = next((r for r in runs if r.get("id") == run_id), None)
    if run is not None:
        show_report(run, expanded=True)


def _decide(project: str, run_id: int, apply: bool) -> None:
    api = common.client()
    try:
        if apply:
            api.apply_run(project, run_id)
        else:
            api.discard_run(project, run_id)
    except ApiError as error:
        common.show_error(error, "run_not_applied")
        return
    common.data_changed()
    st.session_state["flash"] = t("run_applied" if apply else "run_discarded", run=run_id)
    if apply:
        st.session_state["applied_run"] = run_id
    st.rerun()
