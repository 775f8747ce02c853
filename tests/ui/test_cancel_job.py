"""A job's progress bar has a cancel button (issue 17): clicking it cancels the job at the
API and the next page run says so; a job that ended meanwhile is not cancelled, and the
page says why."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.page_content import texts

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _follow(job_id: str, project: str) -> None:  # the script AppTest runs
    from ui import common

    # One look at the job, then the page goes on; put back for the tests after this one
    # (AppTest runs the script in this process, where ui.common is shared).
    give_up, common.JOB_GIVE_UP_SECONDS = common.JOB_GIVE_UP_SECONDS, 0
    try:
        common.cancel_outcome()
        common.follow_job(job_id, "Teemojen etsintä", project)
    finally:
        common.JOB_GIVE_UP_SECONDS = give_up


def _page(api_url: str, api_token: str, job_id: str, project: str) -> AppTest:
    at = AppTest.from_function(_follow, args=(job_id, project), default_timeout=60)
    at.session_state["api_url"] = api_url
    at.session_state["api_token"] = api_token
    at.session_state["lang"] = "fi"
    return at.run()


def test_cancel_a_queued_run_from_its_progress_bar(
    api_url: str, api_token: str, api: httpx.Client, new_themed_project: Callable[[str], str]
) -> None:
    project = new_themed_project("peruttava")
    # One job of a project runs at a time: the last of five is queued for a while.
    jobs = [api.post(f"/projects/{project}/runs", json={}).json()["job_id"] for _ in range(5)]
    at = _page(api_url, api_token, jobs[-1], project)
    (button,) = [b for b in at.button if b.label == "Peruuta"]
    button.click().run()
    job = api.get(f"/jobs/{jobs[-1]}").json()
    assert job["state"] == "failed" and job["error"] == "Cancelled by admin."
    assert any("Työ peruttu" in text for text in texts(at.info))
    for other in jobs[:-1]:  # the others were not touched; they end before the next test
        deadline = time.monotonic() + 600
        while (job := api.get(f"/jobs/{other}").json())["state"] in ("queued", "running"):
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
        assert job["state"] == "succeeded", job


def test_a_job_that_ended_is_not_cancelled(
    api_url: str, api_token: str, api: httpx.Client, new_themed_project: Callable[[str], str]
) -> None:
    project = new_themed_project("valmis")
    job_id = api.post(f"/projects/{project}/runs?wait=true", json={}).json()["job_id"]
    at = _page(api_url, api_token, job_id, project)
    next(b for b in at.button if b.label == "Peruuta").click().run()
    assert api.get(f"/jobs/{job_id}").json()["state"] == "succeeded"
    assert any("Työtä ei voitu perua" in text for text in texts(at.warning))


def _estimates() -> None:  # the script AppTest runs
    import streamlit as st

    from ui import common

    for seconds in (None, 30, 200):
        st.text(common.time_left(seconds) or "-")


@pytest.mark.parametrize(
    ("lang", "said"),
    [("fi", ["-", "alle minuutti jäljellä", "noin 3 min jäljellä"]),
     ("en", ["-", "under a minute left", "about 3 min left"])],
)  # fmt: skip
def test_the_progress_bar_says_how_long_a_job_has_left(lang: str, said: list[str]) -> None:
    at = AppTest.from_function(_estimates)
    at.session_state["lang"] = lang
    at.run()
    assert [t.value.strip(" ·") for t in at.text] == said
