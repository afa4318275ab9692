"""单选/多选 situation items written by a language model (``single.situation.llm``, ``multi.situation.llm``).

Asked only of penalty articles (those ``quiz.generation.situations.rules`` reads). The model gets the
article and the conducts read from it, and writes a case met on duty and the options as JSON
``{"case", "options", "answer"}``. The item is put together as the rule-made situation items are (the case,
then ``根据《…》，对其应当如何处理？`` or ``对其的处理措施有（  ）``), and it is kept only if
``quiz.generation.checks`` proves its key the same way as theirs: the case states the conduct of exactly
one penalty rule of the article (and, for a bracketed rule, an amount of 违法所得 in exactly one bracket),
the keys are what the article gives for it and every other option is provably wrong. Otherwise the item is
dropped and counted (``LLMStats``), never emitted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.models import Citation
from quiz.checklist.items import ChecklistItem
from quiz.generation.checks import check_question
from quiz.generation.generators.base import Context, Generator
from quiz.generation.generators.llm import MAX_ARTICLE_CHARS, MAX_CALLS, Complete, LLMStats, parse_reply
from quiz.generation.generators.situation import build_situation, penalty_rules
from quiz.generation.situations import MULTI_ENDING, SINGLE_ENDINGS
from quiz.models import LETTERS, Question, QuestionType
from quiz.source import Article

MAX_CASE_CHARS = 200
OPTION_COUNTS: dict[str, range] = {"single": range(4, 5), "multi": range(4, 7)}
ENDINGS: dict[str, str] = {"single": SINGLE_ENDINGS[0], "multi": MULTI_ENDING}
CALLS_KEY = "llm.calls"  # the run's calls, shared with quiz.generation.generators.llm

PROMPTS: dict[str, str] = {
    "single": (
        "你是交通运输行政执法考试命题人。请仅依据下面这一条法律条文，出一道情境单项选择题：先用一两句话描述执法人员"
        "查处的一个具体案例（当事人、时间地点、违法行为；条文按违法所得数额分档处罚的，写明违法所得金额，如“违法所得"
        "2万元”），再给出四个处理选项，只有一个符合本条规定。\n"
        "案例中必须原样写出下列违法行为之一：{conducts}。\n"
        "正确选项照抄条文对该行为的处理（如“责令改正，处1万元以上5万元以下的罚款”）；错误选项只改动其中的罚款数额或"
        "处罚机关，或取本条其他档次的处理。\n"
        "只输出一个JSON对象：{{\"case\": 案例, \"options\": {{\"A\": …, \"B\": …, \"C\": …, \"D\": …}}, "
        "\"answer\": 正确选项字母}}。\n《{law}》{label}：{text}"
    ),
    "multi": (
        "你是交通运输行政执法考试命题人。请仅依据下面这一条法律条文，出一道情境多项选择题：先用一两句话描述执法人员"
        "查处的一个具体案例（当事人、时间地点、违法行为；条文按违法所得数额分档处罚的，写明违法所得金额），再给出四至"
        "六个处理措施选项，其中本条对该行为规定的每一项措施都是正确选项。\n"
        "案例中必须原样写出下列违法行为之一：{conducts}。\n"
        "正确选项逐项照抄条文的措施（如“责令改正”“处1万元以上5万元以下的罚款”）；错误选项为条文没有的数额或措施。\n"
        "只输出一个JSON对象：{{\"case\": 案例, \"options\": {{\"A\": …, …}}, \"answer\": 正确选项字母，如\"AC\"}}。"
        "\n《{law}》{label}：{text}"
    ),
}
_ASKED = re.compile(r"(?:根据《|依据《|依照《|请问|问：|对其应当|应当如何).*$", re.S)


@dataclass
class LLMSituation:
    """A generator of ``single`` or ``multi`` situation items through ``complete``."""

    type: QuestionType
    complete: Complete
    max_calls: int = MAX_CALLS
    stats: LLMStats = field(default_factory=LLMStats)

    def prefers(self, article: Article, ctx: Context) -> bool:
        return bool(penalty_rules(article, ctx))

    def from_article(self, article: Article, ctx: Context) -> list[Question]:
        found = penalty_rules(article, ctx)
        if not found or ctx.state.get(CALLS_KEY, 0) >= self.max_calls:
            return []
        ctx.state[CALLS_KEY] = ctx.state.get(CALLS_KEY, 0) + 1
        self.stats.calls += 1
        conducts = "；".join(dict.fromkeys(c for rule in found for c in rule.conducts))
        body = article.body if len(article.body) <= MAX_ARTICLE_CHARS else article.body[:MAX_ARTICLE_CHARS] + "…"
        reply = self.complete(PROMPTS[self.type].format(law=article.law, label=article.label, text=body,
                                                        conducts=conducts))
        item = self._item(reply, article, ctx)
        if item is None:
            self.stats.unparsable += 1
            return []
        problems = check_question(item, ctx.index)
        if problems:
            self.stats.unsupported += 1
            self.stats.problems.append(f"《{article.short_law}》{article.label}：{problems[0]}")
            return []
        self.stats.accepted += 1
        return [item]

    def from_checklist(self, item: ChecklistItem, article: Article, ctx: Context) -> list[Question]:
        return []

    def _item(self, reply: str, article: Article, ctx: Context) -> Question | None:
        """The reply as a situation item, or None when it is not the JSON asked for."""
        data = parse_reply(reply)
        if data is None:
            return None
        case = _case(data.get("case"))
        options = _options(data.get("options"))
        answer = _answer(data.get("answer"))
        if not case or options is None or len(options) not in OPTION_COUNTS[self.type]:
            return None
        if not answer or any(letter not in options for letter in answer):
            return None
        if (self.type == "single") != (len(answer) == 1):
            return None
        stem = f"{case}。根据《{article.short_law}》，{ENDINGS[self.type]}"
        keys = "；".join(options[letter] for letter in answer)
        cited = {n for rule in penalty_rules(article, ctx) for n in rule.cited}
        further = tuple(a for n in sorted(cited)
                        if (a := ctx.index.resolve(Citation(law=article.law, article=n))) is not None)
        return build_situation(self.type, stem, answer, article, keys, f"{self.type}.situation.llm", options,
                               cited=further)


def _case(raw: object) -> str:
    """The case as the model told it, without a question of its own (the stem asks it) or a final stop."""
    if not isinstance(raw, str):
        return ""
    case = _ASKED.sub("", raw.strip()).strip().rstrip("。，；：？?！! ")
    return case if 0 < len(case) <= MAX_CASE_CHARS else ""


def _options(raw: object) -> dict[str, str] | None:
    """``{"A": …, "B": …}`` (letters in order from A) or ``[…, …]`` → lettered options; None otherwise."""
    if isinstance(raw, list):
        texts = [str(t).strip() for t in raw]
    elif isinstance(raw, dict):
        letters = [str(k).strip().upper() for k in raw]
        if letters != list(LETTERS[: len(letters)]):
            return None
        texts = [str(t).strip() for t in raw.values()]
    else:
        return None
    texts = [re.sub(r"^[A-F][.．、:：]\s*", "", t).rstrip("。；;") for t in texts]
    if not texts or len(texts) > len(LETTERS) or any(not t for t in texts):
        return None
    return {LETTERS[i]: t for i, t in enumerate(texts)}


def _answer(raw: object) -> str:
    """``"AC"``, ``"A、C"`` or ``["A", "C"]`` → ``AC`` (sorted, no repeats); ``""`` when it names no letter."""
    text = "".join(str(x) for x in raw) if isinstance(raw, list) else str(raw or "")
    letters = re.sub(r"[\s,，、;；和及]", "", text.upper())
    if not letters or not set(letters) <= set(LETTERS):
        return ""
    return "".join(sorted(set(letters)))


@dataclass
class WithLLMSituations:
    """A type's rule-made generator, and beside each of its candidates on a penalty article the model's
    situation item (``LLMSituation``); checklist questions stay rule-made."""

    rule_made: Generator
    llm: LLMSituation
    type: QuestionType = field(init=False)

    def __post_init__(self) -> None:
        self.type = self.rule_made.type

    @property
    def stats(self) -> LLMStats:
        return self.llm.stats

    def prefers(self, article: Article, ctx: Context) -> bool:
        prefers = getattr(self.rule_made, "prefers", None)
        return bool(prefers(article, ctx)) if prefers is not None else self.llm.prefers(article, ctx)

    def from_article(self, article: Article, ctx: Context) -> list[Question]:
        return [*self.rule_made.from_article(article, ctx), *self.llm.from_article(article, ctx)]

    def from_checklist(self, item: ChecklistItem, article: Article, ctx: Context) -> list[Question]:
        return self.rule_made.from_checklist(item, article, ctx)
