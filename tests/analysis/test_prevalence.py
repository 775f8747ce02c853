"""Count tables and the comparison report read from real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from service.analysis.prevalence import CompareError, check_choice, compare_run, period_label
from service.storage.models import ThemeRun
from tests.factories import (
    SAMPLE_THEMES,
    add_document,
    add_project,
    add_run,
    database,
    sample_project,
)


def test_region_table_counts_shares_and_unassigned_column(database_url: str) -> None:
    with database(database_url) as db:
        sample = sample_project(db)
        with db.session() as session:
            report = compare_run(session, session.get(ThemeRun, sample.run_id))
    expected = Counter((region, key) for region, _, key in sample.notes.values())
    totals = Counter(region for region, _, _ in sample.notes.values())
    rows = {(r["group"], r["theme_id"]): r for r in report["rows"]}
    # Every region x (3 themes + unassigned), zero cells included.
    assert len(rows) == len(totals) * 4 == len(report["rows"])
    for (region, key), row in rows.items():
        assert row["count"] == expected[(region, key)]
        assert row["total"] == totals[region]
        assert row["share"] == pytest.approx(expected[(region, key)] / totals[region])
        assert row["ci_low"] <= row["share"] <= row["ci_high"]
    unassigned = rows[("Pohjois-Savo", None)]
    assert unassigned["theme_name"] == "unassigned" and unassigned["count"] == 1
    assert rows[("Pohjois-Savo", 1)]["theme_name"] == SAMPLE_THEMES[1].name
    assert report["unassigned"]["count"] == 2 and report["unassigned"]["in_tests"] is False
    # The test sees assigned notes only: 14 notes - 2 unassigned, 3 regions x 3 themes.
    assert report["test_notes"] == 12 and report["dof"] == 4
    assert 0 < report["p"] < 1 and 0 < report["cramers_v"] <= 1
    # Only Pohjois-Savo talks about theme 1: it ranks first there.
    savo = next(d for d in report["distinctive"] if d["group"] == "Pohjois-Savo")
    assert savo["themes"][0]["theme_id"] == 1 and savo["themes"][0]["z"] > 0
    assert [t["rank"] for t in savo["themes"]] == [1, 2, 3]
    assert all(t["theme_id"] is not None for d in report["distinctive"] for t in d["themes"])
    codes = Counter(w["code"] for w in report["warnings"])
    assert codes["small_group"] == 3 and codes["small_expected"] == 1
    small = next(w for w in report["warnings"] if w["code"] == "small_expected")
    assert "unreliable" in small["message"] and small["of"] == 9


def test_period_rows_leave_out_undated_notes_and_say_so(database_url: str) -> None:
    with database(database_url) as db:
        sample = sample_project(db)
        with db.session() as session:
            run = session.get(ThemeRun, sample.run_id)
            quarter = compare_run(session, run, "region", "quarter")
            year = compare_run(session, run, "kind", "year")
    periods = {(r["group"], r["period"]) for r in quarter["rows"]}
    assert periods == {("Pohjois-Savo", "2017-Q4"), ("Etelä-Savo", "2018-Q1")}
    assert sum(r["count"] for r in quarter["rows"]) == 11  # 14 notes - 3 from undated Kainuu
    undated = next(w for w in quarter["warnings"] if w["code"] == "undated")
    assert undated["notes"] == 3
    # The tests still use every note, dated or not.
    assert quarter["test_notes"] == 12
    assert {(r["group"], r["period"]) for r in year["rows"]} == {
        ("workshop", "2017"),
        ("project_description", "2018"),
    }


def test_other_fields_missing_values_and_duplicate_file_names(database_url: str) -> None:
    with database(database_url) as db:
        project = add_project(db)
        a = add_document(
            db,
            project,
            ["Kehittämistä", "Lisää kehittämistä"],
            "Kainuu",
            filename="muistio.txt",
            group="Ryhmä A",
            event="Ilta",
        )
        b = add_document(
            db, project, ["Kolmas ajatus"], "Kainuu", filename="muistio.txt", header="Toinen\n\n"
        )
        run_id = add_run(db, project, {5: SAMPLE_THEMES[1]}, {a[0]: 5, a[1]: None, b[0]: 5})
        with db.session() as session:
            run = session.get(ThemeRun, run_id)
            by_group = compare_run(session, run, "group")
            by_document = compare_run(session, run, "document")
            by_event = compare_run(session, run, "event")
    assert {g["group"] for g in by_group["groups"]} == {"Ryhmä A", "(none)"}
    assert {g["group"] for g in by_event["groups"]} == {"Ilta", "(none)"}
    names = {g["group"] for g in by_document["groups"]}
    assert len(names) == 2 and all(n.startswith("muistio.txt #") for n in names)
    # One theme with notes: no test, and the response says why.
    assert by_group["chi2"] is None and by_group["p"] is None
    assert any(w["code"] == "no_test" for w in by_group["warnings"])


def test_choices_and_period_labels() -> None:
    check_choice("question", "month")
    with pytest.raises(CompareError, match="region, kind, event, document, group, question"):
        check_choice("municipality", None)
    with pytest.raises(CompareError, match="month, quarter, year"):
        check_choice("region", "week")
    day = dt.date(2023, 8, 31)
    assert [period_label(day, p) for p in ("month", "quarter", "year")] == [
        "2023-08",
        "2023-Q3",
        "2023",
    ]
