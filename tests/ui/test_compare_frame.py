"""Reading the comparison report into the comparison page's tables."""

from __future__ import annotations

import pytest

from ui import compare_frame as cf


def _row(
    group: str,
    theme: int | None,
    count: int,
    total: int,
    period: str | None = None,
    name: str | None = None,
) -> dict[str, object]:
    row: dict[str, object] = {
        "group": group,
        "theme_id": theme,
        "theme_name": name or (f"teema {theme}" if theme is not None else "unassigned"),
        "count": count,
        "total": total,
        "share": count / total,
        "ci_low": 0.0,
        "ci_high": 1.0,
    }
    if period:
        row["period"] = period
    return row


REPORT = {
    "rows": [
        _row("Kainuu", 1, 6, 10),
        _row("Kainuu", 2, 3, 10),
        _row("Kainuu", None, 1, 10),
        _row("Lappi", 1, 10, 40),
        _row("Lappi", 2, 30, 40),
        _row("Lappi", None, 0, 40),
    ],
    "distinctive": [
        {
            "group": "Kainuu",
            "assigned_notes": 9,
            "themes": [
                {
                    "theme_id": 1,
                    "theme_name": "teema 1",
                    "count": 6,
                    "log_odds": 1.2,
                    "z": 2.4,
                    "rank": 1,
                },
                {
                    "theme_id": 2,
                    "theme_name": "teema 2",
                    "count": 3,
                    "log_odds": -1.2,
                    "z": -2.4,
                    "rank": 2,
                },
            ],
        },
        {
            "group": "Lappi",
            "assigned_notes": 40,
            "themes": [
                {
                    "theme_id": 2,
                    "theme_name": "teema 2",
                    "count": 30,
                    "log_odds": 0.6,
                    "z": 2.0,
                    "rank": 1,
                }
            ],
        },
    ],
    "chi2": 7.5,
    "dof": 1,
    "p": 0.006,
    "cramers_v": 0.39,
    "warnings": [
        {
            "code": "small_group",
            "message": "region 'Kainuu' has only 10 notes",
            "group": "Kainuu",
            "notes": 10,
        }
    ],
}


def test_share_matrix_is_region_by_theme_with_unassigned_last() -> None:
    rows = cf.share_rows(REPORT, "Kohdistamaton")
    matrix = cf.share_matrix(rows)
    assert list(matrix.index) == ["Kainuu", "Lappi"]
    assert list(matrix.columns) == ["teema 2", "teema 1", "Kohdistamaton"]
    assert matrix.loc["Kainuu", "teema 1"] == pytest.approx(0.6)
    assert matrix.loc["Lappi", "teema 2"] == pytest.approx(0.75)
    assert cf.group_totals(rows) == {"Kainuu": 10, "Lappi": 40}


def test_theme_names_two_themes_share_get_their_ids() -> None:
    report = {"rows": [_row("A", 1, 1, 2, name="sama"), _row("A", 2, 1, 2, name="sama")]}
    assert sorted(cf.share_matrix(cf.share_rows(report)).columns) == ["sama (#1)", "sama (#2)"]


def test_distinctive_rows_with_intervals_from_z() -> None:
    rows = cf.distinctive_rows(REPORT)
    kainuu = rows[rows["group"] == "Kainuu"]
    assert kainuu["theme_name"].tolist() == ["teema 1", "teema 2"]
    first = kainuu.iloc[0]
    # se = log_odds / z = 0.5, so the 95 % interval is 1.2 +- 1.96 * 0.5
    assert (first["low"], first["high"]) == pytest.approx((1.2 - 0.98, 1.2 + 0.98), abs=1e-3)
    theme = {"theme_id": 3, "theme_name": "t", "count": 0, "log_odds": 1.0, "z": 0.0, "rank": 1}
    level = cf.distinctive_rows(
        {"distinctive": [{"group": "Lappi", "assigned_notes": 0, "themes": [theme]}]}
    )
    assert level.iloc[0]["low"] == level.iloc[0]["high"] == 1.0


def test_association_and_warnings() -> None:
    assert cf.association(REPORT) == {"chi2": 7.5, "p_value": 0.006, "dof": 1, "cramers_v": 0.39}
    no_test = {"chi2": None, "p": None, "dof": None, "cramers_v": None}
    assert set(cf.association(no_test).values()) == {None}
    [caution] = cf.warnings(REPORT)
    assert caution.code == "small_group" and caution.details == {"group": "Kainuu", "notes": 10}


