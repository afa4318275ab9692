"""Answered questions: questions whose answering articles a person has confirmed — a checklist's 问/依据, a
unit's FAQ, the training split of an evaluation set. A new question close to some of them gets their
articles as one more ranked list in the fusion, as a colleague remembers "that one was 第二十三条".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from kb.models import Citation


@dataclass(frozen=True)
class AnsweredQuestion:
    question: str
    citations: tuple[Citation, ...]
    source: str = ""
    """Where it came from (a file name), so that one source can be forgotten again."""


@dataclass(frozen=True)
class Recollection:
    units: list[tuple[str, float]]
    """Unit ids with their share of the votes, best first."""
    documents: dict[str, float]
    """Document ids with the weight of the voting questions that cite them."""
    closeness: dict[str, float] = field(default_factory=dict)
    """Unit ids with how much more similar than the floor the closest voter citing them is, in temperatures
    (a near-duplicate of a remembered question is far above it)."""


class QuestionMemory:
    """Answered questions with their (normalised) question vectors and the unit ids their citations resolve to
    in the current knowledge base; an answered question whose citations resolve to nothing is kept but votes
    for nothing. ``floor`` (how similar to a query an answered question must be to vote) and ``temperature``
    (how fast a vote weakens with less similarity) are set by the knowledge base, which calibrates them."""

    def __init__(self, entries: Sequence[AnsweredQuestion], vectors: np.ndarray,
                 units: Sequence[tuple[str, ...]]) -> None:
        if not len(entries) == len(vectors) == len(units):
            raise ValueError("one vector and one unit tuple per answered question")
        self.entries = tuple(entries)
        self.units = tuple(units)
        self._vectors = np.asarray(vectors, dtype=np.float32)
        self.floor = 1.0
        self.temperature = 0.05

    def __len__(self) -> int:
        return len(self.entries)

    def nearest(self, qvec: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Indexes and cosine similarities of the ``k`` answered questions closest to the query vector."""
        if not self.entries or k <= 0:  # (an empty memory's vectors may be of any shape)
            return []
        sims = self._vectors @ np.asarray(qvec, dtype=np.float32)
        top = np.argsort(-sims, kind="stable")[:k]
        return [(int(i), float(sims[i])) for i in top]

    def unrelated_similarities(self, max_pairs: int = 20_000) -> list[float]:
        """How similar the remembered questions are to each other when they cite no common article: the
        similarity of two questions of this memory's domain that an answer to one does not answer (a sample of
        at most ``max_pairs`` pairs, the same each time)."""
        n = len(self.entries)
        if n < 2:
            return []
        rng = np.random.default_rng(0)
        if n * (n - 1) // 2 <= max_pairs:
            first, second = np.triu_indices(n, 1)
        else:
            first, second = rng.integers(0, n, max_pairs), rng.integers(0, n, max_pairs)
        cited = [set(u) for u in self.units]
        keep = [k for k, (i, j) in enumerate(zip(first, second, strict=True))
                if i != j and cited[i] and cited[j] and not cited[i] & cited[j]]
        sims = np.einsum("ij,ij->i", self._vectors[first[keep]], self._vectors[second[keep]])
        return [float(x) for x in sims]

    def recall(self, qvec: np.ndarray, neighbours: int, allowed_docs: set[str] | None = None,
               min_similarity: float | None = None) -> Recollection:
        """What the nearest answered questions vote for: unit ids with their share of the votes, best first, and
        document ids with the weight of the questions citing them.

        Each of the ``neighbours`` nearest holds a weight exp((s - s_best) / temperature): the nearest 1, one
        ``temperature`` less similar 1/e. The weights are normalised over all of them, so that agreeing
        neighbours add up and a lone close one among many others counts for less. A unit's share is the weight
        of the questions citing it; a document's, the weight of the questions citing any of its units (each
        question once): how sure the memory is that the answer lies in that law. Questions less similar than
        ``min_similarity`` (default: ``floor``) do not vote.
        """
        units: dict[str, float] = {}
        documents: dict[str, float] = {}
        closeness: dict[str, float] = {}
        floor = self.floor if min_similarity is None else min_similarity
        for index, weight, similarity in self._voters(qvec, neighbours, min_similarity):
            cited = [uid for uid in self.units[index]
                     if allowed_docs is None or uid.split("-", 1)[0] in allowed_docs]
            above = (similarity - floor) / max(self.temperature, 1e-6)
            for uid in cited:
                units[uid] = units.get(uid, 0.0) + weight
                closeness[uid] = max(closeness.get(uid, 0.0), above)
            for doc in dict.fromkeys(uid.split("-", 1)[0] for uid in cited):
                documents[doc] = documents.get(doc, 0.0) + weight
        return Recollection(sorted(units.items(), key=lambda x: (-x[1], x[0])), documents, closeness)

    def _voters(self, qvec: np.ndarray, neighbours: int,
                min_similarity: float | None) -> list[tuple[int, float, float]]:
        """The nearest questions similar enough to vote, with their normalised weights and similarities."""
        min_similarity = self.floor if min_similarity is None else min_similarity
        near = self.nearest(qvec, neighbours)
        if not near:
            return []
        weights = np.exp((np.array([s for _, s in near]) - near[0][1]) / max(self.temperature, 1e-6))
        weights /= weights.sum()
        return [(index, float(weight), similarity) for (index, similarity), weight in zip(near, weights, strict=True)
                if similarity >= min_similarity]
