"""Teemakartta in the browser: ``streamlit run ui/app.py``.

The entry point sets up the sidebar (language, editor's name, project) and hands the
page to ``st.navigation``; each task has its own module under ``ui/views/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run ui/app.py` puts ui/ on the path, not the project root that `ui.*` lives in.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from ui import common  # noqa: E402
from ui.client import ApiError  # noqa: E402
from ui.i18n import LANGUAGES, t  # noqa: E402

# An emoji favicon is drawn locally; a Material icon one (and, without page_icon, the
# page's own icon) would be fetched from Google's font servers, unreachable offline.
st.set_page_config(page_title="Teemakartta", page_icon="🗺️", layout="wide")


def _language_switch() -> None:
    if "lang" not in st.session_state:
        st.session_state["lang"] = "fi"
    st.radio(
        "Kieli / Language",
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key="lang",
        horizontal=True,
    )


def _sign_in() -> None:
    """Who the UI acts as: the token typed here, or the one the deployment gives it."""
    st.text_input(t("api_token"), key="api_token", type="password", help=t("api_token_help"))
    if not common.api_token():
        st.warning(t("sign_in_first"), icon=":material/key:")
        return
    try:
        me = common.client().me()
    except ApiError as error:
        if not error.missing_endpoint:  # an older service without users signs no one in
            common.show_error(error)
        return
    role = t("administrator") if me.get("is_admin") else t("member")
    st.caption(t("signed_in_as", name=me.get("name", "?"), role=role))


def _project_picker() -> None:
    """Choose the project every page works on; kept in the URL so a reload keeps it."""
    try:
        names = [p["name"] for p in common.client().projects()]
    except ApiError as error:
        common.show_error(error, "projects_unreadable")
        return
    wanted = (
        st.session_state.pop("pending_project", None)
        or st.session_state.get("project")
        or st.query_params.get("project")
    )
    if wanted not in names:
        wanted = names[0] if names else None
    if not names:
        st.caption(t("no_projects_yet"))
        st.session_state["project"] = None
        return
    st.session_state["project"] = wanted
    st.selectbox(t("project"), names, key="project")
    st.query_params["project"] = st.session_state["project"]


with st.sidebar:
    st.title("Teemakartta")
    _language_switch()
    _sign_in()
    _project_picker()
    st.caption(t("api_address", url=common.api_url()))

# (page file, title key, icon, address); the addresses are Finnish like the default UI.
PAGES = [
    ("views/projects.py", "nav_projects", "folder_open", "projektit"),
    ("views/theme_map.py", "nav_map", "map", "kartta"),
    ("views/themes.py", "nav_themes", "label", "teemat"),
    ("views/theme_detail.py", "nav_theme", "search", "teema"),
    ("views/compare.py", "nav_compare", "bar_chart", "vertailu"),
    ("views/export.py", "nav_export", "download", "vienti"),
    ("views/needs.py", "nav_needs", "compare_arrows", "tarpeet"),
    ("views/actors.py", "nav_actors", "hub", "toimijat"),
    ("views/report.py", "nav_report", "description", "raportti"),
    ("views/codebook.py", "nav_codebook", "menu_book", "koodikirja"),
    ("views/documents.py", "nav_documents", "edit_document", "dokumentit"),
]
pages = [
    st.Page(path, title=t(title), icon=f":material/{icon}:", url_path=url, default=i == 0)
    for i, (path, title, icon, url) in enumerate(PAGES)
]
st.navigation(pages).run()