def test_wilson_interval() -> None:
    low, high = cf.wilson(6, 10)
    assert (low, high) == pytest.approx((0.3127, 0.8318), abs=1e-3)
    assert cf.wilson(0, 0) == (0.0, 0.0)


def test_timeline_pools_regions_per_period_and_keeps_the_largest_themes() -> None:
    report = {
        "rows": [
            _row("Kainuu", 1, 2, 4, "2017-Q4"),
            _row("Kainuu", 2, 2, 4, "2017-Q4"),
            _row("Lappi", 1, 1, 6, "2017-Q4"),
            _row("Lappi", 2, 5, 6, "2017-Q4"),
            _row("Lappi", 1, 3, 3, "2022-Q2"),
            _row("Lappi", 2, 0, 3, "2022-Q2"),
        ]
    }
    rows = cf.share_rows(report)
    pooled = cf.timeline(rows, None, top=1)
    assert pooled["theme_name"].unique().tolist() == ["teema 2"]  # 7 notes against 6
    q4 = pooled[pooled["period"] == "2017-Q4"].iloc[0]
    assert q4["share"] == pytest.approx(7 / 10)
    lappi = cf.timeline(rows, "Lappi", top=2)
    assert lappi[(lappi["period"] == "2022-Q2") & (lappi["theme_name"] == "teema 1")]["share"].iloc[
        0
    ] == pytest.approx(1.0)


def test_timeline_counts_unassigned_in_totals_but_not_as_a_theme() -> None:
    report = {
        "rows": [
            _row("Kainuu", 1, 1, 4, "2017-Q4"),
            _row("Kainuu", None, 3, 4, "2017-Q4"),
            _row("Kainuu", 1, 2, 2, "2018-Q1"),
            _row("Kainuu", None, 0, 2, "2018-Q1"),
        ]
    }
    series = cf.timeline(cf.share_rows(report, "Kohdistamaton"), None, top=5)
    assert series["theme_name"].unique().tolist() == ["teema 1"]
    assert series["share"].tolist() == pytest.approx([0.25, 1.0])


def test_the_largest_themes_count_undated_notes_too() -> None:
    """Theme 1 is the largest, but most of its notes are undated: the period rows alone
    would rank it last and a 'largest 1' chart would leave it out."""
    overall = cf.share_rows({"rows": [_row("Kainuu", 1, 30, 40), _row("Kainuu", 2, 10, 40)]})
    by_period = cf.share_rows(
        {
            "rows": [
                _row("Kainuu", 1, 1, 10, "2017-Q4"),
                _row("Kainuu", 2, 9, 10, "2017-Q4"),
                _row("Kainuu", 1, 1, 2, "2018-Q1"),
                _row("Kainuu", 2, 1, 2, "2018-Q1"),
            ],
        }
    )
    assert cf.timeline(by_period, None, top=1)["theme"].unique().tolist() == [2]
    sizes = cf.theme_sizes(overall)
    assert cf.timeline(by_period, None, top=1, sizes=sizes)["theme"].unique().tolist() == [1]
    report = {"warnings": [{"code": "undated", "message": "...", "notes": 28}]}
    assert cf.undated_notes(report) == 28 and cf.undated_notes({"warnings": []}) == 0


def test_period_labels_in_order() -> None:
    assert cf.period_index("2018-Q1") - cf.period_index("2017-Q4") == 1
    assert cf.period_index("2018-01") - cf.period_index("2017-12") == 1
    assert str(cf.period_start("2017-Q4")) == "2017-10-01"
    assert str(cf.period_start("2017-11")) == "2017-11-01"
    assert str(cf.period_start("2017")) == "2017-01-01"


def test_coded_groups_are_relabelled_everywhere_they_are_named() -> None:
    compare = {
        "groups": [{"group": "transcript", "notes": 7}],
        "rows": [{"group": "transcript", "theme_id": 1}],
        "distinctive": [{"group": "transcript", "themes": []}],
        "findings": [{"group": "transcript", "findings": [{"group": "transcript"}]}],
        "warnings": [{"code": "small_group", "group": "transcript"}, {"code": "sparse"}],
    }
    labelled = cf.labelled(compare, {"transcript": "litterointi"}.get)
    assert labelled["groups"][0]["group"] == labelled["rows"][0]["group"] == "litterointi"
    assert labelled["distinctive"][0]["group"] == "litterointi"
    assert labelled["findings"][0]["findings"][0]["group"] == "litterointi"
    assert labelled["warnings"] == [
        {"code": "small_group", "group": "litterointi"},
        {"code": "sparse"},
    ]
    assert compare["rows"][0]["group"] == "transcript"  # the cached answer is not changed
