"""The change report: what happens to each edited theme, when a person must confirm, and
the sentences in Finnish and English, conditional for a draft and past once applied."""

from __future__ import annotations

from typing import Any

from service.pipeline.matching import change_report
from service.theming.report import (
    OUT,
    broke_up,
    edited_changes,
    moves,
    needs_confirmation,
    sentences,
)

# 23 notes in the renamed theme 2; 19 in the merged theme 5; 10 in theme 4.
BEFORE: dict[int, int | None] = {
    **dict.fromkeys(range(1, 24), 2),
    **dict.fromkeys(range(24, 43), 5),
    **dict.fromkeys(range(43, 53), 4),
}


def _report(after: dict[int, int | None], new_keys: list[int]) -> dict[str, Any]:
    edited = edited_changes({2, 5}, BEFORE, after, new_keys)
    return {
        "persisted": sorted(set(new_keys) & {2, 4, 5}),
        "new": sorted(set(new_keys) - {2, 4, 5}),
        "vanished": sorted({2, 4, 5} - set(new_keys)),
        "split": [],
        "merged": [],
        "edited": edited,
        "moved": moves(BEFORE, after, sorted(set(new_keys) & {2, 4, 5}), {2, 5}),
        "needs_confirmation": needs_confirmation(edited),
        "names": {
            "before": {"2": "Hyvinvointi ja terveys", "4": "Työvoima", "5": "Seutukaupungit"},
            "after": {"2": "Hyvinvointi ja terveys", "4": "Työvoima", "5": "Seutukaupungit"},
        },
    }


def test_notes_leaving_an_edited_theme_need_confirmation_and_are_said() -> None:
    after = {**BEFORE, **dict.fromkeys(range(1, 15), 4), 53: 5, 54: 5}  # 53, 54: new notes
    report = _report(after, [2, 4, 5])
    renamed, merged = report["edited"]
    assert renamed == {
        "theme": 2,
        "before": 23,
        "after": 9,
        "vanished": False,
        "left": [{"to": 4, "notes": 14}],
        "joined": [],
        "joined_new": 0,
    }
    assert merged["joined_new"] == 2 and not merged["left"] and not merged["joined"]
    assert report["needs_confirmation"]
    assert sentences(report, "fi", draft=True) == [
        "Teema 'Hyvinvointi ja terveys': 14 muistiinpanoa siirtyisi teemaan 'Työvoima'.",
        "Teema 'Seutukaupungit': 2 uutta muistiinpanoa liittyisi teemaan.",
    ]
    assert sentences(report, "en", draft=False) == [
        "Theme 'Hyvinvointi ja terveys': 14 notes moved to theme 'Työvoima'.",
        "Theme 'Seutukaupungit': 2 new notes joined it.",
    ]


def test_new_notes_alone_need_no_confirmation() -> None:
    report = _report({**BEFORE, 60: 2}, [2, 4, 5])
    assert not report["needs_confirmation"]
    assert sentences(report, "fi", draft=False) == [
        "Teema 'Hyvinvointi ja terveys': 1 uusi muistiinpano liittyi teemaan.",
        "Teema 'Seutukaupungit' säilyi ennallaan (19 muistiinpanoa).",
    ]


def test_other_themes_notes_joining_or_a_theme_vanishing_need_confirmation() -> None:
    pulled = _report({**BEFORE, 43: 5, 44: 5}, [2, 4, 5])
    assert pulled["needs_confirmation"]
    assert "Teema 'Seutukaupungit': 2 muistiinpanoa tuli teemasta 'Työvoima'." in sentences(
        pulled, "fi", draft=False
    )
    gone = _report({**BEFORE, **dict.fromkeys(range(1, 24), 4)}, [4, 5])
    assert gone["edited"][0]["vanished"] and gone["needs_confirmation"]
    assert sentences(gone, "en", draft=True)[:2] == [
        "Theme 'Hyvinvointi ja terveys': 23 notes would move to theme 'Työvoima'.",
        "Theme 'Hyvinvointi ja terveys' would disappear.",
    ]


def test_notes_outside_the_run_and_unassigned_notes_are_said() -> None:
    after = {n: k for n, k in BEFORE.items() if n != 1}  # note 1 filtered out of the run
    after[2] = None
    report = _report(after, [2, 4, 5])
    assert report["edited"][0]["left"] == [{"to": None, "notes": 1}, {"to": OUT, "notes": 1}]
    assert sentences(report, "en", draft=False)[:2] == [
        "Theme 'Hyvinvointi ja terveys': 1 note became unassigned.",
        "Theme 'Hyvinvointi ja terveys': 1 note is not in this run (filters).",
    ]
    assert sentences(report, "fi", draft=True)[1] == (
        "Teema 'Hyvinvointi ja terveys': 1 muistiinpano ei olisi mukana tässä ajossa (rajaukset)."
    )


