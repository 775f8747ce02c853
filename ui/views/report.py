"""The report to hand on: one click downloads the project's Word briefing in the UI's
language (or the other one), made by the service from the current run."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ui import common
from ui import overview_client as oc
from ui.client import ApiError
from ui.i18n import LANGUAGES, language, option_labels, t, translated

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _maker(
    url: str, token: str | None, project: str, lang: str, errors: dict[str, str]
) -> Callable[[], bytes]:
    """The download's data, made when the button is clicked (Streamlit calls it on its
    own thread, where no page element can be drawn: a failure is kept for the next run)."""

    def make() -> bytes:
        from ui.client import ApiClient

        try:
            return oc.report(ApiClient(url, token), project, lang).content
        except ApiError as error:
            errors["report"] = error.message
            raise

    return make


def _page(project: str) -> None:
    try:
        runs = common.client().runs(project)
    except ApiError as error:
        common.show_read_error(error, "report_failed")
        return
    if not runs:
        common.show_no_run()
        return
    errors: dict[str, str] = st.session_state.setdefault("report_errors", {})
    if failed := errors.pop("report", None):
        st.error(f"{t('report_failed')}: {failed}", icon=":material/warning:")
    st.markdown(t("report_contents"))
    options = list(LANGUAGES)
    lang = st.radio(
        t("report_language"),
        options,
        index=options.index(language()),
        format_func=option_labels(options, LANGUAGES.__getitem__),
        horizontal=True,
        key=translated("report_lang"),
    )
    st.caption(t("report_hint", run=runs[0]["id"]))
    st.download_button(
        t("report_button"),
        _maker(common.api_url(), common.api_token(), project, str(lang), errors),
        file_name=f"teemakartta-{project}-{lang}.docx",
        mime=DOCX,
        type="primary",
        icon=":material/description:",
        key="report_download",
        on_click="ignore",
    )


st.title(t("report_title"))
if (current := common.require_project()) is not None:
    _page(current)
