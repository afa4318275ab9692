"""The knowledge base as a LangChain retriever: articles as ``Document``s with their citation as metadata.

For users who build their own LangChain chains over xuefa's knowledge base::

    from kb.langchain_retriever import KnowledgeBaseRetriever, format_documents
    from xuefa.services import knowledge_base
    from xuefa.settings import load_settings

    with knowledge_base(load_settings()) as kb:      # or ``services.kb`` of ``build_services``
        retriever = KnowledgeBaseRetriever(kb=kb, k=5, laws=("行政处罚法",))
        chain = {"context": retriever | format_documents, "question": RunnablePassthrough()} | prompt | model
        chain.invoke("扣押车辆最长能扣多少天？")

It wraps the same ``KnowledgeBase.search`` as ``xuefa search`` (direct lookup of cited articles, hybrid
dense + BM25, the no-basis judgement) on the knowledge base it is given; it opens none of its own.
Only this module imports ``langchain_core``: the rest of the project does not need it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import Field

from kb.base import KnowledgeBase
from kb.citations import citation_to_json
from kb.models import Hit, Level, SearchFilters

__all__ = ["KnowledgeBaseRetriever", "format_documents", "hit_metadata"]


def hit_metadata(hit: Hit, grounded: bool) -> dict[str, Any]:
    """A hit's citation as plain JSON data: the project's citation form (``kb.citations.citation_to_json``:
    ``law``, ``article``, ``unit_id``) and ``doc_id``, ``level``, ``version_date`` (ISO date or ``None``),
    ``heading`` (the chapter/section path), ``citation`` (``《law》article``, for prompts), ``score``, ``via``
    (``"direct"``: the query cited the article; ``"hybrid"``: found by search) and ``grounded`` (whether the
    search found a basis for the query at all)."""
    meta = hit.document.meta
    data: dict[str, Any] = dict(citation_to_json(hit.citation(), with_unit_id=True))
    data.update(
        doc_id=hit.document.doc_id,
        level=meta.level.value,
        version_date=meta.version_date.isoformat() if meta.version_date else None,
        heading=list(hit.unit.heading_path),
        citation=f"《{meta.title}》{data['article']}",
        score=float(hit.score),
        via=hit.via,
        grounded=grounded,
    )
    return data


class KnowledgeBaseRetriever(BaseRetriever):
    """Retrieves articles of the knowledge base: ``invoke(query) -> list[Document]``.

    Each document's ``page_content`` is the article's text as stored; its ``metadata`` is ``hit_metadata``
    (the citation as plain JSON data). Documents come best first, at most ``k``.

    A search that finds no basis (the knowledge base judges that none of its articles answers the query)
    still returns its candidates, as ``xuefa search`` lists them, each with ``metadata["grounded"] = False``:
    a chain can then say that the knowledge base holds no clear basis. ``grounded_only=True`` returns no
    documents for such a query instead.
    """

    kb: KnowledgeBase = Field(exclude=True)
    """The open knowledge base (``services.kb`` of the composition root, ``xuefa.services``)."""
    k: int = Field(default=5, ge=1)
    laws: tuple[str, ...] = ()
    """Only these laws (titles or short titles, as ``xuefa search --law``)."""
    levels: tuple[Level, ...] = ()
    """Only these levels, e.g. ``"法律"`` (as ``xuefa search --level``)."""
    include_superseded: bool = False
    grounded_only: bool = False

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        filters = SearchFilters(
            laws=tuple(self.laws), levels=tuple(self.levels), include_superseded=self.include_superseded
        )
        result = self.kb.search(query, k=self.k, filters=filters)
        if self.grounded_only and not result.grounded:
            return []
        return [
            Document(page_content=hit.unit.text, metadata=hit_metadata(hit, result.grounded), id=hit.unit_id)
            for hit in result.hits[: self.k]
        ]


def format_documents(documents: Sequence[Document]) -> str:
    """Documents as a prompt's context: each article under its citation line, blank lines between."""
    return "\n\n".join(
        f"{d.metadata.get('citation', '')}\n{d.page_content}".strip() for d in documents
    )
