"""Embed stage on ONNX Runtime: the same vectors as the float32 model, 2.6-3.4x faster on CPU.

:class:`OnnxInt8Embedder` runs an int8 build of a local sentence-transformers folder (made
once by ``models/build_onnx.py`` into the sibling folder ``<model>-onnx-int8``): the BERT
graph fused by onnxruntime's transformer optimizer, then dynamically quantized per channel
with a few sensitive layers kept in float32. Tokenising, mean pooling and L2 normalisation
happen here, in numpy, exactly as sentence-transformers does them, so only the encoder's
arithmetic differs (per-note cosine to float32 >= 0.99; see
``evaluation/bench/encoder.py``).

:func:`make_embedder` picks the backend from settings: ``"onnx-int8"`` or
``"sentence-transformers"``. Importing this module is cheap: onnxruntime and tokenizers
load on first use, and the int8 path never imports torch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from service.pipeline.embed import (
    Embedder,
    EmbeddingModelNotFoundError,
    SentenceTransformerEmbedder,
    compose_model_id,
    default_model_path,
)

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

__all__ = [
    "BACKENDS",
    "BACKEND_ONNX_INT8",
    "BACKEND_SENTENCE_TRANSFORMERS",
    "ONNX_MARKER",
    "OnnxInt8Embedder",
    "make_embedder",
    "onnx_dir_for",
    "onnx_unsupported_reason",
    "physical_cores",
    "source_fingerprint",
]

BACKEND_ONNX_INT8 = "onnx-int8"
BACKEND_SENTENCE_TRANSFORMERS = "sentence-transformers"
BACKENDS = (BACKEND_ONNX_INT8, BACKEND_SENTENCE_TRANSFORMERS)
ONNX_SUFFIX = "-onnx-int8"
ONNX_MARKER = ".teemakartta-onnx-build.json"  # written last by models/build_onnx.py
MODEL_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
_ST_MARKER = ".teemakartta-build.json"  # models/build_model.py's marker in the source folder
_LOG = logging.getLogger(__name__)


def onnx_dir_for(model_dir: Path) -> Path:
    """Where the int8 build of ``model_dir`` lives: its sibling ``<name>-onnx-int8``."""
    model_dir = Path(model_dir).expanduser().resolve()
    return model_dir.with_name(model_dir.name + ONNX_SUFFIX)


def source_fingerprint(model_dir: Path) -> str:
    """sha256 (hex) identifying a sentence-transformers folder's content.

    A folder built by ``models/build_model.py`` is identified by its marker (which holds
    the sha256 of its source weights) so that no 470 MB file is read at start-up; any
    other folder is hashed in full, as :class:`SentenceTransformerEmbedder` does.
    """
    model_dir = Path(model_dir)
    digest = hashlib.sha256()
    marker = model_dir / _ST_MARKER
    if marker.is_file():
        digest.update(marker.read_bytes())
        return digest.hexdigest()
    for path in sorted(model_dir.rglob("*")):
        if path.is_file() and path.suffix in {".json", ".safetensors", ".bin", ".txt", ".model"}:
            digest.update(str(path.relative_to(model_dir)).encode())
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
    return digest.hexdigest()


def onnx_unsupported_reason(model_dir: Path) -> str | None:
    """Why ``model_dir`` cannot run as an int8 ONNX model, or None if it can.

    The int8 path re-implements only what e5-like folders use: one Transformer module
    followed by mean pooling (and optionally Normalize, which is always applied).
    """
    try:
        modules = json.loads((Path(model_dir) / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{model_dir} has no readable modules.json (not a sentence-transformers folder)"
    kinds = [str(module.get("type", "")).rsplit(".", 1)[-1] for module in modules]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return f"{model_dir} has modules {kinds}; only Transformer, Pooling [, Normalize] run"
    pooling_path = Path(model_dir) / modules[1].get("path", "1_Pooling") / "config.json"
    try:
        pooling = json.loads(pooling_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{pooling_path} is missing or unreadable"
    modes = sorted(
        key for key, value in pooling.items() if key.startswith("pooling_mode") and value
    )
    if modes != ["pooling_mode_mean_tokens"] or pooling.get("include_prompt", True) is False:
        return f"{model_dir} pools with {modes}; only mean pooling over all tokens is supported"
    return None


def physical_cores() -> int:
    """Physical cores this process may run on; hyper-threads share one core's int8 units."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    siblings: set[str] = set()
    for cpu in cpus:
        topology = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list")
        try:
            siblings.add(topology.read_text().strip())
        except OSError:
            siblings.add(str(cpu))
    return max(1, len(siblings) or (os.cpu_count() or 1))


