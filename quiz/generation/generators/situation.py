"""Situation items: a case met on duty, built from a penalty article's structure (quiz.generation.situations).

单选 (``single.situation.*``): the case states one conduct of the article in an officer's words, and for a
bracketed rule an amount of 违法所得 inside exactly one bracket; the options are the consequences of the
sibling brackets, of sibling articles of the same law (amounts the cited article never uses) or the key
with one amount or authority changed; or, asked who acts, the authority and authorities the article
never names. 判断 (``judge.situation``): the case with the right consequence (true), or with a sibling
bracket's consequence, another amount or another authority (false). quiz.generation.checks re-reads the
cited article to prove each key.
"""

from __future__ import annotations

import itertools
import random
import re

from kb.models import Citation
from quiz.generation.conducts import referenced_numbers_in
from quiz.generation.generators.base import Context, build, lettered
from quiz.generation.mutations import Mutation, authority_mutations, quantity_mutations
from quiz.generation.situations import (
    BLANK_ENDING,
    JUDGE_MARK,
    MULTI_ENDING,
    OVERLAPPING_AUTHORITIES,
    SINGLE_ENDINGS,
    TIME_ASK,
    TIME_JUDGE_MARK,
    TIME_LINKS,
    Branch,
    Rule,
    as_option,
    day_verdict,
    fine_range,
    is_measure,
    parts,
    pick_conduct,
    rules,
    say_amount,
    short_enough,
    values_for,
)
from quiz.generation.statements import statements
from quiz.generation.terms import Term, authority_alternatives, find_authorities
from quiz.models import Question, QuestionType
from quiz.quantities import Quantity, distractor_values, find_quantities, quantity_keys, render
from quiz.source import Article, ArticleIndex
from quiz.text import contains, normalize

OPENERS = (  # when, who and how the case came to light, as a case file opens
    "2024年3月，某市交通运输综合执法支队执法人员在日常检查中发现，",
    "某县交通运输执法大队接到群众举报后立案调查，查明",
    "执法人员在辖区开展专项整治行动时现场查获：",
    "经立案调查，执法人员查明",
    "某地执法人员在例行检查中，经询问当事人、调取台账后查明，",
    "2023年10月，执法人员根据上级交办线索开展调查，查明",
)
_SUBJECT_RE = re.compile(
    r"^[^，、的]{0,14}?(?:经营者|经营人|管理者|企业|单位|公司|驾驶人|驾驶员|所有人|管理人|机构|承运人|托运人|人员|业户|船舶|"
    r"个人|乘车人|行人|船员|船长|引航员|教练员|学员|乘客|旅客)"
)
_VERB_START = re.compile(
    r"^(?:未|擅自|非法|使用|不|在|将|以|违反|伪造|拒|超|从事|为|对|向|利用|采用|通过|有|没有|无|出租|出借|转让|聘用|"
    r"指使|强|允许|造成|驾驶|饮酒|醉酒|涂改|买卖|租借|发现|隐瞒|提供|冒用|损坏|占用|挖掘|设置|承运|运输|装载|组织|招用|"
    r"阻碍|妨碍|谎报|隐匿|毁灭|逃匿|兼营|签发|出具)"
)
_SUBJECT_ANY = re.compile(
    r"经营者|经营人|管理者|企业|单位|公司|驾驶人|驾驶员|所有人|管理人|机构|承运人|托运人|船员|船长|车辆|船舶"
)
_DRIVING = re.compile(r"^(?:驾驶|饮酒|醉酒)")
_SUBJECTS = (  # (a word of the conduct or of the law's title, who the case is about)
    ("指使", "某货运企业负责人张某"),
    ("船员", "船员李某"),
    ("港口", "某港口企业"),
    ("码头", "某港口企业"),
    ("危险货物", "某危险货物运输企业"),
    ("放射性", "某危险货物运输企业"),
    ("超限", "货车驾驶人王某"),
    ("道路货物", "某物流公司"),
    ("货运", "某物流公司"),
    ("旅客", "某客运公司"),
    ("客运", "某客运公司"),
    ("公共汽车", "某公交公司"),
    ("维修", "某汽车维修企业"),
    ("驾驶员培训", "某驾驶员培训机构"),
    ("网络预约", "某网约车平台公司"),
    ("巡游出租", "某出租汽车公司"),
    ("客车租赁", "某汽车租赁公司"),
    ("出租汽车", "某出租汽车公司"),
    ("海上", "某航运公司"),
    ("内河", "某航运公司"),
    ("航道", "某建设单位"),
    ("收费公路", "某公路经营企业"),
    ("公路", "某建设单位"),
    ("安全生产", "某生产经营单位"),
)
DISTRACTORS = 3
_TRIGGER_RE = re.compile(r"当事人|申请人|被申请人|行政机关|执法人员|经营者|驾驶人|企业|单位|公民|法人|机构|部门|人民法院|船舶|车辆")
PROCEDURE_OPENERS = (
    "某交通运输执法大队在办理一起案件时遇到如下情况：",
    "执法人员小张在办案中遇到这样的问题：",
    "在一起行政执法案件的办理过程中，",
    "某支队法制审核人员审查案卷时注意到，",
)
TIME_FAMILIES = ("日", "工作日", "月", "小时", "年")
MIN_TRIGGER = 6
MAX_TRIGGER = 40
MAX_TAIL = 45


