"""Agreement between the model's themes and human codes on the same notes.

Pure functions on aligned label sequences (one label per note from each side): Cohen's
kappa after the best one-to-one mapping of themes to codes (Hungarian algorithm on the
contingency table), Krippendorff's alpha (nominal), adjusted Rand index and normalised
mutual information, and the codes the model splits or merges. Kappa, ARI, NMI and the
contingency table are scikit-learn's; alpha, which it lacks, is computed here.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, cohen_kappa_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

__all__ = [
    "SPLIT_MERGE_SHARE",
    "adjusted_rand_index",
    "agreement_report",
    "best_mapping",
    "cohen_kappa",
    "contingency",
    "krippendorff_alpha_nominal",
    "normalized_mutual_info",
    "splits_and_merges",
]

SPLIT_MERGE_SHARE = 0.2  # a theme "holds" a code when it has >= 20% of the code's notes
MIN_NOTES = 30
UNASSIGNED = "unassigned"


def _codes(labels: Sequence[Hashable]) -> tuple[list[Hashable], list[int]]:
    """The distinct labels in order of first appearance, and each label's index among them.

    scikit-learn sorts labels, which fails on a mix of theme keys and strings; integer
    codes in order of first appearance keep that order and any label type."""
    distinct = list(dict.fromkeys(labels))
    index = {label: i for i, label in enumerate(distinct)}
    return distinct, [index[label] for label in labels]


def _same_length(first: Sequence[Hashable], second: Sequence[Hashable]) -> None:
    if len(first) != len(second):
        raise ValueError(f"label sequences differ in length: {len(first)} != {len(second)}")


def contingency(
    first: Sequence[Hashable], second: Sequence[Hashable]
) -> tuple[list[Hashable], list[Hashable], np.ndarray]:
    """Labels of each side (in order of first appearance) and counts (r, c) of pairs."""
    _same_length(first, second)
    rows, row_codes = _codes(first)
    columns, column_codes = _codes(second)
    if not rows:
        return rows, columns, np.zeros((0, 0), dtype=np.int64)
    table = contingency_matrix(row_codes, column_codes).astype(np.int64)
    return rows, columns, table


def best_mapping(table: np.ndarray) -> dict[int, int]:
    """One-to-one row -> column mapping that maximises the matched notes (Hungarian)."""
    if table.size == 0:
        return {}
    rows, columns = linear_sum_assignment(np.asarray(table), maximize=True)
    return {int(r): int(c) for r, c in zip(rows, columns, strict=True) if table[r, c] > 0}


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two labelings over the same label set; None when undefined (no
    notes, or both sides use one and the same single label, so chance agreement is 1)."""
    _same_length(first, second)
    labels, codes = _codes([*first, *second])
    if len(labels) < 2:
        return None
    return float(cohen_kappa_score(codes[: len(first)], codes[len(first) :]))


def krippendorff_alpha_nominal(
    first: Sequence[Hashable], second: Sequence[Hashable]
) -> float | None:
    """Krippendorff's alpha for two coders, nominal data, no missing values.

    Each unit coded (a, b) adds 1 to coincidences o[a, b] and o[b, a]; with n = 2N pairable
    values and n_c the coincidence marginals:
        alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k
    None when every value is the same label (no expected disagreement).
    """
    labels = sorted(set(first) | set(second), key=str)
    index = {label: i for i, label in enumerate(labels)}
    o = np.zeros((len(labels), len(labels)))
    for a, b in zip(first, second, strict=True):
        o[index[a], index[b]] += 1
        o[index[b], index[a]] += 1
    n_c = o.sum(axis=1)
    n = n_c.sum()
    observed = o.sum() - np.trace(o)
    expected = n_c.sum() ** 2 - (n_c**2).sum()
    if n < 2 or expected == 0:
        return None
    return float(1.0 - (n - 1) * observed / expected)


def adjusted_rand_index(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) of two partitions of the same notes;
    1.0 for no notes."""
    _same_length(first, second)
    if not first:
        return 1.0
    return float(adjusted_rand_score(_codes(first)[1], _codes(second)[1]))


def normalized_mutual_info(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Mutual information over the arithmetic mean of the two entropies (natural log);
    1.0 for no notes."""
    _same_length(first, second)
    if not first:
        return 1.0
    return float(normalized_mutual_info_score(_codes(first)[1], _codes(second)[1]))


