"""What every generator shares: the context it draws from, the interface, and the question builder."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from quiz.checklist.items import ChecklistItem
from quiz.generation.difficulty import difficulty
from quiz.generation.statements import enumerations
from quiz.models import LETTERS, Question, QuestionType
from quiz.source import Article, ArticleIndex
from quiz.text import bigrams, normalize

QUOTE_LIMIT = 300
_SELF_REFERENCE = re.compile(r"其他|本法|本办法|本规定|本条例|本细则|前款|前项|上述|第[零一二三四五六七八九十百千\d]+条")


@dataclass(frozen=True)
class PoolItem:
    """One 项 of some enumeration of the corpus: a candidate distractor for 多选."""

    law: str
    label: str
    chapter: str
    text: str
    noun: str  # what the enumeration lists: 情形, 条件, 材料, … ("" if unknown)
    grams: frozenset[str]


@dataclass
class Context:
    """Shared by the generators during one generation run."""

    index: ArticleIndex
    rng: random.Random = field(default_factory=random.Random)
    state: dict[str, int] = field(default_factory=dict)  # per-run counters generators keep (balance)

    def enumeration_pool(self) -> list[PoolItem]:
        """Every 项 of every closed enumeration in the index (built on first use, kept with the index)."""
        cached = self.index.memo.get("enumeration_pool")
        if isinstance(cached, list):
            return cached
        pool: list[PoolItem] = []
        seen: set[str] = set()
        for article in self.index.articles:
            for enum in enumerations(article):
                for text in enum.items:
                    key = normalize(text)
                    if key not in seen and not _SELF_REFERENCE.search(text):
                        seen.add(key)
                        pool.append(PoolItem(
                            article.law, article.label, article.chapter, text, enum.noun, frozenset(bigrams(text))
                        ))
        self.index.memo["enumeration_pool"] = pool
        return pool


class Generator(Protocol):
    """One question type. Each method returns candidates; the caller checks them and picks."""

    type: QuestionType

    def from_article(self, article: Article, ctx: Context) -> list[Question]: ...

    def from_checklist(self, item: ChecklistItem, article: Article, ctx: Context) -> list[Question]: ...


def stem_prefix(article: Article, with_label: bool = False) -> str:
    return f"根据《{article.short_law}》{article.label if with_label else ''}，"


def quote(article: Article, evidence: str = "") -> str:
    """The article text the explanation quotes: all of it, or the 款 holding the evidence if it is long."""
    body = article.body.replace("\n", "")
    if len(body) <= QUOTE_LIMIT or not evidence:
        return body
    target = normalize(evidence)[:20]
    for clause in article.clauses:
        text = clause.full_text.replace("\n", "")
        if target and target in normalize(text):
            return text
    return body


def explanation(article: Article, evidence: str, note: str = "") -> str:
    text = f"依据《{article.law}》{article.label}：“{quote(article, evidence)}”"
    return f"{text}{note}" if note else text


def lettered(keys: Sequence[str], distractors: Sequence[str], rng: random.Random) -> tuple[dict[str, str], str]:
    """Shuffle keys and distractors under letters A…; return the options and the key letters (sorted)."""
    entries = [(text, True) for text in keys] + [(text, False) for text in distractors]
    rng.shuffle(entries)
    options = {LETTERS[i]: text for i, (text, _) in enumerate(entries)}
    answer = "".join(LETTERS[i] for i, (_, is_key) in enumerate(entries) if is_key)
    return options, answer


def build(
    qtype: QuestionType,
    stem: str,
    answer: str | bool,
    article: Article,
    *,
    evidence: str,
    generator: str,
    options: dict[str, str] | None = None,
    note: str = "",
    checklist: ChecklistItem | None = None,
) -> Question:
    return Question(
        type=qtype,
        stem=stem,
        answer=answer,
        explanation=explanation(article, evidence, note),
        sources=(article.citation(),),
        options=options or {},
        difficulty=difficulty(qtype, article.body, evidence),
        law=article.law,
        chapter=article.chapter,
        checklist_item=checklist.key if checklist else "",
        evidence=evidence,
        generator=generator,
        source_hashes={article.key: article.text_hash},
    )