def referenced_articles(article: Article, index: ArticleIndex) -> dict[int, str]:
    """number → text of the articles of the same law that the article's penalty rules point at."""
    out: dict[int, str] = {}
    for number in referenced_numbers_in(article.body):
        found = index.resolve(Citation(law=article.law, article=number))
        if found is not None and found.key != article.key:
            out[number] = found.body
    return out


def penalty_rules(article: Article, ctx: Context) -> list[Rule]:
    """The article's penalty rules, read once per run."""
    memo = ctx.index.memo.setdefault("penalty_rules", {})
    assert isinstance(memo, dict)
    if article.key not in memo:
        memo[article.key] = rules(article.body, referenced_articles(article, ctx.index))
    found = memo[article.key]
    assert isinstance(found, list)
    return found


def has_situations(article: Article, ctx: Context) -> bool:
    return bool(penalty_rules(article, ctx))


def case_text(conduct: str, rng: random.Random, law: str = "", subject: str = "") -> str:
    """未经批准擅自施工 → 执法人员…发现，某建设单位未经批准擅自施工; ``subject``: whom the article's list is
    about (事故发生单位主要负责人), named before the conduct."""
    opener = rng.choice(OPENERS)
    if subject == "人员":  # 有下列行为之一的人员: a person
        return f"{opener}当事人王某{conduct}"
    if subject and not _SUBJECT_ANY.search(conduct[:12]):
        return f"{opener}某{subject.removeprefix('某')}{conduct}"
    if "，" in conduct and (not _VERB_START.match(conduct) or _SUBJECT_ANY.search(conduct.split("，")[0])):
        return f"{opener}{conduct}"  # a conduct in two parts names its own actors
    if _DRIVING.match(conduct):
        return f"{opener}驾驶人王某{conduct}"
    if not _VERB_START.match(conduct) and _SUBJECT_RE.match(conduct):
        return f"{opener}{conduct}" if conduct.startswith("某") else f"{opener}某{conduct}"
    if not _VERB_START.match(conduct) and (
        _SUBJECT_ANY.search(conduct[:24]) or re.match(rf"^[^，]{{2,40}}?的[^，]{{0,8}}?(?:{_SUBJECT_ANY.pattern})", conduct)
    ):
        return f"{opener}{conduct}"  # 承担安全评价职责的机构出具失实报告: the conduct names its actor
    subject = next((s for word, s in _SUBJECTS if word in conduct), "")
    subject = subject or next((s for word, s in _SUBJECTS if word in law), "当事人某公司")
    return f"{opener}{subject}{conduct}"


def _sibling_consequences(article: Article, ctx: Context) -> list[str]:
    """Consequences of the other penalty rules of the same law (each a candidate distractor)."""
    out: list[str] = []
    for other in ctx.index.of_law(article.law):
        if other.key == article.key:
            continue
        for rule in penalty_rules(other, ctx):
            out.append(rule.consequence)
            out += [as_option(b.consequence) for b in rule.branches]
    return [c for c in dict.fromkeys(out) if short_enough(c)]


