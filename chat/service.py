"""The answer service: question (+ conversation) → retrieval → extractive or LLM answer, as data or events.

The UI and the CLI only call ``AnswerService.answer`` or ``AnswerService.stream``. The service holds no
per-conversation state (the caller passes the history), so one instance serves many sessions at once.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, replace

from chat.extractive import compose, weigh_terms
from chat.followup import rewrite, topic_of
from chat.llm import LLMClient, LLMError
from chat.models import Answer, AnswerEvent, Delta, Final, Notice, Turn
from chat.prompt import build_messages
from chat.question import Intent, PreparedQuestion, content_tokens, detect_intent, law_mentions, prepare
from chat.render import lacking_text, render_citation
from chat.rerank import rerank
from chat.settings import ChatSettings
from chat.verify import verify_answer
from kb.base import KnowledgeBase
from kb.citations import law_key
from kb.coverage import CoverageGap, FoundationDocument, coverage_gaps, gaps_for
from kb.models import Citation, Hit, SearchResult

POSSIBLY_RELATED = 3

EMPTY_QUESTION = "问题为空：请输入要咨询的问题，例如“首违不罚是哪一条规定的？”"
NO_BASIS = "知识库中没有找到能回答这个问题的依据。以下条文与问题最接近，仅供参考，请自行核对是否适用。"
NO_BASIS_NOTHING = "知识库中没有找到能回答这个问题的依据。"


@dataclass(frozen=True)
class _Terms:
    """What the question asks: its weighted words, whether it names nothing but an article, its intent."""

    weights: dict[str, float]
    intent: Intent
    bare: bool


@dataclass(frozen=True)
class _Context:
    """One request after retrieval: what the rest of the pipeline needs."""

    question: str
    query: str
    topic: str
    inherited_topic: str
    result: SearchResult
    terms: _Terms
    notices: tuple[Notice, ...]
    lacking: tuple[CoverageGap, ...]
    started: float
    search_ms: float
    rerank_ms: float
    first: str | None = None
    """The unit id of the search's first article (before the answer engine's re-ranking)."""


class AnswerService:
    """Answers officers' questions from the knowledge base, with an optional OpenAI-compatible LLM."""

    def __init__(self, kb: KnowledgeBase, settings: ChatSettings, llm: LLMClient | None = None,
                 foundation: Sequence[FoundationDocument] = ()) -> None:
        self.kb = kb
        self.settings = settings
        self.llm = llm
        self.foundation = tuple(foundation)
        """The documents enforcement rests on (``kb.coverage``): an answer about the field of one the knowledge
        base lacks says so."""

    # public ----------------------------------------------------------------------------------------
    def answer(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """The final answer (the stream consumed)."""
        for event in self.stream(question, history):
            if isinstance(event, Final):
                return event.answer
        raise AssertionError("stream ended without a Final event")  # pragma: no cover

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[AnswerEvent]:
        """Notices as they arise, ``Delta``s of model text in LLM mode, then one ``Final`` answer.

        Deltas are the model's raw text; the ``Final`` answer carries the verified text, which the UI should
        show in their place.
        """
        started = time.perf_counter()
        prepared = prepare(question, self.settings.max_question_chars)
        if not prepared.text:
            notice = Notice("empty_question", "问题为空，未进行检索。")
            yield notice
            yield Final(
                Answer(question="", text=EMPTY_QUESTION, grounded=False, status="invalid", notices=(notice,))
            )
            return
        ctx = yield from self._retrieve(prepared, history, started)
        if not ctx.result.grounded or not ctx.result.hits:
            yield Final(self._no_basis(ctx))
            return
        if self.llm is not None:
            yield from self._llm_answer(ctx, history)
            return
        yield Final(self._extractive(ctx))

    def known_law_names(self) -> list[str]:
        """Titles, short titles and law keys of the stored laws (to tell whether a question names one)."""
        names: set[str] = set()
        for doc in self.kb.documents():
            names.update({doc.meta.title, law_key(doc.meta.title)})
            if doc.meta.short_title:
                names.add(doc.meta.short_title)
        return sorted(n for n in names if len(n) >= 2)

    # retrieval -------------------------------------------------------------------------------------
    def _retrieve(
        self, prepared: PreparedQuestion, history: Sequence[Turn], started: float
    ) -> Generator[Notice, None, _Context]:
        """Notices as they arise; returns the request's context: the top_k articles after re-ranking."""
        notices: list[Notice] = []
        if prepared.truncated:
            limit = self.settings.max_question_chars
            notices.append(
                Notice(
                    "question_truncated",
                    f"问题过长（{prepared.original_length}字），只按前{limit}字检索和回答。",
                )
            )
            yield notices[-1]
        known = self.known_law_names()
        rewritten = rewrite(prepared.text, history, self.settings.history_turns, known)
        if rewritten.rewritten:
            notices.append(Notice("followup_rewritten", f"结合上文，按“{rewritten.query}”检索。"))
            yield notices[-1]
        t0 = time.perf_counter()
        pool = self.kb.search(
            rewritten.query, k=max(self.settings.candidates, self.settings.top_k)
        )
        search_ms = (time.perf_counter() - t0) * 1000
        terms = self._terms(prepared.text, rewritten.topic, known)
        ranked = rerank(pool.hits, terms.weights, terms.intent, self._named_laws(prepared.text, known))
        result = replace(pool, hits=tuple(r.hit for r in ranked[: self.settings.top_k]))
        rerank_ms = (time.perf_counter() - t0) * 1000 - search_ms
        for missing in result.unresolved:
            notices.append(Notice("citation_not_found", f"知识库中没有{render_citation(missing)}。"))
            yield notices[-1]
        lacking = tuple(gaps_for(prepared.text, coverage_gaps(self.foundation, self.kb.documents())))
        for gap in lacking:
            notices.append(Notice("document_missing", lacking_text(gap)))
            yield notices[-1]
        return _Context(
            question=prepared.text,
            query=rewritten.query,
            topic=rewritten.topic or topic_of(prepared.text),
            inherited_topic=rewritten.topic,
            result=result,
            terms=terms,
            notices=tuple(notices),
            lacking=lacking,
            started=started,
            search_ms=search_ms,
            rerank_ms=rerank_ms,
            first=pool.hits[0].unit_id if pool.hits else None,
        )

    # answers ---------------------------------------------------------------------------------------
    def _timings(self, ctx: _Context, **extra: float) -> dict[str, float]:
        return {
            "search_ms": ctx.search_ms,
            "rerank_ms": ctx.rerank_ms,
            **extra,
            "total_ms": (time.perf_counter() - ctx.started) * 1000,
        }

    def _base(self, ctx: _Context, notices: Sequence[Notice] = ()) -> Answer:
        return Answer(
            question=ctx.question,
            text="",
            grounded=True,
            query=ctx.query,
            topic=ctx.topic,
            notices=ctx.notices + tuple(notices),
            lacking=ctx.lacking,
        )

    def _no_basis(self, ctx: _Context) -> Answer:
        nearest = tuple(h.citation() for h in ctx.result.hits[:POSSIBLY_RELATED])
        return replace(
            self._base(ctx),
            text=NO_BASIS if nearest else NO_BASIS_NOTHING,
            grounded=False,
            status="no_basis",
            possibly_related=nearest,
            timings_ms=self._timings(ctx),
        )

    def _extractive(self, ctx: _Context, notices: Sequence[Notice] = ()) -> Answer:
        t0 = time.perf_counter()
        summary = bool(ctx.result.direct) and ctx.terms.bare
        anchor = ctx.first if self.settings.cite_search_first else None
        draft = compose(
            ctx.result, ctx.question, ctx.terms.weights, ctx.terms.intent, summary, lookup=self._lookup,
            anchor=anchor,
        )
        return replace(
            self._base(ctx, notices),
            text=draft.text,
            citations=draft.citations,
            related=draft.related,
            claims=draft.claims,
            timings_ms=self._timings(ctx, compose_ms=(time.perf_counter() - t0) * 1000),
        )

    @staticmethod
    def _terms(question: str, inherited_topic: str, known: Sequence[str]) -> _Terms:
        tokens = content_tokens(question, known)
        topic_tokens = content_tokens(inherited_topic, known) if inherited_topic else []
        intent = detect_intent(question)
        if not intent.any and inherited_topic:
            intent = detect_intent(inherited_topic)
        weights = weigh_terms(tokens, topic_tokens, f"{inherited_topic}{question}")
        return _Terms(weights, intent, bare=not tokens)

    def _named_laws(self, question: str, known: Sequence[str]) -> set[str]:
        """Keys of the stored laws the question names."""
        keys = (self.kb.resolve_law(name) for name in law_mentions(question, known))
        return {k for k in keys if k}

    def _lookup(self, citation: Citation) -> Hit | None:
        return self.kb.lookup(citation)

    def _llm_answer(self, ctx: _Context, history: Sequence[Turn]) -> Iterator[AnswerEvent]:
        assert self.llm is not None
        hits = list(ctx.result.hits)
        messages = build_messages(
            ctx.question, hits, history, self.settings.history_turns, context=ctx.inherited_topic
        )
        t0 = time.perf_counter()
        pieces: list[str] = []
        try:
            for piece in self.llm.stream_chat(messages):
                pieces.append(piece)
                yield Delta(piece)
            if not "".join(pieces).strip():
                raise LLMError("empty answer")
        except LLMError as exc:
            notice = Notice("llm_unavailable", f"大模型服务不可用（{exc}），已改为从条文中摘录的回答。")
            yield notice
            yield Final(self._extractive(ctx, [notice]))
            return
        llm_ms = (time.perf_counter() - t0) * 1000
        verified = verify_answer("".join(pieces), hits, self._lookup, self.kb.known_law_keys())
        notices: list[Notice] = []
        if verified.removed:
            listed = "、".join(dict.fromkeys(r.text for r in verified.removed))
            notices.append(
                Notice("citations_removed", f"已删除无法在知识库或检索结果中核实的引用：{listed}。")
            )
            yield notices[-1]
        if not verified.citations:
            notices.append(Notice("llm_uncited", "模型回答没有引用可核实的条文，请以下列相关条文为准。"))
            yield notices[-1]
        cited = {c.unit_id for c in verified.citations}
        related = tuple(h.citation() for h in hits if h.unit_id not in cited)
        yield Final(
            replace(
                self._base(ctx, notices),
                text=verified.text,
                citations=verified.citations,
                related=related,
                sources=tuple(h.citation() for h in hits),
                mode="llm",
                removed_citations=verified.removed,
                timings_ms=self._timings(ctx, llm_ms=llm_ms),
            )
        )
