"""Situations from the structure of a penalty article: who did what, what follows, and in which bracket.

A penalty 款 reads ``[违反本法第N条规定，]<conduct>的，由<authority><consequence>[；<bracket>的，<consequence>…]``
or ``有下列行为之一的，由<authority><consequence>：（一）<conduct>的；…``. ``rules(body)`` reads every such
款 of an article's text into ``Rule`` (the conducts it covers, the authority, the consequence) and its
``Branch`` es when the consequence depends on an amount (违法所得十万元以上的… / 不足十万元的… / 没有违法所得的…).

Also read (issue 15): the authority first (交通运输主管部门对危险货物承运人违反本办法第七条，…的，应当…), a bare
reference whose conduct is read from the article it points at (违反本条例第二十二条规定的, quiz.generation.conducts),
a list whose party follows it (有下列行为之一的人员，由…), and a fine split by kind of cargo (one Rule per kind,
``exclusive`` of the other kinds' fines). A conduct is also told shorter where its structure allows: one
，或者-part, one of several parties (quiz.generation.conducts).

A situation states one conduct as a case met on duty and, for a bracketed rule, an amount of 违法所得 that
falls in exactly one bracket. ``case_value`` reads that amount back from a stem, ``selected`` names the
branches it falls in: the generators and the key check (quiz.generation.checks) both re-read the cited
article's text, so a key is accepted only if the case's numbers select exactly one branch and the key is
that branch's consequence.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass

from quiz.generation.conducts import (
    acts,
    alternatives,
    conducts_by_reference,
    one_party,
    plain,
    referenced_numbers,
)
from quiz.generation.terms import find_authorities
from quiz.quantities import find_quantities
from quiz.text import normalize, strip_marker, trim_end

SITUATION_MARK = ".situation"
"""Generators of situation items are named ``<type>.situation[.<kind>]`` (stored as ``Question.generator``)."""


def is_situation(generator: str) -> bool:
    """A question made as a case met on duty (an application item), by the generator that made it."""
    return SITUATION_MARK in generator


_PENALTY = re.compile(r"罚款|没收|吊销|责令|警告(?!标志)|暂扣|拘留|停业|取缔|撤销")
_VIOLATION_LEAD = re.compile(
    r"^(?:违反(?:本(?:法|规定|办法|条例|细则)|《[^》]{2,30}》|法律[^，]{0,12}规定)(?:第[零一二三四五六七八九十百千]+条(?:第[一二三四五六七八九十]+款)?"
    r"(?:、第[零一二三四五六七八九十百千]+条)*)?(?:的)?(?:有关)?(?:规定)?，)"
)
_LIST_CONDITION = re.compile(r"有下列(?:违法)?(?:行为|情形)之一")
_AUTHORITY_LEAD = re.compile(r"^由(.{2,30}?)(?=责令|处|没收|给予|予以|吊销|依法|依照|强制|扣留|收缴|约束|暂扣|取缔|撤销)")
_DANGLING = re.compile(
    r"前款|前项|前两款|本条|上述|其他|有关规定|(?<![未不])依照|(?<![未不])依法|第[零一二三四五六七八九十百千、]+条|该|本法|本规定|本条例|本办法|本细则|；|，由|"
    r"罚款|处以|以下规定|应当"
)
_INNER_VIOLATION = re.compile(r"违反本(?:法|规定|办法|条例|细则)(?:的)?(?:有关)?规定[，,]?")
_AUTHORITY_FIRST = re.compile(r"^[^，]{0,30}(?:部门|机构|机关)(?:、[^，]{0,20})?对")
_AUTHORITY_FIRST_RULE = re.compile(
    r"^(?P<authority>[^，、对]{2,24}?(?:部门|机构|机关))对(?P<party>[^，]{2,24}?)(?:违反本(?:法|规定|办法|条例|细则)"
    r"(?:第[零一二三四五六七八九十百千]+条(?:、第[零一二三四五六七八九十百千]+条)*)?(?:的)?(?:规定)?，(?P<conduct>.+)|"
    r"(?P<listed>(?:具)?有下列(?:违法)?(?:行为|情形)之一))$"
)
# an agency or its staff as the party (before the conduct's first verb: 未经有关交通主管部门批准 is a party's conduct)
_OFFICIAL = re.compile(
    r"^(?:(?!未|不|擅自|拒绝|违反|向|经|在)[^，]){0,16}?(?:行政机关|实施机关|工作人员|执法人员|主管部门|管理机构|监督管理部门)"
    r"|^(?:擅自)?(?:批准|审批|核发|颁发)"  # 擅自批准收费公路建设: an agency's act
)
_LIST_PARTY = re.compile(r"有下列(?:违法)?(?:行为|情形)之一的(人员|单位|企业|经营者|驾驶人|驾驶员)，")
_INCOME = "违法所得"
_BY_REFERENCE = re.compile(r"^依照《[^》]{2,30}》第[零一二三四五六七八九十百千]+条(?:第[一二三四五六七八九十]+款)?的?规定，")
_REFERENCE = re.compile(r"前款|前项|前两款|本条|上述|原处罚")
_BRANCH = re.compile(
    r"^(?P<none>没有违法所得或者)?违法所得(?:在|数额)?(?:(?P<over>超过|不足|低于)(?P<a>[^的，；]+?)|(?P<b>[^的，；]+?)(?P<dir>以上|以下))的$"
)
MAX_CONDUCT = 60
MIN_CONDUCT = 6
MAX_CONSEQUENCE = 46


@dataclass(frozen=True)
class Branch:
    """One bracket: 违法所得 in [low, high) (bounds as the article's words make them) → consequence."""

    condition: str  # as the article writes it, or 有违法所得 for the implicit one
    consequence: str
    low: float  # -1 for none
    high: float  # math.inf for none
    low_inclusive: bool = True
    high_inclusive: bool = False

    def selects(self, value: float) -> bool:
        above = value >= self.low if self.low_inclusive else value > self.low
        below = value <= self.high if self.high_inclusive else value < self.high
        return above and below


@dataclass(frozen=True)
class Rule:
    """One penalty 款: the conducts it covers, who acts, what follows, and its brackets if any."""

    conducts: tuple[str, ...]  # without 违反…规定， and the closing 的
    authority: str  # "" if the 款 names none
    consequence: str  # the consequence before any bracket, without 由<authority>
    branches: tuple[Branch, ...] = ()
    subject: str = ""  # who the list's 项 are about (道路危险化学品运输托运人有下列行为之一的 → 道路危险化学品运输托运人)
    cited: tuple[int, ...] = ()  # the articles of the same law its conducts were read from (违反本条例第二十二条规定的)
    exclusive: tuple[str, ...] = ()  # consequences of sibling rules a case of this one cannot fall under (other cargo)


def _amount(text: str) -> float | None:
    found = find_quantities(text)
    if len(found) != 1 or found[0].family != "元":
        return None
    return found[0].value


def _branch(condition: str, consequence: str) -> Branch | None:
    """违法所得十万元以上的 → [100000, inf); 没有违法所得或者违法所得不足二万元的 → [0, 20000); …"""
    if condition == "没有违法所得的":
        return Branch(condition, consequence, 0, 0, True, True)
    if condition == "有违法所得的":
        return Branch(condition, consequence, 0, math.inf, False, False)
    m = _BRANCH.match(condition)
    if not m:
        return None
    value = _amount(m.group("a") or m.group("b") or "")
    if value is None:
        return None
    low_none = 0.0
    if m.group("over") == "超过":
        return Branch(condition, consequence, value, math.inf, False, False)
    if m.group("over") in ("不足", "低于"):
        return Branch(condition, consequence, low_none, value, m.group("none") is not None, False)
    if m.group("dir") == "以上":
        return Branch(condition, consequence, value, math.inf, True, False)
    return Branch(condition, consequence, low_none, value, m.group("none") is not None, True)


def _segments(text: str) -> list[str]:
    """The consequence's ，/；-segments, up to a ；-part that is not a bracket (构成犯罪的…, 造成…后果，…)."""
    out: list[str] = []
    for n, chunk in enumerate(trim_end(text).split("；")):
        segs = [s for s in chunk.split("，") if s]
        if n and segs and not (_INCOME in segs[0] and segs[0].endswith("的")):
            break
        out += segs
    return out


def _split_consequence(rest: str) -> tuple[str, list[Branch]] | None:
    """The consequence before the brackets and the brackets; None if a bracket cannot be read."""
    main: list[str] = []
    branches: list[Branch] = []
    condition = ""
    current: list[str] = []
    for seg in _segments(rest):
        if seg.startswith(("对其直接负责", "对直接负责", "对负有", "对有关责任人员", "对单位直接负责")):
            continue  # the penalty of the people in charge, not of the party the case is about
        if seg.endswith("的") and (_INCOME in seg or seg.startswith("没有违法所得")):
            if condition:
                branch = _branch(condition, "，".join(current))
                if branch is None:
                    return None
                branches.append(branch)
            condition, current = seg, []
        elif seg.endswith("的"):  # 构成犯罪的, 情节严重的, 逾期不改正的: another rule, not a bracket
            break
        elif condition:
            current.append(seg)
        else:
            main.append(seg)
    if condition:
        if not current:
            return None
        branch = _branch(condition, "，".join(current))
        if branch is None:
            return None
        branches.append(branch)
    if branches and all(b.low == 0 and b.high == 0 for b in branches):
        # 没收违法所得，可以处违法所得三倍以下的罚款，没有违法所得的，可以处二万元以下的罚款: the multiple of the
        # main consequence is the implicit 有违法所得 bracket.
        multiple = [s for s in main if _INCOME in s and "倍" in s]
        if len(multiple) != 1:
            return None
        main.remove(multiple[0])
        branches.insert(0, Branch("有违法所得的", multiple[0], 0, math.inf, False, False))
    return "，".join(main), branches


def _complement(main: str, branch: Branch) -> list[Branch]:
    """One bracket (没有违法所得或者违法所得不足二万元的，处…) and a multiple of 违法所得 in the main consequence
    (没收违法所得，并处违法所得二倍以上十倍以下的罚款): the multiple is the other bracket (违法所得二万元以上).
    A lone bracket that only adds a measure (有违法所得的，没收违法所得) is no choice: none."""
    if branch.low > 0 or branch.high in (0, math.inf):
        return []
    segments = main.split("，")
    multiple = [s for s in segments if _INCOME in s and "倍" in s and "罚款" in s]
    if len(multiple) != 1:
        return []
    other = Branch("违法所得达到上述数额的", multiple[0], branch.high, math.inf, not branch.high_inclusive, False)
    return [other, branch]


def _strip_authority(consequence: str) -> tuple[str, str]:
    """由交通运输主管部门责令改正… → (交通运输主管部门, 责令改正…); the authority only when it is one the
    quiz knows (terms.AUTHORITY_GROUPS) and names no one it acts against (…对船长…)."""
    m = _AUTHORITY_LEAD.match(consequence)
    if not m:
        lead = find_authorities(consequence[:24])
        if lead and re.match(r"^(?:县级以上(?:地方)?(?:人民政府)?)?$", consequence[: lead[0].start]) and re.match(
            r"^(?:可以|应当|责令|处)", consequence[lead[0].end :]
        ):
            return consequence[: lead[0].end], consequence[lead[0].end :]
        return "", consequence
    authority = re.sub(r"(?:依据|依照|按照)职责(?:分工)?$", "", m.group(1))
    terms = find_authorities(authority)
    if not terms or "对" in authority[terms[0].end :] or len(authority) > 24:
        return "", consequence[m.end() :]
    return authority, consequence[m.end() :]


def _conduct(condition: str, listed: bool = False) -> str:
    """违反本法第二十五条规定，未经批准擅自施工的 → 未经批准擅自施工 ("" if it is no conduct); a 项 of a list
    (``listed``) may lack the closing 的."""
    text = strip_marker(trim_end(condition.strip()))
    text = _VIOLATION_LEAD.sub("", text)
    text = plain(_INNER_VIOLATION.sub("", text))
    if text.endswith("的"):
        return text[:-1]
    return text if listed else ""


def _usable_conduct(text: str) -> bool:
    return (
        MIN_CONDUCT <= len(text) <= MAX_CONDUCT and not _DANGLING.search(text) and "：" not in text and acts(text)
    )


def _told(conducts: list[str]) -> tuple[str, ...]:
    """Each usable conduct and, for one in ，或者-parts, each part that stands alone (conducts_alternatives)."""
    out: list[str] = []
    for conduct in conducts:
        forms = [conduct, *alternatives(conduct)]
        out += [c for c in forms + [one_party(f) for f in forms] if _usable_conduct(c)]
    return tuple(dict.fromkeys(c for c in out if not _LIST_CONDITION.search(c)))


def _authority_first(head: str) -> tuple[str, str, str] | None:
    """交通运输主管部门对危险货物承运人违反本办法第七条，未对从业人员进行安全教育和培训 → (交通运输主管部门,
    危险货物承运人, 未对从业人员进行安全教育和培训); a list's lead (…对危险化学品托运人有下列情形之一) gives its
    conduct as ""."""
    m = _AUTHORITY_FIRST_RULE.match(head)
    if m is None or len(find_authorities(m.group("authority"))) != 1:
        return None
    return m.group("authority"), m.group("party"), m.group("conduct") or ""


_KIND_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[)）](运输[^，；。]{2,40}?)的，(处[^，；。]{4,30}?罚款)[；。]?$")
SHORT_KIND = 12


