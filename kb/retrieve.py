"""Hybrid retrieval: dense (Chroma) + lexical (BM25) fused by reciprocal rank, direct citation lookup,
law-name awareness, an optional cross-encoder, and the judgement whether the hits answer the query at all.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kb.citations import ABBREVIATIONS, parse_citations
from kb.lexical import tokenize
from kb.lexicon import (
    asked_quantities,
    asks_for_penalty,
    expand,
    sets_penalty,
    states_quantity,
    terms_of_art,
)
from kb.models import Citation, Hit, SearchFilters, SearchResult

if TYPE_CHECKING:
    from kb.base import KnowledgeBase


@dataclass(frozen=True)
class Pool:
    direct_hits: list[Hit]
    direct: list[Citation]
    unresolved: list[Citation]
    dense: list[tuple[str, float]]
    hybrid: list[Hit]
    """Fused candidates, best first."""
    tokens: tuple[str, ...]
    """The query's tokens without the law names it mentions."""
    named_laws: frozenset[str]


class Retriever:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._reranker = None

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
        wording = terms_of_art(query)
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
        grounded = bool(pool.direct_hits) or self.judge(query, list(pool.tokens), hits, pool.dense,
                                                        set(pool.named_laws))
        timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return SearchResult(query=query, hits=tuple(hits), grounded=grounded, direct=tuple(pool.direct),
                            unresolved=tuple(pool.unresolved), timings_ms=timings)

    def pool(self, query: str, filters: SearchFilters, size: int, timings: dict[str, float] | None = None) -> Pool:
        """The first stage: direct citations, and dense + BM25 candidates fused with the bonuses, best first."""
        cfg = self.kb.settings.retrieval
        timings = {} if timings is None else timings
        t0 = time.perf_counter()
        allowed = self.kb.allowed_docs(filters)
        restricted = bool(filters.laws or filters.levels or filters.validity)
        direct_hits, direct, unresolved = self.direct(query, allowed)
        named = self.named_laws(query)
        timings["parse_ms"] = (time.perf_counter() - t0) * 1000

        scoring_query = strip_law_names(query, named) if named else query
        t1 = time.perf_counter()
        legal_terms = expand(query)
        qvec = self.kb.embedder.embed_query(self.dense_text(query, named))
        timings["embed_ms"] = (time.perf_counter() - t1) * 1000
        t2 = time.perf_counter()
        where = {"doc_id": {"$in": sorted(allowed)}} if restricted and allowed else None
        dense = [(uid, s) for uid, s in self.kb.vectors.query(qvec, cfg.candidates * 2, where)
                 if uid.split("-", 1)[0] in allowed][: cfg.candidates]
        timings["dense_ms"] = (time.perf_counter() - t2) * 1000
        t3 = time.perf_counter()
        q_tokens = tokenize(scoring_query)
        expanded = q_tokens + [t for term in legal_terms for t in tokenize(term)]
        lexical = self.kb.lexical().search(expanded, cfg.candidates, allowed if restricted else None)
        timings["lexical_ms"] = (time.perf_counter() - t3) * 1000

        fused: dict[str, float] = {}
        dense_rank = {uid: r for r, (uid, _) in enumerate(dense)}
        lexical_rank = {uid: r for r, (uid, _) in enumerate(lexical)}
        for uid, r in dense_rank.items():
            fused[uid] = fused.get(uid, 0.0) + cfg.dense_weight / (cfg.rrf_k + r + 1)
        for uid, r in lexical_rank.items():
            fused[uid] = fused.get(uid, 0.0) + cfg.lexical_weight / (cfg.rrf_k + r + 1)
        docs = self.kb.document_map()
        remembered: dict[str, float] = {}
        memory = self.kb.memory() if cfg.memory_weight else None
        if memory:
            recalled = memory.recall(qvec, cfg.memory_neighbours, allowed)
            remembered = dict(recalled.units)
            for uid, share in remembered.items():
                fused[uid] = fused.get(uid, 0.0) + cfg.memory_weight * share / (cfg.rrf_k + 1)
            if cfg.memory_law_weight:
                for uid in fused:
                    law_share = recalled.documents.get(uid.split("-", 1)[0], 0.0)
                    fused[uid] += cfg.memory_law_weight * law_share / (cfg.rrf_k + 1)
        if named:
            for uid in fused:
                if docs[uid.split("-", 1)[0]].law_key in named:
                    fused[uid] += cfg.law_name_boost / (cfg.rrf_k + 1)
        if cfg.penalty_boost and asks_for_penalty(query):
            self.punished_by(fused)
            for uid in self.kb.units_where(fused, sets_penalty):
                fused[uid] += cfg.penalty_boost / (cfg.rrf_k + 1)
        for kind in asked_quantities(query) if cfg.answer_type_boost else ():
            for uid in self.kb.units_where(fused, states_quantity(kind)):
                fused[uid] += cfg.answer_type_boost / (cfg.rrf_k + 1)
        if cfg.law_evidence_weight:
            add_law_evidence(fused, cfg.law_evidence_depth, cfg.law_evidence_weight)
        ranked = sorted(fused.items(), key=lambda x: (-x[1], x[0]))
        size = max(size, self.kb.settings.reranker.candidates if self.kb.settings.reranker.model else 0)
        dense_score = dict(dense)
        lexical_score = dict(lexical)
        hybrid = [
            replace(h, dense_score=dense_score.get(h.unit_id), lexical_score=lexical_score.get(h.unit_id),
                    dense_rank=dense_rank.get(h.unit_id), lexical_rank=lexical_rank.get(h.unit_id),
                    memory_share=remembered.get(h.unit_id))
            for h in self.kb.hits_for(ranked[:size])
        ]
        return Pool(direct_hits, direct, unresolved, dense, hybrid, tuple(q_tokens), frozenset(named))

    def punished_by(self, fused: dict[str, float]) -> None:
        """Give the penalty articles that cite one of the best candidates that candidate's score (the
        question describes the conduct; the penalty names it only by number)."""
        cfg = self.kb.settings.retrieval
        graph = self.kb.references()
        best = sorted(fused.items(), key=lambda x: (-x[1], x[0]))[: cfg.reference_depth]
        for uid, score in best:
            for penalty in graph.penalties_for(uid):
                fused[penalty] = max(fused.get(penalty, 0.0), score * cfg.reference_weight)

    def judge(self, query: str, q_tokens: list[str], hits: list[Hit], dense: list[tuple[str, float]],
              named: set[str]) -> bool:
        """Whether the corpus holds a basis for the query.

        The evidence is how much of the query's weight (idf: rare words weigh more, words the corpus never
        uses weigh the most) the best hits contain, and how close the best dense match is.
        """
        if not hits:
            return False
        cfg = self.kb.settings.retrieval
        if named and any(h.document.law_key in named for h in hits[:3]):
            return True
        coverage = query_coverage(self.kb.lexical().idf, q_tokens, hits[:3])
        if coverage == 0.0:
            return False  # not one of the question's words is in the best articles
        best_dense = dense[0][1] if dense else 0.0
        return best_dense >= self.kb.null_calibration().threshold(cfg.basis_z) or coverage >= cfg.min_lexical_coverage

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        if self._reranker is None:
            from kb.rerank import CrossEncoderReranker

            self._reranker = CrossEncoderReranker(self.kb.settings.reranker)
        scores = self._reranker.score(query, [h.unit.text for h in hits])
        rescored = [replace(h, rerank_score=float(s)) for h, s in zip(hits, scores, strict=True)]
        return sorted(rescored, key=lambda h: -(h.rerank_score or 0.0))


