"""The vector store: a Chroma collection, on disk or in a Chroma server, that only ever sees vectors we computed.

No embedding function is attached, so Chroma's downloading default can never run; telemetry is off.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

import httpx
import numpy as np

if TYPE_CHECKING:
    from chromadb.api.client import Client

T = TypeVar("T")
HEARTBEAT_TIMEOUT = 10.0
"""Seconds a Chroma server has to answer its heartbeat when the store is opened."""


class VectorStoreError(RuntimeError):
    """The vector store cannot be opened: its Chroma server does not answer (the message names its URL)."""


class VectorStore:
    def __init__(self, path: Path, collection: str, dim: int, server: str = "") -> None:
        """The collection in the Chroma server at the URL ``server``, or (``server`` empty) on disk in ``path``."""
        self.location = server or str(path)
        self._client = open_server(server) if server else open_disk(path)
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", collection).strip("-._")[:500] or "units"
        self._collection = self._client.get_or_create_collection(
            name=name, embedding_function=None, metadata={"hnsw:space": "cosine", "dim": dim}
        )
        self.dim = dim

    def close(self) -> None:
        """Release Chroma's per-path (or per-server) system, so the folder can be reopened (or removed) in this
        process."""
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
            parts.append(np.asarray(_asked_for(got["embeddings"]), dtype=np.float32))
        return ids, (np.vstack(parts) if parts else np.zeros((0, self.dim), np.float32))

    def vectors_of(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        got = self._collection.get(ids=list(ids), include=["embeddings"])
        vectors = np.asarray(_asked_for(got["embeddings"]), dtype=np.float32)
        return dict(zip(got["ids"], vectors, strict=True))

    def ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        n = min(n, self.count())
        if n <= 0:
            return []
        result = self._collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32)[None, :], n_results=n, where=where,
            include=["distances"],
        )
        distances = _asked_for(result["distances"])
        return [(uid, 1.0 - float(dist)) for uid, dist in zip(result["ids"][0], distances[0], strict=True)]


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def open_disk(path: Path) -> Client:
    import chromadb
    from chromadb.api.client import Client

    path.mkdir(parents=True, exist_ok=True)
    client = chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
    assert isinstance(client, Client)  # declared as the ClientAPI interface, which has no close()
    return client


def open_server(url: str) -> Client:
    """A client of the Chroma server at ``url`` (``chroma run``), once its heartbeat answered within
    HEARTBEAT_TIMEOUT seconds (Chroma's own client waits without a limit)."""
    import chromadb
    from chromadb.api.client import Client

    parsed = urlparse(url)
    ssl = parsed.scheme == "https"
    try:
        response = httpx.get(f"{url.rstrip('/')}/api/v2/heartbeat", timeout=HEARTBEAT_TIMEOUT)
        response.raise_for_status()
        if "nanosecond heartbeat" not in response.json():
            raise ValueError("its heartbeat is not Chroma's")
        client = chromadb.HttpClient(
            host=parsed.hostname or "", port=parsed.port or (443 if ssl else 80), ssl=ssl, settings=_chroma_settings()
        )
        client.heartbeat()
    except Exception as exc:
        raise VectorStoreError(
            f"the Chroma server at {url} (kb.vectors.server) cannot be reached: {exc} "
            "(start one with `chroma run --path DIR --port PORT`)"
        ) from exc
    assert isinstance(client, Client)
    return client


def _asked_for(field: T | None) -> T:
    """A field of a Chroma result that ``include`` asked for (Chroma types each as optional)."""
    if field is None:
        raise RuntimeError("Chroma left out a field the query included")
    return field