class OnnxInt8Embedder:
    """An :class:`~service.pipeline.embed.Embedder` running the int8 ONNX build of a folder.

    ``model_dir`` is the float32 sentence-transformers folder; its int8 build is read from
    ``onnx_dir`` (default: :func:`onnx_dir_for`). ``prompt`` is put before every text as in
    :class:`SentenceTransformerEmbedder`. A batch holds at most ``batch_size`` notes and
    ``max_batch_tokens`` tokens (padding included); small batches keep a layer's
    activations in one core's L2 cache.

    ``threads`` (default: the physical cores) batches run at once, each on one core, rather
    than one batch split over all cores: int8 kernels on ~256 tokens are too short to
    split well (ONNX Runtime's own two threads gave 2.4x float32 on idle cores, this 3.2x),
    and with no barrier between cores a busy neighbour slows one batch, not every operator.
    The session loads on first use; one embedder may be shared between threads.
    """

    def __init__(
        self,
        model_dir: str | Path,
        prompt: str | None = "query: ",
        batch_size: int = 32,
        onnx_dir: str | Path | None = None,
        threads: int | None = None,
        max_batch_tokens: int = 256,
    ) -> None:
        self.model_dir = model_dir
        self.prompt = prompt
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.onnx_dir = onnx_dir
        self.threads = threads
        self._lock = threading.Lock()
        self.marker_: dict[str, Any] | None = None
        self.onnx_dir_: Path | None = None
        self.model_id_: str | None = None
        self.session_: onnxruntime.InferenceSession | None = None
        self.tokenizer_: Tokenizer | None = None

    @property
    def model_id(self) -> str:
        """``<name>+onnx-int8@<12 hex of the int8 build> prompt=<prompt>``.

        Differs from the float32 embedder's id, so cached float32 vectors are never mixed
        with int8 ones; a build from another source or recipe gets a new id.
        """
        if self.model_id_ is None:
            marker = self._marker()
            name = Path(self.model_dir).expanduser().resolve().name
            label = name + ONNX_SUFFIX.replace("-", "+", 1)
            build = hashlib.sha256(json.dumps(marker, sort_keys=True).encode()).hexdigest()[:12]
            self.model_id_ = compose_model_id(label, build, self.prompt)
        return self.model_id_

    @property
    def dimension(self) -> int:
        """Vector length recorded by the build (384 for multilingual-e5-small)."""
        return int(self._marker()["dimension"])

    def embed(
        self,
        texts: Sequence[str],
        progress: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        """Vectors for ``texts`` in input order: shape (len(texts), dimension), float32.

        Texts are sorted by exact token count and cut into batches (see the class doc), so
        a batch pads at most to its own longest member; ``progress(done, total)`` is called
        after each batch.
        """
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        session, tokenizer = self._load()
        prompt = self.prompt or ""
        encodings = tokenizer.encode_batch([prompt + text for text in texts])
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(texts))
        order = np.argsort(lengths, kind="stable")
        batches = _batches(lengths[order], self.batch_size, self.max_batch_tokens)

        def run(batch: slice) -> tuple[np.ndarray, np.ndarray]:
            rows = order[batch]
            input_ids, attention_mask = _pad([encodings[i].ids for i in rows], lengths[rows])
            # onnxruntime releases the GIL while it runs, so the workers really overlap.
            (hidden,) = session.run(
                None, {"input_ids": input_ids, "attention_mask": attention_mask}
            )
            return rows, mean_pool_normalise(hidden, attention_mask)

        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        workers = min(self.threads or physical_cores(), len(batches))
        pool = ThreadPoolExecutor(workers, thread_name_prefix="embed") if workers > 1 else None
        done = 0
        try:
            for rows, batch_vectors in pool.map(run, batches) if pool else map(run, batches):
                vectors[rows] = batch_vectors
                done += len(rows)
                if progress is not None:
                    progress(done, len(texts))
        finally:
            if pool is not None:  # a failing batch or progress callback stops the rest
                pool.shutdown(cancel_futures=True)
        return vectors

    def token_counts(self, texts: Sequence[str]) -> np.ndarray:
        """Tokens the model sees per text (prompt and special tokens included, truncated):
        shape (len(texts),), int64."""
        if len(texts) == 0:
            return np.zeros(0, dtype=np.int64)
        prompt = self.prompt or ""
        encodings = self._load()[1].encode_batch([prompt + text for text in texts])
        return np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(texts))

    def _marker(self) -> dict[str, Any]:
        """The build marker, checked against the source folder's current content."""
        if self.marker_ is not None:
            return self.marker_
        model_dir = Path(self.model_dir).expanduser().resolve()
        onnx_dir = Path(self.onnx_dir).expanduser() if self.onnx_dir else onnx_dir_for(model_dir)
        build_hint = (
            f"run `python models/build_onnx.py --model {model_dir}` (the default model is built "
            f"by `make setup`), or set TEEMA_EMBEDDING_BACKEND={BACKEND_SENTENCE_TRANSFORMERS}"
        )
        if not model_dir.is_dir():
            fix = (
                "run `make setup` (or `python models/build_model.py`) to build it"
                if model_dir == default_model_path()
                else "point TEEMA_EMBEDDING_MODEL to an existing sentence-transformers folder"
            )
            raise EmbeddingModelNotFoundError(f"embedding model not found at {model_dir}: {fix}")
        try:
            marker = json.loads((onnx_dir / ONNX_MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise EmbeddingModelNotFoundError(
                f"no int8 ONNX build of {model_dir} at {onnx_dir}: {build_hint}"
            ) from error
        if marker.get("source_sha256") != source_fingerprint(model_dir):
            raise EmbeddingModelNotFoundError(
                f"the int8 ONNX build at {onnx_dir} was made from a different {model_dir.name}: "
                f"{build_hint}"
            )
        self.marker_ = marker
        self.onnx_dir_ = onnx_dir
        return marker

    def _load(self) -> tuple[onnxruntime.InferenceSession, Tokenizer]:
        """Session and tokenizer, loaded once (about a second)."""
        with self._lock:  # jobs and requests may share one embedder
            if self.session_ is None or self.tokenizer_ is None:
                self._marker()
                onnx_dir = self.onnx_dir_ or onnx_dir_for(Path(self.model_dir))
                import onnxruntime as ort
                from tokenizers import Tokenizer

                options = ort.SessionOptions()
                # One thread per run: parallelism comes from running batches side by side
                # (see the class doc), so there is no intra-op pool to spin or wake.
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
                options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                options.log_severity_level = 3  # shape-inference chatter about contrib ops
                self.session_ = ort.InferenceSession(
                    str(onnx_dir / MODEL_FILE), options, providers=["CPUExecutionProvider"]
                )
                # Saved at build time from the tokenizer sentence-transformers itself uses,
                # with its truncation (max_seq_length tokens, specials included) built in.
                self.tokenizer_ = Tokenizer.from_file(str(onnx_dir / TOKENIZER_FILE))
                self.tokenizer_.no_padding()
            return self.session_, self.tokenizer_


def _batches(sorted_lengths: np.ndarray, max_notes: int, max_tokens: int) -> list[slice]:
    """Consecutive slices of ascending ``sorted_lengths`` (n,), each at most ``max_notes``
    long and ``max_tokens`` padded tokens (a longer single note gets its own batch)."""
    batches: list[slice] = []
    start = 0
    while start < len(sorted_lengths):
        stop = start + 1
        # Ascending order: the padded size of [start, stop] is (stop - start + 1) * length[stop].
        while (
            stop < len(sorted_lengths)
            and stop - start < max_notes
            and (stop - start + 1) * int(sorted_lengths[stop]) <= max_tokens
        ):
            stop += 1
        batches.append(slice(start, stop))
        start = stop
    return batches


def _pad(rows: list[list[int]], lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Token id rows -> (input_ids, attention_mask), both (batch, longest) int64.

    The pad id is irrelevant to the result (masked out of attention and pooling); 1 is
    XLM-R's ``<pad>``.
    """
    width = int(lengths.max())
    input_ids = np.ones((len(rows), width), dtype=np.int64)
    attention_mask = (np.arange(width)[None, :] < lengths[:, None]).astype(np.int64)
    for row, ids in enumerate(rows):
        input_ids[row, : len(ids)] = ids
    return input_ids, attention_mask


def mean_pool_normalise(hidden: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Mean of the unmasked token vectors, L2-normalised.

    ``hidden`` (batch, tokens, dim) float32 and ``attention_mask`` (batch, tokens) 0/1
    -> (batch, dim) float32 unit rows, as sentence-transformers' Pooling + Normalize.
    """
    mask = attention_mask.astype(np.float32)
    summed = np.einsum("btd,bt->bd", hidden, mask)
    pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


def _is_local_path(model: str) -> bool:
    """True if ``model`` names a folder (existing or not) rather than a hub id."""
    path = Path(model).expanduser()
    return (
        path.is_dir()
        or path.resolve() == default_model_path()
        or path.is_absolute()
        or model.startswith((".", "~"))
        or model.count("/") > 1
    )


def make_embedder(
    model: str, backend: str, prompt: str | None, batch_size: int, threads: int | None = None
) -> Embedder:
    """The embedder that settings ask for; ``threads``: the int8 encoder's (None: one per
    physical core; the float32 one follows torch's, OMP_NUM_THREADS).

    ``backend`` is ``"onnx-int8"`` or ``"sentence-transformers"``. The int8 backend needs
    a local sentence-transformers folder with mean pooling; for a hub name or another
    pooling it falls back to sentence-transformers float32 and logs why.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}; choose one of {BACKENDS}")
    if backend == BACKEND_ONNX_INT8:
        if not _is_local_path(model):
            _LOG.warning(
                "embedding backend %s needs a local model folder; %r is a hub name, so "
                "it runs with %s (float32) instead. Point TEEMA_EMBEDDING_MODEL to a local "
                "folder and build it with `python models/build_onnx.py --model DIR`.",
                BACKEND_ONNX_INT8, model, BACKEND_SENTENCE_TRANSFORMERS,
            )  # fmt: skip
        else:
            path = Path(model).expanduser()
            reason = onnx_unsupported_reason(path) if path.is_dir() else None
            if reason is None:
                # A missing folder or build is reported on first use, like the float32 path.
                return OnnxInt8Embedder(path, prompt=prompt, batch_size=batch_size, threads=threads)
            _LOG.warning(
                "embedding backend %s cannot run %s (%s); using %s (float32) instead.",
                BACKEND_ONNX_INT8, model, reason, BACKEND_SENTENCE_TRANSFORMERS,
            )  # fmt: skip
    return SentenceTransformerEmbedder(model, prompt=prompt, batch_size=batch_size)