def test_moves_between_unedited_themes_and_new_themes_are_summed_up() -> None:
    after = {**BEFORE, 43: 7, 44: 7, 45: 7}
    report = _report(after, [2, 4, 5, 7])
    report["names"]["after"]["7"] = "Uusi teema"
    assert sentences(report, "fi", draft=False)[-1] == "Uusia teemoja: 1 ('Uusi teema')."
    moved = _report({**BEFORE, 43: 2}, [2, 4, 5])  # edited 2 gains: said under theme 2
    assert moved["moved"] == []
    assert not report["needs_confirmation"]


def test_notes_moving_between_unedited_themes_are_counted() -> None:
    before = {**dict.fromkeys(range(1, 6), 4), **dict.fromkeys(range(6, 9), 6)}
    after = {**before, 1: 6, 2: 6, 3: 6}
    report = {
        "persisted": [4, 6],
        "new": [],
        "vanished": [],
        "edited": [],
        "moved": moves(before, after, [4, 6], edited=()),
        "names": {"before": {"4": "Työvoima", "6": "Muu"}, "after": {}},
    }
    assert report["moved"] == [{"from": 4, "to": 6, "notes": 3}]
    assert sentences(report, "fi", draft=False) == [
        "Teemasta 'Työvoima' siirtyi 3 muistiinpanoa teemaan 'Muu'."
    ]
    assert sentences(report, "en", draft=True) == [
        "3 notes would move from theme 'Työvoima' to theme 'Muu'."
    ]


def test_real_splits_and_merges_are_said_moves_between_kept_themes_are_not() -> None:
    names = {"1": "A", "2": "B", "3": "C", "4": "D"}
    report = {
        "persisted": [1, 2],
        "new": [],
        "vanished": [],
        # 3 was joined into 1 (it is gone); 2 split into itself and 4 (new)
        "merged": [{"from": [1, 3], "into": 1}, {"from": [1, 2], "into": 2}],
        "split": [{"from": 2, "into": [2, 4]}, {"from": 1, "into": [1, 2]}],
        "edited": [],
        "moved": [],
        "names": {"before": names, "after": names},
    }
    assert sentences(report, "fi", draft=False) == [
        "Teema 'B' jakautui: 'B' ja 'D'.",
        "Teemat 'A' ja 'C' yhdistyivät teemaksi 'A'.",
    ]


def test_a_run_that_changes_nothing_says_so() -> None:
    report = {"persisted": [1], "new": [], "vanished": [], "edited": [], "moved": []}
    assert sentences(report, "fi", draft=True) == ["Teemat pysyisivät ennallaan."]
    assert sentences(report, "en", draft=False) == ["The themes stayed as they were."]


def test_a_gone_theme_whose_notes_went_to_several_themes_is_said_once_with_counts() -> None:
    """Seen after an upload: theme 3 went, 9 of its notes to 1 and 6 to 2, and the report
    said it "merged" twice ("Teemat 'A' ja 'C' yhdistyivät teemaksi 'A'", "Teemat 'B' ja
    'C' yhdistyivät teemaksi 'B'"). It is one fact: the theme broke up."""
    before = {
        **dict.fromkeys(range(1, 21), 1),
        **dict.fromkeys(range(21, 31), 2),
        **dict.fromkeys(range(31, 46), 3),
    }
    after = {**before, **dict.fromkeys(range(31, 40), 1), **dict.fromkeys(range(40, 46), 2)}
    names = {"1": "A", "2": "B", "3": "C"}
    report = {
        **change_report([1, 2, 3], [1, 2], before, after),
        "edited": [],
        "moved": moves(before, after, [1, 2], edited=()),
        "broke_up": broke_up(before, after, [1, 2], edited=()),
        "names": {"before": names, "after": {"1": "A", "2": "B"}},
    }
    assert sentences(report, "fi", draft=False) == [
        "Teema 'C' hajosi: 9 muistiinpanoa siirtyi teemaan 'A' ja 6 muistiinpanoa teemaan 'B'."
    ]
    assert sentences(report, "en", draft=True) == [
        "Theme 'C' would break up: 9 notes would move to theme 'A' and 6 notes to theme 'B'."
    ]
