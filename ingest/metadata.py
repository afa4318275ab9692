"""What a document says about itself: title, history, version date, level, issuing body, 文号, validity.

Everything here reads the header lines (the text before the first chapter or article), the fields of a
scraped page, a closing signature and the file name; hints (e.g. from a MANIFEST.tsv) win over all of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from kb.models import DocumentMeta, Level, Validity
from kb.numbers import SMALL_NUMERALS, cn_to_int

_YEAR_DIGITS = str.maketrans("０１２３４５６７８９〇零○Ｏ一二三四五六七八九", "01234567890000123456789")
_NUM = rf"[0-9０-９]{{1,2}}|[{SMALL_NUMERALS}]{{1,3}}"
DATE_RE = re.compile(
    rf"(?P<y>[0-9０-９]{{4}}|[〇零○Ｏ一二三四五六七八九]{{4}})\s*年\s*(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*日"
)
_EFFECTIVE_AFTER_RE = re.compile(r"\s*起?\s*(?:施行|生效|实施|执行)")
_DATE_START = rf"(?:[0-9０-９]{{4}}|[〇零○一二三四五六七八九]{{4}})\s*年\s*(?:{_NUM})\s*月"
_HISTORY_SPLIT_RE = re.compile(rf"(?=(?:根据|自)\s*{_DATE_START})|(?<!根据)(?<!自)(?={_DATE_START})")
_HISTORY_KEYWORD_RE = re.compile(r"通过|修正|修订|公布|发布|决定|令|批准|印发|颁布")
_SEGMENT_TRIM = "（）()，,。；;、 　\t"
_FILENAME_DATE_RE = re.compile(r"[（(]\s*(\d{4})[-.．_](\d{1,2})[-.．_](\d{1,2})\s*[)）]")

DOC_NUMBER_RE = re.compile(
    r"(?P<prefix>[\u4e00-\u9fffA-Za-z]{1,16})\s*[〔［\[【（(]\s*(?P<year>\d{4})\s*[〕］\]】）)]\s*(?P<no>\d+\s*号)?"
)
_ORDER_NUMBER_RE = re.compile(
    r"[\u4e00-\u9fff、·]{2,60}?令(?:\s*\d{4}年)?\s*第\s*[0-9一二三四五六七八九十百零〇]+\s*号"
)

_NPC_RE = re.compile(r"全国人民代表大会(?:常务委员会)?")
_LOCAL_CONGRESS_RE = re.compile(
    rf"[\u4e00-\u9fff]{{2,8}}?(?:省|市|自治区)(?:第[{SMALL_NUMERALS}]+届)?人民代表大会(?:常务委员会)?"
)
_TERM_RE = re.compile(rf"第[{SMALL_NUMERALS}]+届")
_DECISION_ISSUER_RE = re.compile(r"《\s*([^《》〈〉<>]{2,80}?)\s*关于")
_ISSUER_STOP_RE = re.compile(
    r"令|第\s*[0-9０-９一二三四五六七八九十百]+\s*(?:号|次)|发布|公布|印发|颁布|《|关于|通过|批准|修正|修订"
)
_ORG_SUFFIX_RE = re.compile(r"(?:部|院|委员会|委|总局|局|厅|政府|办公室|办公厅|办|署|会|行|所|中心|小组)$")
_PARTS_SPLIT_RE = re.compile(r"[、，,\s]+")
_TITLE_ISSUER_RE = re.compile(
    r"^([\u4e00-\u9fff、]{2,40}?(?:部|院|委员会|总局|局|厅|政府|办公厅|办公室|署))关于"
)

_CN_STATE_PREFIX = "中华人民共和国"
_TITLE_DATE_SUFFIX_RE = re.compile(r"\s*[（(]\s*\d{4}[-.．_]\d{1,2}[-.．_]\d{1,2}\s*[)）]\s*$")
_TITLE_TRIM = "《》〈〉 　#"
_NOT_TITLE_RE = re.compile(
    r"^目\s*录$|令\s*(?:第\s*\S+\s*号)?$|^第\s*\S+\s*号$|^[\u4e00-\u9fff]{1,12}[〔［\[]\d{4}[〕］\]]"
)
_SPACE_BEFORE_BRACKET_RE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[（(])|(?<=[）)])\s+(?=[\u4e00-\u9fff])")
_LEADING_DOC_NUMBER_RE = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔［\[]\d{4}[〕］\]]\d+号\s*")

_NORMATIVE_TITLE_RE = re.compile(
    r"(?:意见|通知|决定|方案|计划|纲要|通告|公告|批复|指引|要点|清单|指南|规划|答复|复函|函)"
    r"(?:\s*[（(][^）)]*[）)])?$"
)
_LAW_TITLE_RE = re.compile(r"(?<!办)法(?:\s*[（(][^）)]*[）)])?$")
_RULE_TITLE_RE = re.compile(r"(?:规定|办法|细则|规则|规程|标准)(?:\s*[（(][^）)]*[）)])?$")
_REGULATION_TITLE_RE = re.compile(r"条例(?:\s*[（(][^）)]*[）)])?$")
_LOCAL_PLACE_RE = re.compile(
    r"^(?:北京市|天津市|上海市|重庆市|[\u4e00-\u9fff]{2,3}(?:省|自治区|特别行政区)|[\u4e00-\u9fff]{2,3}市(?!场|政|容|民))"
)
_STATE_COUNCIL_RE = re.compile(
    r"国务院(?:令|第[0-9一二三四五六七八九十百]+次常务会议|发布|公布|批准)|《国务院关于"
)
_LOCAL_GOV_ORDER_RE = re.compile(r"人民政府令|人民政府第[0-9一二三四五六七八九十百]+次常务会议")

_REPEALED_RE = re.compile(
    r"已被?废止|已失效|[【〔\[（(]\s*(?:失效|废止)\s*[】〕\]）)]|时效性\s*[:：]\s*(?:失效|已废止|废止)"
)
_AMENDED_RE = re.compile(r"已被修改|时效性\s*[:：]\s*已?被?修改")
_NOT_YET_RE = re.compile(r"尚未生效|时效性\s*[:：]\s*尚未施行")

_DOC_PREFIX_ISSUERS: tuple[tuple[str, str], ...] = (
    ("国办", "国务院办公厅"),
    ("国发", "国务院"),
    ("国函", "国务院"),
    ("交办", "交通运输部办公厅"),
    ("津政办", "天津市人民政府办公厅"),
    ("津政", "天津市人民政府"),
    ("津交", "天津市交通运输委员会"),
    ("交", "交通运输部"),
)

PAGE_FIELD_ALIASES: Mapping[str, str] = {
    "名称": "title",
    "标题": "title",
    "发布机构": "issuing_body",
    "发文机关": "issuing_body",
    "制定机关": "issuing_body",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "成文日期": "date",
    "发文日期": "date",
    "发布日期": "date",
    "公布日期": "date",
    "有效性": "validity",
    "时效性": "validity",
}


@dataclass(frozen=True)
class HistoryEntry:
    """One promulgation or amendment step as the header states it."""

    text: str
    date: date | None
    issuer: str


def parse_cn_date(match: re.Match[str]) -> date | None:
    """A ``DATE_RE`` match (2021年1月22日, ２０２１年…, 二〇二一年一月二十二日) → date, None if impossible."""
    year_text = match["y"].translate(_YEAR_DIGITS)
    month = cn_to_int(match["m"])
    day = cn_to_int(match["d"])
    if not year_text.isdigit() or month is None or day is None:
        return None
    try:
        return date(int(year_text), month, day)
    except ValueError:
        return None


def find_dates(text: str, *, skip_effective: bool = True) -> list[date]:
    """Dates written in the text, in order; 施行/生效 dates (自…起施行) are left out unless asked for."""
    found: list[date] = []
    for match in DATE_RE.finditer(text):
        if skip_effective and _EFFECTIVE_AFTER_RE.match(text, match.end()):
            continue
        parsed = parse_cn_date(match)
        if parsed is not None:
            found.append(parsed)
    return found


def filename_date(name: str) -> date | None:
    """``行政处罚法(2021-01-22).md`` → 2021-01-22."""
    match = _FILENAME_DATE_RE.search(name)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def clean_title(title: str) -> str:
    """Strip 《》, Markdown markers, a trailing ``(2021-01-22)`` and a leading 文号."""
    title = _TITLE_DATE_SUFFIX_RE.sub("", title.strip().strip(_TITLE_TRIM))
    title = _SPACE_BEFORE_BRACKET_RE.sub("", _LEADING_DOC_NUMBER_RE.sub("", title))
    return title.strip().strip(_TITLE_TRIM)


def short_title(title: str) -> str:
    """中华人民共和国行政处罚法 → 行政处罚法."""
    stripped = title.removeprefix(_CN_STATE_PREFIX)
    return stripped or title


def find_doc_number(text: str) -> str:
    """The first 发文字号 like 交政法发〔2010〕251号 (brackets normalised to 〔〕), else ''."""
    for match in DOC_NUMBER_RE.finditer(text):
        prefix = match["prefix"]
        if not (prefix.endswith(("发", "函", "字", "办", "规", "令", "通", "综")) or match["no"]):
            continue
        number = re.sub(r"\s+", "", match["no"] or "")
        return f"{prefix}〔{match['year']}〕{number}"
    return ""


def find_order_number(text: str) -> str:
    """A 令 number such as 交通运输部令2019年第9号 or 中华人民共和国国务院令第593号, else ''."""
    match = _ORDER_NUMBER_RE.search(DATE_RE.sub(" ", text))
    if not match:
        return ""
    return re.sub(r"\s+", "", match[0]).removeprefix("经")


def is_history_text(text: str) -> bool:
    """A line that records a promulgation or amendment: a date plus 通过/公布/修正/修订/…."""
    return bool(DATE_RE.search(text)) and bool(_HISTORY_KEYWORD_RE.search(text))


def history_segments(line: str) -> list[str]:
    """Split a header line into its steps: one per date (根据…决定…修正, …公布, 自…起施行)."""
    parts = [p.strip(_SEGMENT_TRIM) for p in _HISTORY_SPLIT_RE.split(line)]
    return [p for p in parts if p]


def _clean_issuer_part(part: str) -> str:
    part = part.strip(_SEGMENT_TRIM).removeprefix("经").removeprefix(_CN_STATE_PREFIX)
    return part if _ORG_SUFFIX_RE.search(part) else ""


def _join_issuers(raw: str) -> str:
    parts = [_clean_issuer_part(p) for p in _PARTS_SPLIT_RE.split(raw.strip())]
    if not parts or not all(parts):
        return ""
    return "、".join(parts)


def segment_issuer(segment: str) -> str:
    """Who acted in one history step (全国人民代表大会常务委员会, 国务院, 交通运输部、公安部, …), else ''."""
    date_match = DATE_RE.search(segment)
    rest = segment[date_match.end() :] if date_match else segment
    rest = rest.lstrip(" 　").removeprefix("经")
    for pattern in (_NPC_RE, _LOCAL_CONGRESS_RE):
        match = pattern.search(rest)
        if match:
            return _TERM_RE.sub("", match[0])
    decision = _DECISION_ISSUER_RE.search(rest)
    if decision:
        issuers = _join_issuers(decision[1])
        if issuers:
            return issuers
    stop = _ISSUER_STOP_RE.search(rest)
    return _join_issuers(rest[: stop.start()]) if stop else ""


def join_history_lines(lines: Sequence[str]) -> list[str]:
    """Re-join a step broken after its date (``2021年1月22日`` / ``第十三届…会议修订``), as PDFs do."""
    out: list[str] = []
    for line in lines:
        if out and DATE_RE.search(out[-1]) and not is_history_text(out[-1]) and not DATE_RE.search(line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def parse_history(lines: Sequence[str]) -> list[HistoryEntry]:
    """Promulgation/amendment steps of the header lines, in the order written (施行 steps dropped)."""
    entries: list[HistoryEntry] = []
    for line in join_history_lines(lines):
        for segment in history_segments(line):
            if not is_history_text(segment):
                continue
            dates = find_dates(segment)
            entries.append(HistoryEntry(segment, dates[0] if dates else None, segment_issuer(segment)))
    return entries


def _latest_issuer(entries: Sequence[HistoryEntry]) -> str:
    dated = [(e.date or date.min, i, e.issuer) for i, e in enumerate(entries) if e.issuer]
    return max(dated)[2] if dated else ""


def issuer_from_doc_number(doc_number: str) -> str:
    """交政法发〔2010〕251号 → 交通运输部; 国办发 → 国务院办公厅; '' when the prefix is unknown."""
    for prefix, issuer in _DOC_PREFIX_ISSUERS:
        if doc_number.startswith(prefix):
            return issuer
    return ""


def issuer_from_title(title: str) -> str:
    """国务院办公厅关于… → 国务院办公厅."""
    match = _TITLE_ISSUER_RE.match(title)
    return match[1] if match else ""


def infer_level(title: str, history: Sequence[str], doc_number: str, issuing_body: str) -> Level:
    """效力层级 from the title's form, the history and who issued it."""
    history_text = "\n".join(history)
    acts = f"{history_text}\n{issuing_body}"
    if title.endswith("宪法"):
        return Level.CONSTITUTION
    if _LAW_TITLE_RE.search(title) or (_NPC_RE.search(acts) and not _RULE_TITLE_RE.search(title)):
        return Level.LAW
    has_order = "令" in history_text
    if _NORMATIVE_TITLE_RE.search(title) or ("〔" in doc_number and not has_order):
        return Level.NORMATIVE
    if _LOCAL_PLACE_RE.match(title):
        return _local_level(title, acts)
    if _STATE_COUNCIL_RE.search(acts) or issuing_body == "国务院":
        return Level.ADMIN_REGULATION
    if _REGULATION_TITLE_RE.search(title):
        return Level.ADMIN_REGULATION
    if _RULE_TITLE_RE.search(title):
        return Level.DEPARTMENT_RULE
    return Level.OTHER


