"""The project's codebook: the themes a coordinator expects, which seed the next theme run.
Start from the shipped default, edit names, descriptions and examples in the table, save,
or clear it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import common
from ui import overview_client as oc
from ui.client import ApiError
from ui.i18n import t

SEPARATOR = ";"
COLUMNS = ("name", "description", "examples")


def to_frame(themes: list[dict[str, Any]]) -> pd.DataFrame:
    """Codebook records -> an editable table; examples joined by ';'."""
    return pd.DataFrame(
        [
            {
                "name": th.get("name", ""),
                "description": th.get("description", ""),
                "examples": f"{SEPARATOR} ".join(th.get("examples") or []),
            }
            for th in themes
        ],
        columns=list(COLUMNS),
    )


def from_frame(frame: pd.DataFrame) -> tuple[list[dict[str, Any]], list[str]]:
    """The edited table -> codebook records, and problems in the UI's language (empty rows
    are dropped; a theme needs a name, and names must differ)."""
    themes: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(frame.fillna("").to_dict("records"), 1):
        name = " ".join(str(row.get("name", "")).split())
        description = str(row.get("description", "")).strip()
        examples = [e.strip() for e in str(row.get("examples", "")).split(SEPARATOR) if e.strip()]
        if not (name or description or examples):
            continue
        if not name:
            problems.append(t("codebook_no_name", row=number))
            continue
        if name.casefold() in seen:
            problems.append(t("codebook_duplicate", name=name))
        seen.add(name.casefold())
        themes.append({"name": name, "description": description, "examples": examples})
    return themes, problems


def _load(project: str) -> None:
    """The table starts from the stored codebook (or is empty) once per project."""
    if st.session_state.get("codebook_for") == project:
        return
    stored = oc.codebook(common.client(), project)
    st.session_state["codebook_rows"] = to_frame(stored)
    st.session_state["codebook_stored"] = len(stored)
    st.session_state["codebook_for"] = project
    st.session_state["codebook_generation"] = st.session_state.get("codebook_generation", 0) + 1


def _save(project: str, frame: pd.DataFrame) -> None:
    themes, problems = from_frame(frame)
    if not themes and not problems:
        problems.append(t("codebook_empty"))
    if problems:
        st.error("\n".join(f"- {p}" for p in problems), icon=":material/warning:")
        return
    try:
        saved = oc.save_codebook(common.client(), project, themes)
    except ApiError as error:
        common.show_error(error, "codebook_not_saved")
        return
    st.session_state.pop("codebook_for", None)
    common.data_changed()
    st.session_state["flash"] = t("codebook_saved", count=len(saved))
    st.rerun()


def _page(project: str) -> None:
    try:
        _load(project)
    except ApiError as error:
        common.show_error(error, "codebook_unreadable")
        return
    if flash := st.session_state.pop("flash", None):
        st.success(flash, icon=":material/check_circle:")
    stored = st.session_state.get("codebook_stored", 0)
    st.caption(t("codebook_status", count=stored) if stored else t("codebook_none"))
    left, right = st.columns(2)
    if left.button(t("codebook_start_default"), icon=":material/library_books:"):
        try:
            default = oc.default_codebook(common.client())
        except ApiError as error:
            common.show_error(error, "codebook_unreadable")
            return
        st.session_state["codebook_rows"] = to_frame(default)
        st.session_state["codebook_generation"] += 1
        st.rerun()
    if right.button(t("codebook_clear"), icon=":material/delete:", disabled=not stored):
        try:
            oc.clear_codebook(common.client(), project)
        except ApiError as error:
            common.show_error(error, "codebook_not_saved")
            return
        st.session_state.pop("codebook_for", None)
        common.data_changed()
        st.session_state["flash"] = t("codebook_cleared")
        st.rerun()
    st.caption(t("codebook_hint"))
    edited = st.data_editor(
        st.session_state["codebook_rows"],
        num_rows="dynamic",
        width="stretch",
        hide_index=True,
        key=f"codebook_editor_{st.session_state['codebook_generation']}",
        column_config={
            "name": st.column_config.TextColumn(
                t("codebook_col_name"), required=True, max_chars=255, width="medium"
            ),
            "description": st.column_config.TextColumn(
                t("codebook_col_description"), width="large"
            ),
            "examples": st.column_config.TextColumn(
                t("codebook_col_examples"), width="large", help=t("codebook_examples_help")
            ),
        },
    )
    if st.button(t("codebook_save"), type="primary", icon=":material/save:"):
        _save(project, edited)


st.title(t("codebook_title"))
if (current := common.require_project()) is not None:
    _page(current)
