"""The projects page's personal data section: the policy and what was found for every
member; the policy switch, the review list and the speaker names for project admins (the
service answers 403 to everyone else, and the section then shows the summary only)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import common
from ui.client import ApiError
from ui.i18n import option_labels, t

POLICIES = ("redact", "keep")


def privacy_section(project: str) -> None:
    client = common.client()
    try:
        summary = client.privacy(project)
    except ApiError as error:
        if not error.missing_endpoint:
            common.show_error(error)
        return
    st.subheader(t("privacy_title"))
    pending = int(summary["by_review"].get("pending", 0))
    st.caption(
        t(
            "privacy_summary",
            policy=t(f"privacy_policy_{summary['policy']}"),
            findings=summary["findings"],
            pending=pending,
        )
    )
    try:
        findings = client.privacy_findings(project)
    except ApiError as error:
        if error.status != 403:
            common.show_error(error)
        return  # not a project admin: the summary is all there is
    _policy_form(project, summary["policy"])
    _review(project, findings)
    with st.expander(t("privacy_speakers")):
        _speakers(project)


def _policy_form(project: str, current: str) -> None:
    with st.form(f"privacy_policy-{project}"):
        policy = st.radio(
            t("privacy_policy_label"),
            POLICIES,
            index=POLICIES.index(current),
            format_func=option_labels(POLICIES, lambda p: t(f"privacy_policy_{p}")),
            help=t("privacy_policy_help"),
            horizontal=True,
        )
        if not st.form_submit_button(t("privacy_save")) or policy == current:
            return
    try:
        common.client().set_privacy_policy(project, str(policy))
    except ApiError as error:
        common.show_error(error)
        return
    st.session_state["flash"] = t("privacy_saved")
    st.rerun()


def _context(finding: dict[str, Any]) -> str:
    return f"…{finding['before'][-40:]}{finding['value']}{finding['after'][:40]}…"


def _review(project: str, findings: list[dict[str, Any]]) -> None:
    st.markdown(f"**{t('privacy_review_title')}**")
    st.caption(t("privacy_review_help"))
    if not findings:
        st.info(t("privacy_nothing_to_review"))
        return
    table = pd.DataFrame(
        [
            {
                "#": f["id"],
                t("col_file"): f["filename"],
                t("privacy_col_kind"): f["placeholder"],
                t("privacy_col_score"): f"{100 * float(f['score']):.0f} %",
                t("privacy_col_context"): _context(f),
            }
            for f in findings
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    chosen = st.selectbox(t("privacy_choose"), [f["id"] for f in findings], key="privacy_pick")
    confirm, dismiss = st.columns(2)
    decision = None
    if confirm.button(t("privacy_confirm"), key="privacy_confirm"):
        decision = "confirm"
    if dismiss.button(t("privacy_dismiss"), key="privacy_dismiss"):
        decision = "dismiss"
    if decision is None or chosen is None:
        return
    try:
        answer = common.client().review_finding(project, int(chosen), decision)
    except ApiError as error:
        common.show_error(error)
        return
    st.session_state["flash"] = t("privacy_reviewed", id=chosen, review=answer["review"])
    st.rerun()


def _speakers(project: str) -> None:
    # Reading the names is audited: only on request, not on every rerun of the page.
    if not st.button(t("privacy_show_speakers"), key="privacy_speakers"):
        return
    try:
        speakers = common.client().speaker_names(project)
    except ApiError as error:
        common.show_error(error)
        return
    if not speakers:
        st.caption(t("privacy_no_speakers"))
        return
    st.dataframe(pd.DataFrame(speakers), hide_index=True, width="stretch")
