"""Needs vs projects ("kokonaiskuva"): what the workshops raise and the project descriptions
cover, theme by theme, with gaps (raised, not covered) and orphans (covered, not raised),
for the whole project or one region."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import charts, common, overview_charts
from ui import overview_client as oc
from ui.client import ApiError
from ui.i18n import language, option_labels, t, translated
from ui.numbers import number, percent, plotly_separators
from ui.plain import markdown_text

STATUSES = ("gap", "orphan", "both", "few", "missing")


def _scope(report: dict[str, Any]) -> dict[str, Any]:
    """The block to show: the whole project or the region picked."""
    regions = [b["region"] for b in report["regions"]]
    options: list[str | None] = [None, *regions]
    region = st.selectbox(
        t("col_region"),
        options,
        format_func=option_labels(options, lambda r: r or t("needs_whole_project")),
        key=translated("needs_region"),
    )
    if region is None:
        return dict(report["overall"])
    return next(b for b in report["regions"] if b["region"] == region)


def _missing(block: dict[str, Any]) -> None:
    kinds = ", ".join(t(f"kind_{k}") for k in block["missing"])
    st.info(t("needs_missing", kinds=kinds), icon=":material/info:")
    st.page_link("views/projects.py", label=t("nav_projects"), icon=":material/upload:")


def _findings(block: dict[str, Any]) -> None:
    lang = language()
    columns = st.columns(2)
    for column, status in zip(columns, ("gap", "orphan"), strict=True):
        rows = [r for r in block["themes"] if r["status"] == status]
        with column.container(border=True):
            st.markdown(f"**{t(f'needs_{status}_title')}** ({len(rows)})")
            st.caption(t(f"needs_{status}_help"))
            lines = [
                f"- {':material/check_circle:' if r['clear'] else ':material/help:'} "
                f"{markdown_text(r['sentence'][lang])}"
                for r in rows
            ]
            st.markdown("\n".join(lines) if lines else t("needs_none_found"))


def _table(block: dict[str, Any], project: str) -> None:
    rows = pd.DataFrame(block["themes"])
    if rows.empty:
        return
    frame = pd.DataFrame(
        {
            t("col_theme"): rows["theme_name"],
            t("needs_workshops"): [
                f"{percent(s)} ({percent(lo, 0)}–{percent(hi, 0)})"
                for s, lo, hi in zip(
                    rows["need_share"], rows["need_low"], rows["need_high"], strict=True
                )
            ],
            t("needs_projects"): [
                f"{percent(s)} ({percent(lo, 0)}–{percent(hi, 0)})"
                for s, lo, hi in zip(
                    rows["project_share"], rows["project_low"], rows["project_high"], strict=True
                )
            ],
            "z": [number(z, 1) for z in rows["z"]],
            t("col_status"): [
                t(f"needs_status_{s}") + ("" if c or s not in ("gap", "orphan") else " ?")
                for s, c in zip(rows["status"], rows["clear"], strict=True)
            ],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            t("col_theme"): st.column_config.TextColumn(width="large"),
            "z": st.column_config.TextColumn(help=t("needs_z_help")),
            t("col_status"): st.column_config.TextColumn(help=t("needs_status_help")),
        },
    )
    frame = rows.drop(columns=["sentence", "reasons"])
    common.csv_download(frame, f"tarpeet-hankkeet-{project}.csv", "needs_csv")


def _page(project: str) -> None:
    try:
        with st.spinner(t("loading")):
            report = oc.needs(common.client(), project)
    except ApiError as error:
        common.show_read_error(error, "needs_unreadable")
        return
    st.caption(t("needs_caption"))
    block = _scope(report)
    left, middle, right, far = st.columns(4)
    left.metric(t("needs_workshop_notes"), block["need_notes"])
    middle.metric(t("needs_project_notes"), block["project_notes"])
    right.metric(t("needs_gap_title"), len(block["gaps"]), help=t("needs_gap_help"))
    far.metric(t("needs_orphan_title"), len(block["orphans"]), help=t("needs_orphan_help"))
    if block["missing"]:
        _missing(block)
        return
    _findings(block)
    shown = pd.DataFrame(block["themes"])
    labels = {
        "workshops": t("needs_workshops"),
        "projects": t("needs_projects"),
        "share": t("col_share"),
    }
    st.plotly_chart(
        overview_charts.needs_figure(shown, labels, plotly_separators()),
        width="stretch",
        config=charts.chart_config(f"tarpeet-hankkeet-{project}"),
        key="needs_chart",
    )
    _table(block, project)


st.title(t("needs_title"))
if (current := common.require_project()) is not None:
    _page(current)
