"""Generate verified questions over chosen laws and types, spread evenly.

Laws take turns (one question per law per round) and each law cycles through the chosen types, so a run
covers the laws and the types evenly; an article is used once per run while the law has unused ones.
Every candidate goes through quiz.checks; a question that fails is dropped, never emitted. Stems are
unique within a run.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence

from quiz.checklist import ChecklistItem
from quiz.checks import check_question
from quiz.generators import QUESTION_TYPES, Context, QuestionTypes
from quiz.generators.base import Generator
from quiz.models import Question
from quiz.source import Article, ArticleIndex, UnitSource
from quiz.text import normalize


def generate(
    kb: UnitSource | ArticleIndex,
    count: int,
    laws: Sequence[str] = (),
    types: Sequence[str] = (),
    seed: int | None = None,
    *,
    checklist: Iterable[ChecklistItem] = (),
    registry: QuestionTypes = QUESTION_TYPES,
) -> list[Question]:
    """``count`` questions (fewer if the laws run out) from the articles of ``laws`` (default: all).

    ``types``: keys of ``registry`` (default: all it has); unknown ones raise UnknownQuestionType.
    ``laws``: titles as written (full, short, abbreviated); unknown ones raise UnknownLaw.
    ``checklist``: 应知应会 items; those citing an article of a chosen law become questions too.
    """
    index = kb if isinstance(kb, ArticleIndex) else ArticleIndex.from_source(kb)
    chosen_types = list(dict.fromkeys(types)) or list(registry)
    generators = {t: registry[t] for t in chosen_types}
    chosen_laws = index.resolve_laws(laws)
    rng = random.Random(seed)
    ctx = Context(index, rng)
    rng.shuffle(chosen_laws)
    by_law = _checklist_by_law(checklist, index)
    run = _Run(index, ctx)
    streams: dict[tuple[str, str], Iterator[Question]] = {}
    for law in chosen_laws:
        articles = index.of_law(law)
        rng.shuffle(articles)
        for qtype, gen in generators.items():
            streams[(law, qtype)] = run.stream(law, gen, articles, by_law.get(law, []))
    alive = {law: list(chosen_types) for law in chosen_laws}
    out: list[Question] = []
    rounds = 0
    while len(out) < count and any(alive.values()):
        for position, law in enumerate(chosen_laws):
            if len(out) >= count:
                break
            shift = (rounds + position) % len(chosen_types)
            for qtype in chosen_types[shift:] + chosen_types[:shift]:
                if qtype not in alive[law]:
                    continue
                question = next(streams[(law, qtype)], None)
                if question is not None:
                    out.append(question)
                    break
                alive[law].remove(qtype)
        rounds += 1
    return out


def _checklist_by_law(items: Iterable[ChecklistItem], index: ArticleIndex) -> dict[str, list[tuple[ChecklistItem, Article]]]:
    out: dict[str, list[tuple[ChecklistItem, Article]]] = {}
    for item in items:
        for citation in item.citations:
            article = index.resolve(citation)
            if article is not None:
                out.setdefault(article.law, []).append((item, article))
                break
    return out


class _Run:
    """State of one generation run: stems already emitted, articles already used per law."""

    def __init__(self, index: ArticleIndex, ctx: Context) -> None:
        self.index = index
        self.ctx = ctx
        self.stems: set[str] = set()
        self.used: dict[str, set[str]] = {}

    def accept(self, question: Question) -> bool:
        stem = normalize(question.stem)
        if stem in self.stems or check_question(question, self.index):
            return False
        self.stems.add(stem)
        return True

    def stream(
        self, law: str, gen: Generator, articles: list[Article], checklist: list[tuple[ChecklistItem, Article]]
    ) -> Iterator[Question]:
        used = self.used.setdefault(law, set())
        deferred: list[Question] = []
        pairs = list(checklist)
        self.ctx.rng.shuffle(pairs)
        for candidates in _interleave(
            (gen.from_checklist(item, art, self.ctx) for item, art in pairs),
            (gen.from_article(art, self.ctx) for art in articles),
        ):
            self.ctx.rng.shuffle(candidates)
            for question in candidates:
                key = next(iter(question.source_hashes), "")
                if key in used:
                    deferred.append(question)
                    continue
                if self.accept(question):
                    used.add(key)
                    yield question
                    break
        for question in deferred:
            if self.accept(question):
                yield question


def _interleave(*sources: Iterator[list[Question]]) -> Iterator[list[Question]]:
    active = list(sources)
    while active:
        for source in list(active):
            batch = next(source, None)
            if batch is None:
                active.remove(source)
            else:
                yield batch
