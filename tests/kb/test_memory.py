"""Answered questions (kb.memory): a new question near a remembered one gets its articles — on a real
knowledge base with the bundled embedding model, and never from an unrelated remembered question."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from kb.base import KnowledgeBase
from kb.memory import AnsweredQuestion, QuestionMemory, Recollection
from kb.models import Citation, SearchFilters
from kb.ranker import FEATURES
from kb.settings import KBSettings
from tests.kb.laws import knowledge_base_of
from tests.kb.test_knowledge_base import tiny_law

pytestmark = pytest.mark.xdist_group("kb")

BEDDING = AnsweredQuestion("扣押车辆时车上有被褥、锅碗这些生活用品，能一起扣吗？", (Citation("行政强制法", 23),), "faq")
PARAPHRASE = "扣车的时候车上的铺盖卷和锅碗能一起扣吗？"
MEMORY_SIGNALS = ("memory", "memory_closeness", "memory_law")


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return knowledge_base_of(tmp_path_factory.mktemp("kb-memory"), ["行政处罚法", "公路法", "行政强制法"])


def top(kb: KnowledgeBase, query: str, k: int = 5, filters: SearchFilters | None = None) -> list[tuple[str, str]]:
    return [(h.document.law_key, h.unit.label) for h in kb.search(query, k=k, filters=filters).hits]


def test_votes_of_the_nearest_answered_questions() -> None:
    entries = [AnsweredQuestion(f"q{i}", ()) for i in range(3)]
    memory = QuestionMemory(entries, np.eye(3, dtype=np.float32), [("a-1", "b-1"), ("a-2",), ("b-1",)])
    query = np.array([0.9, 0.1, 0.42], dtype=np.float32)
    assert memory.nearest(query, 2) == [(0, pytest.approx(0.9)), (2, pytest.approx(0.42))]
    assert memory.recall(query, 3) == Recollection([], {})  # an uncalibrated memory (floor 1.0) votes for nothing

    memory.floor, memory.temperature = 0.0, 0.5
    weight = {i: math.exp((s - 0.9) / 0.5) for i, s in enumerate([0.9, 0.1, 0.42])}
    total = sum(weight.values())
    recalled = memory.recall(query, 3)
    assert recalled.units == [  # b-1 is cited by the nearest and the second nearest
        ("b-1", pytest.approx((weight[0] + weight[2]) / total)),
        ("a-1", pytest.approx(weight[0] / total)),
        ("a-2", pytest.approx(weight[1] / total)),
    ]
    assert recalled.documents == {  # each question once per law: q0 cites a-1 and b-1
        "a": pytest.approx((weight[0] + weight[1]) / total), "b": pytest.approx((weight[0] + weight[2]) / total)}
    nearest_only = memory.recall(query, 3, min_similarity=0.5)
    assert [uid for uid, _ in nearest_only.units] == ["a-1", "b-1"]
    assert nearest_only.documents == {"a": pytest.approx(weight[0] / total), "b": pytest.approx(weight[0] / total)}
    only_a = memory.recall(query, 3, allowed_docs={"a"})
    assert [uid for uid, _ in only_a.units] == ["a-1", "a-2"] and list(only_a.documents) == ["a"]
    memory.temperature = 0.01  # a cold vote: the nearest question decides
    shares = dict(memory.recall(query, 3).units)
    assert shares["a-1"] > 0.99 and shares["a-2"] < 0.01
    assert QuestionMemory([], np.zeros((0,)), []).recall(query, 3, min_similarity=0.0) == Recollection([], {})


def test_the_remembered_articles_and_law_are_signals_of_their_own_candidates_only(kb: KnowledgeBase) -> None:
    """The memory's votes reach the learned ranker as signals of the remembered law's candidates (行政强制法)
    and of no other; the shipped ranker learned to weigh each of them up."""
    contributions = kb.ranker().contributions()
    assert all(contributions[name] > 0 for name in MEMORY_SIGNALS)
    kb.remember([BEDDING])
    try:
        candidates, _ = kb.retriever.candidates(PARAPHRASE, SearchFilters())
        columns = [FEATURES.index(name) for name in MEMORY_SIGNALS]
        voted = {kb.document_map()[candidates.units[uid].doc_id].law_key
                 for uid, row in zip(candidates.unit_ids, candidates.matrix, strict=True) if row[columns].any()}
        assert voted == {"行政强制法"}
    finally:
        kb.forget("faq")


def test_a_remembered_question_brings_its_article_to_a_paraphrase(kb: KnowledgeBase) -> None:
    assert top(kb, PARAPHRASE)[0] != ("行政强制法", "第二十三条")
    lexical, calibration = kb.lexical(), kb.null_calibration()
    assert kb.remember([BEDDING]) == 1
    assert kb.lexical() is lexical and kb.null_calibration() is calibration, "only the memory is rebuilt"
    assert kb.remember([BEDDING]) == 0  # the same question with the same citations is stored once
    try:
        assert top(kb, PARAPHRASE)[0] == ("行政强制法", "第二十三条")
        assert 0 < kb.search(PARAPHRASE).hits[0].memory_share <= 1
        # an unrelated question gets nothing from it, however small the memory
        assert ("行政强制法", "第二十三条") not in top(kb, "在公路用地上堆放沙子挡路罚多少？", k=10)
        # filters hold: searching only 公路法, the remembered 行政强制法 article stays out
        assert all(law == "公路法" for law, _ in top(kb, PARAPHRASE, filters=SearchFilters(laws=("公路法",))))
    finally:
        assert kb.forget("faq") == 1
    assert top(kb, PARAPHRASE)[0] != ("行政强制法", "第二十三条")


def test_citations_of_absent_laws_vote_for_nothing(kb: KnowledgeBase) -> None:
    absent = AnsweredQuestion(PARAPHRASE, (Citation("中华人民共和国民法典", 1), Citation("行政强制法", 999)), "other")
    kb.remember([absent])
    try:
        memory = kb.memory()
        assert memory.units == ((),)
        assert top(kb, PARAPHRASE)  # the search goes on as without it
    finally:
        kb.forget()
    assert len(kb.memory()) == 0


def test_memory_follows_the_current_version_and_survives_a_reopen(tmp_path: Path) -> None:
    base = KnowledgeBase.open(tmp_path, KBSettings())
    base.add(tiny_law("路政管理规定", date(2003, 1, 27), ["路政管理应当遵循统一管理原则。", "旧版罚款五百元。"]), "a.md")
    base.remember([AnsweredQuestion("路政罚款是多少？", (Citation("路政管理规定", 2),), "faq")])
    old_unit = base.memory().units[0]
    base.add(tiny_law("路政管理规定", date(2016, 12, 10), ["路政管理应当遵循统一管理原则。", "新版罚款一千元。"]), "b.md")
    assert base.memory().units[0] != old_unit
    assert "新版" in base.lookup(Citation("路政管理规定", 2)).unit.text
    base.close()
    reopened = KnowledgeBase.open(tmp_path, KBSettings())
    assert [e.question for e in reopened.memory().entries] == ["路政罚款是多少？"]
    assert reopened.lookup(Citation("路政管理规定", 2)).unit_id == reopened.memory().units[0][0]
