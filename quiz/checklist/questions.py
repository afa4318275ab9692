"""Questions for each item of a 应知应会 checklist, so that an officer's mastery can be told item by item.

For each item, the article it cites is looked up in the knowledge base. Questions built on the item's
own wording (the generators' ``from_checklist``) come first, one per type; when they give fewer than
``per_item``, questions on the cited article are added whose evidence sentence the item states (most of
the sentence's words occur in the item), tagged with the item too. Every question passes quiz.generation.checks
and stems are unique. Items whose article is not in the knowledge base are reported, not guessed at.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from quiz.checklist.items import ChecklistItem
from quiz.generation.checks import check_question
from quiz.generation.generators import QUESTION_TYPES, Context, QuestionTypes
from quiz.models import Question
from quiz.source import Article, ArticleIndex, UnitSource
from quiz.text import coverage, normalize

PER_ITEM = 2
EVIDENCE_IN_ITEM = 0.6
"""An article question counts for an item when this share of its evidence's bigrams is in the item."""


@dataclass
class ChecklistQuestions:
    questions: list[Question] = field(default_factory=list)
    missing_article: list[ChecklistItem] = field(default_factory=list)
    """Items citing no article, or only articles the knowledge base lacks."""
    without_question: list[ChecklistItem] = field(default_factory=list)
    """Items whose article is known but gave no question that passes the checks."""

    @property
    def covered(self) -> int:
        return len({q.checklist_item for q in self.questions})


def checklist_questions(
    kb: UnitSource | ArticleIndex,
    items: Iterable[ChecklistItem],
    per_item: int = PER_ITEM,
    types: Sequence[str] = (),
    seed: int | None = None,
    registry: QuestionTypes = QUESTION_TYPES,
) -> ChecklistQuestions:
    index = kb if isinstance(kb, ArticleIndex) else ArticleIndex.from_source(kb)
    kinds = list(dict.fromkeys(types)) or list(registry)
    generators = [registry[t] for t in kinds]
    rng = random.Random(seed)
    ctx = Context(index, rng)
    stems: set[str] = set()
    out = ChecklistQuestions()

    def accept(q: Question) -> bool:
        stem = normalize(q.stem)
        if stem in stems or check_question(q, index):
            return False
        stems.add(stem)
        return True

    for item in items:
        article = _article(item, index)
        if article is None:
            out.missing_article.append(item)
            continue
        made: list[Question] = []
        order = list(generators)
        rng.shuffle(order)
        for gen in order:
            if len(made) >= per_item:
                break
            candidates = gen.from_checklist(item, article, ctx)
            rng.shuffle(candidates)
            picked = next((q for q in candidates if accept(q)), None)
            if picked is not None:
                made.append(picked)
        for gen in order:
            if len(made) >= per_item:
                break
            if any(q.type == gen.type for q in made):
                continue
            candidates = [q for q in gen.from_article(article, ctx) if _stated_by(q, item)]
            rng.shuffle(candidates)
            picked = next((q for q in candidates if accept(replace(q, checklist_item=item.key))), None)
            if picked is not None:
                made.append(replace(picked, checklist_item=item.key))
        if made:
            out.questions.extend(made)
        else:
            out.without_question.append(item)
    return out


def _article(item: ChecklistItem, index: ArticleIndex) -> Article | None:
    for citation in item.citations:
        found = index.resolve(citation)
        if found is not None:
            return found
    return None


def _stated_by(q: Question, item: ChecklistItem) -> bool:
    return bool(q.evidence) and coverage(q.evidence, f"{item.question}{item.answer}") >= EVIDENCE_IN_ITEM
