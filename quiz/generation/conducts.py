"""Conducts as a case states them: the article's words, shortened only where its structure allows.

- ``plain``: 未按照本规定报告 → 未按照规定报告 (the rule's own instrument named as 规定, as officers say it);
- ``one_party``: a conduct of several parties (客运经营者、货运经营者…非法转让…) told of the first;
- ``alternatives``: a conduct in ，或者-parts is any one of them, each a conduct alone with the subject of
  the first (货运站经营者擅自改变货运站的用途和服务功能，或者不公布运输线路… → 货运站经营者擅自改变…, 货运站经营者不公布…);
- ``referenced_conducts``: the conducts an article forbids, for a penalty rule that points at it
  (违反本条例第二十二条规定的 → 禁止利用公路桥梁进行牵拉、吊装等危及公路桥梁安全的施工作业 → 利用公路桥梁进行…;
  出租汽车驾驶员不得有下列行为：（一）途中甩客或者故意绕道行驶 → 途中甩客, 故意绕道行驶 of 出租汽车驾驶员).

Nothing is invented: every form is the article's text with words dropped that a case need not repeat, so
the key check (quiz.generation.checks) reads the same forms from the same text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kb.numbers import cn_to_int
from quiz.text import strip_marker, trim_end

_OWN_INSTRUMENT = re.compile(r"(按照|依照|依据)本(?:法|规定|办法|条例|细则)(?:的)?(?:有关)?(?:规定)?")
_OWN_VIOLATION = re.compile(r"违反本(?:法|规定|办法|条例|细则)(?=未|不|擅自|拒)")
_VERB = re.compile(
    r"未|不|擅自|非法|拒绝|拒不|违规|伪造|变造|使用|利用|转让|出租|出借|涂改|隐瞒|谎报|瞒报|无正当理由|允许|聘用|招用|"
    r"超越|超过|超出|以欺骗|采取|将|在|向|从事|为|对|委托|签发|提供|冒用|损坏|占用|挖掘|设置|承运|运输|装载|组织|指使|强令|"
    r"强行|没有|兼营|承修|出具|阻碍|妨碍"
)
_PARTY = r"(?:企业|单位|经营者|经营人|公司|机构|驾驶人|驾驶员|所有人|管理人|承运人|托运人|业户|个人|参与人|当事人|申请人)"
_PARTIES = re.compile(
    rf"^(?P<first>[^，、或的]{{2,16}}?{_PARTY})(?:或者|、)(?P<others>[^，]*?{_PARTY})(?P<rest>(?:{_VERB.pattern}).+)$"
)
_ACT = re.compile(r"逃|毁|偷|骗|挪用|篡改|删除|弄虚作假|拼装|改装|倒卖|超载|超限运输|超限行驶|丢失|破坏|阻碍|妨碍|泄露")
_CONDITION_END = re.compile(r"(?:许可|批准|同意|规定|要求|资质|证件|手续)$")  # 未经…许可或者超越许可范围…: one act
_CONTEXT = re.compile(r"^(对[^，]{2,16}?)(?=未|不)")
_OWN_PARTY = re.compile(rf"^[^，]{{1,16}}?{_PARTY}")
_SUBJECT = re.compile(rf"^([^，]{{1,16}}?{_PARTY})(?={_VERB.pattern})")
_REFERENCE = re.compile(
    r"违反(?:本(?:法|规定|办法|条例|细则))?((?:第[零一二三四五六七八九十百千]+条(?:第[一二三四五六七八九十]+款)?、?)+)(?:的)?(?:有关)?规定的$"
)
_ARTICLE_NO = re.compile(r"第([零一二三四五六七八九十百千]+)条")
_FORBIDDEN = re.compile(r"^禁止([^：:；。]+)。?$")
_MUST_NOT_LIST = re.compile(r"([^，。；：]{2,20}?)不得有下列(?:行为|情形)[：:]$")
_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
MIN_PART = 6


def plain(conduct: str) -> str:
    """未按照本规定报告并经同意 → 未按照规定报告并经同意; 违反本办法未按照规定办理备案 → 未按照规定办理备案."""
    return _OWN_VIOLATION.sub("", _OWN_INSTRUMENT.sub(r"\1规定", conduct))


def acts(conduct: str) -> bool:
    """Whether a conduct says what was done (公路超限检测站 alone, a subject left by 违反本办法有关规定, does not)."""
    return bool(_VERB.search(conduct) or _ACT.search(conduct))


def subject_of(conduct: str) -> str:
    """The words before the conduct's first verb when they name who acts (货运站经营者擅自… → 货运站经营者)."""
    m = _SUBJECT.match(conduct)
    return m.group(1) if m else ""


