"""Votes on answers (chat.feedback) and an admin's review of the 👍 ones into the search's memory, on the chat
tests' real knowledge base and answer service."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from chat.feedback import FeedbackStore
from chat.service import AnswerService
from kb.base import KnowledgeBase
from xuefa.answered import FEEDBACK_SOURCE, review_feedback

QUESTION = "扣押财物的期限最长多少天？"


def test_only_reviewed_thumbs_up_answers_are_remembered(
    kb: KnowledgeBase, service: AnswerService, tmp_path: Path
) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    answer = service.answer(QUESTION)
    assert answer.grounded and answer.citations
    liked = store.record(answer, "up")
    disliked = store.record(answer, "down")
    unfounded = store.record(service.answer("今天天气怎么样？"), "up")
    later = store.record(service.answer("查封场所的期限最长多少天？"), "up")

    awaiting = store.awaiting_review()
    assert [r.id for r in awaiting] == [later, liked], "👍 on grounded answers only, newest first"
    assert unfounded not in [r.id for r in awaiting] and disliked not in [r.id for r in awaiting]
    (row,) = [r for r in awaiting if r.id == liked]
    cited = {(c.law, c.article, c.article_suffix) for c in answer.citations if c.article}
    assert {(c.law, c.article, c.article_suffix) for c in row.cited} == cited, "the answer's own citations"
    assert all(e.source != FEEDBACK_SOURCE for e in kb.memory().entries), "a vote alone is not remembered"

    try:
        assert review_feedback(kb, store, [liked, disliked], remember=True) == 1, "the 👎 one is skipped"
        assert review_feedback(kb, store, [liked], remember=True) == 0, "reviewed once"
        assert review_feedback(kb, store, [later], remember=False) == 1
        assert store.awaiting_review() == []
        assert [r.review for r in store.rows()] == ["remembered", "", "", "dismissed"]
        memory = kb.memory()
        remembered = [(e, units) for e, units in zip(memory.entries, memory.units, strict=True)
                      if e.source == FEEDBACK_SOURCE]
        assert [e.question for e, _ in remembered] == [QUESTION] and remembered[0][1], "resolves to its articles"
        shares = {h.unit_id: h.memory_share for h in kb.search(QUESTION, k=5).hits}
        assert all(shares.get(uid) for uid in remembered[0][1] if uid in shares)
        assert any(shares.get(uid) for uid in remembered[0][1]), "the search remembers the confirmed answer"
    finally:
        kb.forget(FEEDBACK_SOURCE)  # (the chat tests share this knowledge base)


def test_a_store_from_before_reviews_gains_the_columns_and_keeps_its_votes(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, "
                     "vote TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, grounded INTEGER NOT NULL, "
                     "mode TEXT NOT NULL, citations TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', "
                     "session TEXT NOT NULL DEFAULT '')")
        conn.execute("INSERT INTO feedback (created_at, vote, question, answer, grounded, mode, citations) "
                     "VALUES ('2026-01-01T00:00:00+00:00', 'up', '旧问题', '旧回答', 1, 'extractive', ?)",
                     (json.dumps(["《中华人民共和国行政强制法》第二十五条"], ensure_ascii=False),))
    conn.close()
    store = FeedbackStore(path)
    (row,) = store.rows()
    assert (row.question, row.citations, row.cited, row.review) == (
        "旧问题", ["《中华人民共和国行政强制法》第二十五条"], (), "")
    assert store.awaiting_review() == [], "without the cited articles as data there is nothing to confirm"
    assert FeedbackStore(path).rows() == [row], "opening again changes nothing"


def test_remembered_answers_become_labelled_questions_article_by_article() -> None:
    from kb.evaluate import GoldArticle
    from kb.memory import AnsweredQuestion
    from kb.models import Citation
    from xuefa.answered import as_questions

    law = "中华人民共和国公路法"
    entries = [
        AnsweredQuestion("路政能扣车吗？", (Citation(law, 77, clause=1), Citation(law, 77, clause=2),
                                        Citation(law, 76, "之一")), FEEDBACK_SOURCE),
        AnsweredQuestion("只引了法名的", (Citation(law),), FEEDBACK_SOURCE),
        AnsweredQuestion("超限怎么罚？", (Citation(law, 76),), FEEDBACK_SOURCE),
        AnsweredQuestion("清单里的问题", (Citation(law, 8),), "清单"),
    ]
    questions = as_questions(entries)
    assert [(q.id, q.question) for q in questions] == [
        (f"{FEEDBACK_SOURCE}-1", "路政能扣车吗？"), (f"{FEEDBACK_SOURCE}-2", "超限怎么罚？"), ("清单-1", "清单里的问题")]
    assert questions[0].gold == (GoldArticle(law, "第七十七条"), GoldArticle(law, "第七十六条之一"))
