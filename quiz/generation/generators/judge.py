"""判断: a statement of the article, kept verbatim (true) or changed in one place (false).

The changes (quiz.generation.mutations) are 应当↔可以, 不得→可以, 以上↔以下 after an amount, an amount or time
limit changed to one the article does not use, a competent authority swapped for one it does not name.
From a checklist knowledge point: the point itself (true) or the point with one amount or authority
changed to one the cited article does not use (false).
"""

from __future__ import annotations

from quiz.checklist.items import ChecklistItem
from quiz.generation.generators.base import Context, build, stem_prefix
from quiz.generation.mutations import Mutation, authority_mutations, mutations, quantity_mutations
from quiz.generation.statements import statements
from quiz.models import Question, QuestionType
from quiz.source import Article
from quiz.text import trim_end

TRUE_SHARE = 0.5
CHECKLIST_POINT_MAX = 140


def _note(change: Mutation | None) -> str:
    if change is None:
        return "。题干与原文一致，正确。"
    return f"。题干将原文的“{change.old}”改为“{change.new}”，与原文不符，错误。"


class TrueFalse:
    type: QuestionType = "judge"

    @staticmethod
    def _pick(text: str, changes: list[Mutation], ctx: Context) -> tuple[str, Mutation | None]:
        if not changes or ctx.rng.random() < TRUE_SHARE:
            return text, None
        change = ctx.rng.choice(changes)
        return change.apply(text), change

    def from_article(self, article: Article, ctx: Context) -> list[Question]:
        """True statements or false ones (each with probability TRUE_SHARE, as the article allows)."""
        true, false = [], []
        for st in statements(article):
            stem = f"{stem_prefix(article)}{st.text}。"
            true.append(build("judge", stem, True, article, evidence=st.text, note=_note(None),
                              generator="judge.verbatim"))
            changes = mutations(st.text, article.body, ctx.rng)
            if changes:
                change = ctx.rng.choice(changes)
                stem = f"{stem_prefix(article)}{change.apply(st.text)}。"
                false.append(build("judge", stem, False, article, evidence=st.text, note=_note(change),
                                   generator=f"judge.{change.kind}"))
        # Articles without a changeable statement can only give true ones: owe a false one for each such
        # miss and pay it back from the next article that has one, so the run stays balanced.
        want_true = ctx.rng.random() < TRUE_SHARE
        owed = ctx.state.get("judge.false_owed", 0)
        if not want_true and not false:
            ctx.state["judge.false_owed"] = owed + 1
        elif want_true and false and owed:
            ctx.state["judge.false_owed"] = owed - 1
            want_true = False
        return (true or false) if want_true else (false or true)

    def from_checklist(self, item: ChecklistItem, article: Article, ctx: Context) -> list[Question]:
        if item.kind != "知识点" or len(item.answer) > CHECKLIST_POINT_MAX:
            return []
        text = trim_end(item.answer.replace("\n", ""))
        changes = quantity_mutations(text, article.body, ctx.rng) + authority_mutations(text, article.body, ctx.rng)
        statement, change = self._pick(text, changes, ctx)
        return [build("judge", f"{statement}。", change is None, article, evidence=text, note=_note(change),
                      generator=f"judge.checklist.{change.kind if change else 'verbatim'}", checklist=item)]