def alternatives(conduct: str) -> list[str]:
    """The ，或者-parts of a conduct, each with what the first part opens with (its subject, or the 对… it is
    about: 对重大危险源未登记建档…，或者未告知应急措施 → 对重大危险源未告知应急措施) when it starts with a verb;
    or the ，-parts that each name their own party (客运经营者强行招揽旅客，货运经营者强行招揽货物); [] if the
    conduct has no such parts or a part cannot stand alone."""
    pieces = conduct.split("，或者")
    if len(pieces) < 2 and subject_of(conduct) and "或者" in conduct.split("，")[-1] and "，" in conduct:
        # 机动车维修经营者使用假冒伪劣配件维修机动车，承修已报废的机动车或者擅自改装机动车: a list of acts
        *first, last = conduct.split("，")
        acts_listed = [*first, *last.split("或者", 1)]
        subject = subject_of(acts_listed[0])
        return [acts_listed[0], *(f"{subject}{a}" for a in acts_listed[1:] if len(a) >= MIN_PART - 2)]
    if len(pieces) < 2 and "，" not in conduct and subject_of(conduct):
        # 货运经营者强行招揽货物或者没有采取必要措施防止货物脱落 → the first act, the second with the subject
        left, _, right = conduct.partition("或者")
        if right and _VERB.match(right) and not _CONDITION_END.search(left) and len(left) >= MIN_PART + 4:
            return [left, f"{subject_of(conduct)}{right}"]
        return []
    if len(pieces) < 2:
        pieces = conduct.split("，")
        own = len(pieces) > 1 and all(_OWN_PARTY.match(p) for p in pieces)
        return [p for p in pieces if len(p) >= MIN_PART] if own else []
    lead = subject_of(pieces[0]) or _context_of(pieces[0])
    out = [pieces[0]]
    for piece in pieces[1:]:
        verb = _VERB.match(piece)
        if verb is None and not _OWN_PARTY.match(piece):
            return []
        out.append(f"{lead}{piece}" if verb is not None else piece)
    return [p for p in out if len(p) >= MIN_PART]


def _context_of(piece: str) -> str:
    m = _CONTEXT.match(piece)
    return m.group(1) if m else ""


def one_party(conduct: str) -> str:
    """道路危险货物运输企业或者单位不按照规定随车携带《道路运输证》 → 道路危险货物运输企业不按照规定随车携带…: a
    conduct of several parties told of the first ("" if it names one party, or the parties cannot be told apart)."""
    m = _PARTIES.match(conduct)
    return m.group("first") + m.group("rest") if m else ""


def referenced_numbers(condition: str) -> list[int]:
    """违反本条例第十八条、第二十二条规定的 → [18, 22]; [] if the condition is not a bare reference."""
    m = _REFERENCE.search(condition)
    if m is None:
        return []
    numbers = [cn_to_int(n) for n in _ARTICLE_NO.findall(m.group(1))]
    return [n for n in numbers if n is not None]


def referenced_numbers_in(body: str) -> list[int]:
    """The articles a text's bare references point at (违反本条例第二十条规定的 → [20]), over all its lines."""
    out: list[int] = []
    for line in body.split("\n"):
        for head in re.findall(r"(?:^|[，；。])([^，；。]*?规定的)，", line):
            out += referenced_numbers(head)
    return list(dict.fromkeys(out))


def referenced_conducts(body: str) -> list[tuple[str, str]]:
    """(subject, conduct) an article forbids: each 禁止… sentence (no subject) and each 项 of
    ``<subject>不得有下列行为：``; a 款 that lists places or amounts (禁止在下列范围内…：) gives none."""
    out: list[tuple[str, str]] = []
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    for n, line in enumerate(lines):
        if _ITEM.match(line):
            continue
        for sentence in re.split(r"(?<=。)", line):
            m = _FORBIDDEN.match(sentence.strip())
            if m:
                out.append(("", m.group(1)))
        listed = _MUST_NOT_LIST.search(line)
        if listed:
            subject = listed.group(1)
            for item in lines[n + 1 :]:
                if not _ITEM.match(item):
                    break
                text = trim_end(strip_marker(item))
                out += [(subject, part) for part in (alternatives(text) or [text])]
    return out


def conducts_by_reference(condition: str, referenced: Mapping[int, str]) -> tuple[str, list[str]]:
    """(subject, conducts) of a condition that only points at other articles, read from their text."""
    found: list[tuple[str, str]] = []
    for number in referenced_numbers(condition):
        if number in referenced:
            found += referenced_conducts(referenced[number])
    subjects = {s for s, _ in found}
    subject = subjects.pop() if len(subjects) == 1 else ""
    return subject, [c if s == subject else f"{s}{c}" for s, c in found]
