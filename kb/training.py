"""Labelled questions as training data for the learned parts of the search (kb.adapter, kb.ranker).

A question's gold and also articles are resolved against the knowledge base it is asked of; a question none
of whose articles is stored (a repealed law, another corpus) gives no training signal and is skipped.
Folds are fixed by a hash of the question's id, so every run (and every machine) splits alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from kb.adapter import TrainingQuestion
from kb.base import KnowledgeBase
from kb.evaluate import Question
from kb.memory import AnsweredQuestion


def fold_of(question_id: str, folds: int) -> int:
    """The fold (0 … folds−1) a question belongs to: stable across runs and machines."""
    return int(hashlib.sha256(question_id.encode("utf-8")).hexdigest()[:8], 16) % folds


@dataclass(frozen=True)
class Corpus:
    """A knowledge base's passage vectors as one matrix, rows in ``unit_ids`` order."""

    name: str
    unit_ids: tuple[str, ...]
    vectors: np.ndarray

    @classmethod
    def of(cls, name: str, kb: KnowledgeBase) -> Corpus:
        ids, vectors = kb.vectors.all()
        active = kb.active_unit_ids()
        keep = [i for i, uid in enumerate(ids) if uid in active]
        return cls(name, tuple(ids[i] for i in keep), np.asarray(vectors, dtype=np.float32)[keep])

    def rows(self) -> dict[str, int]:
        return {uid: i for i, uid in enumerate(self.unit_ids)}


def gold_units(kb: KnowledgeBase, question: Question) -> tuple[str, ...]:
    """Unit ids of the question's gold and also articles in the current versions (those stored)."""
    found = []
    for ref in (*question.gold, *question.also):
        hit = kb.lookup(ref.citation())
        if hit is not None:
            found.append(hit.unit_id)
    return tuple(dict.fromkeys(found))


def answered_from_questions(questions: Iterable[Question], source: str) -> list[AnsweredQuestion]:
    """In-scope questions with their gold and also articles as answered questions (kb.memory)."""
    return [AnsweredQuestion(q.question, tuple(g.citation() for g in (*q.gold, *q.also)), source)
            for q in questions if q.gold]


def training_questions(kb: KnowledgeBase, corpus: Corpus, questions: Sequence[Question]) -> list[TrainingQuestion]:
    """The in-scope questions whose articles are stored, with their (unmapped) query vectors."""
    rows = corpus.rows()
    wanted = [(q, [rows[u] for u in gold_units(kb, q) if u in rows]) for q in questions if q.gold]
    wanted = [(q, pos) for q, pos in wanted if pos]
    vectors = kb.query_vectors([q.question for q, _ in wanted])
    return [TrainingQuestion(v, corpus.name, tuple(pos), q.id) for (q, pos), v in zip(wanted, vectors, strict=True)]
