"""Citations in text ↔ Citation objects: 《X》第N条第M款第（K）项, 行政处罚法第33条, 规定 第四十三条、第四十四条."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kb.identity import law_key, parse_article_label
from kb.models import Citation
from kb.numbers import ARTICLE_NUMERALS, SMALL_NUMERALS, article_label, cn_to_int

__all__ = ["ABBREVIATIONS", "CITATION_RE", "citation_from_json", "citation_label", "citation_to_json",
           "find_citations", "law_key", "parse_citations"]

_NUM = rf"[{ARTICLE_NUMERALS}\d０-９]+"
_TITLE_END = r"(?:法|条例|规定|办法|细则|决定|意见|规则|通知|解释|准则|标准|纲要|制度|清单)"
_TAIL = (
    rf"\s*第\s*(?P<art>{_NUM})\s*条(?P<suf>之[{SMALL_NUMERALS}]+)?"
    rf"(?:\s*第\s*(?P<cl>{_NUM})\s*款)?"
    rf"(?:\s*第?\s*[（(](?P<it>{_NUM})[)）]\s*项|\s*第\s*(?P<it2>{_NUM})\s*项)?"
)
CITATION_RE = re.compile(
    rf"(?:《(?P<quoted>[^《》\n]{{2,60}})》|(?P<bare>[\u4e00-\u9fff]{{1,40}}?{_TITLE_END}))" + _TAIL
)
_CHAIN_RE = re.compile(r"\s*(?:、|，|,|和|及|与|以及|或者|至)\s*" + _TAIL)
_LEAD_WORDS = re.compile(
    r"^.*?(?:依据|根据|按照|依照|对照|违反|适用|参照|援引|引用|查看|看看|是|即|和|与|及|或|在|中|的|对|按|依|据|了|到)"
)

ABBREVIATIONS: dict[str, str] = {
    "道交法": "道路交通安全法",
    "道交法实施条例": "道路交通安全法实施条例",
    "行诉法": "行政诉讼法",
    "行政诉讼": "行政诉讼法",
    "安法": "安全生产法",
    "国赔法": "国家赔偿法",
    "海安法": "海上交通安全法",
    "交强险条例": "机动车交通事故责任强制保险条例",
    "运输条例": "道路运输条例",
}


def _int(raw: str | None) -> int | None:
    return cn_to_int(raw) if raw else None


def _trim_bare(raw: str, known_keys: Iterable[str] | None) -> str:
    if known_keys is not None:
        candidates = [k for k in known_keys if raw.endswith(k) or law_key(raw).endswith(k)]
        if candidates:
            return min(candidates, key=lambda k: (-len(k), k))
        for abbr, full in ABBREVIATIONS.items():
            if raw.endswith(abbr):
                return full
    trimmed = _LEAD_WORDS.sub("", raw)
    return trimmed if len(trimmed) >= 2 else raw


def _citation(law: str, m: re.Match[str], start: int, end: int) -> tuple[Citation, int, int]:
    return (
        Citation(
            law=law,
            article=_int(m.group("art")),
            article_suffix=m.group("suf") or "",
            clause=_int(m.group("cl")),
            item=_int(m.group("it") or m.group("it2")),
        ),
        start,
        end,
    )


def find_citations(text: str, known_keys: Iterable[str] | None = None) -> list[tuple[Citation, int, int]]:
    """Citations with their (start, end) spans. ``known_keys`` (law keys in the KB) trims bare law names."""
    keys = list(known_keys) if known_keys is not None else None
    out: list[tuple[Citation, int, int]] = []
    pos = 0
    while True:
        m = CITATION_RE.search(text, pos)
        if not m:
            return out
        bare = m.group("bare")
        law = m.group("quoted") or _trim_bare(bare, keys)
        # a bare name trimmed to its known tail starts where that tail starts
        start = m.end("bare") - len(law) if bare and bare.endswith(law) else m.start()
        out.append(_citation(law.strip(), m, start, m.end()))
        pos = m.end()
        while chained := _CHAIN_RE.match(text, pos):
            out.append(_citation(law.strip(), chained, chained.start(), chained.end()))
            pos = chained.end()


def parse_citations(text: str, known_keys: Iterable[str] | None = None) -> list[Citation]:
    return [c for c, _, _ in find_citations(text, known_keys)]


def citation_label(citation: Citation) -> str:
    """第五十一条 / 第十条之一 for an article; a section's own label (一、总体要求) otherwise."""
    if citation.article is None:
        return citation.section_label
    return article_label(citation.article, citation.article_suffix)


def citation_to_json(citation: Citation, with_unit_id: bool = False) -> dict[str, str | None]:
    """The one JSON form of a citation a question, a checklist item or a bank row stores:
    ``{"law": …, "article": "第X条"}`` (and ``"unit_id"`` when asked)."""
    data: dict[str, str | None] = {"law": citation.law, "article": citation_label(citation)}
    if with_unit_id:
        data["unit_id"] = citation.unit_id
    return data


def citation_from_json(data: dict[str, Any]) -> Citation:
    """``{"law": …, "article": "第X条"[, "unit_id": …]}`` → Citation."""
    label = str(data.get("article") or "")
    number, suffix = parse_article_label(label)
    unit_id = data.get("unit_id") or None
    if number is None:
        return Citation(law=str(data["law"]), section_label=label, unit_id=unit_id)
    return Citation(law=str(data["law"]), article=number, article_suffix=suffix, unit_id=unit_id)
