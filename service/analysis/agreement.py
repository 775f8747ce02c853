"""Agreement between the model's themes and human codes on the same notes.

Pure functions on aligned label sequences (one label per note from each side):
Cohen's kappa after the best one-to-one mapping of themes to codes (Hungarian algorithm on
the contingency table), Krippendorff's alpha (nominal), adjusted Rand index and normalised
mutual information, and the codes the model splits or merges.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

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


def contingency(
    first: Sequence[Hashable], second: Sequence[Hashable]
) -> tuple[list[Hashable], list[Hashable], np.ndarray]:
    """Labels of each side (in order of first appearance) and counts (r, c) of pairs."""
    if len(first) != len(second):
        raise ValueError(f"label sequences differ in length: {len(first)} != {len(second)}")
    rows = list(dict.fromkeys(first))
    columns = list(dict.fromkeys(second))
    row_of = {label: i for i, label in enumerate(rows)}
    column_of = {label: j for j, label in enumerate(columns)}
    table = np.zeros((len(rows), len(columns)), dtype=np.int64)
    for a, b in zip(first, second, strict=True):
        table[row_of[a], column_of[b]] += 1
    return rows, columns, table


def best_mapping(table: np.ndarray) -> dict[int, int]:
    """One-to-one row -> column mapping that maximises the matched notes (Hungarian)."""
    if table.size == 0:
        return {}
    rows, columns = linear_sum_assignment(np.asarray(table), maximize=True)
    return {int(r): int(c) for r, c in zip(rows, columns, strict=True) if table[r, c] > 0}


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two labelings over the same label set; None when undefined (both
    sides use one and the same single label, so chance agreement is 1)."""
    if len(first) != len(second):
        raise ValueError(f"label sequences differ in length: {len(first)} != {len(second)}")
    labels = sorted(set(first) | set(second), key=str)
    first_counts = {label: 0 for label in labels}
    second_counts = dict(first_counts)
    for a, b in zip(first, second, strict=True):
        first_counts[a] += 1
        second_counts[b] += 1
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    expected = sum(first_counts[k] * second_counts[k] for k in labels) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


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


def _pairs(x: np.ndarray) -> float:
    return float((x * (x - 1) / 2.0).sum())


def adjusted_rand_index(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) of two partitions of the same notes."""
    _, _, table = contingency(first, second)
    n = int(table.sum())
    if n == 0:
        return 1.0
    index = _pairs(table)
    rows, columns = _pairs(table.sum(axis=1)), _pairs(table.sum(axis=0))
    expected = rows * columns / (n * (n - 1) / 2.0) if n > 1 else 0.0
    maximum = (rows + columns) / 2.0
    if maximum == expected:  # both partitions trivial (one cluster, or all singletons)
        return 1.0
    return float((index - expected) / (maximum - expected))


def normalized_mutual_info(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Mutual information over the arithmetic mean of the two entropies (natural log)."""
    _, _, table = contingency(first, second)
    n = table.sum()
    if n == 0 or (table.shape[0] == 1 and table.shape[1] == 1):
        return 1.0
    p = table / n
    pa, pb = p.sum(axis=1), p.sum(axis=0)
    nonzero = p > 0
    mi = float((p[nonzero] * np.log(p[nonzero] / np.outer(pa, pb)[nonzero])).sum())
    entropy_a = float(-(pa[pa > 0] * np.log(pa[pa > 0])).sum())
    entropy_b = float(-(pb[pb > 0] * np.log(pb[pb > 0])).sum())
    mean = (entropy_a + entropy_b) / 2.0
    return 0.0 if mean == 0 else max(0.0, mi / mean)


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
    mapped = [UNASSIGNED if k is None else mapping.get(k, f"theme {k} (no code)") for k in model]
    _, all_codes, full = contingency(model_labels, list(human))
    full_themes = list(dict.fromkeys(model_labels))
    theme_rows = [i for i, t in enumerate(full_themes) if t != UNASSIGNED]
    splits, merges = splits_and_merges(
        [full_themes[i] for i in theme_rows], all_codes, full[theme_rows, :]
    )

    def name(key: Hashable) -> str:
        return theme_names.get(key, f"theme {key}") if isinstance(key, int) else str(key)

    for split in splits:
        for entry in split["themes"]:
            entry["theme_id"] = entry.pop("theme")
            entry["theme_name"] = name(entry["theme_id"])
    for merge in merges:
        merge["theme_id"] = merge.pop("theme")
        merge["theme_name"] = name(merge["theme_id"])

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
    if len(human) < MIN_NOTES:
        warnings.insert(
            0,
            {
                "code": "small_sample",
                "notes": len(human),
                "message": f"Only {len(human)} notes carry both a theme run "
                "and a human code; agreement figures are uncertain.",
            },
        )
    return {
        **_measures(model_labels, mapped, list(human)),
        "unassigned": int(sum(k is None for k in model)),
        "codes": sorted(set(human)),
        "mapping": [
            {
                "theme_id": key,
                "theme_name": name(key),
                "code": code,
                "notes": int(table[themes.index(key), codes.index(code)]),
            }
            for key, code in sorted(mapping.items(), key=lambda kv: str(kv[0]))
        ],
        "unmapped_themes": [
            {"theme_id": key, "theme_name": name(key)} for key in themes if key not in mapping
        ],
        "by_region": by_region,
        "splits": splits,
        "merges": merges,
        "warnings": warnings,
        "note": "Kappa and alpha compare codes with the themes mapped one-to-one onto them; "
        "unassigned notes and themes without a code count as disagreement. ARI and "
        "NMI compare the two partitions directly, unassigned as one cluster.",
    }
