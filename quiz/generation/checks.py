"""Key checks: a question is emitted only if its key is supported by the text of the article it cites.

The checks re-derive everything from the question and the cited articles, not from how it was made:

- every source resolves to an article of the knowledge base;
- options are non-empty and distinct; the answer names existing options; no giveaway (the key is not
  the only option that echoes the stem);
- 单选/填空 in cloze form: the stem's sentence with the key filled in occurs in the article, and with any
  distractor filled in it does not (a distractor amount is one the article never uses); 单选 on a
  checklist answer: the answer's amounts are the article's, each distractor differs from it by one
  amount or authority the article does not use;
- 多选: every key option occurs in the article; every distractor occurs nowhere in it and resembles none
  of its sentences;
- 判断: the true statement is the article's own text, or its paraphrase (quiz.generation.paraphrases) that
  reads back to it; the false one is the article's text with one recognised change
  (quiz.generation.mutations) that makes it wrong against the article, paraphrased alike or not;
- situations (单选 and 判断 on a case, quiz.generation.situations): the cited article's text is read again
  into its penalty rules; the case states the conduct of exactly one rule and, for a bracketed rule, an
  amount of 违法所得 that selects exactly one bracket; the key is that bracket's (or the rule's)
  consequence or the authority the rule names; every wrong option or claim is a sibling bracket's
  consequence, the key with one amount or authority changed, the fine of another kind of cargo, or a text with
  an amount the article never uses; a conduct read from an article the rule points at (违反本条例第N条规定的)
  is read from that article, which the item cites after the penalty article;
- deadlines (判断 on the day an actor acted, quiz.generation.deadlines): the article sets that actor, event and
  act one limit, the day is well inside it (true) or well past it (false, and only where the article allows
  no extension);
- 简答/案例分析: every key point is supported by the article.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kb.numbers import SMALL_NUMERALS
from quiz.generation.deadlines import extendable
from quiz.generation.deadlines import find as find_deadline
from quiz.generation.mutations import trace
from quiz.generation.paraphrases import restore
from quiz.generation.situations import (
    BLANK_ENDING,
    JUDGE_MARK,
    MULTI_ENDING,
    OVERLAPPING_AUTHORITIES,
    SINGLE_ENDINGS,
    TIME_ASK,
    TIME_JUDGE_MARK,
    Branch,
    Rule,
    as_option,
    case_value,
    conduct_in,
    day_verdict,
    fine_range,
    parts,
    rules,
    selected,
)
from quiz.generation.terms import find_authorities
from quiz.models import BLANK, SLOT, Question
from quiz.quantities import find_quantities, quantity_keys
from quiz.source import ArticleIndex
from quiz.text import (
    bare,
    contains,
    coverage,
    longest_common_run,
    normalize,
    similarity,
    strip_marker,
    trim_end,
)

PREFIX_RE = re.compile(
    rf"^(?:根据|依据|按照|依照)《[^》]+》(?:第[零一二三四五六七八九十百千\d]+条(?:之[{SMALL_NUMERALS}]+)?)?(?:的?规定)?[，,：:]"
)
ECHO_RUN = 4
MAX_DISTRACTOR_SIMILARITY = 0.5
MAX_DISTRACTOR_COVERAGE = 0.6
MIN_CHECKLIST_COVERAGE = 0.5
MIN_KEY_POINT_COVERAGE = 0.7


def strip_prefix(stem: str) -> str:
    """根据《行政处罚法》，当事人… → 当事人…"""
    return PREFIX_RE.sub("", stem.strip(), count=1)


def is_valid(question: Question, index: ArticleIndex) -> bool:
    return not check_question(question, index)


def check_question(question: Question, index: ArticleIndex) -> list[str]:
    """Problems found; an empty list means the question may be emitted."""
    if not question.sources:
        return ["no source cited"]
    articles = [index.resolve(c) for c in question.sources]
    if any(a is None for a in articles):
        return ["cites an article that is not in the knowledge base"]
    article = "\n".join(a.body for a in articles if a is not None)
    problems = _structure(question)
    if problems:
        return problems
    if _is_situation(question):  # a conduct may be read from the further articles cited (违反本条例第N条规定的)
        referenced = {a.citation().article or 0: a.body for a in articles[1:] if a is not None}
        return _SITUATION[question.type](question, articles[0].body if articles[0] else article, referenced)
    checker = _SUPPORT[question.type]
    return checker(question, article)


def _is_situation(q: Question) -> bool:
    return (
        (q.type == "single" and q.stem.endswith(SINGLE_ENDINGS))
        or (q.type == "multi" and q.stem.endswith(MULTI_ENDING))
        or (q.type == "judge" and JUDGE_MARK in q.stem)
        or (q.type == "blank" and q.stem.endswith(BLANK_ENDING))
    )


def _structure(q: Question) -> list[str]:
    problems: list[str] = []
    if not q.stem.strip():
        problems.append("empty stem")
    if q.type in ("single", "multi"):
        texts = [normalize(t) for t in q.options.values()]
        if any(not t for t in texts):
            problems.append("empty option")
        if len(set(texts)) != len(texts):
            problems.append("duplicate options")
        keys = q.keys
        if not keys or len(set(keys)) != len(keys) or any(k not in q.options for k in keys):
            problems.append("answer names no option or a missing one")
        elif q.type == "single" and (len(keys) != 1 or len(q.options) < 3):
            problems.append("single choice needs one key among at least three options")
        elif q.type == "multi" and (len(keys) < 2 or len(q.options) - len(keys) < 1):
            problems.append("multiple choice needs two or more keys and a distractor")
        elif giveaway(q.stem, q.options, "".join(keys)):
            problems.append("giveaway: only the key echoes the stem")
    elif q.type == "judge":
        if not isinstance(q.answer, bool) or q.options:
            problems.append("true/false question needs a boolean answer and no options")
    elif q.type == "blank":
        if not isinstance(q.answer, str) or not q.answer.strip() or q.stem.count(BLANK) != 1:
            problems.append("fill-in question needs one blank and its text")
    elif not isinstance(q.answer, str) or not q.answer.strip() or not q.key_points:
        problems.append("open question needs a reference answer and key points")
    return problems


def _echoes(option: str, stem: str) -> bool:
    size = len(bare(option))
    return size > 0 and longest_common_run(option, stem) >= min(ECHO_RUN, size)


def giveaway(stem: str, options: dict[str, str], answer: str) -> bool:
    """Whether only keys echo the stem's words (so the stem points at them)."""
    body = strip_prefix(stem)
    echoing = {letter for letter, text in options.items() if _echoes(text, body)}
    return bool(echoing) and echoing <= set(answer)