def _by_kind(head: str, items: list[str], authority: str) -> list[Rule]:
    """A fine split by the kind of cargo: 公安机关对危险货物运输车辆违反本办法第四十八条，未依照批准路线等行驶的，应当
    责令改正，并对承运人予以处罚：（一）运输剧毒化学品的，处1000元以上1万元以下的罚款；（二）运输民用爆炸物品的，… →
    one rule per 项 (运输剧毒化学品的车辆未依照批准路线等行驶 → 处1000元以上1万元以下的罚款), each excluding the others'
    fines; a 项 that states its own conduct (运输剧毒化学品未随车携带…通行证的) is the conduct. [] if any 项 is
    not a kind and its fine."""
    conduct = _conduct(head + "的")
    found = [_KIND_ITEM.match(item) for item in items]
    if not conduct or not authority or len(found) < 2 or any(m is None for m in found):
        return []
    kinds = [(m.group(1), m.group(2)) for m in found if m is not None]
    fines = [fine for _, fine in kinds]
    out = []
    for kind, fine in kinds:
        told = f"{kind}的车辆{conduct}" if len(kind) <= SHORT_KIND else plain(kind)
        if _usable_conduct(told) and fines.count(fine) == 1:
            out.append(Rule((told,), authority, fine, exclusive=tuple(f for f in fines if f != fine)))
    return out


