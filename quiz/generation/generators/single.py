"""单选: a case met on duty (quiz.generation.generators.situation) for a penalty article; otherwise a
statement of the article with one amount, time limit, count or authority left open.

The key is the article's own value; the three distractors are values of the same family that the
article never uses (五日/七日/十日 where the article has 五日 only) or authorities of the same group the
article never names. From a checklist Q&A item: the question with its answer, one amount or authority of the answer left
open; the key is the answer's value (which the cited article uses), the distractors values it does not.
"""

from __future__ import annotations

from quiz.checklist.items import ChecklistItem
from quiz.generation.generators.base import Context, build, lettered, stem_prefix
from quiz.generation.generators.situation import (
    has_situations,
    has_time_cases,
    single_situations,
    time_situations,
)
from quiz.generation.statements import statements
from quiz.generation.terms import authority_alternatives, find_authorities
from quiz.models import SLOT, Question, QuestionType
from quiz.quantities import distractor_values, find_quantities, quantity_keys, render
from quiz.source import Article

CHECKLIST_ANSWER_MAX = 150


class SingleChoice:
    type: QuestionType = "single"

    def prefers(self, article: Article, ctx: Context) -> bool:
        """Penalty articles and procedures with a time limit first: they give situation items."""
        return has_situations(article, ctx) or has_time_cases(article, ctx)

    def from_article(self, article: Article, ctx: Context) -> list[Question]:
        """Situation items when the article is a penalty rule, else amount/time-limit questions, else
        authority questions."""
        situations = single_situations(article, ctx) or time_situations(article, ctx)
        if situations:
            return situations
        out: list[Question] = []
        by_authority: list[Question] = []
        forbidden = quantity_keys(article.body)
        for st in statements(article):
            text = st.text
            for q in find_quantities(text):
                if text.count(q.text) != 1:
                    continue
                values = distractor_values(q, forbidden, 3, ctx.rng)
                if len(values) < 3:
                    continue
                options, answer = lettered([q.text], [render(v, q) for v in values], ctx.rng)
                stem = f"{stem_prefix(article)}{text[: q.start]}{SLOT}{text[q.end :]}。"
                out.append(build("single", stem, answer, article, evidence=text, options=options,
                                 generator="single.quantity"))
            for term in find_authorities(text):
                if text.count(term.text) != 1:
                    continue
                alternatives = authority_alternatives(term, article.normalized)
                if len(alternatives) < 3:
                    continue
                picked = ctx.rng.sample(alternatives, 3)
                options, answer = lettered([term.text], picked, ctx.rng)
                stem = f"{stem_prefix(article)}{text[: term.start]}{SLOT}{text[term.end :]}。"
                by_authority.append(build("single", stem, answer, article, evidence=text, options=options,
                                          generator="single.authority"))
        return out or by_authority

    def from_checklist(self, item: ChecklistItem, article: Article, ctx: Context) -> list[Question]:
        if item.kind != "问答" or not item.question or len(item.answer) > CHECKLIST_ANSWER_MAX:
            return []
        text = item.answer.replace("\n", "")
        question = item.question.rstrip("？?")
        forbidden = quantity_keys(article.body)
        out = []
        for q in find_quantities(text):
            if q.key not in forbidden or text.count(q.text) != 1:
                continue
            values = distractor_values(q, forbidden, 3, ctx.rng)
            if len(values) == 3:
                options, answer = lettered([q.text], [render(v, q) for v in values], ctx.rng)
                stem = f"{question}？答：{text[: q.start]}{SLOT}{text[q.end :]}"
                out.append(build("single", stem, answer, article, evidence=text, options=options,
                                 generator="single.checklist", checklist=item))
        for term in find_authorities(text):
            alternatives = authority_alternatives(term, article.normalized)
            if term.text in article.normalized and text.count(term.text) == 1 and len(alternatives) >= 3:
                options, answer = lettered([term.text], ctx.rng.sample(alternatives, 3), ctx.rng)
                stem = f"{question}？答：{text[: term.start]}{SLOT}{text[term.end :]}"
                out.append(build("single", stem, answer, article, evidence=text, options=options,
                                 generator="single.checklist", checklist=item))
        return out
