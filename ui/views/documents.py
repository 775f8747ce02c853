"""The project's documents: fix a document's region, date, kind or event, or delete it with
its notes. A change shows at once on every page (the service moves the project's revision
on); the themes stay, only how notes group by region, kind or date changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from ui import common
from ui import overview_client as oc
from ui.client import ApiError
from ui.i18n import option_labels, t, translated
from ui.plain import markdown_text

KINDS = common.DOCUMENT_KINDS


def _listing(documents: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(
        {
            "id": [d["id"] for d in documents],
            t("col_file"): [d["filename"] for d in documents],
            t("col_region"): [d["region"] for d in documents],
            t("col_kind"): [t(f"kind_{d['kind']}") for d in documents],
            t("col_date"): [
                dt.date.fromisoformat(d["date"]).strftime("%d.%m.%Y") if d["date"] else "–"
                for d in documents
            ],
            t("col_event"): [d["event"] or "" for d in documents],
            t("col_notes"): [d["note_count"] for d in documents],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _edit_form(project: str, document: dict[str, Any]) -> None:
    with st.form(f"document_{document['id']}"):
        left, right = st.columns(2)
        region = left.text_input(t("col_region"), value=document["region"], max_chars=100)
        kind = right.selectbox(
            t("col_kind"),
            KINDS,
            index=KINDS.index(document["kind"]) if document["kind"] in KINDS else 0,
            format_func=option_labels(KINDS, lambda k: t(f"kind_{k}")),
        )
        left, right = st.columns(2)
        date = left.date_input(
            t("col_date"),
            value=dt.date.fromisoformat(document["date"]) if document["date"] else None,
            min_value=dt.date(1900, 1, 1),
            format="DD.MM.YYYY",
        )
        event = right.text_input(t("col_event"), value=document["event"] or "", max_chars=255)
        undated = left.checkbox(t("documents_no_date"), value=not document["date"])
        saved = st.form_submit_button(t("documents_save"), type="primary")
    if not saved:
        return
    if not region.strip():
        st.error(t("upload_no_region"))
        return
    fields = {
        "region": region,
        "kind": kind,
        "date": date.isoformat() if isinstance(date, dt.date) and not undated else None,
        "event": event or None,
    }
    try:
        oc.edit_document(common.client(), project, int(document["id"]), fields)
    except ApiError as error:
        common.show_error(error, "edit_failed")
        return
    common.data_changed()
    st.session_state["flash"] = t("documents_saved", name=markdown_text(document["filename"]))
    st.rerun()


def _delete(project: str, document: dict[str, Any]) -> None:
    with st.expander(t("documents_delete_title"), icon=":material/delete:"):
        st.warning(
            t("documents_delete_warning", name=document["filename"], notes=document["note_count"])
        )
        sure = st.checkbox(t("documents_delete_confirm"), key=f"delete_sure_{document['id']}")
        if st.button(
            t("documents_delete_button"), disabled=not sure, key=f"delete_{document['id']}"
        ):
            try:
                common.client().delete_document(project, int(document["id"]))
            except ApiError as error:
                common.show_error(error, "edit_failed")
                return
            common.data_changed()
            st.session_state["flash"] = t(
                "documents_deleted", name=markdown_text(document["filename"])
            )
            st.rerun()


def _page(project: str) -> None:
    if flash := st.session_state.pop("flash", None):
        st.success(flash, icon=":material/check_circle:")
    try:
        documents = common.client().documents(project)
    except ApiError as error:
        common.show_error(error, "documents_unreadable")
        return
    if not documents:
        st.info(t("no_documents"))
        st.page_link("views/projects.py", label=t("nav_projects"), icon=":material/upload:")
        return
    _listing(documents)
    ids = [int(d["id"]) for d in documents]
    names = {int(d["id"]): f"{d['filename']} (#{d['id']})" for d in documents}
    chosen = st.selectbox(
        t("documents_choose"),
        ids,
        format_func=option_labels(ids, names.__getitem__),
        key=translated("documents_choice"),
    )
    document = next(d for d in documents if int(d["id"]) == chosen)
    st.subheader(t("documents_edit_title", name=markdown_text(document["filename"])))
    st.caption(t("documents_edit_hint"))
    _edit_form(project, document)
    _delete(project, document)


st.title(t("documents_title"))
if (current := common.require_project()) is not None:
    _page(current)