def rules(body: str, referenced: Mapping[int, str] | None = None) -> list[Rule]:
    """Every penalty 款 of an article's text that a situation can be built on. ``referenced``: the text of
    the articles of the same law it points at by number (违反本条例第二十二条规定的), for the conducts they forbid."""
    out: list[Rule] = []
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    i = 0
    while i < len(lines):
        line = lines[i]
        items: list[str] = []
        j = i + 1
        while j < len(lines) and re.match(r"^[（(][一二三四五六七八九十]+[)）]", lines[j]):
            items.append(lines[j])
            j += 1
        i = j
        sentence = re.split(r"(?<=。)", line)[0]
        listed_party = _LIST_PARTY.search(sentence)  # 有下列行为之一的人员，由…: the list's party after it
        if listed_party:
            sentence = sentence.replace(listed_party.group(0), "有下列行为之一的，", 1)
        if not _PENALTY.search(sentence) or "的，" not in sentence:
            continue
        head, rest = sentence.split("的，", 1)
        first = _authority_first(head) if _AUTHORITY_FIRST.match(head) else None
        if first is not None:  # 交通运输主管部门对危险货物承运人违反本办法第七条，…的，应当…: the authority first
            authority_first, party, head = first
            head = head or f"{party}有下列情形之一"
            rest = "由" + authority_first + rest.removeprefix("应当")
        if "；" in head or "，由" in head or _AUTHORITY_FIRST.match(head):
            continue  # the first 的， closes a later clause, or an authority-first rule not read above
        heads = [head]
        while rest.startswith("或者") and "的，" in rest:  # …的，或者违反本法第五十一条规定，…的，由…
            more, rest = rest[2:].split("的，", 1)
            heads.append(more)
        condition = head + "的"
        cited: tuple[int, ...] = ()
        if items and line.rstrip().endswith(("：", ":")) and _LIST_CONDITION.search(condition) and len(heads) == 1:
            rest = rest.rstrip("：:")
            subject = _VIOLATION_LEAD.sub("", condition.split("有下列")[0]).rstrip("，").removesuffix("具")
            subject = subject if len(subject) <= 20 and "，" not in subject else ""
            subject = subject or (listed_party.group(1) if listed_party else "")
            conducts = _told([_conduct(x, listed=True) for x in items])
        elif not items:
            subject, by_reference = conducts_by_reference(condition, referenced or {})
            cited = tuple(referenced_numbers(condition)) if by_reference else ()
            found = by_reference or [_conduct(h + "的") for h in heads]
            if first is not None:
                subject = first[1]
            conducts = _told(found)
        else:
            authority, _ = _strip_authority(rest)
            out += _by_kind(heads[0], items, authority)
            continue
        if not conducts or _OFFICIAL.match(subject or conducts[0]):
            continue  # an agency or its staff as the party: accountability (处分), not a case met on duty
        rest = _BY_REFERENCE.sub("", rest)
        authority, consequence = _strip_authority(rest)
        split = _split_consequence(consequence)
        if split is None:
            continue
        main, branches = split
        if len(branches) == 1 and _complement(main, branches[0]):
            implicit = branches = _complement(main, branches[0])
            main = "，".join(s for s in main.split("，") if s != implicit[0].consequence)
        elif len(branches) == 1:
            branches = []
        if branches and not all("罚款" in b.consequence for b in branches):
            continue
        if _REFERENCE.search(main + "".join(b.consequence for b in branches)) or "处分" in main:
            continue
        if not main and not branches:
            continue
        if not _PENALTY.search(main + "".join(b.consequence for b in branches)):
            continue
        out.append(Rule(conducts, authority, main, tuple(branches), subject, cited))
    return out


