"""Matching a new run's themes to the previous run's, and what changed between them.

Identity: an optimal one-to-one matching (Hungarian) of theme centroids by cosine
similarity; a pair below ``min_similarity`` is no match, so a theme that moved far gets
a new id. Splits and merges come from the notes both runs share: a previous theme whose
notes now fill two or more new themes (each with at least ``share`` of them) was split;
a new theme filled from two or more previous themes is a merge.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

# A theme's notes going to (or coming from) a theme count as a part of a split or a
# merge when they are at least this share of the theme.
PART_SHARE = 0.25


def match_centroids(previous: np.ndarray, new: np.ndarray, min_similarity: float) -> dict[int, int]:
    """Map new theme index -> previous theme index. ``previous`` (p, d), ``new`` (k, d),
    unit rows."""
    if len(previous) == 0 or len(new) == 0:
        return {}
    from scipy.optimize import linear_sum_assignment

    similarity = new @ previous.T
    rows, cols = linear_sum_assignment(-similarity)
    return {
        int(r): int(c)
        for r, c in zip(rows, cols, strict=True)
        if similarity[r, c] >= min_similarity
    }


def change_report(
    previous_keys: Sequence[int],
    new_keys: Sequence[int],
    previous_of_note: Mapping[int, int | None],
    new_of_note: Mapping[int, int | None],
    share: float = PART_SHARE,
) -> dict[str, Any]:
    """What changed: persisted, new, vanished, split and merged theme ids.

    ``previous_of_note`` / ``new_of_note`` map note id -> theme key (None = unassigned).
    """
    overlap: Counter[tuple[int, int]] = Counter()
    previous_size: Counter[int] = Counter()
    new_size: Counter[int] = Counter()
    for note, before in previous_of_note.items():
        after = new_of_note.get(note)
        if before is None or after is None:
            continue
        overlap[(before, after)] += 1
        previous_size[before] += 1
        new_size[after] += 1
    split_into: dict[int, list[int]] = defaultdict(list)
    merged_from: dict[int, list[int]] = defaultdict(list)
    for (before, after), count in sorted(overlap.items()):
        if count >= share * previous_size[before]:
            split_into[before].append(after)
        if count >= share * new_size[after]:
            merged_from[after].append(before)
    kept = set(previous_keys) & set(new_keys)
    splits: list[dict[str, Any]] = [
        {"from": before, "into": sorted(afters)}
        for before, afters in sorted(split_into.items())
        if len(afters) > 1
    ]
    merges: list[dict[str, Any]] = [
        {"from": sorted(befores), "into": after}
        for after, befores in sorted(merged_from.items())
        if len(befores) > 1
    ]
    in_split = {k for s in splits for k in s["into"]}
    in_merge = {k for m in merges for k in m["from"]}
    return {
        "persisted": sorted(kept),
        "new": sorted(set(new_keys) - kept - in_split),
        "vanished": sorted(set(previous_keys) - kept - in_merge),
        "split": splits,
        "merged": merges,
    }