def _provably_other(text: str, article: Article) -> bool:
    """Not the article's words, and an amount the article never uses."""
    return not contains(article.body, text) and bool(quantity_keys(text) - quantity_keys(article.body))


def _ordered(text: str) -> bool:
    """No range of ``text`` runs backwards (三万元以上二万元以下)."""
    found = find_quantities(text)
    return all(
        not (a.family == b.family and text[a.end : b.start] in ("以上", "至", "到") and a.value >= b.value)
        for a, b in itertools.pairwise(found)
    )


def _changes(key: str, article: Article, ctx: Context) -> list[str]:
    changes: list[Mutation] = quantity_mutations(key, article.body, ctx.rng) + authority_mutations(
        key, article.body, ctx.rng
    )
    changes = [c for c in changes if not (c.kind == "authority" and c.old in _TRANSPORT and c.new in _TRANSPORT)]
    changed = [c.apply(key) for c in changes]
    return [t for t in changed if not contains(article.body, t) and _ordered(t) and not _FIXED_TERM.search(t)]


# 上一年年收入 names a period, not an amount: 上六年年收入 is no distractor
_FIXED_TERM = re.compile(r"上(?!一年)[^，；、]{1,3}年年收入")
# a case about who 处罚s needs a penalty, not only a measure (责令驶往指定地点、禁止进港)
_SANCTION = re.compile(r"罚款|没收|吊销|暂扣|警告|拘留|停业|停产")


def _distractors(key: str, siblings: list[str], article: Article, ctx: Context) -> list[str]:
    """Sibling brackets first, then sibling articles' consequences, then the key changed once."""
    seen = {normalize(key)}
    out: list[str] = []
    for text in siblings:
        if normalize(text) not in seen:
            seen.add(normalize(text))
            out.append(text)
    pool = [c for c in _sibling_consequences(article, ctx) if _provably_other(c, article)]
    ctx.rng.shuffle(pool)
    changed = _changes(key, article, ctx)
    ctx.rng.shuffle(changed)
    # one change of the key keeps the options alike (no giveaway), the rest come from sibling articles
    for text in changed[:1] + pool + changed[1:]:
        if len(out) >= DISTRACTORS:
            break
        if normalize(text) not in seen:
            seen.add(normalize(text))
            out.append(text)
    return out[:DISTRACTORS]


def _branch_cases(rule: Rule, conduct: str, law: str, ctx: Context) -> list[tuple[str, Branch]]:
    out = []
    for branch in rule.branches:
        values = values_for(rule, branch)
        if not values:
            continue
        value = values[0] if ctx.rng.random() < 0.5 else ctx.rng.choice(values)
        amount = "尚无违法所得" if value == 0 else f"违法所得{say_amount(value)}"
        out.append((f"{case_text(conduct, ctx.rng, law, rule.subject)}，{amount}", branch))
    return out


def single_situations(article: Article, ctx: Context) -> list[Question]:
    out: list[Question] = []
    law = article.short_law
    for rule in penalty_rules(article, ctx):
        conduct = pick_conduct(rule, ctx.rng)
        if rule.branches:
            for case, branch in _branch_cases(rule, conduct, article.law, ctx):
                key = as_option(branch.consequence)
                siblings = [as_option(b.consequence) for b in rule.branches if b is not branch]
                distractors = _distractors(key, siblings, article, ctx)
                if len(distractors) < DISTRACTORS or not short_enough(key):
                    continue
                options, answer = lettered([key], distractors, ctx.rng)
                stem = f"{case}。根据《{law}》，{SINGLE_ENDINGS[1]}"
                out.append(build_situation("single", stem, answer, article, f"{branch.condition}，{branch.consequence}",
                                  "single.situation.bracket", options, cited=_cited(rule, article, ctx)))
        elif short_enough(rule.consequence) and quantity_keys(rule.consequence):
            distractors = _distractors(rule.consequence, list(rule.exclusive), article, ctx)
            if len(distractors) == DISTRACTORS:
                options, answer = lettered([rule.consequence], distractors, ctx.rng)
                ending = SINGLE_ENDINGS[1] if rule.exclusive else SINGLE_ENDINGS[0]  # a fine by kind of cargo
                stem = f"{case_text(conduct, ctx.rng, article.law, rule.subject)}。根据《{law}》，{ending}"
                out.append(build_situation("single", stem, answer, article, f"{conduct}的，{rule.consequence}",
                                  "single.situation.consequence", options, cited=_cited(rule, article, ctx)))
        authority = _authority_item(rule, conduct, article, ctx)
        if authority is not None:
            out.append(authority)
    return out


