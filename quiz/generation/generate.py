"""Generate verified questions over chosen laws and types, spread evenly.

Laws take turns (one question per law per round) and each law cycles through the chosen types, so a run
covers the laws and the types evenly; an article is used once per run while the law has unused ones.
Every candidate goes through quiz.generation.checks; a question that fails is dropped, never emitted. Stems are
unique within a run. A generator with a ``prefers(article, ctx)`` method gets two articles it prefers
for each other one (the types prefer penalty articles, which give situation items). ``chapters`` narrows a law to some of its chapters (章, the top heading of its
articles); ``articles`` to single articles.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence

from kb.models import Citation
from quiz.checklist.items import ChecklistItem
from quiz.generation.checks import check_question
from quiz.generation.generators import QUESTION_TYPES, Context, QuestionTypes
from quiz.generation.generators.base import Generator
from quiz.models import Question
from quiz.source import Article, ArticleIndex, UnitSource, citation_label
from quiz.text import normalize


class UnknownChapter(ValueError):
    """A chapter that no article of its law sits under."""


class UnknownArticle(ValueError):
    """An article that is not in the knowledge base."""


def generate(
    kb: UnitSource | ArticleIndex,
    count: int,
    laws: Sequence[str] = (),
    types: Sequence[str] = (),
    seed: int | None = None,
    *,
    chapters: Sequence[tuple[str, str]] = (),
    articles: Sequence[Citation] = (),
    checklist: Iterable[ChecklistItem] = (),
    registry: QuestionTypes = QUESTION_TYPES,
) -> list[Question]:
    """``count`` questions (fewer if the laws run out) from the articles of ``laws`` (default: all).

    ``types``: keys of ``registry`` (default: all it has); unknown ones raise UnknownQuestionType.
    ``laws``: titles as written (full, short, abbreviated); unknown ones raise UnknownLaw.
    ``chapters``: ``(law, chapter)`` pairs; a law with chosen chapters gives questions from those chapters
    only (its other chapters and the laws without chosen chapters are unaffected); a chapter's law counts
    as chosen. Unknown ones raise UnknownChapter.
    ``articles``: citations; only these articles are used (their laws count as chosen); UnknownArticle.
    ``checklist``: 应知应会 items; those citing an article in scope become questions too.
    """
    index = kb if isinstance(kb, ArticleIndex) else ArticleIndex.from_source(kb)
    chosen_types = list(dict.fromkeys(types)) or list(registry)
    generators = {t: registry[t] for t in chosen_types}
    scope = _scope(index, chapters, articles)
    chosen_laws = index.resolve_laws(laws) if laws or not scope else []
    chosen_laws += [law for law in scope if law not in chosen_laws]
    rng = random.Random(seed)
    ctx = Context(index, rng)
    rng.shuffle(chosen_laws)
    by_law = _checklist_by_law(checklist, index)
    run = _Run(index, ctx)
    streams: dict[tuple[str, str], Iterator[Question]] = {}
    for law in chosen_laws:
        of_law = [a for a in index.of_law(law) if law not in scope or scope[law](a)]
        rng.shuffle(of_law)
        items = [(item, a) for item, a in by_law.get(law, []) if law not in scope or scope[law](a)]
        for qtype, gen in generators.items():
            streams[(law, qtype)] = run.stream(law, gen, of_law, items)
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


def _scope(
    index: ArticleIndex, chapters: Sequence[tuple[str, str]], articles: Sequence[Citation]
) -> dict[str, Callable[[Article], bool]]:
    """law title → which of its articles are in scope, for the laws that chapters or articles narrow."""
    wanted_chapters: dict[str, set[str]] = {}
    for law, chapter in chapters:
        (title,) = index.resolve_laws([law])
        if not any(a.chapter == chapter for a in index.of_law(title)):
            raise UnknownChapter(f"law {title!r} has no chapter {chapter!r}")
        wanted_chapters.setdefault(title, set()).add(chapter)
    wanted_articles: dict[str, set[str]] = {}
    for citation in articles:
        found = index.resolve(citation)
        if found is None:
            raise UnknownArticle(f"not in the knowledge base: 《{citation.law}》{citation_label(citation)}")
        wanted_articles.setdefault(found.law, set()).add(found.label)
    return {law: _in_scope(wanted_chapters.get(law), wanted_articles.get(law))
            for law in dict.fromkeys([*wanted_chapters, *wanted_articles])}


def _in_scope(chapters: set[str] | None, labels: set[str] | None) -> Callable[[Article], bool]:
    """In scope: in one of ``chapters`` and one of the article ``labels`` (None: any)."""
    return lambda a: (chapters is None or a.chapter in chapters) and (labels is None or a.label in labels)


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
        prefers = getattr(gen, "prefers", None)
        if prefers is not None:  # e.g. penalty articles for the types that make situation items of them
            articles = _favour([a for a in articles if prefers(a, self.ctx)],
                               [a for a in articles if not prefers(a, self.ctx)])
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


FAVOURED_RUN = 3


def _favour(favoured: list[Article], others: list[Article]) -> list[Article]:
    """FAVOURED_RUN favoured articles, then one other, and so on: situations first, chapters still mixed."""
    out: list[Article] = []
    while favoured or others:
        out += favoured[:FAVOURED_RUN] + others[:1]
        favoured, others = favoured[FAVOURED_RUN:], others[1:]
    return out


def _interleave(*sources: Iterator[list[Question]]) -> Iterator[list[Question]]:
    active = list(sources)
    while active:
        for source in list(active):
            batch = next(source, None)
            if batch is None:
                active.remove(source)
            else:
                yield batch