def _window(stem: str, slot: str) -> tuple[str, str] | None:
    """The text around the slot in the stem's sentence: after the last ：, up to the end of the sentence."""
    body = strip_prefix(stem)
    if slot not in body:
        return None
    left, right = body.split(slot, 1)
    left = left.split("：")[-1]
    right = trim_end(right.split("。")[0])
    if not right and left.endswith("？"):
        return None  # the slot closes a question: the options are whole answers
    return left, right


def _option_wrong(option: str, article: str) -> bool:
    """An option that is provably not the article's: an amount it never uses, or text it never has."""
    quantities = find_quantities(option)
    if len(quantities) == 1 and bare(quantities[0].text) == bare(option):
        return quantities[0].key not in quantity_keys(article)
    return not contains(article, option)


def _checklist_supported(text: str, article: str) -> bool:
    return quantity_keys(text) <= quantity_keys(article) and coverage(text, article) >= MIN_CHECKLIST_COVERAGE


def _case(
    stem: str, article: str, referenced: Mapping[int, str], bracket: bool = True
) -> tuple[Rule, Branch | None] | str:
    """The rule of the article the case falls under and the bracket its amount selects; or a problem."""
    case = stem.split("根据《")[0]
    found = conduct_in(case, rules(article, referenced))
    if len({id(rule) for rule, _ in found}) != 1:
        return "the case states the conduct of no penalty rule of the article, or of several"
    rule = found[0][0]
    if not rule.branches or not bracket:
        return rule, None
    value = case_value(case)
    if value is None:
        return "the case states no amount of 违法所得 for the article's brackets"
    chosen = selected(rule, value)
    if len(chosen) != 1:
        return f"the case's amount selects {len(chosen)} brackets of the article, not exactly one"
    return rule, chosen[0]


