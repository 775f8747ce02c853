"""The theme table of the current run: name, description, size, share per region,
keywords and three representative notes; open a theme, merge several, and see the theme tree."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import charts, common, run_report
from ui.client import ApiError
from ui.i18n import option_labels, t
from ui.safe_text import md

KEYWORDS_SHOWN = 8
# The name column's width in pixels: Streamlit's "medium" and "large", and what one
# character of the table's font takes, with the cell's padding.
NAME_WIDTH_BOUNDS = (200, 400)
PIXELS_PER_CHARACTER = 7.5
CELL_PADDING = 24


def name_column_width(names: list[str]) -> int:
    """Pixels that show the longest theme name whole ("Osaamistarpeiden ennakointi ja
    osallistumisen tapa"), between medium and large."""
    longest = max((len(name) for name in names), default=0)
    low, high = NAME_WIDTH_BOUNDS
    return max(low, min(high, round(PIXELS_PER_CHARACTER * longest) + CELL_PADDING))


def theme_table_frame(table: dict[str, Any]) -> pd.DataFrame:
    """One row per theme; region shares as one column per region, in 0..1."""
    regions = sorted({r for theme in table["themes"] for r in theme.get("region_share", {})})
    rows = []
    for theme in table["themes"]:
        representatives = [r["text"] for r in theme.get("representatives", [])][:3]
        row = {
            "id": theme["id"],
            t("col_theme"): theme["name"],
            t("col_description"): theme.get("description") or "",
            t("col_size"): theme["size"],
            t("col_share"): theme["share"],
            **{
                f"{t('col_region')}: {r}": theme.get("region_share", {}).get(r, 0.0)
                for r in regions
            },
            t("col_keywords"): ", ".join(theme.get("keywords", [])[:KEYWORDS_SHOWN]),
        }
        for i in range(3):
            row[t("col_example", n=i + 1)] = representatives[i] if i < len(representatives) else ""
        rows.append(row)
    return pd.DataFrame(rows)


def _run_caption(table: dict[str, Any]) -> None:
    run = table.get("run") or {}
    notes = int(run.get("note_count") or 0)
    st.caption(
        t(
            "run_caption",
            run=run.get("id", "?"),
            created=str(run.get("created_at", ""))[:16].replace("T", " "),
            notes=notes,
            themes=len(table["themes"]),
            unassigned=table.get("unassigned", 0),
        )
    )


def _merge(project: str, chosen: list[int], names: dict[int, str]) -> None:
    with st.form("merge"):
        st.markdown(f"**{t('merge_title')}**")
        picked = st.multiselect(
            t("merge_which"),
            list(names),
            default=chosen,
            placeholder=t("choose_themes"),
            format_func=common.theme_labels(names, names),
        )
        name = st.text_input(t("merge_name"), help=t("merge_name_help"))
        if not st.form_submit_button(t("merge_button")):
            return
    if len(picked) < 2:
        st.error(t("merge_needs_two"))
        return
    try:
        with st.spinner(t("saving")):
            key = common.client().merge_themes(project, [int(k) for k in picked], name.strip())
    except ApiError as error:
        common.show_error(error, "edit_failed")
        return
    common.data_changed()
    st.session_state["flash"] = t("merged", count=len(picked), name=md(name.strip() or names[key]))
    st.rerun()


def _tree(project: str, names: dict[int, str]) -> None:
    with st.expander(t("tree_title")):
        try:
            tree = common.client().theme_tree(project)
        except ApiError as error:
            common.show_error(error)
            return
        if not tree:
            st.info(t("tree_empty"))
            return
        st.plotly_chart(
            charts.tree_figure(tree, names), config=charts.chart_config("teemapuu"), width="stretch"
        )
        st.caption(t("tree_hint"))


def _detail(project: str, table: dict[str, Any]) -> None:
    """Coarser or finer themes: a run at another detail level (edited themes stay)."""
    current = int((table.get("run") or {}).get("detail", 0))
    levels = list(range(-3, 4))
    with st.form("detail"):
        level = st.select_slider(
            t("detail_title"),
            options=levels,
            value=current,
            format_func=option_labels(levels, lambda level: t(f"detail_level_{level}")),
            help=t("detail_help"),
        )
        if not st.form_submit_button(t("detail_button")) or level == current:
            return
    try:
        job_id = common.client().change_detail(project, int(level))
    except ApiError as error:
        common.show_error(error, "detail_not_changed")
        return
    job = common.follow_job(job_id, t("job_themes"), project)
    common.data_changed()
    if job is None:
        return
    result = job.get("result") or {}
    if job["state"] != "succeeded":
        st.error(t("themes_failed", error=common.job_error(job)), icon=":material/warning:")
    elif result.get("status") == "draft":
        run_report.draft_panel(project)
    else:
        level_name = t(f"detail_level_{level}")
        st.session_state["flash"] = t("detail_done", level=level_name, themes=result["themes"])
        st.rerun()


def _page(project: str) -> None:
    try:
        with st.spinner(t("loading")):
            table = common.themes(project)
    except ApiError as error:
        common.show_read_error(error, "themes_unreadable")
        return
    if flash := st.session_state.pop("flash", None):
        st.success(flash, icon=":material/check_circle:")
    run_report.show_applied(project)
    run_report.draft_panel(project)
    _run_caption(table)
    if not table["themes"]:
        st.info(t("no_themes"))
        return
    frame = theme_table_frame(table)
    # Shares on screen in whole per cents ("23 %"): Streamlit's "percent" format writes an
    # English decimal point ("22.92%") whatever the UI's language.
    shares = [t("col_share"), *(c for c in frame.columns if c.startswith(f"{t('col_region')}: "))]
    shown = frame.assign(**{c: (100 * frame[c]).round() for c in shares})
    percent = st.column_config.NumberColumn(format="%d %%")
    config: dict[str, Any] = {
        "id": st.column_config.NumberColumn("#", width="small"),
        t("col_theme"): st.column_config.TextColumn(
            width=name_column_width([str(th["name"]) for th in table["themes"]])
        ),
        t("col_description"): st.column_config.TextColumn(width="large"),
        **{c: percent for c in shares[1:]},
        t("col_share"): st.column_config.ProgressColumn(format="%d %%", min_value=0, max_value=100),
    }
    event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config=config,
        key="theme_table",
        on_select="rerun",
        selection_mode="multi-row",
    )
    common.csv_download(frame, f"teemat-{project}.csv", "themes_csv")
    rows = list(event["selection"]["rows"]) if event else []
    chosen = [int(frame["id"].iloc[i]) for i in rows if i < len(frame)]
    names = {int(th["id"]): str(th["name"]) for th in table["themes"]}
    st.caption(t("table_hint"))
    if chosen and st.button(t("open_theme_page_of", name=md(names[chosen[0]])), key="open_theme"):
        st.session_state["theme_request"] = chosen[0]
        st.switch_page("views/theme_detail.py")
    _merge(project, chosen, names)
    _detail(project, table)
    _tree(project, names)


st.title(t("themes_title"))
if (current := common.require_project()) is not None:
    _page(current)
