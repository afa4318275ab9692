"""Competent authorities and key legal terms that generators blank out or swap.

Authorities come in groups of plausible alternatives (the departments that enforce transport law, the
levels of government, the judicial organs); a swapped-in authority must not occur in the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AUTHORITY_GROUPS: dict[str, tuple[str, ...]] = {
    "department": (
        "交通运输主管部门",
        "交通主管部门",
        "公安机关交通管理部门",
        "公路管理机构",
        "道路运输管理机构",
        "海事管理机构",
        "港口行政管理部门",
        "航道管理机构",
        "应急管理部门",
        "市场监督管理部门",
        "生态环境主管部门",
    ),
    "level": (
        "国务院",
        "省、自治区、直辖市人民政府",
        "设区的市级以上地方人民政府",
        "县级以上地方人民政府",
        "乡、镇人民政府",
    ),
    "organ": ("人民法院", "人民检察院", "公安机关", "司法行政部门", "监察机关", "审计机关"),
}

LEGAL_TERMS: tuple[str, ...] = (
    "法制审核", "集体讨论", "简易程序", "普通程序", "当场收缴", "罚缴分离", "过罚相当", "处罚与教育相结合",
    "先行登记保存", "抽样取证", "执法证件", "陈述", "申辩", "听证", "回避", "复核", "催告", "滞纳金",
    "代履行", "查封", "扣押", "冻结", "送达", "笔录", "立案", "结案", "书面", "公开", "公正", "警告",
    "通报批评", "没收违法所得", "没收非法财物", "吊销", "暂扣", "行政拘留", "责令改正", "责令停产停业",
    "行政复议", "行政诉讼", "强制执行", "从轻", "减轻", "从重",
)

_ALL_AUTHORITIES = sorted(
    {(name, group) for group, names in AUTHORITY_GROUPS.items() for name in names}, key=lambda p: -len(p[0])
)
_AUTHORITY_RE = re.compile("|".join(re.escape(name) for name, _ in _ALL_AUTHORITIES))
_GROUP_OF = dict(_ALL_AUTHORITIES)
_TERM_RE = re.compile("|".join(re.escape(t) for t in sorted(LEGAL_TERMS, key=len, reverse=True)))


@dataclass(frozen=True)
class Term:
    start: int
    end: int
    text: str
    group: str  # an AUTHORITY_GROUPS key, or "term"


def find_authorities(text: str) -> list[Term]:
    """Authorities named in ``text`` (not inside a longer proper name such as 最高人民法院)."""
    return [
        Term(m.start(), m.end(), m.group(0), _GROUP_OF[m.group(0)])
        for m in _AUTHORITY_RE.finditer(text)
        if not text[max(0, m.start() - 2) : m.start()].endswith(("最高", "专门", "军事"))
    ]


def find_terms(text: str) -> list[Term]:
    return [Term(m.start(), m.end(), m.group(0), "term") for m in _TERM_RE.finditer(text)]


def authority_alternatives(term: Term, article_text: str) -> list[str]:
    """Authorities of the same group that the article never names (so swapping one in is wrong)."""
    return [
        name
        for name in AUTHORITY_GROUPS.get(term.group, ())
        if name != term.text and name not in article_text and term.text not in name and name not in term.text
    ]
