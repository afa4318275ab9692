"""The second stage: each candidate of the first stage described by a few signals, ranked by a linear model
fitted to labelled questions (``fit_ranker``) instead of hand-set bonuses.

The signals are what the fusion used to add by hand — the dense and lexical evidence, the law the question
names, a penalty question meeting a penalty article, the answered questions' votes — and whether the unit is
an article. Their weights are learned with a softmax over each question's candidates, so only their order
matters. Five more (a penalty article citing a candidate by number, its law's share of the best dense and
BM25 candidates, its length, its headings' coverage of the question) were deleted in session 10: held out,
without them, the officer questions did no worse and STARD dev stayed above its goals (docs/benchmarks.md).
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
    "named_law",        # the unit's law is named in the question
    "penalty",          # the question asks how to punish and the unit sets a penalty
    "memory",           # its share of the nearest answered questions' votes
    "memory_closeness", # how far above the memory's floor the closest answered question citing it is
    "memory_law",       # the weight of the voting answered questions citing its law
    "section",          # not an article (a section of an article-less document)
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
    source: str = ""
    """The knowledge base (and kind of question) it comes from: with ``RankerFit.balance_sources`` every source
    weighs the same in the fit, however many questions it has."""


@dataclass(frozen=True)
class RankerFit:
    l2: float = 1e-2
    epochs: int = 300
    learning_rate: float = 0.05
    seed: int = 2026
    disabled: tuple[str, ...] = ()
    """Features held at weight 0 (for ablations)."""
    balance_sources: bool = True
    """Each source's questions weigh the same in total (a group weighs 1 / its source's groups). Without it
    the largest source sets the weights: 1,735 STARD questions against 238 officer ones, whose best weights
    differ (officers name the law they mean and ask how to punish; STARD's laypeople seldom do)."""


def group_weights(groups: Sequence[RankingGroup], balance: bool) -> np.ndarray:
    """Each group's share of the loss (summing to 1)."""
    if not balance:
        return np.full(len(groups), 1.0 / len(groups))
    counts: dict[str, int] = {}
    for g in groups:
        counts[g.source] = counts.get(g.source, 0) + 1
    weights = np.array([1.0 / counts[g.source] for g in groups])
    return weights / weights.sum()


def fit_ranker(groups: Sequence[RankingGroup], fit: RankerFit = RankerFit(),
               progress: Callable[[int, int, float], None] | None = None) -> LinearRanker:
    """Weights minimising −log(softmax mass of the relevant candidates) over every group, by full-batch Adam."""
    usable = [g for g in groups if g.relevant.any()]
    if not usable:
        raise RankerError("no question has a relevant candidate")
    stacked = np.vstack([g.matrix for g in usable])
    shares = group_weights(usable, fit.balance_sources)
    rows = np.repeat(shares, [len(g.matrix) for g in usable])  # each row weighs its group's share
    mean = np.average(stacked, axis=0, weights=rows)
    std = np.sqrt(np.average((stacked - mean) ** 2, axis=0, weights=rows))
    scale = np.where(std > 1e-9, std, 1.0)
    mats = [(g.matrix - mean) / scale for g in usable]
    mask = np.array([name not in fit.disabled for name in FEATURES], dtype=float)
    weights = np.zeros(len(FEATURES))
    m1 = np.zeros_like(weights)
    m2 = np.zeros_like(weights)
    for epoch in range(1, fit.epochs + 1):
        grad = 2 * fit.l2 * weights
        loss = 0.0
        for mat, group, share in zip(mats, usable, shares, strict=True):
            scores = mat @ weights
            scores -= scores.max()
            exp = np.exp(scores)
            probs = exp / exp.sum()
            rel = group.relevant
            target = np.where(rel, exp, 0.0)
            target /= target.sum()
            loss += share * float(np.log(exp.sum()) - np.log(exp[rel].sum()))
            grad += share * ((probs - target) @ mat)
        grad *= mask
        m1 = 0.9 * m1 + 0.1 * grad
        m2 = 0.999 * m2 + 0.001 * grad * grad
        weights -= fit.learning_rate * (m1 / (1 - 0.9**epoch)) / (np.sqrt(m2 / (1 - 0.999**epoch)) + 1e-8)
        if progress:
            progress(epoch, fit.epochs, loss)
    info = {"questions": len(usable), "l2": fit.l2, "epochs": fit.epochs, "learning_rate": fit.learning_rate,
            "disabled": list(fit.disabled), "balance_sources": fit.balance_sources}
    return LinearRanker(weights, mean, scale, FEATURES, info)
