"""The search's first article is quoted among the claims (``chat.cite_search_first``), on the real small
knowledge base of the chat tests."""

from __future__ import annotations

import pytest

from chat.extractive import MAX_CLAIMS, score_segments, select
from chat.question import content_tokens, detect_intent
from chat.service import AnswerService
from chat.settings import ChatSettings
from kb.base import KnowledgeBase

QUESTIONS = ("路政巡查发现有人在公路用地上堆放建材，影响通行，能罚多少？", "扣押的车辆放在停车场，保管费由谁出？")


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_search_first_article_is_quoted(kb: KnowledgeBase, question: str) -> None:
    settings = ChatSettings()
    first = kb.search(question, k=settings.candidates).hits[0].unit_id
    answer = AnswerService(kb, settings).answer(question)
    assert first in {c.unit_id for c in answer.citations}
    assert 1 <= len(answer.claims) <= MAX_CLAIMS


def test_select_adds_the_anchor_best_segment_in_the_last_place(kb: KnowledgeBase) -> None:
    question = QUESTIONS[0]
    hits = list(kb.search(question, k=18).hits)
    scored = score_segments(hits, dict.fromkeys(content_tokens(question), 1.0), detect_intent(question))
    plain = select(scored, summary=False)
    outside = [s for s in scored if s.score > 0 and all(c.hit.unit_id != s.hit.unit_id for c in plain)]
    assert outside
    anchor = outside[-1].hit.unit_id  # the weakest article that says something the question asks
    with_anchor = select(scored, summary=False, anchor=anchor)
    assert with_anchor[:-1] == plain[: MAX_CLAIMS - 1]
    assert with_anchor[-1] == next(s for s in scored if s.hit.unit_id == anchor)
    assert select(scored, summary=False, anchor=plain[0].hit.unit_id) == plain  # already quoted: unchanged
