"""Retrieval evaluation: questions with gold articles → hit@k, recall@k, MRR, latency, refusals.

Questions are JSON lines ``{"id", "question", "gold": [{"law", "article"}], "also": [...], "split"}``.
``gold: []`` marks an out-of-scope question: the knowledge base should judge it ungrounded.
``also`` names further articles that answer the question too: they count for hit@k and MRR, while
recall@k is the share of ``gold`` found. Laws match with or without 中华人民共和国 and 《》; articles
match by number and 之一 suffix. Metrics are over in-scope questions; latency over all questions.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kb.citations import law_key
from kb.models import Citation, Hit, SearchResult
from kb.numbers import cn_to_int

CUTOFFS = (1, 5, 10)
ArticleKey = tuple[str, int, str]
"""(normalised law title, article number, 之一-style suffix)."""

_ARTICLE_RE = re.compile(r"^第([零〇一二两三四五六七八九十百千0-9０-９]+)条(之[一二三四五六七八九十]+)?$")


class Searcher(Protocol):
    """Anything that searches like KnowledgeBase.search (the KB itself, a peer adapter, a test fake)."""

    def search(self, query: str, k: int = 10) -> SearchResult: ...


@dataclass(frozen=True)
class GoldArticle:
    law: str
    article: str

    @property
    def key(self) -> ArticleKey:
        return article_key(self.law, self.article)

    def citation(self) -> Citation:
        _, number, suffix = self.key
        return Citation(law=self.law, article=number, article_suffix=suffix)


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    gold: tuple[GoldArticle, ...]
    also: tuple[GoldArticle, ...] = ()
    split: str = ""
    type: str = ""

    @property
    def in_scope(self) -> bool:
        return bool(self.gold)


def article_key(law: str, article: str) -> ArticleKey:
    """(law, "第十条之一") → ("…", 10, "之一"); ValueError if the article is not 第X条[之Y]."""
    match = _ARTICLE_RE.match(re.sub(r"\s+", "", article))
    number = cn_to_int(match.group(1)) if match else None
    if match is None or number is None:
        raise ValueError(f"not an article number: {article!r}")
    return law_key(law), number, match.group(2) or ""


def hit_key(hit: Hit) -> ArticleKey | None:
    """The article a hit is, or None for a section unit."""
    if hit.unit.kind != "article":
        return None
    suffix = hit.unit.label.split("条", 1)[1] if "条" in hit.unit.label else ""
    return law_key(hit.document.meta.title), hit.unit.number, suffix


def load_questions(path: Path | str) -> list[Question]:
    """Read a JSON-lines questions file."""
    questions = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                questions.append(_question(json.loads(line)))
            except (KeyError, ValueError) as e:
                raise ValueError(f"{path}:{lineno}: {e}") from e
    return questions


def question_record(question: Question) -> dict[str, Any]:
    """A question as one line of a questions file (the inverse of ``load_questions``)."""
    record: dict[str, Any] = {"id": question.id, "question": question.question,
                              "gold": [{"law": g.law, "article": g.article} for g in question.gold]}
    if question.also:
        record["also"] = [{"law": g.law, "article": g.article} for g in question.also]
    if question.split:
        record["split"] = question.split
    if question.type:
        record["type"] = question.type
    return record


def write_questions(path: Path, questions: Iterable[Question]) -> int:
    """Write a JSON-lines questions file that ``load_questions`` reads back; returns how many were written."""
    lines = [json.dumps(question_record(q), ensure_ascii=False) for q in questions]
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return len(lines)


def evaluate(
    searcher: Searcher,
    questions: Iterable[Question],
    k_max: int = 10,
    split: str | None = None,
    details: bool = False,
    warmup: bool = True,
) -> dict[str, Any]:
    """Run every question (of ``split``, unless None or "all") through ``searcher.search(q, k=k_max)``.

    Returns ``queries`` (in-scope count), ``hit@1/5/10``, ``recall@1/5/10``, ``mrr@10``, ``p50_ms``,
    ``p95_ms``, ``out_of_scope``, ``refusal_rate`` (None without out-of-scope questions),
    ``in_scope_refused`` and, with ``details``, a per-question list. With ``warmup`` one untimed search
    runs first, so that lazily loaded models and indexes do not count as the first question's latency.
    """
    return metrics(run_questions(searcher, _select(questions, split), k_max, warmup), details)


def evaluate_splits(
    searcher: Searcher,
    questions: Iterable[Question],
    splits: Sequence[str] = ("all", "train", "dev"),
    k_max: int = 10,
    details: bool = False,
    warmup: bool = True,
) -> dict[str, dict[str, Any]]:
    """``evaluate`` for several splits at once, searching each question only once."""
    wanted = list(questions) if "all" in splits else [q for q in questions if q.split in splits]
    runs = run_questions(searcher, wanted, k_max, warmup)
    return {s: metrics([r for r in runs if s == "all" or r.question.split == s], details) for s in splits}


def metrics(runs: Sequence[Run], details: bool) -> dict[str, Any]:
    in_scope = [r for r in runs if r.question.in_scope]
    out_scope = [r for r in runs if not r.question.in_scope]
    out: dict[str, Any] = {"queries": len(in_scope)}
    for k in CUTOFFS:
        out[f"hit@{k}"] = _mean([r.hit_at(k) for r in in_scope])
    for k in CUTOFFS:
        out[f"recall@{k}"] = _mean([r.recall_at(k) for r in in_scope])
    out["mrr@10"] = _mean([r.reciprocal_rank(10) for r in in_scope])
    latencies = [r.ms for r in runs]
    out["p50_ms"] = percentile(latencies, 50)
    out["p95_ms"] = percentile(latencies, 95)
    out["out_of_scope"] = len(out_scope)
    out["refusal_rate"] = _mean([0.0 if r.grounded else 1.0 for r in out_scope])
    out["in_scope_refused"] = sum(1 for r in in_scope if not r.grounded)
    types = sorted({r.question.type for r in runs if r.question.type})
    if types:
        out["by_type"] = {t: _type_metrics([r for r in runs if r.question.type == t]) for t in types}
    if details:
        out["details"] = [r.detail() for r in runs]
    return out


def _type_metrics(runs: Sequence[Run]) -> dict[str, Any]:
    """The headline figures of one question type (out-of-scope questions: their refusal rate)."""
    in_scope = [r for r in runs if r.question.in_scope]
    out = {"questions": len(runs), "hit@1": _mean([r.hit_at(1) for r in in_scope]),
           "hit@5": _mean([r.hit_at(5) for r in in_scope]), "mrr@10": _mean([r.reciprocal_rank(10) for r in in_scope])}
    out_scope = [r for r in runs if not r.question.in_scope]
    if out_scope:
        out["refusal_rate"] = _mean([0.0 if r.grounded else 1.0 for r in out_scope])
    return out


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Linear-interpolated percentile (as numpy's default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * pct / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True)
class Run:
    question: Question
    ranked: tuple[ArticleKey | None, ...]
    labels: tuple[tuple[str, str], ...]
    grounded: bool
    ms: float

    @property
    def rank(self) -> int | None:
        """1-based rank of the first gold or also article, None if none was retrieved."""
        wanted = {g.key for g in (*self.question.gold, *self.question.also)}
        return next((i for i, key in enumerate(self.ranked, start=1) if key in wanted), None)

    def hit_at(self, k: int) -> float:
        rank = self.rank
        return 1.0 if rank is not None and rank <= k else 0.0

    def recall_at(self, k: int) -> float:
        gold = {g.key for g in self.question.gold}
        return len(gold & set(self.ranked[:k])) / len(gold)

    def reciprocal_rank(self, k: int) -> float:
        rank = self.rank
        return 1.0 / rank if rank is not None and rank <= k else 0.0

    def detail(self) -> dict[str, Any]:
        return {
            "id": self.question.id,
            "question": self.question.question,
            "gold": [(g.law, g.article) for g in self.question.gold],
            "also": [(g.law, g.article) for g in self.question.also],
            "top5": list(self.labels[:5]),
            "rank": self.rank,
            "grounded": self.grounded,
        }


def run_questions(searcher: Searcher, questions: Sequence[Question], k_max: int, warmup: bool) -> list[Run]:
    if warmup and questions:
        searcher.search(questions[0].question, k=k_max)
    return [_run(searcher, q, k_max) for q in questions]


def _run(searcher: Searcher, question: Question, k_max: int) -> Run:
    start = time.perf_counter()
    result = searcher.search(question.question, k=k_max)
    ms = (time.perf_counter() - start) * 1000
    hits = result.hits[:k_max]
    return Run(
        question=question,
        ranked=tuple(hit_key(h) for h in hits),
        labels=tuple((h.document.meta.title, h.unit.label) for h in hits),
        grounded=result.grounded,
        ms=ms,
    )


def _select(questions: Iterable[Question], split: str | None) -> list[Question]:
    if split in (None, "", "all"):
        return list(questions)
    return [q for q in questions if q.split == split]


def _question(data: dict[str, Any]) -> Question:
    question = Question(
        id=str(data["id"]),
        question=data["question"],
        gold=tuple(GoldArticle(g["law"], g["article"]) for g in data.get("gold") or ()),
        also=tuple(GoldArticle(g["law"], g["article"]) for g in data.get("also") or ()),
        split=data.get("split") or "",
        type=data.get("type") or "",
    )
    for ref in (*question.gold, *question.also):
        article_key(ref.law, ref.article)  # a malformed article fails here, with its line number
    return question


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
