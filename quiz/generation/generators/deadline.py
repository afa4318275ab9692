"""判断 on a procedure deadline (``judge.situation.deadline``): the actor acted on a given day after the
event, and the item asks whether that kept the article's limit (quiz.generation.deadlines).

申请人应当自收到补正通知之日起十日内提交补正材料 → 执法人员小张在办案中遇到这样的问题：申请人于收到补正通知之日起
第十五日提交补正材料。根据《行政复议法》，这一做法符合法定期限。 (false; 第六日: true). quiz.generation.checks
reads the deadline back from the stem's actor, event and action and compares the day with the limit. Where the
article lets the limit be extended (经批准可以延长…) only days inside it are asked: a later day is not provably late.
"""

from __future__ import annotations

from quiz.generation.deadlines import deadlines, extendable, told
from quiz.generation.generators.base import Context
from quiz.generation.generators.situation import PROCEDURE_OPENERS, build_situation
from quiz.generation.situations import TIME_JUDGE_MARK, day_verdict
from quiz.models import Question
from quiz.quantities import render
from quiz.source import Article


def has_deadlines(article: Article, ctx: Context) -> bool:
    memo = ctx.index.memo.setdefault("deadlines", {})
    assert isinstance(memo, dict)
    if article.key not in memo:
        memo[article.key] = bool(deadlines(article.body))
    return bool(memo[article.key])


def judge_deadline_situations(article: Article, ctx: Context) -> tuple[list[Question], list[Question]]:
    """(true, false): a day well inside the limit, and one well past it."""
    true: list[Question] = []
    false: list[Question] = []
    for d in deadlines(article.body):
        limit = d.limit.value
        inside = limit - 1 - ctx.rng.randrange(max(1, int(limit) // 2))
        past = limit + max(2, int(limit) // 2)
        for day, answer in ((inside, True), (past, False)):
            if day < 1 or day_verdict(day, limit) is not answer or (not answer and extendable(article.body)):
                continue
            number = render(day, d.limit).removesuffix(d.limit.unit)
            stem = (f"{ctx.rng.choice(PROCEDURE_OPENERS)}{told(d)}{'，' if not d.actor else ''}于{d.event}{d.link}"
                    f"第{number}{d.limit.unit}"
                    f"{d.action}。根据《{article.short_law}》，{TIME_JUDGE_MARK}")
            note = "。在期限之内，正确。" if answer else "。已超过法定期限，错误。"
            (true if answer else false).append(
                build_situation("judge", stem, answer, article, d.text, "judge.situation.deadline", note=note)
            )
    return true, false