SHORT_CONDUCT = 30


def pick_conduct(rule: Rule, rng: random.Random) -> str:
    """One of the rule's conducts for a case: a short one when it has any (a part of a ，或者-conduct, one of
    several parties), so the case reads as one officer's finding, not the article's whole condition."""
    short = [c for c in rule.conducts if len(c) <= SHORT_CONDUCT]
    single = [c for c in short if "或者" not in c and "，" not in c]  # one act, not the article's alternatives
    return rng.choice(single or short or [min(rule.conducts, key=len)])


def case_value(stem: str) -> float | None:
    """The 违法所得 a case states: 违法所得12万元 → 120000; 尚无违法所得 → 0; None if it states none."""
    if re.search(r"(?:没有|尚无|无)违法所得", stem):
        return 0.0
    m = re.search(r"违法所得(?:为|共计|约|合计)?([\d.]+万?元|[零一二两三四五六七八九十百千万]+元)", stem)
    return _amount(m.group(1)) if m else None


def selected(rule: Rule, value: float) -> list[Branch]:
    return [b for b in rule.branches if b.selects(value)]


def values_for(rule: Rule, branch: Branch) -> list[float]:
    """Amounts of 违法所得 that fall in ``branch`` and no other (the boundary first when it is included)."""
    tries: list[float] = []
    if branch.low == 0 and branch.high == 0:
        tries.append(0.0)
    else:
        if branch.low > 0:
            if branch.low_inclusive:
                tries.append(branch.low)
            tries += [branch.low * 2, branch.low * 1.5]
        if branch.high < math.inf:
            tries += [branch.high / 2, branch.high * 0.4]
        if branch.low <= 0 and branch.high == math.inf:
            tries += [30000.0, 50000.0, 8000.0]
    out = []
    for v in tries:
        if v >= 0 and selected(rule, v) == [branch] and v not in out:
            out.append(v)
    return out


