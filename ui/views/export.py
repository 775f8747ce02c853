"""Export: coded notes as CSV, XLSX or Parquet, a REFI-QDA project (.qdpx) for NVivo,
ATLAS.ti, MAXQDA or QualCoder, or the codebook (.qdc)."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from ui import common
from ui.client import ApiError, Download
from ui.i18n import option_labels, t, translated
from ui.numbers import number
from ui.plain import markdown_text

FORMATS = ("csv", "xlsx", "parquet", "qdpx", "qdc")
PREVIEW_ROWS = 20


def _preview(download: Download, fmt: str) -> None:
    """The first rows of a table export, so the coordinator sees what the file holds."""
    try:
        if fmt == "csv":
            frame = pd.read_csv(io.BytesIO(download.content))
        elif fmt == "xlsx":
            frame = pd.read_excel(io.BytesIO(download.content))
        elif fmt == "parquet":
            frame = pd.read_parquet(io.BytesIO(download.content))
        else:
            return
    except Exception:  # noqa: BLE001 - a preview that cannot be read is only left out
        st.caption(t("export_no_preview"))
        return
    st.caption(t("export_rows", rows=len(frame), columns=len(frame.columns)))
    st.dataframe(frame.head(PREVIEW_ROWS), hide_index=True, width="stretch")


def _page(project: str) -> None:
    fmt = st.radio(
        t("export_format"),
        FORMATS,
        format_func=option_labels(FORMATS, lambda f: t(f"format_{f}")),
        key=translated("export_format"),
    )
    st.caption(t(f"format_{fmt}_help"))
    prepared_key = (project, fmt, common.data_version())
    if st.button(t("export_prepare"), type="primary", key="export_prepare"):
        try:
            with st.spinner(t("export_preparing")):
                st.session_state["export_file"] = (
                    prepared_key,
                    common.client().export(project, fmt),
                )
        except ApiError as error:
            st.session_state.pop("export_file", None)
            common.show_error(error, "export_failed")
            return
    stored = st.session_state.get("export_file")
    if not stored or stored[0] != prepared_key:
        return
    download: Download = stored[1]
    st.success(
        t(
            "export_ready",
            name=markdown_text(download.filename),
            size=number(len(download.content) / 1024, 0),
        ),
        icon=":material/check_circle:",
    )
    st.download_button(
        t("export_download", name=markdown_text(download.filename)),
        download.content,
        file_name=download.filename,
        mime=download.media_type,
        key="export_download",
        type="primary",
        on_click="ignore",
    )
    _preview(download, fmt)


st.title(t("export_title"))
if (current := common.require_project()) is not None:
    _page(current)