def splits_and_merges(
    themes: Sequence[Hashable],
    codes: Sequence[Hashable],
    table: np.ndarray,
    share: float = SPLIT_MERGE_SHARE,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Codes the model splits and themes that merge codes.

    ``table`` (themes x codes) counts notes. A theme holds a code when it has at least
    ``share`` of the code's notes (all of them, wherever the model put them). A code held
    by two or more themes is split; a theme holding two or more codes merges them.
    """
    code_totals = table.sum(axis=0)
    holds = (table >= share * code_totals[None, :]) & (table > 0)
    splits = []
    for j, code in enumerate(codes):
        holders = [int(i) for i in np.flatnonzero(holds[:, j])]
        if len(holders) >= 2:
            splits.append(
                {
                    "code": code,
                    "notes": int(code_totals[j]),
                    "themes": [
                        {
                            "theme": themes[i],
                            "count": int(table[i, j]),
                            "share": float(table[i, j] / code_totals[j]),
                        }
                        for i in sorted(holders, key=lambda i: -table[i, j])
                    ],
                }
            )
    merges = []
    for i, theme in enumerate(themes):
        held = [int(j) for j in np.flatnonzero(holds[i, :])]
        if len(held) >= 2:
            merges.append(
                {
                    "theme": theme,
                    "notes": int(table[i].sum()),
                    "codes": [
                        {
                            "code": codes[j],
                            "count": int(table[i, j]),
                            "share_of_code": float(table[i, j] / code_totals[j]),
                        }
                        for j in sorted(held, key=lambda j: -table[i, j])
                    ],
                }
            )
    return splits, merges


def _measures(
    model: Sequence[Hashable], mapped: Sequence[Hashable], human: Sequence[Hashable]
) -> dict[str, Any]:
    n = len(human)
    return {
        "notes": n,
        "matched": int(sum(a == b for a, b in zip(mapped, human, strict=True))),
        "cohen_kappa": cohen_kappa(mapped, human) if n else None,
        "krippendorff_alpha": krippendorff_alpha_nominal(mapped, human) if n else None,
        "ari": adjusted_rand_index(model, human) if n else None,
        "nmi": normalized_mutual_info(model, human) if n else None,
    }


def _theme_name(theme_names: Mapping[int, str], key: Hashable) -> str:
    """The display name of a theme key; a label that is no theme key (unassigned) as is."""
    return theme_names.get(key, f"theme {key}") if isinstance(key, int) else str(key)


def _named_splits_and_merges(
    model_labels: list[Hashable], human: Sequence[str], theme_names: Mapping[int, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(splits, merges) of the assigned themes over all codes, each theme entry carrying
    theme_id and theme_name."""
    _, all_codes, full = contingency(model_labels, list(human))
    full_themes = list(dict.fromkeys(model_labels))
    theme_rows = [i for i, t in enumerate(full_themes) if t != UNASSIGNED]
    splits, merges = splits_and_merges(
        [full_themes[i] for i in theme_rows], all_codes, full[theme_rows, :]
    )
    for split in splits:
        for entry in split["themes"]:
            entry["theme_id"] = entry.pop("theme")
            entry["theme_name"] = _theme_name(theme_names, entry["theme_id"])
    for merge in merges:
        merge["theme_id"] = merge.pop("theme")
        merge["theme_name"] = _theme_name(theme_names, merge["theme_id"])
    return splits, merges


def _by_region(
    regions: Sequence[str],
    model_labels: list[Hashable],
    mapped: list[Hashable],
    human: Sequence[str],
) -> list[dict[str, Any]]:
    """One row of _measures per region, regions in sorted order."""
    by_region = []
    for region in sorted(set(regions)):
        rows = [i for i, r in enumerate(regions) if r == region]
        by_region.append(
            {
                "region": region,
                **_measures(
                    [model_labels[i] for i in rows],
                    [mapped[i] for i in rows],
                    [human[i] for i in rows],
                ),
            }
        )
    return by_region


def _sample_warnings(notes: int, by_region: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Warnings for a whole sample, then for regions, with fewer than MIN_NOTES notes."""
    warnings = [
        {
            "code": "small_region",
            "region": r["region"],
            "notes": r["notes"],
            "message": f"Only {r['notes']} coded notes in {r['region']!r} (fewer than "
            f"{MIN_NOTES}): its agreement figures are very uncertain.",
        }
        for r in by_region
        if r["notes"] < MIN_NOTES
    ]
    if notes < MIN_NOTES:
        warnings.insert(
            0,
            {
                "code": "small_sample",
                "notes": notes,
                "message": f"Only {notes} notes carry both a theme run "
                "and a human code; agreement figures are uncertain.",
            },
        )
    return warnings


def agreement_report(
    model: Sequence[int | None],
    human: Sequence[str],
    regions: Sequence[str],
    theme_names: Mapping[int, str],
) -> dict[str, Any]:
    """Agreement of the model's theme keys (None = unassigned) with human codes, overall and
    per region. The three sequences are aligned: one entry per note coded by the human.

    Themes are mapped one-to-one onto codes by the Hungarian algorithm on the contingency
    table; kappa and alpha compare the mapped labels, a theme left without a code (and
    unassigned) counting as disagreement. ARI and NMI need no mapping; there unassigned is
    one cluster of its own.
    """
    model_labels: list[Hashable] = [UNASSIGNED if k is None else k for k in model]
    assigned = [i for i, k in enumerate(model) if k is not None]
    themes, codes, table = contingency([model[i] for i in assigned], [human[i] for i in assigned])
    mapping = {themes[r]: codes[c] for r, c in best_mapping(table).items()}
    mapped: list[Hashable] = [
        UNASSIGNED if k is None else mapping.get(k, f"theme {k} (no code)") for k in model
    ]
    splits, merges = _named_splits_and_merges(model_labels, human, theme_names)
    by_region = _by_region(regions, model_labels, mapped, human)
    return {
        **_measures(model_labels, mapped, list(human)),
        "unassigned": int(sum(k is None for k in model)),
        "codes": sorted(set(human)),
        "mapping": [
            {
                "theme_id": key,
                "theme_name": _theme_name(theme_names, key),
                "code": code,
                "notes": int(table[themes.index(key), codes.index(code)]),
            }
            for key, code in sorted(mapping.items(), key=lambda kv: str(kv[0]))
        ],
        "unmapped_themes": [
            {"theme_id": key, "theme_name": _theme_name(theme_names, key)}
            for key in themes
            if key not in mapping
        ],
        "by_region": by_region,
        "splits": splits,
        "merges": merges,
        "warnings": _sample_warnings(len(human), by_region),
        "note": "Kappa and alpha compare codes with the themes mapped one-to-one onto them; "
        "unassigned notes and themes without a code count as disagreement. ARI and "
        "NMI compare the two partitions directly, unassigned as one cluster.",
    }