def time_cases(article: Article) -> list[tuple[str, str, str, Quantity]]:
    """(statement, trigger, rest, time limit) of the article's statements ``<trigger>的，<rest with one time limit>``."""
    out = []
    for st in statements(article):
        if "的，" not in st.text:
            continue
        trigger, tail = st.text.split("的，", 1)
        if not MIN_TRIGGER <= len(trigger) <= MAX_TRIGGER or not _TRIGGER_RE.search(trigger):
            continue
        if "，" in trigger or trigger.startswith("对") or "；" in tail or len(tail) > MAX_TAIL:
            continue  # a trigger in parts, or a question too long to read as one
        found = [q for q in find_quantities(tail) if q.family in TIME_FAMILIES]
        if len(found) == 1 and tail.count(found[0].text) == 1 and not find_quantities(trigger):
            out.append((st.text, trigger, tail, found[0]))
    return out


def has_time_cases(article: Article, ctx: Context) -> bool:
    memo = ctx.index.memo.setdefault("time_cases", {})
    assert isinstance(memo, dict)
    if article.key not in memo:
        memo[article.key] = bool(time_cases(article))
    return bool(memo[article.key])


def time_situations(article: Article, ctx: Context) -> list[Question]:
    """A procedure's trigger as a case, its time limit asked: 当事人要求听证的，应当在…五日内提出 → 在一起案件的
    办理中，当事人要求听证。根据《行政处罚法》，应当在行政机关告知后多长期限内提出？ (五日 among three others)."""
    out: list[Question] = []
    forbidden = quantity_keys(article.body)
    for text, trigger, tail, q in time_cases(article):
        values = distractor_values(q, forbidden, DISTRACTORS, ctx.rng)
        if len(values) < DISTRACTORS:
            continue
        options, answer = lettered([normalize(q.text)], [render(v, q) for v in values], ctx.rng)  # ３日 → 3日
        opener = ctx.rng.choice(PROCEDURE_OPENERS)
        stem = f"{opener}{trigger}。根据《{article.short_law}》，{tail[: q.start]}{TIME_ASK}{tail[q.end :]}？"
        out.append(build_situation("single", stem, answer, article, text, "single.situation.time", options))
    return out


_TRANSPORT = OVERLAPPING_AUTHORITIES
MULTI_OPTIONS = 5
MAX_PART = 30


def multi_situations(article: Article, ctx: Context) -> list[Question]:
    """The case and every measure the article gives for it (责令…, 没收…, 处…罚款) among measures it does not
    give: sibling brackets' fines, and measures of sibling articles with amounts or kinds it never uses."""
    out: list[Question] = []
    pool = [
        p for c in _sibling_consequences(article, ctx) for p in parts(c)
        if len(p) <= MAX_PART and is_measure(p) and not contains(article.body, p)
        and quantity_keys(p) - quantity_keys(article.body)
    ]
    for rule in penalty_rules(article, ctx):
        conduct = pick_conduct(rule, ctx.rng)
        cases: list[tuple[str, list[str], list[str]]] = []
        if rule.branches:
            for case, branch in _branch_cases(rule, conduct, article.law, ctx):
                siblings = [p for b in rule.branches if b is not branch for p in parts(b.consequence)]
                cases.append((case, parts(rule.consequence) + parts(branch.consequence), siblings))
        else:
            cases.append((case_text(conduct, ctx.rng, article.law, rule.subject), parts(rule.consequence), []))
        for case, keys, siblings in cases:
            keys = list(dict.fromkeys(keys))
            if len(keys) < 2 or any(len(k) > MAX_PART or not contains(article.body, k) for k in keys):
                continue
            seen = {normalize(k) for k in keys}
            wrong = [w for w in siblings if normalize(w) not in seen]
            candidates = list(dict.fromkeys(pool))
            ctx.rng.shuffle(candidates)
            for w in candidates:
                if len(keys) + len(wrong) >= MULTI_OPTIONS:
                    break
                if normalize(w) not in seen | {normalize(x) for x in wrong}:
                    wrong.append(w)
            wrong = wrong[: MULTI_OPTIONS - len(keys)]
            if not wrong or len(keys) + len(wrong) < 4:
                continue
            options, answer = lettered(keys, wrong, ctx.rng)
            stem = f"{case}。根据《{article.short_law}》，{MULTI_ENDING}"
            out.append(build_situation("multi", stem, answer, article, "；".join(keys), "multi.situation", options,
                              cited=_cited(rule, article, ctx)))
    return out


