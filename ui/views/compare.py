"""Compare regions: region x theme heatmap, each region's most distinctive themes with their
uncertainty, warnings for small regions, and themes over time. Every chart saves as PNG
(the camera in its toolbar) and its data as CSV."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import charts, common, compare_charts
from ui import compare_frame as cf
from ui.client import ApiError
from ui.i18n import TEXTS, language, option_labels, t, translated
from ui.numbers import number, p_value, plotly_separators
from ui.plain import markdown_text
from ui.safe_text import md

PERIOD = "quarter"
# The fields the service compares by (service/analysis/prevalence.py BY_FIELDS).
BY_FIELDS = ("region", "kind", "event", "document", "group", "question", "speaker_role")


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
    st.subheader(_by_text("heatmap_title", by))
    st.caption(_by_text("heatmap_caption", by))
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
        compare_charts.heatmap_figure(shown, _labels(by), plotly_separators()),
        width="stretch",
        config=charts.chart_config(f"alueet-teemat-{project}"),
        key="heatmap",
    )
    common.csv_download(matrix, f"alueet-teemat-{project}.csv", "heatmap_csv", index=True)


def _small_groups(totals: dict[str, int]) -> None:
    """The page's own check, used when the service gave no warnings of its own."""
    small = [
        t("small_region", region=md(g), count=n, limit=cf.SMALL_GROUP)
        for g, n in sorted(totals.items())
        if n < cf.SMALL_GROUP
    ]
    _warn_all(small)


def _cautions(cautions: list[cf.Caution]) -> None:
    """The service's warnings in the user's language where the code is known."""
    texts = []
    for caution in cautions:
        details = dict(caution.details)
        if "group" in details:  # the group as the sentence's subject: "Etelä-Savossa on ..."
            finnish = language() == "fi" and details.get("in_group_fi")
            details["where"] = finnish or details["group"]
        if isinstance(details.get("groups"), list):
            details["groups"] = ", ".join(str(g) for g in details["groups"])
        # group and period names are user text; counts are numbers and stay numbers
        details = {k: md(v) if isinstance(v, str) else v for k, v in details.items()}
        key = f"warn_{caution.code}"
        try:
            texts.append(t(key, **details) if key in TEXTS else md(caution.message))
        except (KeyError, IndexError, ValueError):
            texts.append(md(caution.message))
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
            number(float(stats["chi2"]), 1),
            help=t("chi2_meaning", dof=stats["dof"] if stats["dof"] is not None else "?"),
        )
    if stats["p_value"] is not None:
        middle.metric("p", p_value(float(stats["p_value"])), help=t("p_help"))
    if stats["cramers_v"] is not None:
        right.metric(t("cramers_v"), number(float(stats["cramers_v"]), 2), help=t("cramers_v_help"))


def _sentences(compare: dict[str, Any], by: str) -> None:
    """Each region's differences in plain words, as the service phrased them."""
    groups = compare["findings"]
    if len(groups) < 2:
        return
    st.subheader(t("sentences_title"))
    st.caption(_by_text("sentences_caption", by))
    lang = language()
    columns = st.columns(2)
    for i, group in enumerate(groups):
        findings = group["findings"]
        lines = []
        for j, sentence in enumerate(group["sentences"][lang]):
            if j < len(findings):
                mark = ":material/check_circle:" if findings[j]["clear"] else ":material/help:"
            else:
                mark = ":material/remove:"
            lines.append(f"- {mark} {markdown_text(sentence)}")
        with columns[i % 2].container(border=True):
            st.markdown(f"**{markdown_text(group['group'])}** · n = {group['notes']}")
            st.markdown("\n".join(lines))


def _distinctive(compare: dict[str, Any], project: str, by: str) -> None:
    st.subheader(_by_text("distinctive_title", by))
    st.caption(_by_text("distinctive_caption", by))
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
            compare_charts.distinctive_figure(top, _labels(by), plotly_separators()),
            width="stretch",
            config=charts.chart_config(f"erottuvat-{project}-{group}"),
            key="distinctive",
        )
        ranked = pd.DataFrame(
            {
                "#": range(1, len(top) + 1),
                t("col_theme"): top["theme_name"],
                t("col_notes"): top["count"],
                t("log_odds"): [number(v, 2) for v in top["log_odds"]],
                t("interval_95"): [
                    f"{number(low, 2)} – {number(high, 2)}"
                    for low, high in zip(top["low"], top["high"], strict=True)
                ],
                "z": [number(v, 1) for v in top["z"]],
            }
        )
        st.dataframe(
            ranked,
            hide_index=True,
            width="stretch",
            column_config={
                t("log_odds"): st.column_config.TextColumn(help=t("log_odds_help")),
                "z": st.column_config.TextColumn(help=t("z_help")),
            },
        )
    common.csv_download(rows, f"erottuvat-teemat-{project}.csv", "distinctive_csv")


def _timeline(
    rows: pd.DataFrame, overall: pd.DataFrame, undated: int, project: str, by: str
) -> None:
    st.subheader(t("timeline_title"))
    if undated:
        st.warning(t("warn_undated", notes=undated), icon=":material/event_busy:")
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
    top = right.slider(t("timeline_top"), 1, 12, 6, key="timeline_top", help=t("timeline_top_help"))
    # The largest themes over all notes, undated too; colours as on the map.
    series = cf.timeline(rows, group, top, cf.theme_sizes(overall))
    colors = charts.theme_colors(
        [int(k) for k in cf.theme_sizes(overall).loc[lambda s: s > 0].index]
    )
    st.plotly_chart(
        compare_charts.timeline_figure(series, _labels(by), colors, plotly_separators()),
        width="stretch",
        config=charts.chart_config(f"teemat-ajassa-{project}"),
        key="timeline",
    )
    common.csv_download(series, f"teemat-ajassa-{project}.csv", "timeline_csv")


def _by_text(key: str, by: str) -> str:
    """A text about regions, or its variant about the groups compared ("Puhujan rooli ×
    teemat")."""
    return t(key) if by == "region" else t(f"{key}_other", by=t(f"by_{by}"))


def _group_words(by: str) -> dict[str, str]:
    """The service's coded group values (kinds of document, speakers' roles, the group of
    notes without a value) in the page's language."""
    words = {cf.MISSING: t("group_missing")}
    if by == "kind":
        words |= {kind: t(f"kind_{kind}") for kind in common.DOCUMENT_KINDS}
    elif by == "speaker_role":
        words |= {role: t(f"role_{role}") for role in ("facilitator", "participant")}
    return words


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
        common.show_read_error(error, "compare_unreadable")
        return
    compare = cf.labelled(compare, _group_words(by).get)
    rows = cf.share_rows(compare, t("unassigned"))
    totals = cf.group_totals(rows) if not rows.empty else {}
    cautions = cf.warnings(compare)
    if cautions:
        _cautions(cautions)
    else:
        _small_groups(totals)
    _association(compare)
    _sentences(compare, by)
    _heatmap(cf.share_matrix(rows), totals, project, by)
    _distinctive(compare, project, by)
    try:
        by_period = common.compare(project, PERIOD, by=by)
    except ApiError as error:
        common.show_error(error, "compare_unreadable")
        return
    _timeline(
        cf.share_rows(by_period, t("unassigned")), rows, cf.undated_notes(by_period), project, by
    )


st.title(t("compare_title"))
if (current := common.require_project()) is not None:
    _page(current)