def _local_level(title: str, acts: str) -> Level:
    if "人民代表大会" in acts:
        return Level.LOCAL_REGULATION
    if _LOCAL_GOV_ORDER_RE.search(acts) or acts.strip().endswith("人民政府"):
        return Level.LOCAL_GOV_RULE
    if _REGULATION_TITLE_RE.search(title):
        return Level.LOCAL_REGULATION
    if _RULE_TITLE_RE.search(title):
        return Level.LOCAL_GOV_RULE
    return Level.NORMATIVE


def default_issuer(level: Level) -> str:
    return "国务院" if level is Level.ADMIN_REGULATION else ""


def infer_validity(texts: Sequence[str]) -> Validity:
    """Validity as the header or page states it; 现行有效 unless it says otherwise."""
    joined = "\n".join(texts)
    if _REPEALED_RE.search(joined):
        return Validity.REPEALED
    if _AMENDED_RE.search(joined):
        return Validity.AMENDED
    if _NOT_YET_RE.search(joined):
        return Validity.NOT_YET
    return Validity.CURRENT


def is_header_line(line: str) -> bool:
    """A 文号, date or promulgation line of a header (not the title, not body text)."""
    if len(line) > 200:
        return False
    if DOC_NUMBER_RE.match(line) and find_doc_number(line):
        return True
    stripped = line.strip("（）() ")
    if DATE_RE.fullmatch(stripped):
        return True
    return is_history_text(line) and (line[0] in "（(" or DATE_RE.match(line) is not None)