def blank_situations(article: Article, ctx: Context) -> list[Question]:
    """The case, and the range of the fine the article sets for it left blank."""
    out: list[Question] = []
    for rule in penalty_rules(article, ctx):
        conduct = pick_conduct(rule, ctx.rng)
        cases = [(case, branch.consequence) for case, branch in _branch_cases(rule, conduct, article.law, ctx)]
        if not rule.branches:
            cases.append((case_text(conduct, ctx.rng, article.law, rule.subject), rule.consequence))
        for case, consequence in cases:
            answer = fine_range(consequence)
            if answer and not fine_range(rule.consequence if rule.branches else ""):
                stem = f"{case}。根据《{article.short_law}》，{BLANK_ENDING}"
                out.append(build_situation("blank", stem, answer, article, consequence, "blank.situation",
                                  cited=_cited(rule, article, ctx)))
    return out


_ACT_ON = re.compile(r"(?:在|自)([^，；在自]{2,30}?)$")


def judge_time_situations(article: Article, ctx: Context) -> tuple[list[Question], list[Question]]:
    """当事人要求听证的，应当在行政机关告知后五日内提出 → …当事人要求听证，于行政机关告知后第三日提出。这一做法
    符合法定期限 (true), or 第七日 (false): the day is well inside or well past the limit."""
    true: list[Question] = []
    false: list[Question] = []
    for text, trigger, tail, q in time_cases(article):
        if q.family not in ("日", "工作日") or q.value < 3 or not tail[q.end :].startswith("内"):
            continue
        link = next((w for w in TIME_LINKS if tail[: q.start].endswith(w)), "")
        m = _ACT_ON.search(tail[: q.start - len(link)]) if link else None
        action = tail[q.end + 1 :].lstrip("，")
        if m is None or not 2 <= len(action) <= 25 or "，" in action:
            continue
        event = m.group(1)
        head = f"{ctx.rng.choice(PROCEDURE_OPENERS)}{trigger}，于{event}{link}"
        tailword = f"{q.unit}{action}。根据《{article.short_law}》，{TIME_JUDGE_MARK}"
        inside, past = q.value - 1 - ctx.rng.randrange(max(1, int(q.value) // 2)), q.value + max(2, q.value // 2)
        for day, answer in ((inside, True), (past, False)):
            if day_verdict(day, q.value) is not answer or day < 1:
                continue
            number = render(day, q).removesuffix(q.unit)
            stem = f"{head}第{number}{tailword}"
            note = "。在期限之内，正确。" if answer else "。已超过法定期限，错误。"
            (true if answer else false).append(
                build_situation("judge", stem, answer, article, text, "judge.situation.time", note=note)
            )
    return true, false


_AUTHORITY_PREFIX = re.compile(r"(?:^|人民政府|以上|地方|级|[省市县区])$")


def swappable(authority: str, term: Term) -> bool:
    """Whether the term is the authority's own name, not the tail of a longer one (城市公共交通主管部门: swapping
    交通主管部门 would give 城市公共市场监督管理部门)."""
    return bool(_AUTHORITY_PREFIX.search(authority[: term.start]))


def _authority_item(rule: Rule, conduct: str, article: Article, ctx: Context) -> Question | None:
    terms = find_authorities(rule.authority)
    if len(terms) != 1 or not swappable(rule.authority, terms[0]):
        return None
    if not _SANCTION.search(rule.consequence + "".join(b.consequence for b in rule.branches)):
        return None
    term = terms[0]
    alternatives = authority_alternatives(term, article.normalized)
    if term.text in _TRANSPORT:  # 交通运输主管部门 and its 机构 overlap in practice: none is provably wrong
        alternatives = [a for a in alternatives if a not in _TRANSPORT]
    if len(alternatives) < DISTRACTORS:
        return None
    picked = ctx.rng.sample(alternatives, DISTRACTORS)
    options, answer = lettered(
        [rule.authority], [rule.authority.replace(term.text, name) for name in picked], ctx.rng
    )
    stem = f"{case_text(conduct, ctx.rng, article.law, rule.subject)}。根据《{article.short_law}》，{SINGLE_ENDINGS[2]}"
    return build_situation("single", stem, answer, article, f"{conduct}的，由{rule.authority}{rule.consequence}",
                  "single.situation.authority", options, cited=_cited(rule, article, ctx))


def judge_situations(article: Article, ctx: Context) -> tuple[list[Question], list[Question]]:
    """(true, false) case statements of the article's penalty rules."""
    true: list[Question] = []
    false: list[Question] = []
    law = article.short_law
    for rule in penalty_rules(article, ctx):
        conduct = pick_conduct(rule, ctx.rng)
        cases: list[tuple[str, str, list[str]]] = []
        if rule.branches:
            for case, branch in _branch_cases(rule, conduct, article.law, ctx):
                siblings = [as_option(b.consequence) for b in rule.branches if b is not branch]
                cases.append((case, as_option(branch.consequence), siblings))
        elif short_enough(rule.consequence) and quantity_keys(rule.consequence):
            cases.append((case_text(conduct, ctx.rng, article.law, rule.subject), rule.consequence,
                          list(rule.exclusive)))
        for case, key, siblings in cases:
            head = f"{case}。根据《{law}》，"
            true.append(build_situation("judge", f"{head}{rule.authority}{JUDGE_MARK}{key}。", True, article,
                               key, "judge.situation", note="。案情属于该条规定的情形，题干所述处理正确。",
                               cited=_cited(rule, article, ctx)))
            wrong: list[tuple[str, str, str]] = [(rule.authority, s, "另一档次的处罚") for s in siblings]
            wrong += [(rule.authority, c, "改变了罚款数额或处罚主体") for c in _changes(key, article, ctx)]
            terms = find_authorities(rule.authority)
            if len(terms) == 1 and swappable(rule.authority, terms[0]):
                names = authority_alternatives(terms[0], article.normalized)
                if terms[0].text in _TRANSPORT:
                    names = [n for n in names if n not in _TRANSPORT]
                for name in names[:2]:
                    wrong.append((rule.authority.replace(terms[0].text, name), key, "改变了处罚主体"))
            if wrong:
                authority, claim, why = ctx.rng.choice(wrong)
                false.append(build_situation("judge", f"{head}{authority}{JUDGE_MARK}{claim}。", False, article, key,
                                    "judge.situation", note=f"。题干{why}，与该条规定不符，错误。",
                                    cited=_cited(rule, article, ctx)))
    return true, false


def build_situation(
    qtype: QuestionType,
    stem: str,
    answer: str | bool,
    article: Article,
    evidence: str,
    generator: str,
    options: dict[str, str] | None = None,
    note: str = "",
    cited: tuple[Article, ...] = (),
) -> Question:
    """A situation item; ``cited``: the articles its conduct was read from, cited after the penalty article."""
    q = build(qtype, stem, answer, article, evidence=evidence, generator=generator, options=options, note=note)
    q.difficulty = min(3, q.difficulty + 1)
    if cited:
        q.sources = (*q.sources, *(a.citation() for a in cited))
        q.source_hashes = {**q.source_hashes, **{a.key: a.text_hash for a in cited}}
    return q


def _cited(rule: Rule, article: Article, ctx: Context) -> tuple[Article, ...]:
    found = [ctx.index.resolve(Citation(law=article.law, article=n)) for n in rule.cited]
    return tuple(a for a in found if a is not None)