def say_amount(value: float) -> str:
    """An amount as an officer writes it: 120000 → 12万元, 8000 → 8000元, 0 → (no amount)."""
    v = int(value) if float(value).is_integer() else value
    if isinstance(v, int) and v >= 10000 and v % 1000 == 0:
        w = v / 10000
        return f"{int(w) if w.is_integer() else w}万元"
    return f"{v}元"


def conduct_in(stem: str, candidates: list[Rule]) -> list[tuple[Rule, str]]:
    """The rules whose conduct a stem states (the longest conduct wins when one contains another)."""
    norm = normalize(stem)
    found = [(r, c) for r in candidates for c in r.conducts if normalize(c) in norm]
    if len(found) > 1:
        longest = max(len(c) for _, c in found)
        found = [(r, c) for r, c in found if len(c) == longest]
    return found


def short_enough(text: str) -> bool:
    return 0 < len(text) <= MAX_CONSEQUENCE


def as_option(consequence: str) -> str:
    """并处违法所得二倍以上五倍以下罚款 → 处违法所得二倍以上五倍以下罚款 (options read alike)."""
    return consequence[1:] if consequence.startswith("并") else consequence


_PART_LEAD = re.compile(r"^(?:并可以|并|可以|同时|还应当|应当|依法)")
_MEASURE = re.compile(r"罚款|没收|吊销|责令|警告|暂扣|拘留|停业|取缔|撤销|收缴|扣留|强制拆除|注销")


