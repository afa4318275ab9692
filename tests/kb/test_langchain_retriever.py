"""The knowledge base as a LangChain retriever, on a small real knowledge base (the bundled embedding
model, two real laws), alone and inside an LCEL chain with a fake chat model."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import FakeListChatModel, ParrotFakeChatModel
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough

from kb.base import KnowledgeBase
from kb.citations import citation_from_json
from kb.langchain_retriever import KnowledgeBaseRetriever, format_documents
from kb.models import Level
from tests.kb.laws import knowledge_base_of

HIGHWAY = "中华人民共和国公路法"
PENALTY = "中华人民共和国行政处罚法"
GUARDRAIL = "有辆车撞坏了公路护栏后直接开走了，也没报告，路政能罚吗？"
OFF_TOPIC = "红烧肉怎么做好吃"


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return knowledge_base_of(tmp_path_factory.mktemp("kb"), ["行政处罚法", "公路法"])


def prompt() -> ChatPromptTemplate:
    return ChatPromptTemplate.from_messages([
        ("system", "只依据下列条文回答，并注明出处。\n\n{context}"),
        ("human", "{question}"),
    ])


class PromptRecorder(BaseCallbackHandler):
    """Keeps the messages every chat model of a run was given."""

    def __init__(self) -> None:
        self.prompts: list[list[BaseMessage]] = []

    def on_chat_model_start(self, serialized: dict[str, Any], messages: list[list[BaseMessage]], *,
                            run_id: UUID, **kwargs: Any) -> None:
        self.prompts.extend(messages)


def test_a_cited_article_comes_back_with_its_citation_as_metadata(kb: KnowledgeBase) -> None:
    docs = KnowledgeBaseRetriever(kb=kb, k=3).invoke("行政处罚法第33条")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    top = docs[0]
    hit = kb.lookup("行政处罚法第三十三条")
    assert hit is not None
    assert top.page_content == hit.unit.text
    assert top.id == hit.unit_id
    assert top.metadata == {
        "law": PENALTY,
        "article": "第三十三条",
        "unit_id": hit.unit_id,
        "doc_id": hit.document.doc_id,
        "level": "法律",
        "version_date": "2021-01-22",
        "heading": list(hit.unit.heading_path),
        "citation": f"《{PENALTY}》第三十三条",
        "score": top.metadata["score"],
        "via": "direct",
        "grounded": True,
    }
    assert isinstance(top.metadata["score"], float)
    # plain JSON data, read back by the project's one citation form
    for d in docs:
        assert json.loads(json.dumps(d.metadata, ensure_ascii=False)) == d.metadata
    cited = citation_from_json(top.metadata)
    assert (cited.law, cited.article, cited.unit_id) == (PENALTY, 33, hit.unit_id)
    assert kb.resolve(cited) is not None


def test_documents_follow_the_search_of_the_knowledge_base(kb: KnowledgeBase) -> None:
    docs = KnowledgeBaseRetriever(kb=kb, k=5).invoke(GUARDRAIL)
    result = kb.search(GUARDRAIL, k=5)
    assert [d.metadata["unit_id"] for d in docs] == [h.unit_id for h in result.hits]
    assert (HIGHWAY, "第七十八条") in [(d.metadata["law"], d.metadata["article"]) for d in docs]
    assert all(d.metadata["grounded"] and d.metadata["via"] == "hybrid" for d in docs)
    scores = [d.metadata["score"] for d in docs]
    assert scores == sorted(scores, reverse=True)


def test_filters_by_law_and_level(kb: KnowledgeBase) -> None:
    highway = KnowledgeBaseRetriever(kb=kb, k=8, laws=("公路法",)).invoke("罚款")
    assert highway and {d.metadata["law"] for d in highway} == {HIGHWAY}
    penalty = KnowledgeBaseRetriever(kb=kb, k=8, laws=("行政处罚法",)).invoke("罚款")
    assert penalty and {d.metadata["law"] for d in penalty} == {PENALTY}
    by_level = KnowledgeBaseRetriever(kb=kb, k=3, levels=(Level.LAW,)).invoke("罚款")
    assert by_level and {d.metadata["level"] for d in by_level} == {"法律"}
    assert KnowledgeBaseRetriever(kb=kb, k=3, levels=(Level.DEPARTMENT_RULE,)).invoke("罚款") == []


def test_no_basis_gives_the_candidates_marked_ungrounded_or_nothing(kb: KnowledgeBase) -> None:
    assert not kb.search(OFF_TOPIC, k=3).grounded
    candidates = KnowledgeBaseRetriever(kb=kb, k=3).invoke(OFF_TOPIC)
    assert len(candidates) == 3 and not any(d.metadata["grounded"] for d in candidates)
    assert KnowledgeBaseRetriever(kb=kb, k=3, grounded_only=True).invoke(OFF_TOPIC) == []
    assert KnowledgeBaseRetriever(kb=kb, k=3, grounded_only=True).invoke("公路法第七十八条")


def test_async_invoke_gives_the_same_documents(kb: KnowledgeBase) -> None:
    retriever = KnowledgeBaseRetriever(kb=kb, k=3)
    # on a thread of its own: a test run before this one in the same worker may leave an event loop running here
    with ThreadPoolExecutor(1) as pool:
        documents = pool.submit(asyncio.run, retriever.ainvoke("公路法第七十八条")).result()
    assert documents == retriever.invoke("公路法第七十八条")


def test_in_an_lcel_chain_the_model_is_given_the_cited_articles(kb: KnowledgeBase) -> None:
    retriever = KnowledgeBaseRetriever(kb=kb, k=3)
    model = FakeListChatModel(responses=["依据《中华人民共和国公路法》第七十八条，可以处罚。"])
    chain = (
        {"context": retriever | format_documents, "question": RunnablePassthrough()}
        | prompt()
        | model
        | StrOutputParser()
    )
    recorder = PromptRecorder()
    answer = chain.invoke(GUARDRAIL, config={"callbacks": [recorder]})
    assert answer == "依据《中华人民共和国公路法》第七十八条，可以处罚。"

    [messages] = recorder.prompts
    system, human = messages
    assert human.content == GUARDRAIL
    article = kb.lookup("公路法第七十八条")
    assert article is not None
    assert f"《{HIGHWAY}》第七十八条\n{article.unit.text}" in system.content
    assert system.content.count("《") == 3  # the k articles, each under its citation


def test_a_parrot_model_echoes_the_prompt_it_was_given(kb: KnowledgeBase) -> None:
    retriever = KnowledgeBaseRetriever(kb=kb, k=2, laws=("行政处罚法",))
    template = ChatPromptTemplate.from_messages([("human", "条文：\n{context}\n\n问题：{question}")])
    chain = (
        {"context": retriever | format_documents, "question": RunnablePassthrough()}
        | template
        | ParrotFakeChatModel()
        | StrOutputParser()
    )
    echoed = chain.invoke("行政处罚法第33条")
    hit = kb.lookup("行政处罚法第33条")
    assert hit is not None
    assert echoed.startswith(f"条文：\n《{PENALTY}》第三十三条\n{hit.unit.text}\n\n")
    assert echoed.endswith("问题：行政处罚法第33条")
