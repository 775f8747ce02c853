"""The peer path, as a user of the peers would write it: sentence-transformers float32
encode + ``BERTopic().fit_transform`` on one CSV of notes (column ``teksti``).

Run as its own process by :mod:`evaluation.bench.upload`, so that its imports, model
load and peak memory are its own; prints one JSON line of stage seconds.

    python -m evaluation.bench.peer NOTES.csv
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path


def main(csv_path: Path) -> dict[str, float | int]:
    """Seconds per stage (imports, model load, encode, fit) and the topics found."""
    started = time.perf_counter()
    import numpy as np
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    from service.pipeline.embed import default_model_path

    imported = time.perf_counter()
    with csv_path.open(encoding="utf-8", newline="") as handle:
        notes = [row["teksti"] for row in csv.DictReader(handle)]
    model = SentenceTransformer(str(default_model_path()), device="cpu", local_files_only=True)
    loaded = time.perf_counter()
    # e5 expects "query: " for symmetric tasks; the same prefix our path embeds with.
    vectors = model.encode(notes, prompt="query: ", normalize_embeddings=True)
    encoded = time.perf_counter()
    topics, _ = BERTopic().fit_transform(notes, embeddings=vectors)
    fitted = time.perf_counter()
    found = np.asarray(topics)
    return {
        "notes": len(notes),
        "imports_seconds": round(imported - started, 2),
        "model_load_seconds": round(loaded - imported, 2),
        "encode_seconds": round(encoded - loaded, 2),
        "fit_seconds": round(fitted - encoded, 2),
        "topics": int(len(set(found.tolist()) - {-1})),
        "unassigned_share": round(float(np.mean(found == -1)), 4),
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m evaluation.bench.peer NOTES.csv")
    print(json.dumps(main(Path(sys.argv[1]))))
