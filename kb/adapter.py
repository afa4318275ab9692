"""A learned linear map of the query vectors: the query side of the dense search, fitted to labelled questions.

The passages keep the embedding model's own vectors (nothing is re-embedded); a question's vector is mapped
by ``W`` (then normalised) before it is compared with them. ``W`` is fitted (``fit_adapter``) with a softmax
over every article of the question's knowledge base, so each article of the corpus is a negative, the
neighbours of the gold article of the same law included. It starts at the identity and is pulled back
towards it (``l2``), so a map fitted on few questions stays close to the model it came from.

The file is an ``.npz`` holding the matrix and the name of the embedding model it was fitted for; a knowledge
base whose model has another name ignores it (the map means nothing for other vectors).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


class AdapterError(ValueError):
    pass


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)


@dataclass(frozen=True)
class QueryAdapter:
    matrix: np.ndarray
    embedder: str
    """The name of the embedding model whose query vectors it maps (Embedder.name)."""
    info: dict[str, Any] = field(default_factory=dict)
    """How it was fitted (data, settings, seed), for the record."""

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        """Map one query vector (shape d) or several (n × d); the result is normalised."""
        vectors = np.asarray(vectors, dtype=np.float32)
        return normalise(vectors @ self.matrix.T)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            np.savez_compressed(fh, matrix=self.matrix.astype(np.float16), embedder=np.array(self.embedder),
                                info=np.array(json.dumps(self.info, ensure_ascii=False)))

    @classmethod
    def load(cls, path: Path) -> QueryAdapter:
        try:
            with np.load(path, allow_pickle=False) as data:
                matrix = data["matrix"].astype(np.float32)
                embedder = str(data["embedder"])
                info = json.loads(str(data["info"]))
        except (OSError, KeyError, ValueError) as exc:
            raise AdapterError(f"{path}: not a query adapter file ({exc})") from exc
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise AdapterError(f"{path}: the matrix is {matrix.shape}, not square")
        return cls(matrix, embedder, info)


@dataclass(frozen=True)
class TrainingQuestion:
    """A question's (unmapped) query vector and the rows of its gold articles in its corpus's passage matrix."""

    vector: np.ndarray
    corpus: str
    positives: tuple[int, ...]
    question_id: str = ""


@dataclass(frozen=True)
class AdapterFit:
    l2: float = 0.1
    """Pull towards the identity: ``l2 × ‖W − I‖²`` per question."""
    temperature: float = 0.02
    epochs: int = 60
    learning_rate: float = 2e-3
    batch_size: int = 128
    seed: int = 2026


def fit_adapter(
    questions: Sequence[TrainingQuestion],
    passages: dict[str, np.ndarray],
    embedder: str,
    fit: AdapterFit = AdapterFit(),
    progress: Callable[[int, int, float], None] | None = None,
) -> QueryAdapter:
    """Fit ``W`` by minibatch Adam on −log(Σ softmax over the gold articles), the softmax over every passage
    of the question's corpus (``passages[corpus]``, normalised rows)."""
    if not questions:
        raise AdapterError("no training questions")
    dim = questions[0].vector.shape[-1]
    rng = np.random.default_rng(fit.seed)
    weights = np.eye(dim, dtype=np.float32)
    moment1: np.ndarray = np.zeros_like(weights)  # Adam's moments take the gradient's dtype after a step
    moment2: np.ndarray = np.zeros_like(weights)
    step = 0
    by_corpus: dict[str, list[int]] = {}
    for i, q in enumerate(questions):
        by_corpus.setdefault(q.corpus, []).append(i)
    vectors = np.vstack([q.vector for q in questions]).astype(np.float32)
    for epoch in range(fit.epochs):
        batches = []
        for corpus, rows in by_corpus.items():
            order = rng.permutation(rows)
            batches += [(corpus, order[i : i + fit.batch_size]) for i in range(0, len(order), fit.batch_size)]
        rng.shuffle(batches)
        total = 0.0
        for corpus, batch in batches:
            loss, grad = _loss_and_gradient(weights, vectors[batch], [questions[i].positives for i in batch],
                                            passages[corpus], fit.temperature)
            grad += 2 * fit.l2 * (weights - np.eye(dim, dtype=np.float32)) * len(batch) / len(questions)
            total += loss
            step += 1
            moment1 = 0.9 * moment1 + 0.1 * grad
            moment2 = 0.999 * moment2 + 0.001 * grad * grad
            corrected1 = moment1 / (1 - 0.9**step)
            corrected2 = moment2 / (1 - 0.999**step)
            weights -= fit.learning_rate * corrected1 / (np.sqrt(corrected2) + 1e-8)
        if progress:
            progress(epoch + 1, fit.epochs, total / len(questions))
    info = {"questions": len(questions), "corpora": {c: len(r) for c, r in by_corpus.items()},
            "l2": fit.l2, "temperature": fit.temperature, "epochs": fit.epochs,
            "learning_rate": fit.learning_rate, "batch_size": fit.batch_size, "seed": fit.seed}
    return QueryAdapter(weights, embedder, info)


def _loss_and_gradient(weights: np.ndarray, queries: np.ndarray, positives: Sequence[tuple[int, ...]],
                       passages: np.ndarray, temperature: float) -> tuple[float, np.ndarray]:
    """Summed loss over the batch and its gradient with respect to ``weights``."""
    mapped = queries @ weights.T
    norms = np.maximum(np.linalg.norm(mapped, axis=1, keepdims=True), 1e-12)
    unit = mapped / norms
    logits = (unit @ passages.T) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    softmax = exp / exp.sum(axis=1, keepdims=True)
    target = np.zeros_like(softmax)
    loss = 0.0
    for row, pos in enumerate(positives):
        idx = list(pos)
        pos_mass = exp[row, idx]
        share = pos_mass / pos_mass.sum()
        target[row, idx] = share
        loss += float(np.log(exp[row].sum()) - np.log(pos_mass.sum()))
    grad_logits = (softmax - target) / temperature
    grad_unit = grad_logits @ passages
    grad_mapped = (grad_unit - (grad_unit * unit).sum(axis=1, keepdims=True) * unit) / norms
    return loss, grad_mapped.T @ queries
