"""Hybrid retrieval: dense (Chroma, with the learned query map) and lexical (BM25) candidates, each described by
a few signals and ranked by the learned second stage (kb.ranker); direct citation lookup first, an optional
cross-encoder, and the judgement whether the hits answer the query at all.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from kb.basis_signals import answer_missing
from kb.citations import ABBREVIATIONS, parse_citations
from kb.lexical import tokenize
from kb.lexicon import asks_for_penalty, expand, sets_penalty, terms_of_art
from kb.models import Citation, Hit, SearchFilters, SearchResult, StoredUnit
from kb.ranker import FEATURES

if TYPE_CHECKING:
    from kb.base import KnowledgeBase
    from kb.rerank import CrossEncoderReranker

REFERENCE_DEPTH = 30
"""How many of the best candidates bring the penalty articles citing them into the pool (kb.references)."""


@dataclass(frozen=True)
class Candidates:
    """The first stage's candidates of one query with their signals (rows of ``matrix`` in kb.ranker.FEATURES
    order), and what the judgement of a basis needs."""

    unit_ids: tuple[str, ...]
    units: dict[str, StoredUnit]
    matrix: np.ndarray
    dense: np.ndarray
    dense_raw: np.ndarray
    lexical: np.ndarray
    memory: dict[str, float]
    query: np.ndarray
    """The model's own (unmapped) query vector."""


@dataclass(frozen=True)
class Pool:
    direct_hits: list[Hit]
    direct: list[Citation]
    unresolved: list[Citation]
    candidates: Candidates
    hybrid: list[Hit]
    """Ranked candidates, best first."""
    tokens: tuple[str, ...]
    """The query's tokens without the law names it mentions."""
    named_laws: frozenset[str]
    query: str
    """The question as searched."""


def doc_of(unit_id: str) -> str:
    return unit_id.split("-", 1)[0]


