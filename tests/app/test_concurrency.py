"""LLM mode in the browser: the answer streams in, a fabricated citation is removed with a notice, and
one officer's slow answer does not hold up another's.

The model is a stand-in ``LLMClient`` in-process (the real OpenAI-compatible client is tested in
tests/chat against a fake server on loopback); everything else is real.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from chat.llm import ChatMessage
from chat.service import AnswerService
from chat.settings import ChatSettings
from kb.base import KnowledgeBase
from tests.app.browser import ANSWER_TIMEOUT_MS, visit
from tests.app.conftest import make_services

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SLOW_MARK = "慢慢说"
PIECE_DELAY_S = 1.5
PIECES = (
    "查封、扣押的期限不得超过三十日",
    "（《中华人民共和国行政强制法》第二十五条第一款）；",
    "延长的期限另见《中华人民共和国行政强制法》第九十九条。",
)


class SlowModel:
    """Streams a fixed answer; slowly when the question carries SLOW_MARK. Cites one article that does
    not exist (第九十九条) to see it removed."""

    def stream_chat(self, messages: Sequence[ChatMessage]) -> Iterator[str]:
        slow = SLOW_MARK in messages[-1].content
        for piece in PIECES:
            if slow:
                time.sleep(PIECE_DELAY_S)
            yield piece


@pytest.fixture(scope="module")
def llm_url(serve_app: Any, app_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> str:
    home: Path = tmp_path_factory.mktemp("llm-home")
    answers = AnswerService(app_kb, ChatSettings(), SlowModel())
    return serve_app(make_services(app_kb, home, answers=answers))


def test_a_slow_answer_streams_and_does_not_block_another_session(browser: Any, llm_url: str) -> None:
    with visit(browser, llm_url, "phone") as slow, visit(browser, llm_url, "desktop") as fast:
        slow.page.locator("#xf-question textarea").fill(f"{SLOW_MARK}：扣押车辆最长能扣多少天？")
        slow.tap(slow.page.locator("#xf-send"))
        slow.page.locator(".xf-pending .xf-text", has_text="查封、扣押的期限").wait_for(timeout=ANSWER_TIMEOUT_MS)
        slow.shot("13-streaming")

        started = time.monotonic()
        answer = fast.ask("扣押车辆最长能扣多少天？")
        took = time.monotonic() - started
        assert "第二十五条" in answer.inner_text()
        assert slow.page.locator(".xf-pending").count() == 1, "the slow answer is still streaming"
        assert took < PIECE_DELAY_S * len(PIECES), f"the other session waited {took:.1f}s"

        final = slow.page.locator(".xf-answer:not(.xf-pending)")
        final.wait_for(timeout=ANSWER_TIMEOUT_MS)
        assert "第九十九条" not in final.locator(".xf-text").inner_text()
        assert "已删除无法在知识库或检索结果中核实的引用" in final.inner_text()
        assert final.locator(".xf-inline-cite", has_text="第二十五条").count() == 1
        slow.shot("14-llm-answer", full_page=True)
