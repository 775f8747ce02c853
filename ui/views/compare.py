"""Compare regions: region x theme heatmap, each region's most distinctive themes with their
uncertainty, warnings for small regions, and themes over time. Every chart saves as PNG
(the camera in its toolbar) and its data as CSV."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import charts, common
from ui import compare_frame as cf
from ui.client import ApiError
from ui.i18n import TEXTS, option_labels, t, translated

PERIOD = "quarter"
# The fields the service compares by (service/analysis/prevalence.py BY_FIELDS).
BY_FIELDS = ("region", "kind", "event", "document", "group", "question", "speaker_role")


def _csv_button(frame: pd.DataFrame, name: str, key: str, index: bool = False) -> None:
    st.download_button(
        t("download_csv"),
        frame.to_csv(index=index).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key,
        on_click="ignore",
    )  # a download need not rerun the page


def _labels(by: str = "region") -> dict[str, str]:
    return {
        "share": t("col_share"),
        "region": t(f"by_{by}"),
        "theme": t("col_theme"),
        "log_odds": t("log_odds"),
        "period": t("period"),
    }


def _heatmap(
    matrix: pd.DataFrame, totals: dict[str, int], project: str, by: str = "region"
) -> None:
    st.subheader(t("heatmap_title"))
    st.caption(t("heatmap_caption"))
    if matrix.empty:
        st.info(t("no_comparison_data"))
        return
    shown = matrix.copy()
    if totals:
        shown.index = [
            f"{g} (n={totals.get(g, 0)})" + (" (!)" if totals.get(g, 0) < cf.SMALL_GROUP else "")
            for g in shown.index
        ]
    st.plotly_chart(
        charts.heatmap_figure(shown, _labels(by)),
        width="stretch",
        config=charts.chart_config(f"alueet-teemat-{project}"),
        key="heatmap",
    )
    _csv_button(matrix, f"alueet-teemat-{project}", "heatmap_csv", index=True)


def _small_groups(totals: dict[str, int]) -> None:
    """The page's own check, used when the service gave no warnings of its own."""
    small = [
        t("small_region", region=g, count=n, limit=cf.SMALL_GROUP)
        for g, n in sorted(totals.items())
        if n < cf.SMALL_GROUP
    ]
    _warn_all(small)


def _cautions(cautions: list[cf.Caution]) -> None:
    """The service's warnings in the user's language where the code is known."""
    texts = []
    for caution in cautions:
        details = dict(caution.details)
        if isinstance(details.get("groups"), list):
            details["groups"] = ", ".join(str(g) for g in details["groups"])
        key = f"warn_{caution.code}"
        try:
            texts.append(t(key, **details) if key in TEXTS else caution.message)
        except (KeyError, IndexError, ValueError):
            texts.append(caution.message)
    _warn_all(texts)


def _warn_all(texts: list[str]) -> None:
    """One warning box for all cautions: eight small regions should not be eight boxes."""
    if len(texts) == 1:
        st.warning(texts[0], icon=":material/warning:")
    elif texts:
        st.warning("\n".join(f"- {text}" for text in texts), icon=":material/warning:")


def _association(compare: dict[str, Any]) -> None:
    stats = cf.association(compare)
    if stats["chi2"] is None and stats["cramers_v"] is None:
        return
    left, middle, right = st.columns(3)
    if stats["chi2"] is not None:
        left.metric(
            "χ²",
            f"{float(stats['chi2']):.1f}",
            help=t("chi2_help", dof=stats["dof"] if stats["dof"] is not None else "?"),
        )
    if stats["p_value"] is not None:
        p_value = float(stats["p_value"])
        middle.metric("p", "< 0.001" if p_value < 0.001 else f"{p_value:.3f}")
    if stats["cramers_v"] is not None:
        right.metric(t("cramers_v"), f"{float(stats['cramers_v']):.2f}", help=t("cramers_v_help"))


