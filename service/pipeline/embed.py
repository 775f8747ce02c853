"""Embed stage: note texts -> L2-normalised float32 vectors.

The stage depends on the small :class:`Embedder` protocol only, so another encoder (an
ONNX Runtime int8 one, a remote service) can stand in without touching the callers.
:class:`SentenceTransformerEmbedder` is the default: a sentence-transformers model,
normally the offline build of intfloat/multilingual-e5-small in
``models/build/multilingual-e5-small`` (see ``models/README.md``).

Importing this module is cheap: torch and sentence-transformers load on first use.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = [
    "compose_model_id",
    "EmbeddingModelNotFoundError",
    "Embedder",
    "SentenceTransformerEmbedder",
    "default_model_path",
]

_REPO_ROOT = Path(__file__).resolve().parents[2]
_BUILD_MARKER = ".teemakartta-build.json"  # written by models/build_model.py
_BUILD_HINT = "run `make setup` (or `python models/build_model.py`) to build the default model"
# model_id is a primary-key column of String(255) in the embedding cache.
_MAX_MODEL_ID = 255


def compose_model_id(label: str, fingerprint: str, prompt: str | None) -> str:
    """``<label>@<fingerprint> prompt=<prompt>``, shortened (prompt hashed) to fit the
    cache's 255-character key."""
    model_id = f"{label}@{fingerprint} prompt={prompt!r}"
    if len(model_id) > _MAX_MODEL_ID:
        prompt_hash = hashlib.sha256(repr(prompt).encode()).hexdigest()[:12]
        model_id = f"{label[:200]}@{fingerprint} prompt#{prompt_hash}"
    return model_id


def default_model_path() -> Path:
    """Folder of the default model, built offline by ``models/build_model.py``."""
    return _REPO_ROOT / "models" / "build" / "multilingual-e5-small"


class EmbeddingModelNotFoundError(FileNotFoundError):
    """The configured embedding model is neither a local folder nor in the local HF cache."""


