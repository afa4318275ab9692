"""填空: for a penalty article, a case and the range of the fine it sets for it left blank
(quiz.generation.generators.situation); otherwise a statement of the article with one key term left
blank; the answer is the missing text.

What is blanked, in order of preference: an amount, time limit or count (五日, 二百元), a competent
authority (公安机关交通管理部门), a key legal term (听证, 法制审核, 当场收缴). The blanked text occurs once
in the statement, so the blank has one answer. From a checklist Q&A item: the answer with one amount
blanked, under the question.
"""

from __future__ import annotations

from quiz.checklist.items import ChecklistItem
from quiz.generation.generators.base import Context, build, stem_prefix
from quiz.generation.generators.situation import blank_situations, has_situations
from quiz.generation.statements import statements
from quiz.generation.terms import Term, find_authorities, find_terms
from quiz.models import BLANK, Question, QuestionType
from quiz.quantities import find_quantities, quantity_keys
from quiz.source import Article

CHECKLIST_ANSWER_MAX = 150


class FillBlank:
    type: QuestionType = "blank"

    def prefers(self, article: Article, ctx: Context) -> bool:
        """Penalty articles first: they give situation items."""
        return has_situations(article, ctx)

    def from_article(self, article: Article, ctx: Context) -> list[Question]:
        situations = blank_situations(article, ctx)
        if situations:
            return situations
        out: list[Question] = []
        for st in statements(article):
            text = st.text
            spans: list[tuple[int, int, str, str]] = [
                (q.start, q.end, q.text, "quantity") for q in find_quantities(text)
            ]
            if not spans:
                spans += [(t.start, t.end, t.text, "authority") for t in find_authorities(text)]
            if not spans:
                spans += [(t.start, t.end, t.text, "term") for t in _terms(text)]
            for start, end, missing, kind in spans:
                if text.count(missing) != 1:
                    continue
                stem = f"{stem_prefix(article)}{text[:start]}{BLANK}{text[end:]}。"
                out.append(build("blank", stem, missing, article, evidence=text, generator=f"blank.{kind}"))
        return out

    def from_checklist(self, item: ChecklistItem, article: Article, ctx: Context) -> list[Question]:
        if item.kind != "问答" or not item.question or len(item.answer) > CHECKLIST_ANSWER_MAX:
            return []
        text = item.answer.replace("\n", "")
        known = quantity_keys(article.body)
        out = []
        for q in find_quantities(text):
            if q.key in known and text.count(q.text) == 1:
                stem = f"{item.question.rstrip('？?')}？答：{text[: q.start]}{BLANK}{text[q.end :]}"
                out.append(build("blank", stem, q.text, article, evidence=text, generator="blank.checklist",
                                 checklist=item))
        return out


def _terms(text: str) -> list[Term]:
    """Legal terms that make a fair blank: at least two characters, and not the sentence's first word."""
    return [t for t in find_terms(text) if t.start > 0 and len(t.text) >= 2]
