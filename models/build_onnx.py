"""Build the int8 ONNX Runtime version of a sentence-transformers folder.

Three steps, each the one that measured best on this kind of CPU (2 cores, AVX-512 VNNI):

1. export the folder's transformer with ``torch.onnx.export`` (opset 17, dynamic batch
   and sequence axes; eager attention, because that is the pattern the fuser knows);
2. fuse the BERT graph with onnxruntime's transformer optimizer (attention, embedding +
   layer norm, skip layer norms, bias + GELU);
3. quantize weights (all MatMuls, the attention projections and the word-embedding table)
   to int8 per output channel with ``quantize_dynamic``, except the FFN
   output projections of layers 0, 4 and 5: all-layer int8 dipped to cosine 0.986 on some
   notes, these three in float32 keep every note >= 0.99 at almost the same speed.

Run ``python models/build_onnx.py [--model DIR] [--out DIR] [--force]`` or call
:func:`build_onnx_int8`. The output folder (default: the model folder's sibling
``<name>-onnx-int8``) holds ``model.int8.onnx``, ``tokenizer.json`` and a marker with the
source folder's fingerprint; building again over a complete folder does nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # `python models/build_onnx.py` from a fresh checkout
    sys.path.insert(0, str(REPO_ROOT))

from models.build_model import is_complete, publish  # noqa: E402
from service.pipeline.embed import default_model_path  # noqa: E402
from service.pipeline.embed_onnx import (  # noqa: E402
    MODEL_FILE,
    ONNX_MARKER,
    TOKENIZER_FILE,
    onnx_dir_for,
    onnx_unsupported_reason,
    source_fingerprint,
)

# Bump when the recipe changes so that old builds are rebuilt (and get a new model_id).
BUILDER_VERSION = 1
OPSET = 17
FP32_FFN_OUTPUT_LAYERS = (0, 4, 5)
_FFN_OUTPUT = re.compile(r"encoder/layer\.(\d+)/output/dense/MatMul$")


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence the exporter's tracer warnings and the quantizer's advice to pre-process.

    Both are expected for this graph: the traced branches depend only on shapes, and the
    pre-processing (symbolic shape inference) cannot read the fused contrib operators.
    """
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)


