"""Agreement measures against hand-computed values and against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, cohen_kappa_score, normalized_mutual_info_score

from service.analysis.agreement import (
    adjusted_rand_index,
    agreement_report,
    best_mapping,
    cohen_kappa,
    contingency,
    krippendorff_alpha_nominal,
    normalized_mutual_info,
    splits_and_merges,
)

# Ten notes: (a, a) x4, (a, b) x1, (b, a) x2, (b, b) x3.
FIRST = ["a"] * 5 + ["b"] * 5
SECOND = ["a", "a", "a", "a", "b", "a", "a", "b", "b", "b"]


def test_cohen_kappa_by_hand() -> None:
    # p_o = 7/10; first has a 5, b 5; second has a 6, b 4: p_e = .5*.6 + .5*.4 = .5
    # kappa = (.7 - .5) / (1 - .5) = .4
    assert cohen_kappa(FIRST, SECOND) == pytest.approx(0.4)
    assert cohen_kappa(FIRST, SECOND) == pytest.approx(cohen_kappa_score(FIRST, SECOND))
    assert cohen_kappa(["x", "x"], ["x", "x"]) is None  # chance agreement is 1: undefined


def test_krippendorff_alpha_by_hand() -> None:
    # Coincidences: o_aa = 2*4 = 8, o_bb = 2*3 = 6, o_ab = o_ba = 1 + 2 = 3.
    # n_a = 11, n_b = 9, n = 20: alpha = 1 - (n - 1) * (3 + 3) / (2 * 11 * 9) = 1 - 114/198
    assert krippendorff_alpha_nominal(FIRST, SECOND) == pytest.approx(1 - 114 / 198)
    assert krippendorff_alpha_nominal(FIRST, FIRST) == pytest.approx(1.0)
    assert krippendorff_alpha_nominal(["x"] * 3, ["x"] * 3) is None


def test_kappa_after_hungarian_mapping_by_hand() -> None:
    # Theme 1 holds x, x, y; theme 2 y, y; theme 3 z, z, x. Best one-to-one mapping:
    # 1 -> x, 2 -> y, 3 -> z, so mapped = x x x y y z z z against x x y y y z z x:
    # p_o = 6/8; mapped counts x3 y2 z3, human x3 y3 z2: p_e = (9 + 6 + 6)/64 = 21/64
    # kappa = (48/64 - 21/64) / (43/64) = 27/43
    model = [1, 1, 1, 2, 2, 3, 3, 3]
    human = ["x", "x", "y", "y", "y", "z", "z", "x"]
    themes, codes, table = contingency(model, human)
    mapping = {themes[r]: codes[c] for r, c in best_mapping(table).items()}
    assert mapping == {1: "x", 2: "y", 3: "z"}
    report = agreement_report(model, human, ["R"] * 8, {1: "Yksi", 2: "Kaksi", 3: "Kolme"})
    assert report["cohen_kappa"] == pytest.approx(27 / 43)
    assert report["matched"] == 6 and report["notes"] == 8
    assert [m["code"] for m in report["mapping"]] == ["x", "y", "z"]
    # x is split over themes 1 (2 of 3) and 3 (1 of 3), y over 2 (2 of 3) and 1 (1 of 3);
    # themes 1 (x, y) and 3 (z, x) each merge two codes, theme 2 holds y alone.
    split_x, split_y = report["splits"]
    assert split_x["code"] == "x" and [t["theme_id"] for t in split_x["themes"]] == [1, 3]
    assert split_y["code"] == "y" and [t["theme_id"] for t in split_y["themes"]] == [2, 1]
    assert split_x["themes"][0]["theme_name"] == "Yksi"
    assert split_x["themes"][0]["share"] == pytest.approx(2 / 3)
    assert {m["theme_id"] for m in report["merges"]} == {1, 3}
    assert {c["code"] for c in report["merges"][0]["codes"]} == {"x", "y"}


def test_hungarian_prefers_the_larger_total_over_greedy_choice() -> None:
    # Greedy would give theme 0 -> code 0 (5) and leave theme 1 with 0 matches (total 5);
    # the optimum is 0 -> 1 and 1 -> 0 (4 + 4 = 8).
    table = np.array([[5, 4], [4, 0]])
    assert best_mapping(table) == {0: 1, 1: 0}


@pytest.mark.parametrize("seed", range(6))
def test_ari_and_nmi_match_sklearn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 300))
    first = rng.integers(0, int(rng.integers(1, 8)), size=n).tolist()
    second = [f"c{v}" for v in rng.integers(0, int(rng.integers(1, 8)), size=n)]
    assert adjusted_rand_index(first, second) == pytest.approx(
        adjusted_rand_score(first, second), abs=1e-12
    )
    assert normalized_mutual_info(first, second) == pytest.approx(
        normalized_mutual_info_score(first, second), abs=1e-10
    )


def test_ari_and_nmi_edge_cases_match_sklearn() -> None:
    cases = [
        ([0, 0, 0], ["a", "a", "a"]),  # one cluster each
        ([0, 1, 2], ["a", "b", "c"]),  # all singletons
        ([0, 0, 1, 1], ["a", "a", "a", "a"]),  # one side trivial
        ([0, 0, 1, 1], ["b", "b", "a", "a"]),  # same partition, other names
    ]
    for first, second in cases:
        assert adjusted_rand_index(first, second) == pytest.approx(
            adjusted_rand_score(first, second)
        )
        assert normalized_mutual_info(first, second) == pytest.approx(
            normalized_mutual_info_score(first, second)
        )


def test_report_per_region_unassigned_and_warnings() -> None:
    model: list[int | None] = [1, 1, None, 2, 2, 2, 1, None]
    human = ["x", "x", "x", "y", "y", "y", "x", "y"]
    regions = ["A", "A", "A", "A", "B", "B", "B", "B"]
    report = agreement_report(model, human, regions, {1: "Yksi", 2: "Kaksi"})
    # The two unassigned notes can never match: 6 of 8 agree after 1 -> x, 2 -> y.
    assert report["unassigned"] == 2 and report["matched"] == 6
    assert {r["region"]: (r["notes"], r["matched"]) for r in report["by_region"]} == {
        "A": (4, 3),
        "B": (4, 3),
    }
    assert report["splits"] == [] and report["merges"] == []
    assert report["ari"] == pytest.approx(adjusted_rand_score([str(k) for k in model], human))
    codes = [w["code"] for w in report["warnings"]]
    assert codes == ["small_sample", "small_region", "small_region"]


def test_splits_and_merges_threshold() -> None:
    # Code c0 (10 notes): 7 in theme A, 2 in B (20%: held), 1 in C (10%: not held).
    table = np.array([[7, 0], [2, 5], [1, 0]])
    splits, merges = splits_and_merges(["A", "B", "C"], ["c0", "c1"], table)
    assert [(s["code"], [t["theme"] for t in s["themes"]]) for s in splits] == [("c0", ["A", "B"])]
    assert [(m["theme"], [c["code"] for c in m["codes"]]) for m in merges] == [("B", ["c1", "c0"])]


def _fixed_example() -> tuple[list[int | None], list[str], list[str]]:
    """90 notes: themes 0-4 or unassigned, four codes, three regions, half the notes coded
    as their theme would suggest."""
    rng = np.random.default_rng(16)
    model = [None if v == 5 else int(v) for v in rng.integers(0, 6, size=90)]
    human = [f"koodi {v}" for v in rng.integers(0, 4, size=90)]
    regions = [("Kainuu", "Etelä-Savo", "Pohjois-Savo")[v] for v in rng.integers(0, 3, size=90)]
    for i in range(0, 90, 2):
        if model[i] is not None:
            human[i] = f"koodi {model[i] % 4}"
    return model, human, regions


def test_the_report_keeps_its_numbers_on_a_fixed_example() -> None:
    # Pinned from the hand-written measures before they became scikit-learn's: the switch
    # must not move a figure a user has already seen.
    model, human, regions = _fixed_example()
    report = agreement_report(model, human, regions, {k: f"T{k}" for k in range(5)})
    overall = {k: report[k] for k in ("notes", "matched", "unassigned")}
    assert overall == {"notes": 90, "matched": 37, "unassigned": 18}
    expected = {
        None: (0.2985294117647059, 0.2740837095416635, 0.11945926236039274, 0.19378827711878496),
        "Etelä-Savo": (
            0.28917197452229304,
            0.2781065088757396,
            0.17646733265074577,
            0.3462387642007887,
        ),
        "Kainuu": (0.4339622641509434, 0.4188191881918819, 0.27681490017167176, 0.5085382170808682),
        "Pohjois-Savo": (
            0.152276295133438,
            0.11519198664440733,
            0.02526831953166045,
            0.295147292329671,
        ),
    }
    measured = {None: report} | {r["region"]: r for r in report["by_region"]}
    for region, figures in expected.items():
        got = tuple(
            measured[region][k] for k in ("cohen_kappa", "krippendorff_alpha", "ari", "nmi")
        )
        assert got == pytest.approx(figures, abs=1e-12), region
    assert [(r["region"], r["notes"], r["matched"]) for r in report["by_region"]] == [
        ("Etelä-Savo", 31, 13),
        ("Kainuu", 32, 17),
        ("Pohjois-Savo", 27, 7),
    ]
    assert [(m["theme_id"], m["code"], m["notes"]) for m in report["mapping"]] == [
        (1, "koodi 1", 9),
        (2, "koodi 2", 7),
        (3, "koodi 3", 9),
        (4, "koodi 0", 12),
    ]
    rows, columns, table = contingency(model, human)
    assert rows == [3, 4, 2, 0, 1, None]
    assert columns == ["koodi 3", "koodi 0", "koodi 1", "koodi 2"]
    assert table.tolist() == [
        [9, 3, 2, 1],
        [2, 12, 1, 2],
        [2, 2, 1, 7],
        [1, 9, 2, 5],
        [1, 1, 9, 0],
        [4, 9, 2, 3],
    ]
    assert table.dtype == np.int64


def test_empty_and_undefined_measures() -> None:
    assert cohen_kappa([], []) is None
    assert adjusted_rand_index([], []) == 1.0 and normalized_mutual_info([], []) == 1.0
    rows, columns, table = contingency([], [])
    assert rows == [] and columns == [] and table.shape == (0, 0)
    with pytest.raises(ValueError, match="differ in length"):
        contingency([1], [])
    with pytest.raises(ValueError, match="differ in length"):
        cohen_kappa([1], [])
    # Mixed label types (theme keys and the "unassigned" label) are fine.
    assert cohen_kappa([1, "unassigned", 1], [1, "unassigned", 2]) == pytest.approx(
        cohen_kappa_score(["1", "u", "1"], ["1", "u", "2"])
    )
