"""The second stage: each candidate of the first stage described by a few signals, ranked by a linear model
fitted to labelled questions (``fit_ranker``) instead of hand-set bonuses.

The signals are what the fusion used to add by hand — the dense and lexical evidence, the law the question
names, a penalty question meeting a penalty article (or one that punishes a candidate by number), the share of its law among the best candidates, the answered questions' votes — and
a few plain facts of the unit (its length, whether it is an article). Their weights are learned with a
softmax over each question's candidates, so only their order matters.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

FEATURES: tuple[str, ...] = (
    "dense",            # cosine of the (mapped) query and the unit
    "dense_raw",        # cosine of the model's own query vector and the unit
    "dense_rr",         # 1 / (1 + rank) in the dense list
    "lexical",          # BM25 score / the query's best BM25 score
    "lexical_rr",       # 1 / (1 + rank) in the BM25 list
    "coverage",         # idf-weighted share of the query's words in the unit's text
    "heading_coverage", # … in its law title, chapter headings and label
    "named_law",        # the unit's law is named in the question
    "penalty",          # the question asks how to punish and the unit sets a penalty
    "punishes",         # the unit is a penalty article citing a strong candidate by number (its dense rr)
    "law_share",        # its law's share of the best dense candidates
    "law_share_lexical",# its law's share of the best BM25 candidates
    "memory",           # its share of the nearest answered questions' votes
    "memory_closeness", # how far above the memory's floor the closest answered question citing it is
    "memory_law",       # the weight of the voting answered questions citing its law
    "section",          # not an article (a section of an article-less document)
    "log_length",       # log of the unit's length in characters
)


class RankerError(ValueError):
    pass


@dataclass(frozen=True)
class LinearRanker:
    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    features: tuple[str, ...] = FEATURES
    info: dict[str, Any] = field(default_factory=dict)

    def score(self, matrix: np.ndarray) -> np.ndarray:
        return ((np.asarray(matrix, dtype=np.float64) - self.mean) / self.scale) @ self.weights

    def contributions(self) -> dict[str, float]:
        """Each feature's weight per unit of the raw feature (for reading what was learned)."""
        return {name: round(float(w / s), 4) for name, w, s in zip(self.features, self.weights, self.scale, strict=True)}

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"features": list(self.features), "weights": self.weights.tolist(), "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "info": self.info}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> LinearRanker:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            features = tuple(data["features"])
            ranker = cls(np.asarray(data["weights"], float), np.asarray(data["mean"], float),
                         np.asarray(data["scale"], float), features, data.get("info", {}))
        except (OSError, KeyError, TypeError, ValueError) as exc:
            raise RankerError(f"{path}: not a ranker file ({exc})") from exc
        if features != FEATURES:
            raise RankerError(f"{path}: its features {features} are not this version's {FEATURES}")
        return ranker


@dataclass(frozen=True)
class RankingGroup:
    """One question's candidates: their feature rows and which of them answer it."""

    matrix: np.ndarray
    relevant: np.ndarray
    """Boolean, one per row."""
    question_id: str = ""


@dataclass(frozen=True)
class RankerFit:
    l2: float = 1e-2
    epochs: int = 300
    learning_rate: float = 0.05
    seed: int = 2026
    disabled: tuple[str, ...] = ()
    """Features held at weight 0 (for ablations)."""


def fit_ranker(groups: Sequence[RankingGroup], fit: RankerFit = RankerFit(),
               progress: Callable[[int, int, float], None] | None = None) -> LinearRanker:
    """Weights minimising −log(softmax mass of the relevant candidates) over every group, by full-batch Adam."""
    usable = [g for g in groups if g.relevant.any()]
    if not usable:
        raise RankerError("no question has a relevant candidate")
    stacked = np.vstack([g.matrix for g in usable])
    mean = stacked.mean(axis=0)
    scale = np.where(stacked.std(axis=0) > 1e-9, stacked.std(axis=0), 1.0)
    mats = [(g.matrix - mean) / scale for g in usable]
    mask = np.array([name not in fit.disabled for name in FEATURES], dtype=float)
    weights = np.zeros(len(FEATURES))
    m1 = np.zeros_like(weights)
    m2 = np.zeros_like(weights)
    for epoch in range(1, fit.epochs + 1):
        grad = 2 * fit.l2 * weights
        loss = 0.0
        for mat, group in zip(mats, usable, strict=True):
            scores = mat @ weights
            scores -= scores.max()
            exp = np.exp(scores)
            probs = exp / exp.sum()
            rel = group.relevant
            target = np.where(rel, exp, 0.0)
            target /= target.sum()
            loss += float(np.log(exp.sum()) - np.log(exp[rel].sum()))
            grad += (probs - target) @ mat / len(usable)
        grad *= mask
        m1 = 0.9 * m1 + 0.1 * grad
        m2 = 0.999 * m2 + 0.001 * grad * grad
        weights -= fit.learning_rate * (m1 / (1 - 0.9**epoch)) / (np.sqrt(m2 / (1 - 0.999**epoch)) + 1e-8)
        if progress:
            progress(epoch, fit.epochs, loss / len(usable))
    info = {"questions": len(usable), "l2": fit.l2, "epochs": fit.epochs, "learning_rate": fit.learning_rate,
            "disabled": list(fit.disabled)}
    return LinearRanker(weights, mean, scale, FEATURES, info)