class Retriever:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._reranker: CrossEncoderReranker | None = None  # loaded on the first rerank

    def named_laws(self, query: str) -> set[str]:
        """Law keys the query names, longest match winning (道路交通安全法实施条例 over 道路交通安全法)."""
        found: set[str] = set()
        known = self.kb.known_law_keys()
        for key in sorted(known, key=lambda k: (-len(k), k)):
            if key in query and not any(key in longer for longer in found):
                found.add(key)
        for abbr, full in ABBREVIATIONS.items():
            if abbr in query and full in known:
                found.add(full)
        return found

    def dense_text(self, query: str, named: set[str] | None = None) -> str:
        """What the dense search embeds of a query: without the law names it mentions, with the legal wording
        of its set phrases."""
        named = self.named_laws(query) if named is None else named
        scoring_query = strip_law_names(query, named) if named else query
        wording = terms_of_art(query) if self.kb.settings.retrieval.lexicon else []
        return f"{scoring_query} {' '.join(wording)}" if wording else scoring_query

    def direct(self, query: str, allowed: set[str]) -> tuple[list[Hit], list[Citation], list[Citation]]:
        hits: list[Hit] = []
        resolved: list[Citation] = []
        unresolved: list[Citation] = []
        for citation in parse_citations(query, self.kb.known_law_keys()):
            hit = self.kb.lookup(citation)
            if hit is None or hit.document.doc_id not in allowed:
                unresolved.append(citation)
                continue
            hits.append(hit)
            resolved.append(replace(hit.citation(), clause=citation.clause, item=citation.item))
        return hits, resolved, unresolved

    def search(self, query: str, k: int, filters: SearchFilters) -> SearchResult:
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        pool = self.pool(query, filters, max(k, 30), timings)
        hybrid = pool.hybrid
        if self.kb.settings.reranker.model and hybrid:
            t5 = time.perf_counter()
            hybrid = self.rerank(query, hybrid)
            timings["rerank_ms"] = (time.perf_counter() - t5) * 1000
        seen = {h.unit_id for h in pool.direct_hits}
        hits = (pool.direct_hits + [h for h in hybrid if h.unit_id not in seen])[:k]
        grounded = bool(pool.direct_hits) or self.judge(pool, hits)
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return SearchResult(query=query, hits=tuple(hits), grounded=grounded, direct=tuple(pool.direct),
                            unresolved=tuple(pool.unresolved), timings_ms=timings)

    def pool(self, query: str, filters: SearchFilters, size: int, timings: dict[str, float] | None = None) -> Pool:
        """The first stage (direct citations; dense + BM25 candidates) and the learned ranking, best first."""
        timings = {} if timings is None else timings
        t0 = time.perf_counter()
        allowed = self.kb.allowed_docs(filters)
        direct_hits, direct, unresolved = self.direct(query, allowed)
        named = self.named_laws(query)
        timings["parse_ms"] = (time.perf_counter() - t0) * 1000
        candidates, q_tokens = self.candidates(query, filters, allowed, named, timings)
        t4 = time.perf_counter()
        scores = self.kb.ranker().score(candidates.matrix) if candidates.unit_ids else np.zeros(0)
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], candidates.unit_ids[i]))
        size = max(size, self.kb.settings.reranker.candidates if self.kb.settings.reranker.model else 0)
        docs = self.kb.document_map()
        hybrid = []
        column = {name: i for i, name in enumerate(FEATURES)}
        for i in order[:size]:
            uid = candidates.unit_ids[i]
            stored = candidates.units[uid]
            row = candidates.matrix[i]
            hybrid.append(Hit(
                unit_id=uid, unit=stored.unit, document=docs[stored.doc_id], score=float(scores[i]),
                dense_score=float(candidates.dense[i]), lexical_score=float(candidates.lexical[i]),
                dense_rank=_rank(row[column["dense_rr"]]), lexical_rank=_rank(row[column["lexical_rr"]]),
                memory_share=candidates.memory.get(uid),
            ))
        timings["rank_ms"] = (time.perf_counter() - t4) * 1000
        return Pool(direct_hits, direct, unresolved, candidates, hybrid, tuple(q_tokens), frozenset(named), query)

    def candidates(self, query: str, filters: SearchFilters, allowed: set[str] | None = None,
                   named: set[str] | None = None, timings: dict[str, float] | None = None,
                   ) -> tuple[Candidates, list[str]]:
        """The dense and BM25 candidates of a query (and the penalty articles citing the best of them, and the
        articles the nearest answered questions vote for), with their signals."""
        cfg = self.kb.settings.retrieval
        timings = {} if timings is None else timings
        allowed = self.kb.allowed_docs(filters) if allowed is None else allowed
        named = self.named_laws(query) if named is None else named
        restricted = bool(filters.laws or filters.levels or filters.validity)
        scoring_query = strip_law_names(query, named) if named else query

        t1 = time.perf_counter()
        raw = self.kb.query_vector(self.dense_text(query, named))
        adapter = self.kb.query_adapter()
        qvec = adapter(raw) if adapter is not None else raw
        timings["embed_ms"] = (time.perf_counter() - t1) * 1000

        t2 = time.perf_counter()
        where = {"doc_id": {"$in": sorted(allowed)}} if restricted and allowed else None
        dense = [uid for uid, _ in self.kb.vectors.query(qvec, cfg.candidates * 2, where)
                 if doc_of(uid) in allowed][: cfg.candidates]
        timings["dense_ms"] = (time.perf_counter() - t2) * 1000

        t3 = time.perf_counter()
        q_tokens = tokenize(scoring_query)
        expansions = expand(query) if cfg.lexicon else []
        expanded = q_tokens + [t for term in expansions for t in tokenize(term)]
        index = self.kb.lexical()
        lexical = [uid for uid, _ in index.search(expanded, cfg.candidates, allowed if restricted else None)]
        timings["lexical_ms"] = (time.perf_counter() - t3) * 1000

        recalled = None
        memory = self.kb.memory() if cfg.memory else None
        if memory:
            recalled = memory.recall(raw, cfg.memory_neighbours, allowed)
        remembered = dict(recalled.units) if recalled else {}
        graph = self.kb.references()
        penalties = [penalty for uid in dict.fromkeys(dense[:REFERENCE_DEPTH] + lexical[:REFERENCE_DEPTH])
                     for penalty in graph.penalties_for(uid) if doc_of(penalty) in allowed]
        ids = list(dict.fromkeys([*dense, *lexical, *penalties, *remembered]))
        stored = self.kb.registry.units_by_ids(ids)
        docs = self.kb.document_map()
        ids = [uid for uid in ids if uid in stored and stored[uid].doc_id in docs]

        vectors = self.kb.vectors.vectors_of(ids)
        matrix_v = np.vstack([vectors[uid] for uid in ids]) if ids else np.zeros((0, len(raw)), np.float32)
        dense_scores = matrix_v @ np.asarray(qvec, np.float32)
        raw_scores = matrix_v @ np.asarray(raw, np.float32)
        lexical_scores = index.scores_of(expanded, ids)
        best_lexical = float(lexical_scores.max()) if len(ids) and lexical_scores.max() > 0 else 1.0
        dense_order = np.argsort(-dense_scores, kind="stable")
        dense_rr = np.zeros(len(ids))
        dense_rr[dense_order] = 1.0 / (1 + np.arange(len(ids)))
        lexical_order = np.argsort(-lexical_scores, kind="stable")
        lexical_rr = np.zeros(len(ids))
        lexical_rr[lexical_order] = 1.0 / (1 + np.arange(len(ids)))
        lexical_rr[lexical_scores <= 0] = 0.0

        idf = index.idf
        content = {t for t in q_tokens if len(t) >= 2}
        weights = {t: idf(t) for t in content}
        total_weight = sum(weights.values()) or 1.0
        penalty_question = asks_for_penalty(query)
        law_votes = recalled.documents if recalled else {}
        closeness = recalled.closeness if recalled else {}
        rows = []
        for i, uid in enumerate(ids):
            su = stored[uid]
            unit = su.unit
            doc = docs[su.doc_id]
            text = unit.text
            rows.append((
                float(dense_scores[i]), float(raw_scores[i]), float(dense_rr[i]),
                float(lexical_scores[i]) / best_lexical, float(lexical_rr[i]),
                sum(w for t, w in weights.items() if t in text) / total_weight,
                float(doc.law_key in named),
                float(penalty_question and sets_penalty(unit)),
                remembered.get(uid, 0.0),
                closeness.get(uid, 0.0),
                law_votes.get(su.doc_id, 0.0),
                float(unit.kind != "article"),
            ))
        matrix = np.asarray(rows, dtype=np.float64).reshape(len(ids), len(FEATURES))
        return Candidates(tuple(ids), stored, matrix, dense_scores, raw_scores, lexical_scores, remembered,
                          np.asarray(raw, np.float32)), q_tokens

    def judge(self, pool: Pool, hits: list[Hit]) -> bool:
        """Whether the corpus holds a basis for the query: the learned judge (kb.judge) over the search's
        signals, or without one, the best hits' share of the query's weighted words and the nearest article's
        similarity against the off-topic probes."""
        if not hits:
            return False
        judge = self.kb.basis_judge()
        if judge is not None:
            return judge.grounded(self.basis_signals(pool, hits))
        cfg = self.kb.settings.retrieval
        if pool.named_laws and any(h.document.law_key in pool.named_laws for h in hits[:3]):
            return True
        coverage = query_coverage(self.kb.lexical().idf, list(pool.tokens), hits[:3])
        if coverage == 0.0:
            return False  # not one of the question's words is in the best articles
        raw = pool.candidates.dense_raw
        best_dense = float(raw.max()) if len(raw) else 0.0
        return best_dense >= self.kb.null_calibration().threshold(cfg.basis_z) or coverage >= cfg.min_lexical_coverage

    def basis_signals(self, pool: Pool, hits: list[Hit]) -> np.ndarray:
        """The signals of kb.judge.SIGNALS for a search."""
        candidates = pool.candidates
        raw_null = self.kb.null_calibration()
        mapped_null = self.kb.null_calibration(mapped=True)
        nearest = float(candidates.dense_raw.max()) if len(candidates.dense_raw) else raw_null.mean
        mapped = float(candidates.dense.max()) if len(candidates.dense) else mapped_null.mean
        index = self.kb.lexical()
        content = {t for t in pool.tokens if len(t) >= 2}
        weights = {t: index.idf(t) for t in content}
        total = sum(weights.values()) or 1.0
        unknown = sum(w for t, w in weights.items() if not index.doc_freq.get(t)) / total
        named = bool(pool.named_laws) and any(h.document.law_key in pool.named_laws for h in hits[:3])
        return np.array([
            (nearest - raw_null.mean) / max(raw_null.std, 1e-6),
            (mapped - mapped_null.mean) / max(mapped_null.std, 1e-6),
            query_coverage(index.idf, list(pool.tokens), hits[:3]),
            query_coverage(index.idf, list(pool.tokens), hits[:10]),
            unknown,
            float(named),
            self.kb.everyday_z(candidates.query),
            pool.hybrid[0].score if pool.hybrid else 0.0,
            answer_missing(pool.query, [h.unit.text for h in hits[:3]]),
        ])

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        if self._reranker is None:
            from kb.rerank import CrossEncoderReranker

            self._reranker = CrossEncoderReranker(self.kb.settings.reranker)
        scores = self._reranker.score(query, [h.unit.text for h in hits])
        rescored = [replace(h, rerank_score=float(s)) for h, s in zip(hits, scores, strict=True)]
        return sorted(rescored, key=lambda h: -(h.rerank_score or 0.0))


def _rank(rr: float) -> int | None:
    return round(1 / rr) - 1 if rr > 0 else None


def query_coverage(idf: Callable[[str], float], q_tokens: list[str], hits: list[Hit]) -> float:
    """The largest idf-weighted share of the query's content words that one hit's text contains."""
    content = {t for t in q_tokens if len(t) >= 2}
    if not content or not hits:
        return 0.0
    weights = {t: idf(t) for t in content}
    total = sum(weights.values())
    return max(sum(w for t, w in weights.items() if t in h.unit.text) for h in hits) / total


def strip_law_names(query: str, named: set[str]) -> str:
    """The query without the law names it mentions (they would pull every article of that law up)."""
    out = query
    for key in sorted(named, key=lambda k: (-len(k), k)):
        out = re.sub(rf"《?(?:中华人民共和国)?{re.escape(key)}》?", " ", out)
    return out.strip() or query