def export_fp32(model_dir: Path, path: Path) -> dict[str, int]:
    """Export the folder's transformer (input_ids, attention_mask -> last_hidden_state).

    Returns the encoder's ``hidden_size``, ``num_attention_heads`` and ``max_seq_length``.
    """
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(
        str(model_dir),
        device="cpu",
        local_files_only=True,
        model_kwargs={"attn_implementation": "eager"},
    )
    encoder = model[0].auto_model.eval()
    config = encoder.config

    class LastHiddenState(torch.nn.Module):
        """The encoder with positional inputs and one output, as the exporter wants."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]

    # A padded second row keeps the mask path live in the trace (not folded to constants).
    input_ids = torch.tensor([[0, 6, 7, 8, 9, 2], [0, 6, 7, 2, 1, 1]])
    attention_mask = (torch.arange(6)[None, :] < torch.tensor([[6], [4]])).long()
    axes = {0: "batch", 1: "sequence"}
    with _quiet(), torch.no_grad():
        torch.onnx.export(
            LastHiddenState(),
            (input_ids, attention_mask),
            str(path),
            dynamo=False,  # the TorchScript exporter gives the graph the fuser recognises
            opset_version=OPSET,
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
        )
    # The tokenizer exactly as sentence-transformers runs it (transformers may rebuild the
    # folder's normaliser), with its truncation built in so that the runtime needs neither.
    tokenizer = model.tokenizer.backend_tokenizer
    tokenizer.no_padding()
    tokenizer.enable_truncation(model.max_seq_length)
    tokenizer.save(str(path.parent / TOKENIZER_FILE))
    return {
        "hidden_size": int(config.hidden_size),
        "num_attention_heads": int(config.num_attention_heads),
        "max_seq_length": int(model.max_seq_length),
    }


def optimise(source: Path, target: Path, heads: int, hidden: int) -> dict[str, int]:
    """Fuse the BERT graph; returns the fused operator counts (all must be non-zero)."""
    from onnxruntime.transformers.optimizer import optimize_model

    with _quiet():
        optimised = optimize_model(
            str(source), model_type="bert", num_heads=heads, hidden_size=hidden
        )
    fused = {
        name: count
        for name, count in optimised.get_fused_operator_statistics().items()
        if name in {"EmbedLayerNormalization", "Attention", "SkipLayerNormalization", "BiasGelu"}
    }
    if not all(fused.values()):
        raise RuntimeError(f"the BERT graph did not fuse fully: {fused}")
    optimised.save_model_to_file(str(target))
    return fused


def quantise(source: Path, target: Path) -> list[str]:
    """int8 per-channel dynamic quantization; returns the MatMul nodes kept in float32."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(source), load_external_data=False).graph
    keep_fp32 = [
        node.name
        for node in graph.node
        if (match := _FFN_OUTPUT.search(node.name))
        and int(match.group(1)) in FP32_FFN_OUTPUT_LAYERS
    ]
    if len(keep_fp32) != len(FP32_FFN_OUTPUT_LAYERS):
        raise RuntimeError(f"FFN output nodes of layers {FP32_FFN_OUTPUT_LAYERS} not found")
    with _quiet():
        quantize_dynamic(
            str(source),
            str(target),
            per_channel=True,
            reduce_range=False,  # VNNI has no u8*s8 overflow, so all 8 bits are usable
            weight_type=QuantType.QInt8,
            nodes_to_exclude=keep_fp32,
            # Shape inference cannot type the fused contrib ops' outputs; they are float.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    return keep_fp32


def build_onnx_int8(
    model_dir: Path | None = None, out_dir: Path | None = None, force: bool = False
) -> Path:
    """Build the int8 ONNX folder of ``model_dir`` into ``out_dir``; return ``out_dir``.

    Defaults: the default model folder and its sibling ``<name>-onnx-int8``. Does nothing
    if ``out_dir`` already holds a complete build of the same source by this recipe.
    Works in a sibling temporary folder renamed into place, so an interrupted build never
    looks complete. Takes about 1.5 minutes and 6 GB of memory (peak) on 2 cores.
    """
    model_dir = Path(model_dir or default_model_path()).expanduser().resolve()
    out_dir = Path(out_dir).expanduser().resolve() if out_dir else onnx_dir_for(model_dir)
    reason = onnx_unsupported_reason(model_dir)
    if reason is not None:
        raise ValueError(f"cannot build an int8 ONNX model: {reason}")
    source_sha256 = source_fingerprint(model_dir)
    if not force and is_complete(out_dir, source_sha256, ONNX_MARKER, BUILDER_VERSION):
        print(f"int8 ONNX model already built at {out_dir} (source {source_sha256[:12]})")
        return out_dir

    started = time.perf_counter()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir.parent, prefix=f".{out_dir.name}.") as tmp:
        staging = Path(tmp) / "model"
        staging.mkdir()
        print(f"exporting {model_dir} to ONNX (opset {OPSET})")
        shape = export_fp32(model_dir, staging / "model.fp32.onnx")
        print("fusing the BERT graph")
        fused = optimise(
            staging / "model.fp32.onnx",
            Path(tmp) / "model.opt.onnx",
            shape["num_attention_heads"],
            shape["hidden_size"],
        )
        (staging / "model.fp32.onnx").unlink()  # only the int8 model is shipped
        print("quantizing to int8 (per channel)")
        keep_fp32 = quantise(Path(tmp) / "model.opt.onnx", staging / MODEL_FILE)
        for path in staging.iterdir():
            path.chmod(0o644)  # shared read-only data, like the float32 folder
        marker = {
            "builder_version": BUILDER_VERSION,
            "source": model_dir.name,
            "source_sha256": source_sha256,
            "dimension": shape["hidden_size"],
            "max_seq_length": shape["max_seq_length"],
            "recipe": {
                "opset": OPSET,
                "fused": fused,
                "quantization": "dynamic int8, per-channel weights, u8 activations",
                "fp32_nodes": keep_fp32,
            },
            "files": {path.name: path.stat().st_size for path in sorted(staging.iterdir())},
        }
        publish(staging, out_dir, ONNX_MARKER, marker)
    print(f"built {out_dir} in {time.perf_counter() - started:.1f} s")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python models/build_onnx.py [--model DIR] [--out DIR] [--force]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=None, help="sentence-transformers folder")
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    parser.add_argument("--force", action="store_true", help="rebuild even if complete")
    args = parser.parse_args(argv)
    build_onnx_int8(args.model, args.out, force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
