"""判断: a case under a penalty article with its handling (quiz.generation.generators.situation), or a
statement of the article reworded without changing its meaning (true, quiz.generation.paraphrases: 以上/以下
as 不少于/不超过, 不得 as 禁止) or changed in one place and reworded alike (false). A statement that cannot
be reworded gives only false items: no true item is the article's text verbatim.

The changes (quiz.generation.mutations) are 应当↔可以, 不得→可以, 以上↔以下 after an amount, an amount or time
limit changed to one the article does not use, a competent authority swapped for one it does not name.
From a checklist knowledge point: the point itself (true) or the point with one amount or authority
changed to one the cited article does not use (false).
"""

from __future__ import annotations

from quiz.checklist.items import ChecklistItem
from quiz.generation.generators.base import Context, build, stem_prefix
from quiz.generation.generators.deadline import has_deadlines, judge_deadline_situations
from quiz.generation.generators.situation import (
    has_situations,
    has_time_cases,
    judge_situations,
    judge_time_situations,
)
from quiz.generation.mutations import Mutation, authority_mutations, mutations, quantity_mutations
from quiz.generation.paraphrases import paraphrase, restore
from quiz.generation.statements import statements
from quiz.models import Question, QuestionType
from quiz.source import Article
from quiz.text import trim_end

TRUE_SHARE = 0.5
PATIENCE = 40
CHECKLIST_POINT_MAX = 140


def _reworded(text: str, evidence: str) -> str | None:
    """``text`` paraphrased, if the paraphrase reads back to it given the article's ``evidence``."""
    changed = paraphrase(text)
    return changed if changed is not None and restore(changed, evidence) == text else None


def _note(change: Mutation | None) -> str:
    if change is None:
        return "。题干是原文的同义表述（“以上”“以下”包括本数），正确。"
    return f"。题干将原文的“{change.old}”改为“{change.new}”，与原文不符，错误。"


class TrueFalse:
    type: QuestionType = "judge"

    @staticmethod
    def _pick(text: str, changes: list[Mutation], ctx: Context) -> tuple[str, Mutation | None]:
        if not changes or ctx.rng.random() < TRUE_SHARE:
            return text, None
        change = ctx.rng.choice(changes)
        return change.apply(text), change

    def prefers(self, article: Article, ctx: Context) -> bool:
        """Penalty articles and procedures with a time limit first: they give case statements."""
        return has_situations(article, ctx) or has_time_cases(article, ctx) or has_deadlines(article, ctx)

    def from_article(self, article: Article, ctx: Context) -> list[Question]:
        """True statements or false ones (each with probability TRUE_SHARE, as the article allows)."""
        true, false = judge_situations(article, ctx)
        if not true and not false:
            true, false = judge_time_situations(article, ctx)
        if not true and not false:
            true, false = judge_deadline_situations(article, ctx)
        for st in [] if true or false else statements(article):
            reworded = _reworded(st.text, st.text)
            if reworded is not None:
                stem = f"{stem_prefix(article)}{reworded}。"
                true.append(build("judge", stem, True, article, evidence=st.text, note=_note(None),
                                  generator="judge.paraphrase"))
            changes = mutations(st.text, article.body, ctx.rng)
            if changes:
                change = ctx.rng.choice(changes)
                wrong = change.apply(st.text)
                stem = f"{stem_prefix(article)}{_reworded(wrong, st.text) or wrong}。"
                false.append(build("judge", stem, False, article, evidence=st.text, note=_note(change),
                                   generator=f"judge.{change.kind}"))
        # True items exist only where a statement can be reworded or a case built, false ones where a
        # statement can be changed. The kind drawn is kept over up to PATIENCE articles that lack it (the
        # run moves on to the next article), then the other kind is given, so true and false stay
        # balanced and a law short of one kind still gives 判断.
        want_true = ctx.state.setdefault("judge.want_true", int(ctx.rng.random() < TRUE_SHARE))
        chosen = true if want_true else false
        misses = ctx.state.get("judge.misses", 0)
        if not chosen and misses < PATIENCE:
            ctx.state["judge.misses"] = misses + 1
            return []
        ctx.state.pop("judge.want_true")
        ctx.state["judge.misses"] = 0
        return chosen or true or false

    def from_checklist(self, item: ChecklistItem, article: Article, ctx: Context) -> list[Question]:
        if item.kind != "知识点" or len(item.answer) > CHECKLIST_POINT_MAX:
            return []
        text = trim_end(item.answer.replace("\n", ""))
        changes = quantity_mutations(text, article.body, ctx.rng) + authority_mutations(text, article.body, ctx.rng)
        statement, change = self._pick(text, changes, ctx)
        return [build("judge", f"{statement}。", change is None, article, evidence=text, note=_note(change),
                      generator=f"judge.checklist.{change.kind if change else 'verbatim'}", checklist=item)]