class Embedder(Protocol):
    """Turns texts into vectors; the only thing the embed stage needs from a model.

    Not ``runtime_checkable`` on purpose: an isinstance check would read ``dimension``
    and so load the model.
    """

    @property
    def model_id(self) -> str:
        """Stable id of model + settings that change vectors; a cache key for them."""
        ...

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts``: shape (len(texts), dimension), float32, unit L2 rows."""
        ...


class SentenceTransformerEmbedder:
    """An :class:`Embedder` backed by a sentence-transformers model, loaded on first use.

    ``prompt`` is put before every text ("query: " is what e5 expects for symmetric tasks
    such as clustering notes); ``None`` means no prefix at all, even if the model folder
    names a default prompt.
    """

    def __init__(
        self,
        model_name_or_path: str,
        prompt: str | None = "query: ",
        batch_size: int = 32,
        device: str = "cpu",
    ) -> None:
        self.model_name_or_path = model_name_or_path
        self.prompt = prompt
        self.batch_size = batch_size
        self.device = device
        self._lock = threading.Lock()
        # One text at a time through the model: its fast tokenizer keeps padding and
        # truncation settings between calls, and a token count (no padding) in one thread
        # between another's settings and encoding broke that encoding. The encoder uses
        # every core anyway.
        self._encoding = threading.Lock()
        self.model_: SentenceTransformer | None = None
        self.model_dir_: Path | None = None
        self.model_id_: str | None = None

    @property
    def model_id(self) -> str:
        """``<name>@<12 hex of the model files> prompt=<prompt>``; a rebuilt model gets a new id."""
        if self.model_id_ is None:
            model_dir = self._resolve_model_dir()
            # A folder is named by its last component so that moving the checkout keeps the
            # cache valid; the fingerprint tells different folders of one name apart.
            local = Path(self.model_name_or_path).expanduser().is_dir()
            label = model_dir.name if local else self.model_name_or_path
            self.model_id_ = compose_model_id(label, _fingerprint(model_dir), self.prompt)
        return self.model_id_

    @property
    def dimension(self) -> int:
        """Embedding length reported by the loaded model (384 for multilingual-e5-small)."""
        model = self._model()
        # sentence-transformers 6 renamed the method; 5 only has the old name.
        get_dimension = getattr(model, "get_embedding_dimension", None)
        if get_dimension is None:
            get_dimension = model.get_sentence_embedding_dimension
        dimension = get_dimension()
        if dimension is None:
            raise ValueError(f"{self.model_name_or_path} does not report its dimension")
        return int(dimension)

    def embed(
        self,
        texts: Sequence[str],
        progress: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        """Vectors for ``texts`` in input order: shape (len(texts), dimension), float32.

        Texts are encoded in batches of similar token count, which wastes least work on
        padding; ``progress(done, total)`` is called after each batch.
        """
        model = self._model()
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._encoding:
            return self._encode(model, texts, progress)

    def _encode(
        self,
        model: SentenceTransformer,
        texts: Sequence[str],
        progress: Callable[[int, int], None] | None,
    ) -> np.ndarray:
        prompt = self.prompt or ""
        order = np.argsort(self._token_counts(model, [prompt + t for t in texts]), kind="stable")
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            encoded = model.encode(
                [texts[i] for i in batch],
                prompt=prompt,  # "" also overrides the folder's default prompt
                batch_size=len(batch),
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            vectors[batch] = np.asarray(encoded, dtype=np.float32)
            if progress is not None:
                progress(min(start + self.batch_size, len(texts)), len(texts))
        return vectors

    def _token_counts(self, model: SentenceTransformer, texts: list[str]) -> list[int]:
        """Tokens per text, capped at the model's length limit; characters if no tokenizer."""
        tokenizer: Any = getattr(model, "tokenizer", None)
        limit = model.max_seq_length or 1_000_000
        if tokenizer is None or not callable(tokenizer):
            return [min(len(t), limit) for t in texts]
        ids = tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]
        return [min(len(row), limit) for row in ids]

    def _resolve_model_dir(self) -> Path:
        """Local folder of the model: the path itself, or its snapshot in the HF cache."""
        if self.model_dir_ is not None:
            return self.model_dir_
        name = self.model_name_or_path
        path = Path(name).expanduser()
        if path.is_dir():
            self.model_dir_ = path.resolve()
            return self.model_dir_
        if path.resolve() == default_model_path():
            raise EmbeddingModelNotFoundError(f"embedding model not found at {path}: {_BUILD_HINT}")
        # A hub id is "name" or "owner/name"; anything else can only have meant a folder.
        if path.is_absolute() or name.startswith((".", "~")) or name.count("/") > 1:
            raise EmbeddingModelNotFoundError(
                f"embedding model not found at {path}: point TEEMA_EMBEDDING_MODEL to an "
                f"existing sentence-transformers folder, or unset it and {_BUILD_HINT}"
            )
        from huggingface_hub import snapshot_download

        try:
            snapshot = snapshot_download(name, local_files_only=True)
        except Exception as error:  # the hub client raises several unrelated types here
            raise EmbeddingModelNotFoundError(
                f"embedding model {name!r} is neither a local folder nor in the local Hugging "
                "Face cache, and this machine cannot download models: point "
                f"TEEMA_EMBEDDING_MODEL to a local folder, or unset it and {_BUILD_HINT}"
            ) from error
        self.model_dir_ = Path(snapshot)
        return self.model_dir_

    def _model(self) -> SentenceTransformer:
        """The loaded model; the first call loads it (a few seconds)."""
        with self._lock:  # jobs and requests may share one embedder
            if self.model_ is None:
                model_dir = self._resolve_model_dir()
                import logging

                import transformers
                from sentence_transformers import SentenceTransformer

                # Loading chatter (a weights progress bar, a note on the default prompt)
                # would garble the CLI's own progress bar and the service log.
                transformers.utils.logging.disable_progress_bar()
                logging.getLogger("sentence_transformers").setLevel(logging.ERROR)
                self.model_ = SentenceTransformer(
                    str(model_dir), device=self.device, local_files_only=True
                )
            return self.model_


def _fingerprint(model_dir: Path) -> str:
    """12 hex digits identifying the model files' content.

    A folder built by models/build_model.py carries a marker with the sha256 of its
    source weights, which identifies it without reading 470 MB; any other folder is
    hashed in full (config and weights), once per embedder.
    """
    marker = model_dir / _BUILD_MARKER
    digest = hashlib.sha256()
    if marker.is_file():
        digest.update(marker.read_bytes())
        return digest.hexdigest()[:12]
    for path in sorted(model_dir.rglob("*")):
        if path.is_file() and path.suffix in {".json", ".safetensors", ".bin", ".txt", ".model"}:
            digest.update(str(path.relative_to(model_dir)).encode())
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
    return digest.hexdigest()[:12]
