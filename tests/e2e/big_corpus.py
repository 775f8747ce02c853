"""A 5,000-note project for the map's speed check, from the labelled Finnish data in
../shared/data: the titles of Helsinki OmaStadi proposals (one CSV upload per area, so
regions differ) topped up with sentences of written parliamentary questions.

Titles rather than whole proposals: the check is about drawing 5,000 notes, and short
notes keep the ingest (embedding on two CPU cores) to a few minutes."""

from __future__ import annotations

import json
from collections import defaultdict

import httpx

from evaluation.bench.common import csv_upload
from tests.shared import shared_file

TARGET_NOTES = 5000


def _rows(name: str) -> list[dict[str, str]]:
    with shared_file(f"data/{name}").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def upload_5000_notes(api: httpx.Client, project: str) -> int:
    """Create ``project`` with at least 5,000 notes through ``api`` (signed in as an
    administrator); returns the number of notes."""
    by_area: dict[str, list[str]] = defaultdict(list)
    for row in _rows("omastadi_proposals.jsonl"):
        by_area[row.get("region") or "Helsinki"].append(row.get("title") or row["text"])
    questions = [row["text"] for row in _rows("eduskunta_vkk_ministry_sentences.jsonl")]
    api.post("/projects", json={"name": project}).raise_for_status()
    total = 0
    uploads = [(area, texts) for area, texts in sorted(by_area.items())]
    uploads.append(("Eduskunta", questions))
    for region, texts in uploads:
        texts = texts[: max(0, TARGET_NOTES - total)]
        if not texts:
            break
        name = f"{region.lower().replace(' ', '-')}.csv"
        answer = api.post(
            f"/projects/{project}/documents?wait=true",
            data={"region": region, "kind": "other", "text_column": "teksti"},
            files=[("files", (name, csv_upload(texts), "text/csv"))],
        )
        answer.raise_for_status()
        total = api.get(f"/projects/{project}/notes?limit=1").json()["total"]
    return int(total)