def query_coverage(idf: Callable[[str], float], q_tokens: list[str], hits: list[Hit]) -> float:
    """The largest idf-weighted share of the query's content words that one hit's text contains."""
    content = {t for t in q_tokens if len(t) >= 2}
    if not content or not hits:
        return 0.0
    weights = {t: idf(t) for t in content}
    total = sum(weights.values())
    return max(sum(w for t, w in weights.items() if t in h.unit.text) for h in hits) / total


def add_law_evidence(fused: dict[str, float], depth: int, weight: float) -> None:
    """Raise every candidate by ``weight`` × its document's share of the best ``depth`` candidates' fused
    score: a question about a lease is answered in the law where most of the lease articles matched."""
    per_doc: dict[str, float] = {}
    for uid, score in sorted(fused.items(), key=lambda x: (-x[1], x[0]))[:depth]:
        doc = uid.split("-", 1)[0]
        per_doc[doc] = per_doc.get(doc, 0.0) + score
    total = sum(per_doc.values()) or 1.0
    for uid in fused:
        fused[uid] += weight * per_doc.get(uid.split("-", 1)[0], 0.0) / total


def strip_law_names(query: str, named: set[str]) -> str:
    """The query without the law names it mentions (they would pull every article of that law up)."""
    out = query
    for key in sorted(named, key=lambda k: (-len(k), k)):
        out = re.sub(rf"《?(?:中华人民共和国)?{re.escape(key)}》?", " ", out)
    return out.strip() or query