def _distinctive(compare: dict[str, Any], project: str, by: str) -> None:
    st.subheader(t("distinctive_title"))
    st.caption(t("distinctive_caption"))
    rows = cf.distinctive_rows(compare)
    groups = list(dict.fromkeys(rows["group"]))
    if len(groups) < 2:  # one region has nothing to stand out from
        st.info(t("needs_two_regions"))
        return
    group = st.selectbox(t(f"by_{by}"), groups, key="distinctive_region")
    # Over-represented themes are what sets a region apart; the rest stay in the CSV.
    top = rows[(rows["group"] == group) & (rows["z"] > 0)].head(10)
    if top.empty:
        st.info(t("no_distinctive"))
    else:
        st.plotly_chart(
            charts.distinctive_figure(top, _labels(by)),
            width="stretch",
            config=charts.chart_config(f"erottuvat-{project}-{group}"),
            key="distinctive",
        )
        ranked = pd.DataFrame(
            {
                "#": range(1, len(top) + 1),
                t("col_theme"): top["theme_name"],
                t("col_notes"): top["count"],
                t("log_odds"): top["log_odds"].round(2),
                t("interval_95"): [
                    f"{low:.2f} – {high:.2f}"
                    for low, high in zip(top["low"], top["high"], strict=True)
                ],
                "z": top["z"].round(1),
            }
        )
        st.dataframe(ranked, hide_index=True, width="stretch")
    _csv_button(rows, f"erottuvat-teemat-{project}", "distinctive_csv")


def _timeline(rows: pd.DataFrame, project: str, by: str) -> None:
    st.subheader(t("timeline_title"))
    if rows.empty or rows["period"].dropna().nunique() < 2:
        st.info(t("timeline_no_dates"))
        return
    left, right = st.columns([2, 1])
    groups = sorted(rows["group"].unique())
    options: list[str | None] = [None, *groups]
    group = left.selectbox(
        t(f"by_{by}"),
        options,
        key=translated("timeline_region"),
        format_func=option_labels(options, lambda g: g or t("all_regions")),
    )
    top = right.slider(t("timeline_top"), 1, 12, 6, key="timeline_top")
    series = cf.timeline(rows, group, top)
    st.plotly_chart(
        charts.timeline_figure(series, _labels(by)),
        width="stretch",
        config=charts.chart_config(f"teemat-ajassa-{project}"),
        key="timeline",
    )
    _csv_button(series, f"teemat-ajassa-{project}", "timeline_csv")


def _fallback(project: str) -> None:
    """Without GET /compare: the heatmap from the theme table, and a note of what is missing."""
    st.warning(t("compare_endpoint_missing"), icon=":material/construction:")
    try:
        table = common.themes(project)
    except ApiError as error:
        common.show_read_error(error)
        return
    totals: dict[str, int] = {}
    try:
        notes = common.note_map(project)
        totals = {str(k): int(v) for k, v in notes["region"].value_counts().items()}
    except ApiError:
        pass  # the heatmap stands without counts; the map page reports the map's own gap
    _small_groups(totals)
    _heatmap(cf.matrix_from_theme_table(table), totals, project)


def _page(project: str) -> None:
    by = st.selectbox(
        t("compare_by"),
        BY_FIELDS,
        format_func=option_labels(BY_FIELDS, lambda field: t(f"by_{field}")),
        key=translated("compare_by"),
    )
    try:
        with st.spinner(t("loading")):
            compare = common.compare(project, by=by)
    except ApiError as error:
        if error.missing_endpoint:
            _fallback(project)
        else:
            common.show_read_error(error, "compare_unreadable")
        return
    rows = cf.share_rows(compare, t("unassigned"))
    totals = cf.group_totals(rows) if not rows.empty else {}
    cautions = cf.warnings(compare)
    if cautions:
        _cautions(cautions)
    else:
        _small_groups(totals)
    _association(compare)
    _heatmap(cf.share_matrix(rows), totals, project, by)
    _distinctive(compare, project, by)
    try:
        by_period = common.compare(project, PERIOD, by=by)
    except ApiError as error:
        common.show_error(error, "compare_unreadable")
        return
    _timeline(cf.share_rows(by_period, t("unassigned")), project, by)


st.title(t("compare_title"))
if (current := common.require_project()) is not None:
    _page(current)
