"""Fitting the learned parts of the search (the query map, the ranker) and judging them on questions they
did not see: k-fold cross-fitting over labelled questions asked of one or more knowledge bases.

Every question is put in one of ``folds`` folds by a hash of its id (kb.training.fold_of). For each fold a
query map is fitted on the questions of the other folds, and the ranker's training rows of that fold's
questions are computed with that map, so the ranker learns from dense evidence as good as it is on unseen
questions (stacking). The ranker of fold k is fitted on the rows of the other folds, and fold k is searched
with that map and that ranker: a question is never scored by a model that was fitted on it. The models to
ship are fitted on every question (the map on all, the ranker on all the out-of-fold rows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kb.adapter import AdapterFit, QueryAdapter, TrainingQuestion, fit_adapter
from kb.base import KnowledgeBase
from kb.evaluate import Question, Run, metrics, run_questions
from kb.judge import BasisJudge, JudgeFit, fit_judge
from kb.memory import QuestionMemory
from kb.models import SearchFilters
from kb.ranker import LinearRanker, RankerFit, RankingGroup, fit_ranker
from kb.training import Corpus, answered_from_questions, fold_of, gold_units, training_questions

Log = Callable[[str], None]


@dataclass
class Source:
    """Labelled questions asked of one knowledge base. ``train`` questions are fitted on (and, cross-fitted,
    measured); ``measure`` questions (e.g. a dev split) are only ever measured, with the final models."""

    name: str
    kb: KnowledgeBase
    train: list[Question]
    measure: list[Question] = field(default_factory=list)
    extra: list[Question] = field(default_factory=list)
    """Fitted on like ``train`` (in folds, so that their ranker rows are out of fold too), never reported."""
    negatives: list[Question] = field(default_factory=list)
    """Questions this knowledge base holds no basis for (e.g. another field's), for the judge only. The judge
    learns only from sources with such questions (or out-of-scope ones among ``train``): a source of in-scope
    questions alone would only move its threshold."""
    weight: int = 1
    """How many times its questions count in fitting the query map, the ranker and the judge (a small source
    beside a large one)."""
    _corpus: Corpus | None = None
    _training: list[TrainingQuestion] | None = None

    def corpus(self) -> Corpus:
        if self._corpus is None:
            self._corpus = Corpus.of(self.name, self.kb)
        return self._corpus

    def training(self) -> list[TrainingQuestion]:
        if self._training is None:
            self._training = training_questions(self.kb, self.corpus(), [*self.train, *self.extra])
        return self._training


@dataclass(frozen=True)
class FoldModels:
    """The models of one fold: fitted without that fold's questions (they score only those)."""

    adapter: QueryAdapter | None
    ranker: LinearRanker
    judge: BasisJudge | None


@dataclass(frozen=True)
class CrossFit:
    adapter: QueryAdapter | None
    ranker: LinearRanker
    judge: BasisJudge | None
    held_out: dict[str, dict[str, Any]]
    """Per source: the metrics of its train questions, each searched by the models of the folds it was not in."""
    folds: int
    fold_models: tuple[FoldModels, ...] = ()
    """Per fold k, the models fitted without fold k's questions (``fold_models[self.fold(question_id)]``)."""

    def fold(self, question_id: str) -> int:
        return fold_of(question_id, self.folds)

    def held_out_models(self, question_id: str) -> FoldModels:
        """The models that never saw this question (those its fold was scored with)."""
        return self.fold_models[self.fold(question_id)]


def ranking_groups(source: Source, questions: Sequence[Question]) -> list[RankingGroup]:
    """The candidates' rows of these questions (searched with the knowledge base's current query map and
    memory) and which of them answer."""
    kb = source.kb
    groups = []
    for q in questions:
        if not q.gold:
            continue
        wanted = set(gold_units(kb, q))
        if not wanted:
            continue
        candidates, _ = kb.retriever.candidates(q.question, SearchFilters())
        relevant = np.array([uid in wanted for uid in candidates.unit_ids], dtype=bool)
        groups.append(RankingGroup(candidates.matrix, relevant, q.id, source.name))
    return groups


def fit_adapter_on(sources: Sequence[Source], keep: Callable[[TrainingQuestion], bool], embedder: str,
                   fit: AdapterFit) -> QueryAdapter:
    questions = [t for s in sources for t in s.training() * s.weight if keep(t)]
    passages = {s.name: s.corpus().vectors for s in sources}
    return fit_adapter(questions, passages, embedder, fit)


def _outside_fold(fold: int, folds: int) -> Callable[[TrainingQuestion], bool]:
    return lambda t: fold_of(t.question_id, folds) != fold


def held_out_memory(source: Source, fold: int, folds: int) -> QuestionMemory:
    """A memory of the source's fitted-on questions outside ``fold`` (never a question of the fold itself)."""
    rest = [q for q in [*source.train, *source.extra] if fold_of(q.id, folds) != fold]
    return source.kb.build_memory(answered_from_questions(rest, source.name))


def cross_fit(sources: Sequence[Source], folds: int, adapter_fit: AdapterFit | None, ranker_fit: RankerFit,
              judge_fit: JudgeFit | None, log: Log = print, memory: bool = False) -> CrossFit:
    """Cross-fitted figures for every source's train questions, and the models fitted on all of them.
    ``adapter_fit`` None: no query map (the model's own vectors). ``memory``: the ranker also learns from each
    question searched with a memory of the other folds' questions (kb.memory), beside searched without one,
    and the held-out figures are given both ways (``<source>+memory``)."""
    embedder = sources[0].kb.embedder.name
    base_ranker = sources[0].kb.ranker()
    none = sources[0].kb.build_memory([])
    memories = {(source.name, k): held_out_memory(source, k, folds) for source in sources for k in range(folds)
                } if memory else {}
    fold_adapters: list[QueryAdapter | None] = []
    rows: dict[int, list[RankingGroup]] = {k: [] for k in range(folds)}
    for k in range(folds):
        adapter = None
        if adapter_fit is not None:
            adapter = fit_adapter_on(sources, _outside_fold(k, folds), embedder, adapter_fit)
        fold_adapters.append(adapter)
        for source in sources:
            in_fold = [q for q in [*source.train, *source.extra] if fold_of(q.id, folds) == k]
            source.kb.use_learned(adapter, base_ranker, None)
            source.kb.use_memory(none)
            rows[k] += ranking_groups(source, in_fold) * source.weight
            if memory:
                source.kb.use_memory(memories[source.name, k])
                rows[k] += ranking_groups(source, in_fold) * source.weight
        log(f"fold {k + 1}/{folds}: query map fitted, {len(rows[k])} candidate lists")
    fold_rankers = [fit_ranker([g for j in range(folds) if j != k for g in rows[j]], ranker_fit) for k in range(folds)]
    signals: dict[int, list[tuple[np.ndarray, bool]]] = {k: [] for k in range(folds)}
    judged = judged_sources(sources, judge_fit)
    for k in range(folds):
        for source in judged:
            source.kb.use_learned(fold_adapters[k], fold_rankers[k], None)
            source.kb.use_memory(none)
            asked = [(q, q.in_scope) for q in source.train if fold_of(q.id, folds) == k]
            asked += [(q, False) for q in source.negatives if fold_of(q.id, folds) == k]
            signals[k] += [(basis_signals(source.kb, q.question), inside) for q, inside in asked] * source.weight
    fold_judges = [fit_judge_on([x for j in range(folds) if j != k for x in signals[j]], judge_fit)
                   for k in range(folds)]
    held_out: dict[str, dict[str, Any]] = {}
    for source in sources:
        for remembered in (False, True) if memory else (False,):
            runs: list[Run] = []
            for k in range(folds):
                in_fold = [q for q in source.train if fold_of(q.id, folds) == k]
                if in_fold:
                    source.kb.use_learned(fold_adapters[k], fold_rankers[k], fold_judges[k])
                    source.kb.use_memory(memories[source.name, k] if remembered else none)
                    runs += run_questions(source.kb, in_fold, 10, warmup=False)
            name = f"{source.name}+memory" if remembered else source.name
            held_out[name] = metrics(runs, details=True)
            log(f"{name}: held out {summary(held_out[name])}")
    final_adapter = None
    if adapter_fit is not None:
        final_adapter = fit_adapter_on(sources, lambda t: True, embedder, adapter_fit)
    final_ranker = fit_ranker([g for k in range(folds) for g in rows[k]], ranker_fit)
    final_judge = fit_judge_on([x for k in range(folds) for x in signals[k]], judge_fit)
    for source in sources:
        source.kb.use_learned(final_adapter, final_ranker, final_judge)
        source.kb.forget_memory_override()
    fold_models = tuple(FoldModels(fold_adapters[k], fold_rankers[k], fold_judges[k]) for k in range(folds))
    return CrossFit(final_adapter, final_ranker, final_judge, held_out, folds, fold_models)


def judged_sources(sources: Sequence[Source], fit: JudgeFit | None) -> list[Source]:
    """The sources whose questions the judge is fitted on: none unless some source has no-basis examples; then
    every source (``fit.every_source``) or only those."""
    with_negatives = [s for s in sources if s.negatives or any(not q.in_scope for q in s.train)]
    if with_negatives and fit is not None and fit.every_source:
        return list(sources)
    return with_negatives


def basis_signals(kb: KnowledgeBase, question: str) -> np.ndarray:
    pool = kb.retriever.pool(question, SearchFilters(), 10)
    return kb.retriever.basis_signals(pool, pool.direct_hits + pool.hybrid[:10])


def fit_judge_on(rows: Sequence[tuple[np.ndarray, bool]], fit: JudgeFit | None) -> BasisJudge | None:
    """The judge fitted on these signals, or None (the fixed rule) when there are no out-of-scope ones."""
    if fit is None or all(inside for _, inside in rows) or not any(inside for _, inside in rows):
        return None
    return fit_judge([x for x, _ in rows], [inside for _, inside in rows], fit)


def summary(metrics: dict[str, Any]) -> str:
    keys = ("hit@1", "hit@5", "recall@5", "mrr@10", "refusal_rate", "in_scope_refused")
    return " ".join(f"{k} {metrics[k]:.3f}" if isinstance(metrics.get(k), float) else f"{k} {metrics.get(k)}"
                    for k in keys)