def _is_title_candidate(line: str) -> bool:
    return (
        0 < len(line) <= 120
        and not line.endswith(("。", "；", "：", ":"))
        and not DATE_RE.match(line)
        and not is_history_text(line)
        and not _NOT_TITLE_RE.search(line)
    )


def pick_title(header: Sequence[str], fields: Mapping[str, str], title_hint: str, path: Path | None) -> str:
    """名称 field of a scraped page, else the first title-like header line, else the hint or file name."""
    if fields.get("title"):
        return clean_title(fields["title"])
    for line in header[:3]:
        if _is_title_candidate(clean_title(line)):
            return clean_title(line)
    if title_hint:
        return clean_title(title_hint)
    return clean_title(path.stem) if path else ""


def _version_date(
    header: Sequence[str],
    entries: Sequence[HistoryEntry],
    fields: Mapping[str, str],
    signature: Sequence[str],
    path: Path | None,
    title_hint: str,
) -> date | None:
    """Latest date the header states (history, dated 文号 lines, page field, else signature), or the
    file name's date when that is later (a history that lists fewer amendments than the version has)."""
    stated = [e.date for e in entries if e.date is not None]
    stated += [d for line in header if is_header_line(line) for d in find_dates(line)]
    stated += find_dates(fields.get("date", ""))
    if not stated:
        stated = [d for line in signature for d in find_dates(line)]
    named = filename_date(path.name) if path else None
    named = named or filename_date(title_hint)
    candidates = [d for d in (max(stated) if stated else None, named) if d is not None]
    return max(candidates) if candidates else None