def parts(consequence: str) -> list[str]:
    """责令停止违法行为，可以处三万元以下的罚款 → [责令停止违法行为, 处三万元以下的罚款]: each measure alone."""
    out = []
    for seg in re.split(r"[，；]", consequence):
        seg = _PART_LEAD.sub("", seg.strip())
        if seg and _MEASURE.search(seg):
            out.append(seg)
    return out


_FINE = re.compile(r"处(?:以)?((?:违法所得)?[^，；、处]{1,16}?(?:以上[^，；、]{1,12}?)?以下)(?:的)?罚款")


def fine_range(consequence: str) -> str:
    """处二万元以上五万元以下的罚款 → 二万元以上五万元以下 ("" if the consequence has no one fine range)."""
    found = _FINE.findall(consequence)
    return found[0] if len(found) == 1 and find_quantities(found[0]) else ""


BLANK_ENDING = "可以对其处____的罚款。"


def is_measure(text: str) -> bool:
    return bool(_MEASURE.search(text))


# 交通运输主管部门 and the 机构 under it overlap in practice (many places merged them): swapping one for
# another is not provably wrong
OVERLAPPING_AUTHORITIES = ("交通运输主管部门", "交通主管部门", "道路运输管理机构", "公路管理机构", "航道管理机构", "港口行政管理部门")
MULTI_ENDING = "对其的处理措施有（  ）"
JUDGE_MARK = "对其的处理是："
TIME_ASK = "多长期限"
TIME_JUDGE_MARK = "这一做法符合法定期限。"
TIME_LINKS = ("之日起", "后", "起")


def day_verdict(day: float, limit: float) -> bool | None:
    """Whether acting on day ``day`` keeps a limit of ``limit`` days: well inside True, well past False,
    at the edge (where counting conventions differ) None."""
    if day <= limit - 1:
        return True
    if day >= limit + 2:
        return False
    return None
SINGLE_ENDINGS = ("对其应当如何处理？", "对其罚款应当如何确定？", "应当由哪个部门对其实施处罚？")
