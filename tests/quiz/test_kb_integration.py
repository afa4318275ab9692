"""The quiz over the real KnowledgeBase facade (registry + Chroma on disk in a tmp dir).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.base import KnowledgeBase
from kb.settings import KBSettings
from quiz.bank.store import ARTICLE_CHANGED, QuestionBank
from quiz.generation.checks import check_question
from quiz.generation.generate import generate
from quiz.source import ArticleIndex, citation_label
from tests.quiz.laws import load_law, replace_article

pytestmark = pytest.mark.xdist_group("kb")


def test_generate_from_the_knowledge_base_and_flag_changed_articles(tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "kb", KBSettings())
    penalty, coercion = load_law("中华人民共和国行政处罚法"), load_law("中华人民共和国行政强制法")
    kb.add(penalty, "test:penalty")
    kb.add(coercion, "test:coercion")
    try:
        questions = generate(kb, 16, seed=3)
        assert len(questions) == 16
        assert {q.law for q in questions} == {penalty.meta.title, coercion.meta.title}
        index = ArticleIndex.from_source(kb)
        for q in questions:
            assert check_question(q, index) == []
            hit = kb.lookup(q.sources[0])
            assert hit is not None and hit.unit.label == citation_label(q.sources[0])

        bank = QuestionBank.open(tmp_path)
        ids = bank.add(questions)
        assert bank.mark_changed(kb) == []
        target = next(q for q in questions if q.law == penalty.meta.title)
        label = citation_label(target.sources[0])
        kb.add(replace_article(penalty, label, "本条已修改。"), "test:penalty")  # re-ingested, new text
        flagged = bank.mark_changed(kb)
        same_article = [i for i, q in zip(ids, questions, strict=True)
                        if q.law == penalty.meta.title and citation_label(q.sources[0]) == label]
        assert sorted(flagged) == sorted(same_article)
        assert bank.get(flagged[0]).needs_review == ARTICLE_CHANGED
        bank.close()
    finally:
        kb.close()
