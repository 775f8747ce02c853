"""How well the privacy stage finds Finnish personal data, on a set written for it.

``tests/privacy/pii_fi.jsonl`` holds sentences with their personal data annotated
(names in several cases, phones in the common Finnish formats, e-mail, hetu, IBAN,
street addresses) and sentences with none (organisations, places, dates, amounts,
project codes and business ids that look like numbers). Measured:

* recall per kind: the share of annotated values whose every letter and digit is
  covered by a detection of the same kind (a name found only in half is a miss);
* redacted: the same, with a detection of any kind (what redaction hides);
* clean-sentence false positives: the share of sentences without personal data in
  which anything was detected (each would lose a word to a placeholder);
* extra detections in the sentences with personal data, outside every annotation.

    python -m evaluation.privacy [--output evaluation/results/privacy.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from service.config import REPO_ROOT
from service.pipeline.privacy.detect import DETECT_MIN, REVIEW_BELOW, Detection

DATASET = REPO_ROOT / "tests" / "privacy" / "pii_fi.jsonl"
OUTPUT = REPO_ROOT / "evaluation" / "results" / "privacy.json"
# The bars of issue 14.
BARS = {
    "EMAIL_ADDRESS": 0.95,
    "PHONE_NUMBER": 0.95,
    "FI_PERSONAL_IDENTITY_CODE": 0.95,
    "PERSON": 0.85,
}
MAX_CLEAN_FALSE_POSITIVE_RATE = 0.05


def read_set(path: Path = DATASET) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _covered(text: str, start: int, end: int, detections: Sequence[Detection]) -> bool:
    """Whether every letter and digit of text[start:end] lies inside some detection."""
    return all(
        any(d.start <= i < d.end for d in detections)
        for i in range(start, end)
        if text[i].isalnum()
    )


def score(rows: Sequence[dict[str, Any]], found: Sequence[Sequence[Detection]]) -> dict[str, Any]:
    """The figures above, from rows of the set and the detections of each row's text."""
    total: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    misses: list[dict[str, str]] = []
    false_positives: list[dict[str, str]] = []
    extra = 0
    clean_with_detection = 0
    for row, detections in zip(rows, found, strict=True):
        text = row["text"]
        for span in row["spans"]:
            kind, start, end = span["entity"], span["start"], span["end"]
            total[kind] += 1
            same_kind = [d for d in detections if d.entity == kind]
            hit[kind] += _covered(text, start, end, same_kind)
            hidden[kind] += _covered(text, start, end, detections)
            if not _covered(text, start, end, same_kind):
                misses.append({"id": row["id"], "entity": kind, "value": text[start:end]})
        outside = [
            d
            for d in detections
            if not any(d.start < s["end"] and s["start"] < d.end for s in row["spans"])
        ]
        extra += len(outside) if not row["clean"] else 0
        clean_with_detection += bool(row["clean"] and detections)
        false_positives.extend(
            {"id": row["id"], "entity": d.entity, "value": text[d.start : d.end], "score": d.score}
            for d in outside
        )  # type: ignore[misc]
    clean = sum(1 for row in rows if row["clean"])
    kinds = sorted(total)
    return {
        "sentences": {"with_personal_data": len(rows) - clean, "without": clean},
        "recall": {k: round(hit[k] / total[k], 4) for k in kinds},
        "redacted": {k: round(hidden[k] / total[k], 4) for k in kinds},
        "values": dict(sorted(total.items())),
        "clean_false_positive_rate": round(clean_with_detection / max(clean, 1), 4),
        "clean_sentences_with_detection": clean_with_detection,
        "extra_detections_in_personal_sentences": extra,
        "misses": misses,
        "false_positives": false_positives,
        "thresholds": {"detect_min": DETECT_MIN, "review_below": REVIEW_BELOW},
    }


def meets_bars(result: dict[str, Any]) -> list[str]:
    """What falls short of the issue's bars (empty when all are met)."""
    short = [
        f"{kind} recall {result['recall'].get(kind, 0.0):.3f} < {bar}"
        for kind, bar in BARS.items()
        if result["recall"].get(kind, 0.0) < bar
    ]
    if result["clean_false_positive_rate"] > MAX_CLEAN_FALSE_POSITIVE_RATE:
        short.append(f"clean false positives {result['clean_false_positive_rate']:.3f} > 0.05")
    return short


def evaluate(path: Path = DATASET) -> dict[str, Any]:
    from service.pipeline.privacy.detect import PersonalDataDetector

    rows = read_set(path)
    found = PersonalDataDetector().detect([row["text"] for row in rows])
    return {"dataset": str(path.relative_to(REPO_ROOT)), **score(rows, found)}


def format_table(result: dict[str, Any]) -> str:
    lines = ["| kind | values | recall | redacted (any kind) | bar |", "|---|---|---|---|---|"]
    for kind, recall in result["recall"].items():
        bar = f">= {BARS[kind]}" if kind in BARS else ""
        lines.append(
            f"| {kind} | {result['values'][kind]} | {recall:.3f} | "
            f"{result['redacted'][kind]:.3f} | {bar} |"
        )
    lines.append(
        f"| clean sentences with a detection | {result['sentences']['without']} | "
        f"{result['clean_false_positive_rate']:.3f} | | <= 0.05 |"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    result = evaluate()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(format_table(result))
    short = meets_bars(result)
    for line in short:
        print(f"below the bar: {line}", file=sys.stderr)
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main())
