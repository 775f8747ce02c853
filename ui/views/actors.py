"""Who is involved: organisations and places named in the notes, with the themes, regions
and documents they come up in, as a table and an actor-theme chart. Persons never appear.

The names are found on demand: the first visit starts the job (Finnish NER) and follows
it; after that the cached result shows at once."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import charts, common, overview_charts
from ui import overview_client as oc
from ui.client import ApiError
from ui.i18n import option_labels, t, translated

KINDS = ("organisation", "place")


def _load(project: str) -> dict[str, Any] | None:
    api = common.client()
    try:
        report = oc.actors(api, project)
        if report["pending"]:
            notice = st.empty()  # "still looking": gone once the names are found
            notice.caption(t("actors_pending", count=report["pending"]))
            job_id = oc.find_actors(api, project)
            if job_id is not None:
                job = common.follow_job(job_id, t("actors_job"), project)
                if job is None:
                    return None
                if job["state"] == "failed":
                    st.error(t("actors_failed", error=common.job_error(job)))
                    return None
            report = oc.actors(api, project)
            if not report["pending"]:
                notice.empty()
    except ApiError as error:
        common.show_read_error(error, "actors_unreadable")
        return None
    return report


def _table(actors: list[dict[str, Any]], project: str) -> None:
    frame = pd.DataFrame(
        {
            t("actors_col_name"): [a["name"] for a in actors],
            t("actors_col_kind"): [t(f"actors_kind_{a['kind']}") for a in actors],
            t("col_notes"): [a["notes"] for a in actors],
            t("actors_col_themes"): [
                ", ".join(f"{th['theme_name']} ({th['notes']})" for th in a["themes"])
                for a in actors
            ],
            t("actors_col_regions"): [
                ", ".join(f"{r} ({n})" for r, n in a["regions"].items()) for a in actors
            ],
            t("actors_col_documents"): [", ".join(a["documents"]) for a in actors],
            t("actors_col_forms"): [", ".join(a["forms"]) for a in actors],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            t("actors_col_themes"): st.column_config.TextColumn(width="large"),
            t("actors_col_forms"): st.column_config.TextColumn(help=t("actors_forms_help")),
        },
    )
    common.csv_download(frame, f"toimijat-{project}.csv", "actors_csv")


def _page(project: str) -> None:
    report = _load(project)
    if report is None:
        return
    st.caption(t("actors_caption", analysed=report["analysed"], notes=report["notes"]))
    actors = report["actors"]
    if not actors:
        st.info(t("actors_none"))
        return
    left, right = st.columns([2, 1])
    kinds = left.multiselect(
        t("actors_col_kind"),
        KINDS,
        default=list(KINDS),
        format_func=option_labels(KINDS, lambda k: t(f"actors_kind_{k}")),
        key=translated("actors_kinds"),
    )
    shown = [a for a in actors if a["kind"] in kinds]
    most = min(40, len(shown))
    top = (
        right.slider(t("actors_top"), 3, most, min(15, most), key="actors_top")
        if most > 3
        else most
    )
    try:
        table = common.themes(project)
        colors = charts.theme_colors([int(th["id"]) for th in table["themes"] if th["size"] > 0])
    except ApiError:
        colors = None  # the chart picks its own colours
    labels = {
        "actor_organisation": t("actors_kind_organisation"),
        "actor_place": t("actors_kind_place"),
        "themes": t("themes"),
    }
    st.subheader(t("actors_chart_title"))
    st.caption(t("actors_chart_caption"))
    st.plotly_chart(
        overview_charts.actor_network_figure(shown[:top], labels, colors),
        width="stretch",
        config=charts.chart_config(f"toimijat-{project}"),
        key="actors_chart",
    )
    st.subheader(t("actors_table_title", count=len(shown)))
    _table(shown, project)


st.title(t("actors_title"))
if (current := common.require_project()) is not None:
    _page(current)