def _claim(rule: Rule, branch: Branch | None, text: str, article: str) -> bool | None:
    """Whether a consequence is right for the case (True), provably wrong (False), or neither (None)."""
    right = as_option(branch.consequence) if branch else rule.consequence
    if normalize(text) == normalize(right):
        return True
    if branch is not None and any(
        normalize(text) == normalize(as_option(b.consequence)) for b in rule.branches if b is not branch
    ):
        return False
    if normalize(text) in {normalize(other) for other in rule.exclusive}:
        return False  # the fine of another kind of cargo than the case's
    change = trace(text, right, article)
    if change is not None and change.kind in ("quantity", "authority"):
        return False
    if not contains(article, text) and quantity_keys(text) - quantity_keys(article):
        return False
    return None


def _other_authority(name: str, right: str, article: str) -> bool:
    """``name`` is ``right`` with its authority swapped for one the article never names."""
    terms, own = find_authorities(name), find_authorities(right)
    if len(terms) != 1 or len(own) != 1 or contains(article, terms[0].text):
        return False
    if terms[0].text in OVERLAPPING_AUTHORITIES and own[0].text in OVERLAPPING_AUTHORITIES:
        return False
    return normalize(name) == normalize(right.replace(own[0].text, terms[0].text))


def _single_situation(q: Question, article: str, referenced: Mapping[int, str]) -> list[str]:
    found = _case(q.stem, article, referenced, bracket=not q.stem.endswith(SINGLE_ENDINGS[2]))
    if isinstance(found, str):
        return [found]
    rule, branch = found
    key = q.options[q.keys[0]]
    distractors = [t for letter, t in q.options.items() if letter != q.keys[0]]
    if q.stem.endswith(SINGLE_ENDINGS[2]):
        if normalize(key) != normalize(rule.authority):
            return ["key is not the authority the article names for the case"]
        bad = [d for d in distractors if not _other_authority(d, rule.authority, article)]
        return [f"distractor {bad[0]!r} is not an authority the article never names"] if bad else []
    if _claim(rule, branch, key, article) is not True:
        return ["key not supported: it is not the consequence the article gives for the case"]
    bad = [d for d in distractors if _claim(rule, branch, d, article) is not False]
    return [f"distractor {bad[0]!r} is not provably wrong for the case"] if bad else []


def _judge_situation(q: Question, article: str, referenced: Mapping[int, str]) -> list[str]:
    m = re.search(rf"根据《[^》]+》，(.*?){JUDGE_MARK}(.+?)。?$", q.stem)
    if m is None:
        return ["a case statement needs an authority and its handling"]
    found = _case(q.stem, article, referenced)
    if isinstance(found, str):
        return [found]
    rule, branch = found
    authority, claim = m.group(1), m.group(2)
    right_authority = normalize(authority) == normalize(rule.authority)
    verdict = _claim(rule, branch, claim, article)
    if q.answer is True:
        return [] if right_authority and verdict is True else ["the true case statement is not the article's"]
    if (right_authority and verdict is False) or (verdict is True and _other_authority(authority, rule.authority, article)):
        return []
    return ["the false case statement is not provably wrong against the article"]


def _single_time(q: Question, article: str) -> list[str]:
    """在一起案件的办理中，<trigger>。根据《…》，<left>多长期限<right>？: the article says <trigger>的，<left><key><right>
    and uses none of the distractors' values."""
    case, _, rest = q.stem.partition("根据《")
    trigger = trim_end(re.sub(r"^[^，：]*[，：]", "", case, count=1))
    left, _, right = rest.split("》", 1)[-1].lstrip("，").rstrip("？").partition(TIME_ASK)
    key = q.options[q.keys[0]]
    if not rest or not contains(article, f"{trigger}的，{left}{key}{right}"):
        return ["key not supported: the case's trigger with the key filled in is not in the article"]
    bad = [d for letter, d in q.options.items() if letter != q.keys[0] and not _option_wrong(d, article)]
    return [f"distractor {bad[0]!r} is a time limit the article uses"] if bad else []


