"""Picks the articles an answer draws on from a wider pool of retrieved candidates.

Each candidate article keeps a prior from its retrieval rank and gains from its best 款/项 sentence: the
share of the question's words it holds and whether it says what the question asks for (an amount, a
penalty, a procedure), plus a little when its chapter fits (法律责任 for a penalty question) and when it
belongs to a law the question names; between equals a law (法律) goes before a regulation, a regulation
before a rule. Articles the question cites itself (direct hits) stay first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from chat.extractive import score_segments
from chat.question import Intent
from kb.models import Hit, Level

RANK_DECAY = 0.15
PRIOR_WEIGHT = 0.6
CHAPTER_BONUS = 0.15
NAMED_LAW_BONUS = 0.2
LEVEL_BONUS = {Level.CONSTITUTION: 0.06, Level.LAW: 0.06, Level.ADMIN_REGULATION: 0.03}


@dataclass(frozen=True)
class RankedHit:
    hit: Hit
    score: float
    evidence: float


def _chapter_bonus(hit: Hit, intent: Intent) -> float:
    path = " ".join(hit.unit.heading_path)
    bonus = 0.0
    if intent.penalty and ("法律责任" in path or "罚则" in path):
        bonus += CHAPTER_BONUS
    if intent.procedure and "程序" in path:
        bonus += CHAPTER_BONUS / 2
    return bonus


def rerank(
    hits: Sequence[Hit], weights: dict[str, float], intent: Intent, named_laws: Collection[str] = ()
) -> list[RankedHit]:
    """The candidates, best first (direct hits first, in their order).

    ``named_laws`` are the law keys the question names: their articles gain a little.
    """
    best: dict[str, float] = {}
    overlap: dict[str, float] = {}
    for s in score_segments(hits, weights, intent, rank_decay=0.0):
        if s.score > best.get(s.hit.unit_id, -1.0):
            best[s.hit.unit_id] = s.score
            overlap[s.hit.unit_id] = s.overlap
    ranked: list[RankedHit] = []
    for rank, hit in enumerate(hits):
        prior = PRIOR_WEIGHT / (1.0 + RANK_DECAY * rank)
        evidence = best.get(hit.unit_id, 0.0)
        score = prior + evidence + _chapter_bonus(hit, intent)
        if hit.document.law_key in named_laws:
            score += NAMED_LAW_BONUS
        score += LEVEL_BONUS.get(hit.document.meta.level, 0.0)
        if hit.via == "direct":
            score += 10.0
        ranked.append(RankedHit(hit, score, overlap.get(hit.unit_id, 0.0)))
    ranked.sort(key=lambda r: -r.score)
    return ranked
