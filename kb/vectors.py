"""The vector store: a Chroma collection on disk that only ever sees vectors we computed.

No embedding function is attached, so Chroma's downloading default can never run; telemetry is off.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


class VectorStore:
    def __init__(self, path: Path, collection: str, dim: int) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        path.mkdir(parents=True, exist_ok=True)
        self._client = chromadb.PersistentClient(
            path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        )
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", collection).strip("-._")[:500] or "units"
        self._collection = self._client.get_or_create_collection(
            name=name, embedding_function=None, metadata={"hnsw:space": "cosine", "dim": dim}
        )
        self.dim = dim

    def close(self) -> None:
        """Release Chroma's per-path system, so the folder can be reopened (or removed) in this process."""
        self._client.close()

    def count(self) -> int:
        return self._collection.count()

    def add(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict[str, Any]]) -> None:
        step = 2000
        for start in range(0, len(ids), step):
            self._collection.upsert(
                ids=list(ids[start : start + step]),
                embeddings=vectors[start : start + step],
                metadatas=list(metadatas[start : start + step]),
            )

    def delete(self, ids: Sequence[str]) -> None:
        step = 2000
        for start in range(0, len(ids), step):
            self._collection.delete(ids=list(ids[start : start + step]))

    def all(self) -> tuple[list[str], np.ndarray]:
        """Every stored id with its vector (rows in the same order)."""
        ids: list[str] = []
        parts: list[np.ndarray] = []
        step = 5000
        total = self.count()
        for offset in range(0, total, step):
            got = self._collection.get(include=["embeddings"], limit=step, offset=offset)
            ids.extend(got["ids"])
            parts.append(np.asarray(got["embeddings"], dtype=np.float32))
        return ids, (np.vstack(parts) if parts else np.zeros((0, self.dim), np.float32))

    def vectors_of(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        got = self._collection.get(ids=list(ids), include=["embeddings"])
        return {uid: np.asarray(v, dtype=np.float32) for uid, v in zip(got["ids"], got["embeddings"], strict=True)}

    def ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        n = min(n, self.count())
        if n <= 0:
            return []
        result = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=n, where=where, include=["distances"]
        )
        return [(uid, 1.0 - float(dist)) for uid, dist in zip(result["ids"][0], result["distances"][0], strict=True)]