def _single(q: Question, article: str) -> list[str]:
    if TIME_ASK in q.stem and q.stem.endswith("？") and SLOT not in q.stem:
        return _single_time(q, article)
    key = q.options[q.keys[0]]
    distractors = [t for letter, t in q.options.items() if letter != q.keys[0]]
    if q.checklist_item:
        if not _checklist_supported(q.evidence, article) or _option_wrong(key, article):
            return ["key not supported: the checklist answer or its key is not the article's"]
        wrong = [_option_wrong(d, article) for d in distractors]
        return [] if all(wrong) else ["a distractor is not provably wrong against the article"]
    window = _window(q.stem, SLOT)
    if window is not None:
        left, right = window
        if not contains(article, left + key + right):
            return ["key not supported: the stem with the key filled in is not in the article"]
        for d in distractors:
            if contains(article, left + d + right) or not _option_wrong(d, article):
                return [f"distractor {d!r} is not provably wrong against the article"]
        return []
    if not _checklist_supported(key, article):
        return ["key not supported: its amounts or wording are not the article's"]
    for d in distractors:
        change = trace(d, key, article)
        if change is None or change.kind not in ("quantity", "authority"):
            return [f"distractor {d!r} is not a provably wrong change of the key"]
    return []


def _blank_situation(q: Question, article: str, referenced: Mapping[int, str]) -> list[str]:
    found = _case(q.stem, article, referenced)
    if isinstance(found, str):
        return [found]
    rule, branch = found
    right = fine_range(branch.consequence if branch else rule.consequence)
    if not right or normalize(right) != normalize(str(q.answer)) or not contains(article, right):
        return ["key not supported: it is not the fine the article sets for the case"]
    return []


def _blank(q: Question, article: str) -> list[str]:
    answer = str(q.answer)
    if q.checklist_item:
        quantities = find_quantities(answer)
        if (quantities and all(x.key in quantity_keys(article) for x in quantities)) or contains(article, answer):
            return []
        return ["key not supported: the missing text is not the article's"]
    window = _window(q.stem, BLANK)
    if window is None or not contains(article, window[0] + answer + window[1]):
        return ["key not supported: the stem with the answer filled in is not in the article"]
    return []


def _segments(article: str) -> list[str]:
    return [s for s in re.split(r"[。；：\n]", article) if len(s.strip()) >= 4]


def _multi_situation(q: Question, article: str, referenced: Mapping[int, str]) -> list[str]:
    """Keys: exactly the measures the article gives for the case; distractors: a sibling bracket's, or a
    measure the article never gives (an amount it never uses, or a kind of measure it does not have)."""
    found = _case(q.stem, article, referenced)
    if isinstance(found, str):
        return [found]
    rule, branch = found
    right = {normalize(p) for p in parts(rule.consequence) + (parts(branch.consequence) if branch else [])}
    keys = {normalize(q.options[k]) for k in q.keys}
    if keys != right:
        return ["the keys are not exactly the measures the article gives for the case"]
    siblings = {normalize(p) for b in rule.branches if b is not branch for p in parts(b.consequence)}
    for letter, text in q.options.items():
        if letter in q.keys or normalize(text) in siblings:
            continue
        kinds = [k for k in ("罚款", "没收", "吊销", "责令", "警告", "暂扣", "拘留", "停业", "取缔", "撤销", "收缴", "扣留")
                 if k in text]
        unknown_amount = bool(quantity_keys(text) - quantity_keys(article))
        if contains(article, text) or not kinds or not (unknown_amount or not any(k in article for k in kinds)):
            return [f"distractor {letter} is not provably outside what the article gives for the case"]
    return []


def _multi(q: Question, article: str) -> list[str]:
    keys = set(q.keys)
    segments = _segments(article)
    for letter, text in q.options.items():
        if letter in keys:
            if not contains(article, text):
                return [f"key option {letter} is not in the article"]
        elif (
            contains(article, text)
            or coverage(text, article) > MAX_DISTRACTOR_COVERAGE
            or any(similarity(text, s) > MAX_DISTRACTOR_SIMILARITY for s in segments)
        ):
            return [f"distractor {letter} may belong to the article's list"]
    return []


