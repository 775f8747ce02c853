"""Teemakartta in the browser: ``streamlit run ui/app.py``.

The entry point sets up the sidebar (language, editor's name, project) and hands the
page to ``st.navigation``; each task has its own module under ``ui/views/``.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path
from typing import Any

# `streamlit run ui/app.py` puts ui/ on the path, not the project root that `ui.*` lives in.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from ui import common  # noqa: E402
from ui.client import ApiError  # noqa: E402
from ui.i18n import LANGUAGES, t  # noqa: E402
from ui.safe_text import md  # noqa: E402

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


def _notice() -> str | None:
    """What the UI server's redirect says (``?sign_in=refused``, ``?signed_out=1``), as an
    i18n key; taken out of the address so a reload does not say it again."""
    outcome, signed_out = st.query_params.get("sign_in"), st.query_params.get("signed_out")
    for name in ("sign_in", "signed_out"):
        if name in st.query_params:
            del st.query_params[name]
    if signed_out:
        return "signed_out"
    return {"refused": "link_refused", "throttled": "sign_in_throttled"}.get(outcome or "")


# What Streamlit's secondary button looks like, for the sign-out link.
_BUTTON_STYLE = (
    "display:inline-block;padding:0.25rem 0.75rem;border:1px solid rgba(49,51,63,0.2);"
    "border-radius:0.5rem;color:inherit;text-decoration:none;font-size:0.9rem"
)


def _forget_typed_token() -> None:
    st.session_state["api_token"] = ""
    st.session_state["sign_in_notice"] = "signed_out"


def _sign_out_control() -> None:
    """A typed token is forgotten by the page; a session from a sign-in link is ended by
    the UI server (``/sign-out``: the API ends it, the cookie goes). A plain link, since a
    Markdown link would open a new tab."""
    if common.signed_in_by_link():
        label = html.escape(t("sign_out"))
        st.html(f'<a href="/sign-out" style="{_BUTTON_STYLE}">{label}</a>')
    else:
        st.button(t("sign_out"), on_click=_forget_typed_token, key="sign_out")


def _sign_in() -> dict[str, Any] | None:
    """Who the UI acts as: the token typed here, or this browser's session from a sign-in
    link. Returns the signed-in user, or None (a problem is said once, here)."""
    notice = _notice() or st.session_state.pop("sign_in_notice", None)
    refused = st.session_state.get("refused_token")
    if not common.signed_in_by_link() or (refused and refused[0] == common.api_token()):
        st.text_input(t("api_token"), key="api_token", type="password", help=t("api_token_help"))
    if notice:
        (st.info if notice == "signed_out" else st.error)(t(notice), icon=":material/key:")
    token = common.api_token()
    if token is None:
        return None
    if refused and refused[0] == token:
        # Said already; asking again on every rerun would count as more failed sign-ins.
        st.error(t(refused[1]), icon=":material/key_off:")
        return None
    try:
        me = common.client().me()
    except ApiError as error:
        if error.missing_endpoint:  # an older service without users signs no one in
            return {}
        if error.status == 401:
            expired = "expired" in error.message
            key = "session_ended" if common.signed_in_by_link() else "token_wrong"
            st.session_state["refused_token"] = (token, "token_expired" if expired else key)
            if common.signed_in_by_link():
                st.rerun()  # with the token field, for signing in another way
            st.error(t(st.session_state["refused_token"][1]), icon=":material/key_off:")
        elif error.status == 429:
            st.error(t("sign_in_throttled"), icon=":material/key_off:")
        else:
            common.show_error(error)
        return None
    role = t("administrator") if me.get("is_admin") else t("member")
    st.caption(t("signed_in_as", name=md(me.get("name", "?")), role=role))
    _sign_out_control()
    return me


def _project_picker() -> None:
    """Choose the project every page works on; kept in the URL so a reload keeps it (the
    first project needs no mention: an address without one shows it)."""
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
    common.keep_in_url("project", st.session_state["project"], default=names[0])


with st.sidebar:
    st.title("Teemakartta")
    _language_switch()
    user = _sign_in()
    if user is not None:
        _project_picker()
    st.caption(t("api_address", url=common.api_url()))

if user is None:
    # No page without a user: each would only repeat that no one is signed in.
    st.title("Teemakartta")
    if not common.api_token():
        st.info(t("sign_in_how"), icon=":material/login:")
    st.stop()

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
page = st.navigation(pages)
common.cancel_outcome()  # a job's cancel button was clicked on the run before this one
page.run()
