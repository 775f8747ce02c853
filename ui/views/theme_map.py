"""The theme map: every note of the current run at its stored 2-D position, coloured by
theme, with filters, a highlighting search, and notes listed from a click or a lasso."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import charts, common, map_data
from ui.client import ApiError
from ui.i18n import language, option_labels, t, translated
from ui.note_frame import MapFilters, MapSelection, read_selection, search_mask
from ui.numbers import number
from ui.safe_text import md


def _load(project: str, fresh: str) -> tuple[pd.DataFrame, map_data.Labels] | None:
    try:
        with st.spinner(t("loading_map")):
            return map_data.load(common.api_url(), common.api_token(), project, fresh)
    except ApiError as error:
        common.show_read_error(error, "map_unreadable")
        return None


def _filters(notes: pd.DataFrame) -> tuple[MapFilters, str]:
    left, middle, right = st.columns(3)
    regions = left.multiselect(
        t("col_region"),
        sorted(notes["region"].dropna().unique()),
        placeholder=t("all"),
        key="map_regions",
    )
    documents = middle.multiselect(
        t("col_document"),
        sorted(notes["document"].dropna().unique()),
        placeholder=t("all"),
        key="map_documents",
    )
    kinds = right.multiselect(
        t("col_kind"),
        sorted(notes["kind"].dropna().unique()),
        format_func=option_labels(notes["kind"].dropna().unique(), lambda k: t(f"kind_{k}")),
        placeholder=t("all"),
        key=translated("map_kinds"),
    )
    left, right = st.columns([2, 1])
    query = left.text_input(t("search"), placeholder=t("search_placeholder"), key="map_search")
    dates = sorted(d for d in notes["date"] if d is not None)
    date_from = date_to = None
    if dates:
        chosen = right.date_input(
            t("date_range"),
            value=(dates[0], dates[-1]),
            min_value=dates[0],
            max_value=dates[-1],
            format="DD.MM.YYYY",
            key="map_dates",
        )
        # Only a range narrower than the data's own narrows the map (and drops undated notes).
        if (
            isinstance(chosen, tuple)
            and len(chosen) == 2
            and (chosen[0], chosen[1]) != (dates[0], dates[-1])
        ):
            date_from, date_to = chosen
    return MapFilters(regions, documents, kinds, date_from, date_to), query


def _theme_names(notes: pd.DataFrame) -> dict[int, str]:
    assigned = notes[notes["theme"] >= 0]
    return {int(k): str(n) for k, n in zip(assigned["theme"], assigned["theme_name"], strict=True)}


def _listing(notes: pd.DataFrame, selection: MapSelection, names: dict[int, str]) -> pd.DataFrame:
    if selection.theme is not None:
        chosen = notes[notes["theme"] == selection.theme]
        st.subheader(
            t("theme_notes_title", name=md(names.get(selection.theme, "?")), count=len(chosen))
        )
        if st.button(t("open_theme_page"), key="map_open_theme"):
            st.session_state["theme_request"] = selection.theme
            st.switch_page("views/theme_detail.py")
    else:
        chosen = notes[notes["id"].isin(selection.note_ids)]
        st.subheader(t("selected_notes_title", count=len(chosen)))
    table = pd.DataFrame(
        {
            "id": chosen["id"],
            t("col_text"): chosen["text"],
            t("col_theme"): [common.theme_label(int(k), names) for k in chosen["theme"]],
            t("col_region"): chosen["region"],
            t("col_document"): chosen["document"],
            t("col_group"): chosen["group"].fillna(""),
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={t("col_text"): st.column_config.TextColumn(width="large")},
    )
    common.csv_download(table, "muistiinpanot.csv", "map_listing_csv")
    return chosen


def _move_form(project: str, note_ids: list[int], names: dict[int, str]) -> None:
    options: list[int] = [-1, *sorted(names, key=lambda k: names[k].casefold())]
    with st.form("map_move"):
        # No default target: a stray click must not move a whole lasso of notes anywhere.
        target = st.selectbox(
            t("move_to"),
            options,
            index=None,
            placeholder=t("choose_theme"),
            format_func=common.theme_labels(options, names),
        )
        if not st.form_submit_button(t("move_button", count=len(note_ids))):
            return
    if target is None:
        st.error(t("choose_theme_first"))
        return
    try:
        with st.spinner(t("saving")):
            common.client().move_notes(project, note_ids, None if target < 0 else int(target))
    except ApiError as error:
        common.show_error(error, "edit_failed")
        return
    common.data_changed()
    st.session_state["flash"] = t("moved", count=len(note_ids))
    st.rerun()


@st.cache_resource(max_entries=16, show_spinner=False)
def _figure(
    key: tuple[Any, ...],
    _notes: pd.DataFrame,
    _visible: pd.Series,
    _matches: pd.Series | None,
    _labels: dict[str, str],
    _label_at: map_data.Labels,
) -> go.Figure:
    """The map's figure, built once per (address, token, project, freshness, filters,
    search, language) ``key``: building 5,000 points takes Plotly about a second, and
    most reruns (a click, a selection) draw the same map again. Never changed after."""
    return charts.note_map_figure(_notes, _visible, _matches, _labels, label_at=_label_at)


st.title(t("map_title"))
project = common.require_project()
filters_box, caption_box, chart_slot = st.container(), st.container(), st.empty()
if project and "note_map" not in st.session_state:
    # On entering the page, an empty map frame first: the browser starts loading its Plotly
    # code (Streamlit's 4.7 MB chunk, compiled on first use) while the notes are read and the
    # filters drawn, instead of after them. Later reruns (a click, a filter) skip it.
    chart_slot.plotly_chart(charts.empty_map(), config=charts.chart_config("kartta"))
fresh = common.freshness(project) if project else ""
loaded = _load(project, fresh) if project else None
notes, label_at = loaded if loaded is not None else (None, {})
if project and notes is not None:
    if notes.empty:
        chart_slot.empty()
        common.show_no_run()
        st.stop()
    if flash := st.session_state.pop("flash", None):
        filters_box.success(flash, icon=":material/check_circle:")
    with filters_box:
        filters, query = _filters(notes)
    visible = filters.mask(notes)
    matches = search_mask(notes, query)
    names = _theme_names(notes)
    shown = int(visible.sum())
    caption = t(
        "map_caption", shown=number(shown, 0), total=number(len(notes), 0), themes=len(names)
    )
    if matches is not None:
        caption += " · " + t("map_matches", count=number(int((matches & visible).sum()), 0))
    caption_box.caption(caption + " · " + t("map_hint"))
    labels = {"unassigned": t("unassigned"), "matches": t("search_hits"), "legend": t("themes")}
    key = (common.api_url(), common.api_token(), project, fresh, repr(filters), query, language())
    figure = _figure(key, notes, visible, matches, labels, label_at)
    event = chart_slot.plotly_chart(
        figure,
        key="note_map",
        on_select="rerun",
        selection_mode=("points", "box", "lasso"),
        config=charts.chart_config(f"teemakartta-{project}", scroll_zoom=True),
        width="stretch",
    )
    selection = read_selection(dict(event["selection"]) if event else None, notes[visible])
    sizes = notes["theme"].value_counts()
    options: list[int | None] = [None, *sorted(names, key=lambda k: -int(sizes.get(k, 0)))]
    picked = st.selectbox(
        t("pick_theme"),
        options,
        format_func=option_labels(
            options, lambda k: t("pick_theme_none") if k is None else common.theme_label(k, names)
        ),
        key=translated("map_pick_theme"),
    )
    if selection.empty and picked is not None:
        selection = MapSelection(theme=int(picked))
    if not selection.empty:
        listed = _listing(notes[visible], selection, names)
        if not listed.empty:
            _move_form(project, [int(i) for i in listed["id"]], names)
else:
    chart_slot.empty()
