"""The int8 ONNX embedder against the float32 model it is built from (real models, no mocks).

The int8 folder is built (or reused) by ``models.build_onnx.build_onnx_int8``; the first
build takes about 1.5 minutes, every later run reuses it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from models.build_model import DEFAULT_OUT_DIR, build
from models.build_onnx import build_onnx_int8
from service.pipeline.embed import EmbeddingModelNotFoundError, SentenceTransformerEmbedder
from service.pipeline.embed_onnx import (
    ONNX_MARKER,
    OnnxInt8Embedder,
    make_embedder,
    onnx_dir_for,
    onnx_unsupported_reason,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
PROMPT = "query: "


@pytest.fixture(scope="module")
def model_path() -> Path:
    return build(DEFAULT_OUT_DIR)


@pytest.fixture(scope="module")
def onnx_path(model_path: Path) -> Path:
    return build_onnx_int8(model_path)


@pytest.fixture(scope="module")
def int8(model_path: Path, onnx_path: Path) -> OnnxInt8Embedder:
    return OnnxInt8Embedder(model_path, prompt=PROMPT, onnx_dir=onnx_path)


@pytest.fixture(scope="module")
def fp32(model_path: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(str(model_path), prompt=PROMPT, batch_size=8)


@pytest.fixture(scope="module")
def notes() -> list[str]:
    """30 real Finnish lines, 6 from each sample corpus, plus one note over 512 tokens."""
    lines: list[str] = []
    for path in sorted((REPO_ROOT / "corpora").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        found = [line.strip() for line in text.split("\n") if len(line.split()) >= 6]
        lines.extend(found[:6])
    assert len(lines) == 30
    long_note = " ".join(lines * 3)  # far past the 512-token limit: exercises truncation
    return [*lines, long_note]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a.astype(np.float64) * b, axis=1)


def test_every_note_stays_close_to_float32(
    int8: OnnxInt8Embedder, fp32: SentenceTransformerEmbedder, notes: list[str]
) -> None:
    vectors = int8.embed(notes)
    assert vectors.shape == (len(notes), 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = _cosines(vectors, fp32.embed(notes))
    assert cosines.min() >= 0.99, cosines
    assert cosines.mean() >= 0.997, cosines.mean()


def test_tokens_match_sentence_transformers_including_truncation(
    int8: OnnxInt8Embedder, fp32: SentenceTransformerEmbedder, notes: list[str]
) -> None:
    tokenizer = fp32._model().tokenizer
    expected = [
        len(ids)
        for ids in tokenizer([PROMPT + n for n in notes], truncation=True, max_length=512)[
            "input_ids"
        ]
    ]
    counts = int8.token_counts(notes)
    assert counts.tolist() == expected
    assert counts[-1] == 512  # the long note is cut, not rejected


def test_order_is_kept_with_mixed_lengths(int8: OnnxInt8Embedder, notes: list[str]) -> None:
    # Interleave short and long notes so that sorting by length really reorders them.
    mixed = notes[::-1][::2] + ["Kyllä.", "Kuopio"] + notes[::-1][1::2]
    one_by_one = np.vstack([int8.embed([note]) for note in mixed])
    reported: list[tuple[int, int]] = []
    together = int8.embed(mixed, progress=lambda done, total: reported.append((done, total)))
    # Batches quantize activations with a scale of their own, so batched vectors differ
    # from single ones slightly; but each must sit at its own note's place.
    similarity = together @ one_by_one.T
    assert (similarity.argmax(axis=1) == np.arange(len(mixed))).all()
    assert np.diag(similarity).min() >= 0.995
    assert reported[-1] == (len(mixed), len(mixed))
    assert [done for done, _ in reported] == sorted(done for done, _ in reported)


def test_empty_input(int8: OnnxInt8Embedder) -> None:
    vectors = int8.embed([])
    assert vectors.shape == (0, 384) and vectors.dtype == np.float32
    assert int8.token_counts([]).shape == (0,)


def test_model_id_differs_from_float32_and_is_stable(
    int8: OnnxInt8Embedder, fp32: SentenceTransformerEmbedder, model_path: Path
) -> None:
    assert int8.model_id != fp32.model_id
    assert int8.model_id.startswith("multilingual-e5-small+onnx-int8@")
    assert int8.model_id.endswith("prompt='query: '")
    assert OnnxInt8Embedder(model_path, prompt=PROMPT).model_id == int8.model_id
    assert OnnxInt8Embedder(model_path, prompt=None).model_id != int8.model_id
    assert int8.dimension == fp32.dimension == 384


def test_build_again_reuses_the_complete_folder(
    model_path: Path, onnx_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert onnx_path == onnx_dir_for(model_path)
    before = (onnx_path / "model.int8.onnx").stat().st_mtime_ns
    assert build_onnx_int8(model_path) == onnx_path
    assert "already built" in capsys.readouterr().out
    assert (onnx_path / "model.int8.onnx").stat().st_mtime_ns == before


def test_missing_or_stale_build_says_how_to_build(model_path: Path, tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelNotFoundError, match="build_onnx.py"):
        OnnxInt8Embedder(model_path, onnx_dir=tmp_path).embed(["Hei"])
    (tmp_path / ONNX_MARKER).write_text(json.dumps({"source_sha256": "0" * 64}), "utf-8")
    with pytest.raises(EmbeddingModelNotFoundError, match="different multilingual-e5-small"):
        _ = OnnxInt8Embedder(model_path, onnx_dir=tmp_path).model_id
    with pytest.raises(EmbeddingModelNotFoundError, match="TEEMA_EMBEDDING_MODEL"):
        _ = OnnxInt8Embedder(tmp_path / "no-such-model").dimension


def test_factory_picks_the_backend(model_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    onnx = make_embedder(str(model_path), "onnx-int8", PROMPT, 16)
    assert isinstance(onnx, OnnxInt8Embedder) and onnx.batch_size == 16
    plain = make_embedder(str(model_path), "sentence-transformers", PROMPT, 16)
    assert isinstance(plain, SentenceTransformerEmbedder)
    with caplog.at_level(logging.WARNING):
        hub = make_embedder("intfloat/multilingual-e5-small", "onnx-int8", PROMPT, 16)
    assert isinstance(hub, SentenceTransformerEmbedder)
    assert "hub name" in caplog.text
    with pytest.raises(ValueError, match="onnx-int8"):
        make_embedder(str(model_path), "openvino", PROMPT, 16)


def test_factory_falls_back_for_a_folder_it_cannot_run(
    model_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "cls-pooled"
    (folder / "1_Pooling").mkdir(parents=True)
    modules = json.loads((model_path / "modules.json").read_text(encoding="utf-8"))
    (folder / "modules.json").write_text(json.dumps(modules), "utf-8")
    pooling = {"word_embedding_dimension": 384, "pooling_mode_cls_token": True}
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling), "utf-8")
    assert onnx_unsupported_reason(model_path) is None
    assert "mean pooling" in (onnx_unsupported_reason(folder) or "")
    with caplog.at_level(logging.WARNING):
        embedder = make_embedder(str(folder), "onnx-int8", PROMPT, 32)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert "cannot run" in caplog.text
