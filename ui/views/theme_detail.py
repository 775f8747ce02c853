"""One theme: its description, all its notes (with why each is here), its keywords, its
place in the theme tree, and the edits a coordinator makes to it (rename, merge, split,
move notes, mark notes unassigned)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import charts, common
from ui.client import ApiClient, ApiError
from ui.i18n import option_labels, t
from ui.numbers import plotly_separators
from ui.safe_text import md


def _choose_theme(themes: list[dict[str, Any]]) -> int:
    """The theme shown: one asked for by another page, else the one already shown, else the
    one in the URL (a reload), else the largest."""
    names = {int(th["id"]): str(th["name"]) for th in themes}
    options = list(names)
    candidates = (
        st.session_state.pop("theme_request", None),
        st.session_state.get("detail_theme"),
        st.query_params.get("theme"),
    )
    desired = options[0]
    for candidate in candidates:
        try:
            if candidate is not None and int(candidate) in names:
                desired = int(candidate)
                break
        except ValueError:
            continue
    st.session_state["detail_theme"] = desired
    chosen = st.selectbox(
        t("nav_theme"),
        options,
        key="detail_theme",
        format_func=option_labels(options, lambda k: f"{names[k]} (#{k})"),
    )
    common.keep_in_url("theme", str(chosen), default=str(options[0]))
    return int(chosen)


def _keywords_figure(keywords: list[list[Any]]) -> go.Figure:
    words = [charts.plain(w) for w, _ in keywords][:15][::-1]
    weights = [float(s) for _, s in keywords][:15][::-1]
    figure = go.Figure(go.Bar(x=weights, y=words, orientation="h", marker={"color": "#1f77b4"}))
    figure.update_layout(
        height=max(200, 24 * len(words) + 40),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": {"text": t("keyword_weight")}},
        separators=plotly_separators(),
    )
    return figure


def tree_trail(path: list[str], keep: int = 3) -> list[str]:
    """The tree nodes above a theme, without repeats (a binary tree names many levels
    alike) and only the nearest ``keep`` of them."""
    trail: list[str] = []
    for name in path:
        if name and (not trail or trail[-1] != name):
            trail.append(name)
    return (["…"] if len(trail) > keep else []) + trail[-keep:]


def _header(detail: dict[str, Any]) -> None:
    if detail.get("description"):
        st.markdown(f"> {md(detail['description'])}")
    trail = [md(name) for name in tree_trail(detail.get("tree_path", []))]
    path = " › ".join([*trail, f"**{md(detail['name'])}**"])
    st.markdown(f"{t('tree_place')}: {path}")
    left, right = st.columns([1, 2])
    left.metric(t("col_size"), detail.get("size", len(detail["notes"])))
    if detail.get("seed"):
        left.caption(t("seeded_from", seed=md(detail["seed"])))
    if detail.get("name_edited"):
        left.caption(t("name_edited"))
    keywords = detail.get("keywords") or []
    if keywords:
        right.markdown(f"**{t('col_keywords')}**")
        right.plotly_chart(
            _keywords_figure(keywords),
            config=charts.chart_config("avainsanat"),
            width="stretch",
            key="keywords_chart",
        )


def _next_theme(why: dict[str, Any]) -> str:
    """The next closest theme and the note's fit there, "Nuorten hyvinvointi (0.41)"."""
    if why.get("next_theme") is None:
        return ""
    return f"{why.get('next_theme_name') or why['next_theme']} ({why.get('next_score') or 0:.2f})"


def _notes(detail: dict[str, Any]) -> list[int]:
    """The theme's notes with row selection; returns the ids of the selected notes."""
    notes = detail["notes"]
    frame = pd.DataFrame(
        {
            "id": [n["id"] for n in notes],
            t("col_text"): [n["text"] for n in notes],
            # Why a note is here comes right after it, in view; provenance after that.
            t("col_score"): [n.get("score") for n in notes],
            t("col_why"): [", ".join((n.get("why") or {}).get("keywords", [])) for n in notes],
            t("col_next_theme"): [_next_theme(n.get("why") or {}) for n in notes],
            t("col_region"): [n["region"] for n in notes],
            t("col_document"): [n["document"] for n in notes],
            t("col_group"): [n.get("group") or "" for n in notes],
            t("col_source"): [t(f"source_{n.get('source', 'model')}") for n in notes],
        }
    )
    st.subheader(t("theme_notes", count=len(notes)))
    event = st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        key=f"theme_notes_{detail['id']}",
        on_select="rerun",
        selection_mode="multi-row",
        column_config={
            t("col_text"): st.column_config.TextColumn(width="large"),
            t("col_score"): st.column_config.NumberColumn(format="%.2f", help=t("col_score_help")),
            t("col_why"): st.column_config.TextColumn(help=t("col_why_help")),
        },
    )
    common.csv_download(frame, f"teema-{detail['id']}.csv", "theme_csv")
    rows = list(event["selection"]["rows"]) if event else []
    return [int(frame["id"].iloc[i]) for i in rows if i < len(frame)]


def _save(action: str, call: Any, flash: str) -> None:
    """Run one edit through the API; on success refetch everything and show the change."""
    try:
        with st.spinner(t("saving")):
            call()
    except ApiError as error:
        common.show_error(error, "edit_failed")
        return
    common.data_changed()
    st.session_state["flash"] = flash
    st.session_state["last_edit"] = action
    st.rerun()