def _issuing_body(
    title: str,
    entries: Sequence[HistoryEntry],
    fields: Mapping[str, str],
    doc_number: str,
    signature: Sequence[str],
) -> str:
    for candidate in (
        fields.get("issuing_body", "").strip(),
        _latest_issuer(entries),
        issuer_from_title(title),
        issuer_from_doc_number(doc_number),
    ):
        if candidate:
            return candidate
    for line in signature:
        issuer = _clean_issuer_part(line)
        if issuer and not DATE_RE.search(line):
            return issuer
    return ""


def _validity_texts(fields: Mapping[str, str]) -> list[str]:
    return [f"时效性：{fields['validity']}"] if fields.get("validity") else []


def extract_metadata(
    header: Sequence[str],
    *,
    title_hint: str = "",
    path: Path | None = None,
    fields: Mapping[str, str] | None = None,
    signature: Sequence[str] = (),
    hints: DocumentMeta | None = None,
) -> DocumentMeta:
    """Metadata of a document from its header lines (title first), page fields and closing signature.

    ``fields`` uses the keys of ``PAGE_FIELD_ALIASES`` values (title, issuing_body, doc_number, date,
    validity). Hints win over everything inferred, field by field, where they are set.
    """
    fields = dict(fields or {})
    title = pick_title(header, fields, title_hint, path)
    body_header = [line for line in header if clean_title(line) != title]
    entries = parse_history(body_header)
    history = tuple(e.text for e in entries)
    header_text = "\n".join(body_header)
    doc_number = fields.get("doc_number", "").strip() or find_doc_number(
        f"{fields.get('title', '')}\n{header_text}"
    )
    doc_number = doc_number or find_order_number(header_text)
    issuing_body = _issuing_body(title, entries, fields, doc_number, signature)
    level = infer_level(title, history, doc_number, issuing_body)
    meta = DocumentMeta(
        title=title,
        level=level,
        issuing_body=issuing_body or default_issuer(level),
        version_date=_version_date(body_header, entries, fields, signature, path, title_hint),
        validity=infer_validity(
            [title, *_validity_texts(fields), *[h for h in body_header if not is_history_text(h)]]
        ),
        short_title=short_title(title),
        doc_number=doc_number,
        history=history,
        source=str(path) if path else "",
    )
    return apply_hints(meta, hints)


def apply_hints(meta: DocumentMeta, hints: DocumentMeta | None) -> DocumentMeta:
    """Hints win where they say something (a non-empty, non-default value)."""
    if hints is None:
        return meta
    if hints.title:
        title, short = hints.title, hints.short_title or short_title(hints.title)
    else:
        title, short = meta.title, hints.short_title or meta.short_title
    return replace(
        meta,
        title=title,
        short_title=short,
        level=hints.level if hints.level is not Level.OTHER else meta.level,
        validity=hints.validity if hints.validity is not Validity.CURRENT else meta.validity,
        issuing_body=hints.issuing_body or meta.issuing_body,
        version_date=hints.version_date or meta.version_date,
        doc_number=hints.doc_number or meta.doc_number,
        history=hints.history or meta.history,
        source=hints.source or meta.source,
    )