def _judge_time(q: Question, article: str) -> list[str]:
    """<trigger>，于<event><link>第k日<action>: the article says <trigger>的，…<event><link>N日内<action>, and k
    is well inside N (true) or well past it (false)."""
    case = q.stem.split("根据《")[0]
    m = re.search(r"[，：]([^，：]+)，于(.+?)第([^日工]+?)(日|个工作日|工作日)(.+?)。$", case)
    if m is None:
        return _judge_deadline(case, q.answer, article)
    trigger, event, unit, action = m.group(1), m.group(2), m.group(4), m.group(5)
    days = find_quantities(m.group(3) + unit)
    text = normalize(article)
    found = re.search(re.escape(normalize(event)) + r"([^，；。]{1,6}?)内[，]?" + re.escape(normalize(action)), text)
    limits = find_quantities(found.group(1)) if found else []
    if not contains(article, f"{trigger}的，") or len(days) != 1 or len(limits) != 1 or limits[0].unit != unit:
        return ["the case's trigger, event and act are not one time limit of the article"]
    verdict = day_verdict(days[0].value, limits[0].value)
    if verdict is None or verdict is not q.answer:
        return ["the day of the case does not prove the answer against the article's time limit"]
    return []


def _judge_deadline(case: str, answer: object, article: str) -> list[str]:
    """<actor>于<event><link>第k日<action>: the article says <actor>应当自<event><link>N日内<action> and k is
    well inside N (true) or well past it (false)."""
    m = re.search(r"^(.+?)于(.+?)第([^日工]+?)(日|个工作日|工作日)(.+?)。$", case)
    if m is None:
        return ["a time-limit case needs its trigger or actor, the event, the day and the act"]
    deadline = find_deadline(article, m.group(1), m.group(2), m.group(5))
    days = find_quantities(m.group(3) + m.group(4))
    if deadline is None or len(days) != 1 or days[0].unit != deadline.limit.unit:
        return ["the case's actor, event and act are not one deadline of the article"]
    verdict = day_verdict(days[0].value, deadline.limit.value)
    if verdict is None or verdict is not answer or (verdict is False and extendable(article)):
        return ["the day of the case does not prove the answer against the article's time limit"]
    return []


def _judge(q: Question, article: str) -> list[str]:
    if q.stem.endswith(TIME_JUDGE_MARK):
        return _judge_time(q, article)
    evidence = trim_end(q.evidence)
    statement = restore(trim_end(strip_prefix(q.stem)), evidence)
    if q.checklist_item:
        if not evidence or not _checklist_supported(evidence, article):
            return ["the checklist point is not supported by the article"]
    elif not evidence:
        evidence = _closest_segment(statement, article)
        statement = restore(trim_end(strip_prefix(q.stem)), evidence)
    elif not contains(article, evidence):
        return ["the statement's evidence is not in the article"]
    if q.answer is True:
        ok = normalize(statement) == normalize(evidence)
        return [] if ok else ["a true statement must be the article's own text"]
    change = trace(statement, evidence, article)
    if change is None:
        return ["the false statement is not a recognised change of the article's text"]
    if q.checklist_item and change.kind not in ("quantity", "authority"):
        return ["a false checklist statement must change an amount or an authority"]
    if not q.checklist_item and contains(article, statement):
        return ["the changed statement is still in the article"]
    return []


def _closest_segment(statement: str, article: str) -> str:
    """The article sentence a statement was made from (for questions imported without their evidence)."""
    if contains(article, statement):
        return statement
    sentences = [trim_end(strip_marker(s)) for s in re.split(r"[。\n]", article) if s.strip()]
    parts = [p for s in sentences for p in (s, *s.split("；"))]
    return max(parts, key=lambda s: similarity(statement, s), default="")


def key_point_supported(point: str, article: str) -> bool:
    """A key point of an open question: mostly the article's words, and only amounts the article uses."""
    return coverage(point, article) >= MIN_KEY_POINT_COVERAGE and quantity_keys(point) <= quantity_keys(article)


def _open(q: Question, article: str) -> list[str]:
    bad = [p for p in q.key_points if not key_point_supported(p, article)]
    return [f"key point not supported: {bad[0]!r}"] if bad else []


_SITUATION = {"single": _single_situation, "multi": _multi_situation, "judge": _judge_situation,
              "blank": _blank_situation}
_SUPPORT = {"single": _single, "multi": _multi, "judge": _judge, "blank": _blank, "short": _open, "case": _open}
__all__ = ["check_question", "giveaway", "is_valid", "key_point_supported", "strip_prefix"]