def _edits(
    project: str, detail: dict[str, Any], selected: list[int], names: dict[int, str]
) -> None:
    """Show the four edit tabs of a theme: rename, move notes, merge, split."""
    api = common.client()
    rename, move, merge, split = st.tabs(
        [t("rename_tab"), t("move_tab"), t("merge_tab"), t("split_tab")]
    )
    with rename, st.form("rename"):
        _rename_form(api, project, detail)
    with move:
        _move_notes(api, project, detail, selected, names)
    with merge, st.form("merge_into"):
        _merge_form(api, project, detail, names)
    with split, st.form("split"):
        _split_form(api, project, detail)


def _rename_form(api: ApiClient, project: str, detail: dict[str, Any]) -> None:
    """Show the rename form's fields; a submitted new name renames the theme."""
    key = int(detail["id"])
    name = st.text_input(t("new_name"), value=detail["name"], max_chars=255)
    if st.form_submit_button(t("rename_button")) and name.strip():
        _save(
            "rename",
            lambda: api.rename_theme(project, key, name.strip()),
            t("renamed", name=md(name.strip())),
        )


def _move_notes(
    api: ApiClient,
    project: str,
    detail: dict[str, Any],
    selected: list[int],
    names: dict[int, str],
) -> None:
    """Show the note and target choices; the buttons move the notes or unassign them."""
    key = int(detail["id"])
    labels = {int(n["id"]): n["text"] for n in detail["notes"]}
    chosen = st.multiselect(
        t("notes_to_move"),
        list(labels),
        default=selected,
        placeholder=t("choose_notes"),
        format_func=option_labels(labels, lambda i: charts.short(labels[i], 90)),
        help=t("notes_to_move_help"),
    )
    others = [k for k in names if k != key]
    target = st.selectbox(
        t("move_to"),
        others,
        index=None,
        placeholder=t("choose_theme"),
        format_func=common.theme_labels(others, names),
    )
    left, right = st.columns(2)
    if left.button(
        t("move_button", count=len(chosen)),
        disabled=not chosen or target is None,
        key="move_notes",
    ):
        goal = int(target) if target is not None else None
        _save("move", lambda: api.move_notes(project, chosen, goal), t("moved", count=len(chosen)))
    if right.button(
        t("unassign_button", count=len(chosen)), disabled=not chosen, key="unassign_notes"
    ):
        _save(
            "unassign",
            lambda: api.move_notes(project, chosen, None),
            t("unassigned_done", count=len(chosen)),
        )


def _merge_form(
    api: ApiClient, project: str, detail: dict[str, Any], names: dict[int, str]
) -> None:
    """Show the merge form's fields; a submission merges this theme with the chosen ones."""
    key = int(detail["id"])
    others = [k for k in names if k != key]
    into = st.multiselect(
        t("merge_with"),
        others,
        placeholder=t("choose_themes"),
        format_func=common.theme_labels(others, names),
    )
    merged_name = st.text_input(t("merge_name"), value=detail["name"])
    if st.form_submit_button(t("merge_button")):
        if not into:
            st.error(t("merge_needs_two"))
        else:
            ids = [key, *[int(k) for k in into]]
            _save(
                "merge",
                lambda: api.merge_themes(project, ids, merged_name.strip()),
                t("merged", count=len(ids), name=md(merged_name.strip())),
            )


def _split_form(api: ApiClient, project: str, detail: dict[str, Any]) -> None:
    """Show the split form's fields (disabled under two notes); a submission splits it."""
    key = int(detail["id"])
    size = len(detail["notes"])
    if size < 2:
        st.info(t("split_too_small"))
        st.form_submit_button(t("split_button"), disabled=True)
    else:
        parts = st.number_input(
            t("split_parts"), min_value=2, max_value=min(20, size), value=2, step=1
        )
        if st.form_submit_button(t("split_button")):
            _save(
                "split",
                lambda: api.split_theme(project, key, int(parts)),
                t("split_done", parts=int(parts)),
            )


def _scores(project: str, note_id: int) -> None:
    """Why a note sits where it does: its scores over the closest themes."""
    with st.expander(t("note_scores_title")):
        try:
            scores = common.client().note_scores(project, note_id)
        except ApiError as error:
            common.show_error(error)
            return
        why = scores.get("why") or {}
        if why.get("score") is not None and why.get("next_theme") is not None:
            words = ", ".join(why.get("keywords") or []) or t("why_no_keywords")
            st.markdown(
                md(
                    t(
                        "why_here",
                        words=words,
                        score=f"{why['score']:.2f}",
                        next=why.get("next_theme_name") or why["next_theme"],
                        next_score=f"{why.get('next_score') or 0:.2f}",
                    )
                )
            )
        frame = pd.DataFrame(
            [
                {t("col_theme"): f"{s['name']} ({s['theme']})", t("col_score"): s["score"]}
                for s in scores.get("scores", [])
            ]
        )
        st.dataframe(frame, hide_index=True, width="stretch")


def _page(project: str) -> None:
    try:
        with st.spinner(t("loading")):
            table = common.themes(project)
    except ApiError as error:
        common.show_read_error(error, "themes_unreadable")
        return
    if not table["themes"]:
        st.info(t("no_themes"))
        return
    if flash := st.session_state.pop("flash", None):
        st.success(flash, icon=":material/check_circle:")
    key = _choose_theme(table["themes"])
    try:
        detail = common.theme(project, key)
    except ApiError as error:
        common.show_error(error, "theme_unreadable")
        return
    st.header(md(detail["name"]))
    _header(detail)
    selected = _notes(detail)
    if len(selected) == 1:
        _scores(project, selected[0])
    names = {int(th["id"]): str(th["name"]) for th in table["themes"]}
    st.subheader(t("edit_title"))
    _edits(project, detail, selected, names)


st.title(t("theme_title"))
if (current := common.require_project()) is not None:
    _page(current)
