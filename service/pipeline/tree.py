"""A theme tree, coarse to fine, for browsing large projects.

Built from the theme centroids with average-linkage clustering on cosine distance, so
it follows whatever themes the run and human edits left. Inner nodes are named by the
keywords their themes share most.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from service.pipeline.partitions import centroid_merges


def theme_tree(
    keys: Sequence[int],
    centroids: np.ndarray,
    sizes: Sequence[int],
    keywords: Sequence[Sequence[str]],
) -> dict[str, Any]:
    """Nested dict: ``{"name", "size", "children": [...]}``; leaves carry ``"theme": key``.

    ``centroids`` has shape (k, d) with unit rows; ``keywords`` holds each theme's lemmas.
    """
    leaves = [
        {
            "name": ", ".join(list(words)[:3]),
            "theme": int(key),
            "size": int(size),
            "words": list(words)[:10],
        }
        for key, size, words in zip(keys, sizes, keywords, strict=True)
    ]
    if not leaves:
        return {}
    if len(leaves) == 1:
        return _finish({"name": leaves[0]["name"], "size": leaves[0]["size"], "children": leaves})
    merges = centroid_merges(centroids)
    nodes: list[dict[str, Any]] = list(leaves)
    for left, right, distance, _count in merges:
        a, b = nodes[int(left)], nodes[int(right)]
        words: Counter[str] = Counter()
        for child in (a, b):
            for rank, word in enumerate(child["words"]):
                words[word] += child["size"] / (rank + 1)
        nodes.append(
            {
                "name": ", ".join(w for w, _ in words.most_common(2)),
                "size": a["size"] + b["size"],
                "distance": round(float(distance), 4),
                "words": [w for w, _ in words.most_common(10)],
                "children": sorted([a, b], key=lambda n: -n["size"]),
            }
        )
    return _finish(nodes[-1])


def _finish(node: dict[str, Any]) -> dict[str, Any]:
    """Drop the helper word lists from the stored tree."""
    node = {k: v for k, v in node.items() if k != "words"}
    if "children" in node:
        node["children"] = [_finish(child) for child in node["children"]]
    return node


def with_names(node: dict[str, Any], names: dict[int, str]) -> dict[str, Any]:
    """A copy of a stored tree whose leaves carry their theme's current name
    (``theme_name``): people rename themes after the tree was built."""
    named = dict(node)
    if "theme" in named:
        named["theme_name"] = names.get(int(named["theme"]), named.get("name", ""))
    if "children" in named:
        named["children"] = [with_names(child, names) for child in named["children"]]
    return named
